import type { Db } from '../db/database'
import {
  FEED_START,
  findStatusChanges,
  findStoredStatus,
  findStoredStatuses,
  type ChangePosition,
  type StoredStatusRow,
} from '../db/payment-status-repository'
import { AppError, ERRORS } from '../domain/app-error'
import { encodeCursor, tryDecodeCursor, UUID } from '../domain/cursor'
import {
  unpaidFigures,
  type PaymentStatus,
  type PaymentStatusItem,
  type PaymentStatuses,
} from '../domain/payment-status'

/**
 * Payment statuses answered from the database alone, one query per call: the stored read of
 * GET /invoices/:id/payment-status (paid and not-exported invoices; the rest are looked up live
 * by PaymentService), and GET /payment-statuses, by ids or as a change feed from a cursor.
 */
export class PaymentStatusReads {
  constructor(private readonly db: Db) {}

  /** The final answer when the database has it (paid, not exported); undefined when Exact must be asked. */
  async stored(tenantId: string, invoiceId: string): Promise<PaymentStatus | undefined> {
    const row = await findStoredStatus(this.db, tenantId, invoiceId)
    if (!row.invoiceFound) throw new AppError('not_found', `No invoice "${invoiceId}".`)
    const item = toItem(row)
    if (item.status === 'not_exported' || row.state?.status === 'paid') return item as PaymentStatus
    return undefined
  }

  /** Each id's last known status, in the order asked; unknown ids as not_found items. */
  async byIds(tenantId: string, invoiceIds: readonly string[]): Promise<PaymentStatuses> {
    const rows = await findStoredStatuses(this.db, tenantId, [...new Set(invoiceIds)])
    return { items: rows.map(toItem), nextCursor: null, hasMore: false }
  }

  /** Invoices whose payment state changed after the cursor, oldest change first, each with its current status. */
  async changes(tenantId: string, cursor: string, limit: number): Promise<PaymentStatuses> {
    const after = decodeFeedCursor(cursor)
    const rows = await findStatusChanges(this.db, tenantId, after, limit + 1)
    const page = rows.slice(0, limit)
    // An invoice changed twice in the page (two exports' states) is listed once, at its last change.
    const last = new Map(page.map((r, i) => [r.invoiceId, i]))
    return {
      items: page.filter((r, i) => last.get(r.invoiceId) === i).map(toItem),
      nextCursor: encodeFeedCursor(page.at(-1)?.position ?? after),
      hasMore: rows.length > limit,
    }
  }
}

/** Mirrors PaymentService's stored answers; an exported invoice not read yet is unpaid for its booked total. */
function toItem(r: StoredStatusRow): PaymentStatusItem {
  const none = {
    paid: null,
    discount: null,
    outstanding: null,
    lastPaymentDate: null,
    checkedAt: null,
    source: 'stored' as const,
  }
  if (!r.invoiceFound) return { invoiceId: r.invoiceId, status: 'not_found', amount: null, currency: null, ...none }
  if (r.exportId === null)
    return {
      invoiceId: r.invoiceId,
      status: 'not_exported',
      amount: r.invoiceGross,
      currency: r.invoiceCurrency,
      ...none,
    }
  if (r.exportStatus !== 'exported' || r.entryId === null) {
    return {
      invoiceId: r.invoiceId,
      status: 'not_exported',
      amount: r.total,
      currency: r.state?.currency ?? r.invoiceCurrency,
      ...none,
    }
  }
  if (r.state) {
    const s = r.state
    return {
      invoiceId: r.invoiceId,
      status: s.status,
      amount: s.amount,
      paid: s.paid,
      discount: s.discount,
      outstanding: s.outstanding,
      currency: s.currency,
      lastPaymentDate: s.lastPaymentDate,
      checkedAt: s.checkedAt,
      source: 'stored',
    }
  }
  const f = unpaidFigures(r.total ?? '0.00')
  return {
    invoiceId: r.invoiceId,
    ...f,
    currency: r.invoiceCurrency,
    lastPaymentDate: null,
    checkedAt: null,
    source: 'stored',
  }
}

const XID = /^\d{1,20}$/
/** Cursors handed out before the shared codec: base64url of `<xid>.<exportId>`. Still accepted, since clients store them. */
const LEGACY_CURSOR = /^(\d{1,20})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/

function encodeFeedCursor(p: ChangePosition): string {
  return encodeCursor([p.xid, p.exportId])
}

function decodeFeedCursor(cursor: string): ChangePosition {
  if (cursor === '0') return FEED_START
  const legacy = LEGACY_CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  const [xid, exportId] = tryDecodeCursor(cursor, [XID, UUID]) ?? (legacy ? [legacy[1]!, legacy[2]!] : [])
  if (xid === undefined || exportId === undefined || BigInt(xid) > 18446744073709551615n) {
    throw ERRORS.invalidCursor('querystring/since', '0, or nextCursor from the previous answer')
  }
  return { xid, exportId }
}
