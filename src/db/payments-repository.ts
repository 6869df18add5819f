import { sql, type Selectable } from 'kysely'
import type { Executor, Tx } from './database'
import type { PaymentStatesTable } from './schema'

/** An export whose payments we follow, with what we last knew. */
export interface PaymentTarget {
  exportId: string
  tenantId: string
  invoiceId: string
  type: 'sales' | 'purchase'
  exportStatus: 'pending' | 'exported' | 'failed' | 'undone' | 'deleted_in_exact'
  entryId: string | null
  entryNumber: number | null
  journal: string | null
  /** The booked total (numeric string; Exact's own figure when known), null before it is booked. */
  total: string | null
  /** From the stored invoice (invoices.content.currency). */
  currency: string | null
  state: PaymentStateRecord | null
}

export interface PaymentStateRecord {
  status: 'unpaid' | 'partially_paid' | 'paid'
  amount: string
  paid: string
  discount: string
  outstanding: string
  currency: string
  lastPaymentDate: string | null
  checkedAt: Date
  source: 'live' | 'sync' | 'webhook'
}

function rowToState(r: Omit<Selectable<PaymentStatesTable>, 'change_xid'>): PaymentStateRecord {
  return {
    status: r.status,
    amount: r.amount,
    paid: r.paid,
    discount: r.discount,
    outstanding: r.outstanding,
    currency: r.currency,
    lastPaymentDate: r.last_payment_date,
    checkedAt: r.checked_at,
    source: r.source,
  }
}

function targets(db: Executor) {
  return db
    .selectFrom('exports as e')
    .innerJoin('invoices as i', (j) => j.onRef('i.tenant_id', '=', 'e.tenant_id').onRef('i.id', '=', 'e.invoice_id'))
    .leftJoin('payment_states as p', 'p.export_id', 'e.id')
    .select([
      'e.id as export_id',
      'e.tenant_id',
      'e.invoice_id',
      'e.type',
      'e.status as export_status',
      'e.entry_id',
      'e.entry_number',
      'e.journal',
      // What Exact booked when it said so (its rounding), else what we sent.
      sql<string | null>`coalesce(e.exact_total, e.total)`.as('total'),
      sql<string | null>`i.content->>'currency'`.as('invoice_currency'),
      'p.status',
      'p.amount',
      'p.paid',
      'p.discount',
      'p.outstanding',
      'p.currency',
      'p.last_payment_date',
      'p.checked_at',
      'p.source',
    ])
}

type TargetRow = Awaited<ReturnType<ReturnType<typeof targets>['executeTakeFirstOrThrow']>>

function rowToTarget(r: TargetRow): PaymentTarget {
  return {
    exportId: r.export_id,
    tenantId: r.tenant_id,
    invoiceId: r.invoice_id,
    type: r.type,
    exportStatus: r.export_status,
    entryId: r.entry_id,
    entryNumber: r.entry_number,
    journal: r.journal,
    total: r.total,
    currency: r.invoice_currency,
    state:
      r.status === null
        ? null
        : rowToState({
            export_id: r.export_id,
            tenant_id: r.tenant_id,
            invoice_id: r.invoice_id,
            status: r.status,
            amount: r.amount!,
            paid: r.paid!,
            discount: r.discount!,
            outstanding: r.outstanding!,
            currency: r.currency!,
            last_payment_date: r.last_payment_date,
            checked_at: r.checked_at!,
            source: r.source!,
            updated_at: r.checked_at!,
          }),
  }
}

export async function invoiceExists(
  db: Executor,
  tenantId: string,
  invoiceId: string,
): Promise<{ currency: string | null; gross: string | null } | undefined> {
  const row = await db
    .selectFrom('invoices')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', invoiceId)
    .select([
      sql<string | null>`content->>'currency'`.as('currency'),
      sql<string | null>`content->'totals'->>'gross'`.as('gross'),
    ])
    .executeTakeFirst()
  return row
}

/** The invoice's live export if it has one, else its newest export (to say deleted_in_exact/undone). */
export async function findPaymentTarget(
  db: Executor,
  tenantId: string,
  invoiceId: string,
): Promise<PaymentTarget | undefined> {
  const row = await targets(db)
    .where('e.tenant_id', '=', tenantId)
    .where('e.invoice_id', '=', invoiceId)
    .orderBy(sql`case when e.status in ('pending', 'exported') then 0 else 1 end`)
    .orderBy('e.created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row && rowToTarget(row)
}

/** Exported exports booked as these Exact entries (the sync maps Exact's rows back to ours). */
export async function findTargetsByEntryIds(
  db: Executor,
  tenantId: string,
  entryIds: string[],
  opts: { lock?: boolean } = {},
): Promise<PaymentTarget[]> {
  if (entryIds.length === 0) return []
  let query = targets(db)
    .where('e.tenant_id', '=', tenantId)
    .where('e.status', '=', 'exported')
    .where(
      'e.entry_id',
      'in',
      entryIds.map((id) => id.toLowerCase()),
    )
    .orderBy('e.id')
  if (opts.lock) query = query.forUpdate('e')
  return (await query.execute()).map(rowToTarget)
}

/** Locks the export's row so a live look-up and a sync apply one after the other. */
export async function lockTarget(trx: Tx, exportId: string): Promise<PaymentTarget | undefined> {
  const row = await targets(trx).where('e.id', '=', exportId).forUpdate('e').executeTakeFirst()
  return row && rowToTarget(row)
}

type StateKey = { exportId: string; tenantId: string; invoiceId: string }

/**
 * Upserts states in one statement. A reading older than the stored one (checked_at) is ignored:
 * a slow sync page must not undo what a live look-up saw a moment later.
 */
export async function savePaymentStates(
  trx: Executor,
  states: Array<{ target: StateKey; state: PaymentStateRecord }>,
): Promise<void> {
  if (states.length === 0) return
  const rows = states.map(({ target, state: s }) => ({
    export_id: target.exportId,
    tenant_id: target.tenantId,
    invoice_id: target.invoiceId,
    status: s.status,
    amount: s.amount,
    paid: s.paid,
    discount: s.discount,
    outstanding: s.outstanding,
    currency: s.currency,
    last_payment_date: s.lastPaymentDate,
    checked_at: s.checkedAt,
    source: s.source,
  }))
  await trx
    .insertInto('payment_states')
    .values(rows)
    .onConflict((oc) =>
      oc
        .column('export_id')
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          amount: eb.ref('excluded.amount'),
          paid: eb.ref('excluded.paid'),
          discount: eb.ref('excluded.discount'),
          outstanding: eb.ref('excluded.outstanding'),
          currency: eb.ref('excluded.currency'),
          last_payment_date: eb.ref('excluded.last_payment_date'),
          checked_at: eb.ref('excluded.checked_at'),
          source: eb.ref('excluded.source'),
          updated_at: sql`now()`,
        }))
        .where('payment_states.checked_at', '<=', (eb) => eb.ref('excluded.checked_at')),
    )
    .execute()
}

