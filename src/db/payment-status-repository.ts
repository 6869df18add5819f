import { sql, type RawBuilder } from 'kysely'
import type { Executor } from './database'
import { prepared } from './prepared'
import type { PaymentStateRecord } from './payments-repository'

/**
 * What the database knows of an invoice's payment status, in one indexed query per call: the
 * invoice's live export or else its newest one, that export's stored payment state, and the
 * tenant check (every look-up is by tenant_id and invoice id).
 */
export interface StoredStatusRow {
  invoiceId: string
  invoiceFound: boolean
  exportId: string | null
  exportStatus: 'pending' | 'exported' | 'failed' | 'undone' | 'deleted_in_exact' | null
  entryId: string | null
  /** Exact's booked total when known, else what we sent. */
  total: string | null
  /** The stored state, without its source: a stored read answers `stored` whatever wrote it. */
  state: Omit<PaymentStateRecord, 'source'> | null
  /** From the invoice's content, only when there is no state (or no export). */
  invoiceCurrency: string | null
  /** The invoice's gross total, only when it has no export. */
  invoiceGross: string | null
}

interface Row {
  invoice_id: string
  invoice_found: boolean
  export_id: string | null
  export_status: StoredStatusRow['exportStatus']
  entry_id: string | null
  total: string | null
  status: 'unpaid' | 'partially_paid' | 'paid' | null
  amount: string | null
  paid: string | null
  discount: string | null
  outstanding: string | null
  currency: string | null
  last_payment_date: string | null
  checked_at: Date | null
  invoice_currency: string | null
  invoice_gross: string | null
}

/*
 * `id` is the invoice id the row is about. The invoice itself is read only when the row has no
 * export (is there such an invoice? its gross) or no state (its currency): an export exists only
 * for an invoice of that tenant (foreign key), and a paid invoice's read never touches its JSON,
 * which can be large.
 */
const columns = (tenantId: string, id: RawBuilder<unknown>) => sql`
  t.export_id, t.export_status, t.entry_id, t.total,
  p.status, p.amount, p.paid, p.discount, p.outstanding, p.currency, p.last_payment_date, p.checked_at,
  case when t.export_id is null then exists (select from invoices i where i.tenant_id = ${tenantId}::uuid and i.id = ${id}) else true end as invoice_found,
  case when p.export_id is null then (select i.content->>'currency' from invoices i where i.tenant_id = ${tenantId}::uuid and i.id = ${id}) end as invoice_currency,
  case when t.export_id is null then (select i.content->'totals'->>'gross' from invoices i where i.tenant_id = ${tenantId}::uuid and i.id = ${id}) end as invoice_gross`

/*
 * The invoice's live export (one probe of the partial unique index), else its newest
 * (exports_tenant_invoice, read backwards): the Append stops at the first row, so the usual case
 * costs one index probe and no sort. Then that export's state.
 */
const target = (tenantId: string, id: RawBuilder<unknown>) => sql`
  left join lateral (
    (select e.id as export_id, e.status as export_status, e.entry_id, coalesce(e.exact_total, e.total) as total
     from exports e where e.tenant_id = ${tenantId}::uuid and e.invoice_id = ${id} and e.status in ('pending', 'exported'))
    union all
    (select e.id, e.status, e.entry_id, coalesce(e.exact_total, e.total)
     from exports e where e.tenant_id = ${tenantId}::uuid and e.invoice_id = ${id} order by e.created_at desc limit 1)
    limit 1
  ) t on true
  left join payment_states p on p.export_id = t.export_id`

/*
 * One id: the statement Postgres keeps a generic plan for (a named statement, see prepared.ts),
 * so a read costs what a primary-key look-up does. With an array of ids Postgres plans each call
 * anew (it cannot know the array's length), which 100 ids at a time easily carry.
 */
const byInvoiceId = prepared(
  (_db, tenantId: string, invoiceId: string) => sql<Row>`
  select q.id as invoice_id, ${columns(tenantId, sql`q.id`)}
  from (select ${invoiceId}::text as id) q
  ${target(tenantId, sql`q.id`)}`,
)

const byInvoiceIds = prepared(
  (_db, tenantId: string, invoiceIds: readonly string[]) => sql<Row>`
  select q.id as invoice_id, ${columns(tenantId, sql`q.id`)}
  from unnest(${invoiceIds}::text[]) with ordinality as q(id, n)
  ${target(tenantId, sql`q.id`)}
  order by q.n`,
)

export async function findStoredStatus(db: Executor, tenantId: string, invoiceId: string): Promise<StoredStatusRow> {
  const [row] = await byInvoiceId(db, tenantId, invoiceId)
  return rowToStoredStatus(row!)
}

/** One row per id asked, in the order asked; an id the tenant has no invoice for has invoiceFound false. */
export async function findStoredStatuses(
  db: Executor,
  tenantId: string,
  invoiceIds: readonly string[],
): Promise<StoredStatusRow[]> {
  return (await byInvoiceIds(db, tenantId, invoiceIds)).map(rowToStoredStatus)
}

/** A position in the change feed: the writing transaction's id, then the export (ties within one transaction). */
export interface ChangePosition {
  xid: string
  exportId: string
}

export const FEED_START: ChangePosition = { xid: '0', exportId: '00000000-0000-0000-0000-000000000000' }

/*
 * Only changes below pg_snapshot_xmin are handed out: every transaction with a smaller id has
 * ended, so no change can still appear behind the cursor (see migration 0013). A transaction held
 * open for long (a bulk claim) delays the feed by as long; it never makes it skip.
 */
const changesAfter = prepared(
  (_db, tenantId: string, xid: string, exportId: string, limit: number) => sql<
    Row & { change_xid: string; change_export_id: string }
  >`
  with changed as (
    select c.invoice_id, c.change_xid, c.export_id from payment_states c
    where c.tenant_id = ${tenantId}::uuid
      and (c.change_xid, c.export_id) > (${xid}::xid8, ${exportId}::uuid)
      and c.change_xid < pg_snapshot_xmin(pg_current_snapshot())
    order by c.change_xid, c.export_id
    limit ${limit}
  )
  select ch.change_xid::text as change_xid, ch.export_id as change_export_id, ch.invoice_id, ${columns(tenantId, sql`ch.invoice_id`)}
  from changed ch
  ${target(tenantId, sql`ch.invoice_id`)}
  order by ch.change_xid, ch.export_id`,
)

/** Payment states written after `after`, oldest first, at most `limit`, each with the invoice's current status. */
export async function findStatusChanges(
  db: Executor,
  tenantId: string,
  after: ChangePosition,
  limit: number,
): Promise<Array<StoredStatusRow & { position: ChangePosition }>> {
  const rows = await changesAfter(db, tenantId, after.xid, after.exportId, limit)
  return rows.map((r) => ({ ...rowToStoredStatus(r), position: { xid: r.change_xid, exportId: r.change_export_id } }))
}

function rowToStoredStatus(r: Row): StoredStatusRow {
  return {
    invoiceId: r.invoice_id,
    invoiceFound: r.invoice_found,
    exportId: r.export_id,
    exportStatus: r.export_status,
    entryId: r.entry_id,
    total: r.total,
    invoiceCurrency: r.invoice_currency,
    invoiceGross: r.invoice_gross,
    state:
      r.status === null
        ? null
        : {
            status: r.status,
            amount: r.amount!,
            paid: r.paid!,
            discount: r.discount!,
            outstanding: r.outstanding!,
            currency: r.currency!,
            lastPaymentDate: r.last_payment_date,
            checkedAt: r.checked_at!,
          },
  }
}
