import type { Db, Executor } from '../db/database'
import {
  findPaymentTarget,
  invoiceExists,
  lockTarget,
  markDeletedInExact,
  savePaymentStates,
  type PaymentStateRecord,
  type PaymentTarget,
} from '../db/payments-repository'
import { enqueueWebhookEvent } from '../db/webhook-outbox-repository'
import { AppError } from '../domain/app-error'
import { findReceivablesListFilter, recordReceivablesListFilter } from '../db/connection-capabilities-repository'
import {
  factsFromTerms,
  paymentChanged,
  paymentFigures,
  unpaidFigures,
  type PaymentFigures,
  type PaymentStatus,
} from '../domain/payment-status'
import { entryExists, readOpenItem } from '../exact/payments'
import type { Logger } from '../logger'
import type { ExactSessions } from './exact-session/exact-sessions'
import { toAppError } from './exact-session/exact-errors'
import { PaymentStatusReads } from './payment-status-reads'

/** One reading of an export's open item, from a live look-up or a sync page. */
export interface PaymentReading {
  figures: PaymentFigures
  lastPaymentDate: string | null
  currency: string
  /** When Exact was asked: an older reading never overwrites a newer one. */
  observedAt: Date
  source: 'live' | 'sync' | 'webhook'
}

type Known = PaymentFigures & { lastPaymentDate: string | null }

/** What we knew before this reading: the stored state, or "unpaid for the booked total". */
function knownState(target: PaymentTarget): Known | null {
  if (target.state) return { ...target.state, lastPaymentDate: target.state.lastPaymentDate }
  return target.total === null ? null : { ...unpaidFigures(target.total), lastPaymentDate: null }
}

function webhookPayload(target: PaymentTarget, r: PaymentReading): Record<string, unknown> {
  return {
    invoiceId: target.invoiceId,
    exportId: target.exportId,
    type: target.type,
    entryNumber: target.entryNumber,
    status: r.figures.status,
    amount: r.figures.amount,
    paid: r.figures.paid,
    discount: r.figures.discount,
    outstanding: r.figures.outstanding,
    currency: r.currency,
    lastPaymentDate: r.lastPaymentDate,
    checkedAt: r.observedAt.toISOString(),
  }
}

/**
 * Stores readings for targets the caller has locked, and records one `invoice.payment_updated`
 * per export whose state changed (same transaction: never lost, never sent for a rolled-back
 * change). Returns how many changed.
 */
export async function applyReadings(
  trx: Executor,
  readings: Array<{ target: PaymentTarget; reading: PaymentReading }>,
): Promise<number> {
  const fresh = readings.filter(
    ({ target, reading }) => !target.state || target.state.checkedAt.getTime() <= reading.observedAt.getTime(),
  )
  await savePaymentStates(
    trx,
    fresh.map(({ target, reading }) => ({
      target,
      state: {
        ...reading.figures,
        lastPaymentDate: reading.lastPaymentDate,
        currency: reading.currency,
        checkedAt: reading.observedAt,
        source: reading.source,
      },
    })),
  )
  let changed = 0
  for (const { target, reading } of fresh) {
    const before = knownState(target)
    if (before && !paymentChanged(before, { ...reading.figures, lastPaymentDate: reading.lastPaymentDate })) continue
    changed += 1
    await enqueueWebhookEvent(trx, {
      tenantId: target.tenantId,
      type: 'invoice.payment_updated',
      payload: webhookPayload(target, reading),
    })
  }
  return changed
}

/**
 * Entries a bookkeeper removed in Exact: their exports become `deleted_in_exact` (no longer live,
 * so the partial unique index lets the invoice be exported again, and a bulk export picks it up),
 * and the app hears of it as `export.undone` with that status.
 */
export async function applyDeletedEntries(trx: Executor, tenantId: string, entryIds: string[]): Promise<number> {
  const gone = await markDeletedInExact(trx, tenantId, entryIds)
  for (const g of gone) {
    await enqueueWebhookEvent(trx, {
      tenantId,
      type: 'export.undone',
      payload: {
        exportId: g.exportId,
        invoiceId: g.invoiceId,
        entryId: g.entryId,
        status: 'deleted_in_exact',
        reason: 'The entry was deleted in Exact Online itself.',
      },
    })
  }
  return gone.length
}