/** An entry removed in Exact: the export stops being live, so a bulk export picks the invoice up again. */
export async function markDeletedInExact(
  trx: Executor,
  tenantId: string,
  entryIds: string[],
): Promise<Array<{ exportId: string; invoiceId: string; entryId: string }>> {
  if (entryIds.length === 0) return []
  const rows = await trx
    .updateTable('exports')
    .set({ status: 'deleted_in_exact', updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'exported')
    .where(
      'entry_id',
      'in',
      entryIds.map((id) => id.toLowerCase()),
    )
    .returning(['id', 'invoice_id', 'entry_id'])
    .execute()
  return rows.map((r) => ({ exportId: r.id, invoiceId: r.invoice_id, entryId: r.entry_id! }))
}

// ---- synced payment terms

export interface StoredTerm {
  termId: string
  entryId: string
  amount: string
  total: string
  discount: string
  matched: boolean
  lastPaymentDate: string | null
  discountDueDate: string | null
  currency: string
  timestamp: string
}

/** Upserts synced terms; a row older (by Exact's row version) than the stored one is ignored. */
export async function upsertPaymentTerms(trx: Executor, tenantId: string, terms: readonly StoredTerm[]): Promise<void> {
  // Several rows for one term in a batch would make ON CONFLICT fail: keep the newest.
  const newest = new Map<string, StoredTerm>()
  for (const t of terms) {
    const seen = newest.get(t.termId)
    if (!seen || BigInt(seen.timestamp) < BigInt(t.timestamp)) newest.set(t.termId, t)
  }
  const rows = [...newest.values()].map((t) => ({
    tenant_id: tenantId,
    term_id: t.termId,
    entry_id: t.entryId,
    amount: t.amount,
    total: t.total,
    discount: t.discount,
    matched: t.matched,
    last_payment_date: t.lastPaymentDate,
    currency: t.currency,
    exact_timestamp: t.timestamp,
    discount_due_date: t.discountDueDate,
  }))
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('payment_terms')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'term_id'])
          .doUpdateSet((eb) => ({
            entry_id: eb.ref('excluded.entry_id'),
            amount: eb.ref('excluded.amount'),
            total: eb.ref('excluded.total'),
            discount: eb.ref('excluded.discount'),
            matched: eb.ref('excluded.matched'),
            last_payment_date: eb.ref('excluded.last_payment_date'),
            currency: eb.ref('excluded.currency'),
            exact_timestamp: eb.ref('excluded.exact_timestamp'),
            discount_due_date: eb.ref('excluded.discount_due_date'),
          }))
          .where('payment_terms.exact_timestamp', '<=', (eb) => eb.ref('excluded.exact_timestamp')),
      )
      .execute()
  }
}

export async function findTermsByEntryIds(
  db: Executor,
  tenantId: string,
  entryIds: readonly string[],
): Promise<StoredTerm[]> {
  if (entryIds.length === 0) return []
  const rows = await db
    .selectFrom('payment_terms')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(
      'entry_id',
      'in',
      entryIds.map((id) => id.toLowerCase()),
    )
    .orderBy('term_id')
    .execute()
  return rows.map((r) => ({
    termId: r.term_id,
    entryId: r.entry_id,
    amount: r.amount,
    total: r.total,
    discount: r.discount,
    matched: r.matched,
    lastPaymentDate: r.last_payment_date,
    discountDueDate: r.discount_due_date,
    currency: r.currency,
    timestamp: r.exact_timestamp,
  }))
}

/** Tombstoned terms: removed; answers the entries they belonged to. */
export async function deletePaymentTerms(
  trx: Executor,
  tenantId: string,
  termIds: readonly string[],
): Promise<string[]> {
  if (termIds.length === 0) return []
  const rows = await trx
    .deleteFrom('payment_terms')
    .where('tenant_id', '=', tenantId)
    .where(
      'term_id',
      'in',
      termIds.map((id) => id.toLowerCase()),
    )
    .returning('entry_id')
    .execute()
  return [...new Set(rows.map((r) => r.entry_id))]
}