function view(
  invoiceId: string,
  state: Known & { currency: string | null },
  checkedAt: Date | null,
  source: 'live' | 'stored',
): PaymentStatus {
  return {
    invoiceId,
    status: state.status,
    amount: state.amount,
    paid: state.paid,
    discount: state.discount,
    outstanding: state.outstanding,
    currency: state.currency,
    lastPaymentDate: state.lastPaymentDate,
    checkedAt,
    source,
  }
}

function storedView(invoiceId: string, s: PaymentStateRecord): PaymentStatus {
  return view(invoiceId, s, s.checkedAt, 'stored')
}

function notExported(
  invoiceId: string,
  amount: string | null,
  currency: string | null,
  checkedAt: Date | null,
  source: 'live' | 'stored',
): PaymentStatus {
  return {
    invoiceId,
    status: 'not_exported',
    amount,
    paid: null,
    discount: null,
    outstanding: null,
    currency,
    lastPaymentDate: null,
    checkedAt,
    source,
  }
}

/** GET /invoices/:id/payment-status: live from Exact unless already known to be paid. */
export class PaymentService {
  constructor(
    private readonly db: Db,
    private readonly exact: ExactSessions,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
    private readonly reads: PaymentStatusReads = new PaymentStatusReads(db),
  ) {}

  async status(tenantId: string, invoiceId: string): Promise<PaymentStatus> {
    // Paid and not-exported invoices (most reads) in one prepared query; the rest are read live below.
    const stored = await this.reads.stored(tenantId, invoiceId)
    if (stored) return stored
    const target = await findPaymentTarget(this.db, tenantId, invoiceId)
    if (!target) {
      const invoice = await invoiceExists(this.db, tenantId, invoiceId)
      if (!invoice) throw new AppError('not_found', `No invoice "${invoiceId}".`)
      return notExported(invoiceId, invoice.gross, invoice.currency, null, 'stored')
    }
    if (target.exportStatus !== 'exported' || target.entryId === null)
      return notExported(invoiceId, target.total, target.currency, null, 'stored')
    if (target.state?.status === 'paid') return storedView(invoiceId, target.state)
    return this.lookUp(target)
  }

  private async lookUp(target: PaymentTarget): Promise<PaymentStatus> {
    const observedAt = this.clock()
    const entryId = target.entryId!
    let reading: PaymentReading | 'deleted'
    try {
      const client = await this.exact.clientFor(target.tenantId, 'interactive')
      const listFilter = await findReceivablesListFilter(this.db, target.tenantId)
      const item = await readOpenItem(
        client,
        target.type,
        { entryId, entryNumber: target.entryNumber, journal: target.journal },
        { listFilter },
      )
      if (item?.listFilter && item.listFilter !== listFilter)
        await recordReceivablesListFilter(this.db, target.tenantId, item.listFilter)
      if (item) {
        const facts = factsFromTerms(item.terms, {
          bookedTotal: target.total,
          ...(item.listOutstanding !== undefined ? { listOutstanding: item.listOutstanding } : {}),
        })
        reading = {
          figures: paymentFigures(facts),
          lastPaymentDate: facts.lastPaymentDate,
          currency: item.currency || target.currency || 'EUR',
          observedAt,
          source: 'live',
        }
      } else if (await entryExists(client, target.type, entryId)) {
        // Booked, but Exact shows no open item yet: nothing can have been paid.
        reading = {
          figures: unpaidFigures(target.total ?? '0.00'),
          lastPaymentDate: null,
          currency: target.currency ?? 'EUR',
          observedAt,
          source: 'live',
        }
      } else {
        reading = 'deleted'
      }
    } catch (error) {
      throw toAppError(error)
    }
    return this.db.transaction().execute(async (trx) => {
      const locked = await lockTarget(trx, target.exportId)
      if (!locked || locked.exportStatus !== 'exported')
        return notExported(target.invoiceId, target.total, target.currency, observedAt, 'live')
      if (reading === 'deleted') {
        await applyDeletedEntries(trx, target.tenantId, [entryId])
        this.logger.info(
          { tenantId: target.tenantId, exportId: target.exportId },
          'entry deleted in Exact: export marked deleted_in_exact',
        )
        return notExported(target.invoiceId, target.total, target.currency, observedAt, 'live')
      }
      await applyReadings(trx, [{ target: locked, reading }])
      return view(
        target.invoiceId,
        { ...reading.figures, lastPaymentDate: reading.lastPaymentDate, currency: reading.currency },
        observedAt,
        'live',
      )
    })
  }
}
