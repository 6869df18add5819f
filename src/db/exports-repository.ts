import { sql, type Selectable } from 'kysely'
import type { Executor } from './database'
import type { AttemptRecord, ExportRecord } from '../domain/export-record'
import type { ExportStatusColumn, ExportsTable } from './schema'

export type { AttemptRecord, ExportRecord } from '../domain/export-record'

function rowToExport(r: Selectable<ExportsTable>): ExportRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    invoiceId: r.invoice_id,
    type: r.type,
    status: r.status,
    marker: r.marker,
    contentHash: r.content_hash,
    invoiceNumber: r.invoice_number,
    journal: r.journal,
    entryId: r.entry_id,
    entryNumber: r.entry_number,
    relationId: r.relation_id,
    relationCode: r.relation_code,
    relationCreated: r.relation_created,
    total: r.total,
    exactTotal: r.exact_total,
    totalMismatch: r.total_mismatch,
    changedSinceExport: r.changed_since_export,
    modifiedInExact: r.modified_in_exact,
    modifiedFields: Array.isArray(r.modified_fields) ? (r.modified_fields as string[]) : [],
    exactType: r.exact_type,
    typeMismatch: r.type_mismatch,
    readBackAt: r.read_back_at,
    paymentReference: r.payment_reference,
    errorCode: r.error_code,
    errorDetail: r.error_detail,
    recoveryAttempts: r.recovery_attempts,
    nextRecoveryAt: r.next_recovery_at,
    exportedAt: r.exported_at,
    undoneAt: r.undone_at,
    createdAt: r.created_at,
    document: r.document_status
      ? {
          status: r.document_status,
          exactDocumentId: r.exact_document_id,
          exactAttachmentId: r.exact_attachment_id,
          error: r.document_error,
          attachedAt: r.document_attached_at,
        }
      : null,
  }
}

export async function findExport(db: Executor, tenantId: string, id: string): Promise<ExportRecord | undefined> {
  const row = await db
    .selectFrom('exports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && rowToExport(row)
}

/** The pending or exported export of an invoice (at most one: partial unique index). */
export async function findLiveExport(
  db: Executor,
  tenantId: string,
  invoiceId: string,
): Promise<ExportRecord | undefined> {
  const row = await db
    .selectFrom('exports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .where('status', 'in', ['pending', 'exported'])
    .executeTakeFirst()
  return row && rowToExport(row)
}

/** The newest export of an invoice, whatever its status (GET /invoices/:id/export). */
export async function findLatestExport(
  db: Executor,
  tenantId: string,
  invoiceId: string,
): Promise<ExportRecord | undefined> {
  const row = await db
    .selectFrom('exports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row && rowToExport(row)
}

export async function insertPendingExport(
  trx: Executor,
  v: {
    tenantId: string
    invoiceId: string
    type: 'sales' | 'purchase'
    marker: string
    contentHash: string
    invoiceNumber: string
    journal: string
    total: string
    leaseMs: number
    leaseHolder: string
    /** The duplicate-number guard's key (exportNumberKey); null when a duplicate number was allowed. */
    numberKey: string | null
  },
): Promise<ExportRecord> {
  const row = await trx
    .insertInto('exports')
    .values({
      tenant_id: v.tenantId,
      invoice_id: v.invoiceId,
      type: v.type,
      status: 'pending',
      marker: v.marker,
      content_hash: v.contentHash,
      invoice_number: v.invoiceNumber,
      journal: v.journal,
      total: v.total,
      entry_id: null,
      entry_number: null,
      relation_id: null,
      relation_code: null,
      error_code: null,
      error_detail: null,
      exported_at: null,
      undone_at: null,
      exact_total: null,
      lease_until: sql<Date>`now() + ${`${v.leaseMs} milliseconds`}::interval`,
      lease_holder: v.leaseHolder,
      number_key: v.numberKey,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return rowToExport(row)
}

/**
 * Takes the right to talk to Exact about this export as `holder`, unless someone holds an unexpired
 * lease or the export is no longer in one of `statuses` (pending: to book it; undo also takes an
 * exported one). Every write that follows is fenced by the holder.
 */
export async function claimLease(
  db: Executor,
  exportId: string,
  holder: string,
  leaseMs: number,
  statuses: readonly ExportStatusColumn[] = ['pending'],
): Promise<boolean> {
  const row = await db
    .updateTable('exports')
    .set({ lease_until: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval`, lease_holder: holder })
    .where('id', '=', exportId)
    .where('status', 'in', [...statuses])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** The holder's heartbeat; false when the lease is someone else's now (or settled): stop driving. */
export async function renewLease(db: Executor, exportId: string, holder: string, leaseMs: number): Promise<boolean> {
  const row = await db
    .updateTable('exports')
    .set({ lease_until: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where('id', '=', exportId)
    .where('lease_holder', '=', holder)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Gives the lease up; a no-op when it is no longer this holder's. */
export async function releaseLease(db: Executor, exportId: string, holder: string): Promise<void> {
  await db
    .updateTable('exports')
    .set({ lease_until: null, lease_holder: null })
    .where('id', '=', exportId)
    .where('lease_holder', '=', holder)
    .execute()
}

export async function setRelation(
  db: Executor,
  exportId: string,
  r: { id: string; code: string | null; created: boolean },
): Promise<void> {
  await db
    .updateTable('exports')
    .set({ relation_id: r.id, relation_code: r.code, relation_created: r.created, updated_at: sql`now()` })
    .where('id', '=', exportId)
    .execute()
}

/** Exact's own figures for a booked entry, as far as an answer (POST or read-back) gave them. */
export interface EntryFigures {
  exactTotal: string | null
  totalMismatch: boolean
  exactType: number | null
  typeMismatch: boolean
  /** Set when the figures come from a read-back (then `lineIds` are the entry's lines). */
  readBack: boolean
  lineIds: string[]
}

/** Settles a pending export as booked; undefined when `holder` no longer holds its lease. */
export async function markExported(
  db: Executor,
  exportId: string,
  holder: string,
  v: { entryId: string; entryNumber: number | null; paymentReference: string | null } & EntryFigures,
): Promise<ExportRecord | undefined> {
  const row = await db
    .updateTable('exports')
    .set({
      status: 'exported',
      entry_id: v.entryId,
      entry_number: v.entryNumber,
      exact_total: v.exactTotal,
      total_mismatch: v.totalMismatch,
      exact_type: v.exactType,
      type_mismatch: v.typeMismatch,
      payment_reference: v.paymentReference,
      read_back_at: v.readBack ? sql<Date>`now()` : null,
      exported_at: sql`now()`,
      lease_until: null,
      lease_holder: null,
      error_code: null,
      error_detail: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', exportId)
    .where('lease_holder', '=', holder)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()
  if (!row) return undefined
  const exported = rowToExport(row)
  await saveEntryLines(db, exported.tenantId, exportId, v.lineIds)
  return exported
}

/** A later read-back's figures (a bulk job's batch); null: Exact no longer has the entry, only the attempt is noted. */
export async function applyReadBack(db: Executor, exportId: string, v: EntryFigures | null): Promise<void> {
  const figures =
    v === null
      ? {}
      : {
          exact_total: v.exactTotal,
          total_mismatch: v.totalMismatch,
          exact_type: v.exactType,
          type_mismatch: v.typeMismatch,
        }
  const row = await db
    .updateTable('exports')
    .set({ ...figures, read_back_at: sql<Date>`now()`, updated_at: sql`now()` })
    .where('id', '=', exportId)
    .returning('tenant_id')
    .executeTakeFirst()
  if (row && v) await saveEntryLines(db, row.tenant_id, exportId, v.lineIds)
}

/** Exported exports of one type whose figures were never read back, oldest first (the batched read-back's work). */
export async function listExportsToReadBack(
  db: Executor,
  tenantId: string,
  type: 'sales' | 'purchase',
  limit: number,
): Promise<Array<{ id: string; entryId: string; total: string | null; invoiceNumber: string }>> {
  const rows = await db
    .selectFrom('exports')
    .select(['id', 'entry_id', 'total', 'invoice_number'])
    .where('tenant_id', '=', tenantId)
    .where('type', '=', type)
    .where('status', '=', 'exported')
    .where('read_back_at', 'is', null)
    .where('entry_id', 'is not', null)
    .orderBy('exported_at')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ id: r.id, entryId: r.entry_id!, total: r.total, invoiceNumber: r.invoice_number }))
}

async function saveEntryLines(db: Executor, tenantId: string, exportId: string, lineIds: string[]): Promise<void> {
  if (lineIds.length === 0) return
  await db
    .insertInto('export_entry_lines')
    .values(lineIds.map((lineId) => ({ tenant_id: tenantId, line_id: lineId, export_id: exportId })))
    .onConflict((oc) => oc.columns(['tenant_id', 'line_id']).doNothing())
    .execute()
}

/**
 * sync/Deleted EntityType 1 tombstones: forgets these line IDs and answers the exported exports
 * that have no line left. Such an entry was deleted, or its lines were all replaced: the caller
 * asks Exact which before it calls the entry gone.
 */
export async function removeTombstonedLines(
  db: Executor,
  tenantId: string,
  lineIds: readonly string[],
): Promise<Array<{ exportId: string; type: 'sales' | 'purchase'; entryId: string }>> {
  if (lineIds.length === 0) return []
  const gone = await db
    .deleteFrom('export_entry_lines')
    .where('tenant_id', '=', tenantId)
    .where(
      'line_id',
      'in',
      lineIds.map((id) => id.toLowerCase()),
    )
    .returning('export_id')
    .execute()
  const exportIds = [...new Set(gone.map((r) => r.export_id))]
  if (exportIds.length === 0) return []
  const rows = await db
    .selectFrom('exports as e')
    .select(['e.id', 'e.type', 'e.entry_id'])
    .where('e.id', 'in', exportIds)
    .where('e.status', '=', 'exported')
    .where('e.entry_id', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('export_entry_lines as l').select('l.line_id').whereRef('l.export_id', '=', 'e.id')),
      ),
    )
    .execute()
  return rows.map((r) => ({ exportId: r.id, type: r.type, entryId: r.entry_id! }))
}

/** Settles a pending export as refused; undefined when `holder` no longer holds its lease. */
export async function markFailed(
  db: Executor,
  exportId: string,
  holder: string,
  code: string,
  detail: string,
): Promise<ExportRecord | undefined> {
  const row = await db
    .updateTable('exports')
    .set({
      status: 'failed',
      error_code: code,
      error_detail: detail,
      lease_until: null,
      lease_holder: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', exportId)
    .where('lease_holder', '=', holder)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()
  return row && rowToExport(row)
}

/**
 * Marks the export undone. With `holder`, only while that holder has the lease (the entry was
 * deleted under it); without, only a failed export (nothing in Exact, no lease needed).
 * Undefined when that does not hold.
 */
export async function markUndone(db: Executor, exportId: string, holder?: string): Promise<ExportRecord | undefined> {
  let q = db
    .updateTable('exports')
    .set({ status: 'undone', undone_at: sql`now()`, lease_until: null, lease_holder: null, updated_at: sql`now()` })
    .where('id', '=', exportId)
  q = holder === undefined ? q.where('status', '=', 'failed') : q.where('lease_holder', '=', holder)
  const row = await q.returningAll().executeTakeFirst()
  return row && rowToExport(row)
}

/** PUT of a changed invoice: its booked export is flagged (the entry in Exact is not touched). */
export async function flagChangedSinceExport(
  db: Executor,
  tenantId: string,
  invoiceId: string,
  contentHash: string,
): Promise<void> {
  await db
    .updateTable('exports')
    .set({ changed_since_export: sql<boolean>`content_hash <> ${contentHash}`, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .where('status', 'in', ['pending', 'exported', 'deleted_in_exact'])
    .execute()
}

export async function recordAttempt(
  db: Executor,
  exportId: string,
  a: {
    action: 'create' | 'recover' | 'delete' | 'relation' | 'document'
    outcome: string
    request?: unknown
    response?: unknown
  },
): Promise<void> {
  await db
    .insertInto('export_attempts')
    .values({
      export_id: exportId,
      action: a.action,
      outcome: a.outcome,
      request: a.request === undefined ? null : JSON.stringify(a.request),
      response: a.response === undefined ? null : JSON.stringify(a.response),
    })
    .execute()
}

export async function listAttempts(db: Executor, exportId: string): Promise<AttemptRecord[]> {
  const rows = await db
    .selectFrom('export_attempts')
    .selectAll()
    .where('export_id', '=', exportId)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    action: r.action,
    outcome: r.outcome,
    request: r.request,
    response: r.response,
    at: r.created_at,
  }))
}

export async function countAttempts(db: Executor, exportId: string, action: 'create'): Promise<number> {
  const row = await db
    .selectFrom('export_attempts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('export_id', '=', exportId)
    .where('action', '=', action)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export interface ExportFilter {
  status?: ExportStatusColumn
  type?: 'sales' | 'purchase'
  changedSinceExport?: boolean
  /** The error code of a failed export, e.g. needs_attention. */
  errorCode?: string
  /** Keyset cursor: the last row of the previous page; `cursorTime` is created_at as Postgres prints it. */
  after?: { cursorTime: string; id: string }
  limit: number
}

/** Newest first. The cursor keeps microseconds: a JS Date would skip rows created within one millisecond. */
export async function listExports(
  db: Executor,
  tenantId: string,
  f: ExportFilter,
): Promise<Array<ExportRecord & { cursorTime: string }>> {
  let q = db
    .selectFrom('exports')
    .selectAll()
    .select(sql<string>`created_at::text`.as('cursor_time'))
    .where('tenant_id', '=', tenantId)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.type) q = q.where('type', '=', f.type)
  if (f.changedSinceExport !== undefined) q = q.where('changed_since_export', '=', f.changedSinceExport)
  if (f.errorCode) q = q.where('error_code', '=', f.errorCode)
  if (f.after) {
    const { cursorTime, id } = f.after
    q = q.where(sql<boolean>`(created_at, id) < (${cursorTime}::timestamptz, ${id}::uuid)`)
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute()
  return rows.map((r) => ({ ...rowToExport(r), cursorTime: r.cursor_time }))
}

/**
 * Pending exports nobody is working on (a crash, a lost answer) that are due at `now`: the
 * recovery pass's input, the longest overdue first (an export never tried is due since it was
 * created), so exports that keep failing and are backed off never crowd out newer ones.
 */
export async function listAbandonedPending(
  db: Executor,
  limit: number,
  now: Date,
): Promise<Array<{ tenantId: string; id: string }>> {
  const rows = await db
    .selectFrom('exports')
    .select(['tenant_id', 'id'])
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .where(sql<boolean>`coalesce(next_recovery_at, created_at) <= ${now}`)
    .orderBy(sql`coalesce(next_recovery_at, created_at)`)
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id }))
}

/**
 * A recovery pass left the export pending: counts the miss and sets when the next pass may try.
 * Fenced by the count the pass saw and by nobody holding the lease, so two replicas' passes count
 * one miss once and a request driving it meanwhile is left alone. The new count, or undefined.
 */
export async function noteRecoveryMiss(
  db: Executor,
  exportId: string,
  seenAttempts: number,
  nextAt: Date,
): Promise<number | undefined> {
  const row = await db
    .updateTable('exports')
    .set({ recovery_attempts: seenAttempts + 1, next_recovery_at: nextAt, updated_at: sql`now()` })
    .where('id', '=', exportId)
    .where('status', '=', 'pending')
    .where('recovery_attempts', '=', seenAttempts)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .returning('recovery_attempts')
    .executeTakeFirst()
  return row?.recovery_attempts
}

/** The recovery pass gives up on a pending export (the cap): failed with `code`; fenced as noteRecoveryMiss. */
export async function giveUpRecovery(
  db: Executor,
  exportId: string,
  seenAttempts: number,
  code: string,
  detail: string,
): Promise<ExportRecord | undefined> {
  const row = await db
    .updateTable('exports')
    .set({
      status: 'failed',
      error_code: code,
      error_detail: detail,
      recovery_attempts: seenAttempts + 1,
      next_recovery_at: null,
      lease_until: null,
      lease_holder: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', exportId)
    .where('status', '=', 'pending')
    .where('recovery_attempts', '=', seenAttempts)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .returningAll()
    .executeTakeFirst()
  return row && rowToExport(row)
}

/**
 * The invoice's latest export when the recovery pass gave up on it after a send whose outcome is
 * unknown (needs_attention with a create attempt): its entry may be in Exact under its marker.
 */
export async function findUncertainGivenUp(
  db: Executor,
  tenantId: string,
  invoiceId: string,
): Promise<ExportRecord | undefined> {
  const latest = await findLatestExport(db, tenantId, invoiceId)
  if (!latest || latest.status !== 'failed' || latest.errorCode !== 'needs_attention') return undefined
  return (await countAttempts(db, latest.id, 'create')) > 0 ? latest : undefined
}

/** Makes a given-up export pending again under `holder`, its back-off reset (see findUncertainGivenUp). */
export async function revivePending(
  db: Executor,
  exportId: string,
  v: { leaseMs: number; leaseHolder: string; numberKey: string | null },
): Promise<ExportRecord> {
  const row = await db
    .updateTable('exports')
    .set({
      status: 'pending',
      error_code: null,
      error_detail: null,
      recovery_attempts: 0,
      next_recovery_at: null,
      number_key: v.numberKey,
      lease_until: sql<Date>`now() + ${`${v.leaseMs} milliseconds`}::interval`,
      lease_holder: v.leaseHolder,
      updated_at: sql`now()`,
    })
    .where('id', '=', exportId)
    .where('status', '=', 'failed')
    .returningAll()
    .executeTakeFirstOrThrow()
  return rowToExport(row)
}

/** The live export of another invoice booked under the same number key (the duplicate-number guard). */
export async function findLiveExportByNumber(
  db: Executor,
  tenantId: string,
  type: 'sales' | 'purchase',
  numberKey: string,
  exceptInvoiceId: string,
): Promise<ExportRecord | undefined> {
  const row = await db
    .selectFrom('exports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('type', '=', type)
    .where('number_key', '=', numberKey)
    .where('status', 'in', ['pending', 'exported'])
    .where('invoice_id', '<>', exceptInvoiceId)
    .executeTakeFirst()
  return row && rowToExport(row)
}

/** Exports still booked (or being booked) in the tenant's administration: they pin its division. */
export async function countLiveExports(db: Executor, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('exports')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['pending', 'exported'])
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The exported export booked as this Exact entry, locked when asked (the entry check writes under it). */
export async function findExportByEntryId(
  db: Executor,
  tenantId: string,
  entryId: string,
  opts: { lock?: boolean } = {},
): Promise<ExportRecord | undefined> {
  let q = db
    .selectFrom('exports')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'exported')
    .where('entry_id', '=', entryId.toLowerCase())
  if (opts.lock) q = q.forUpdate()
  const row = await q.executeTakeFirst()
  return row && rowToExport(row)
}

/** The entry as this export sent it: the request of its create attempt (ExportService records it before sending). */
export async function findBookedRequest(db: Executor, exportId: string): Promise<unknown> {
  const row = await db
    .selectFrom('export_attempts')
    .select('request')
    .where('export_id', '=', exportId)
    .where('action', '=', 'create')
    .where('outcome', '=', 'sending')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.request ?? null
}

export async function markModifiedInExact(db: Executor, exportId: string, fields: string[]): Promise<ExportRecord> {
  const row = await db
    .updateTable('exports')
    .set({
      modified_in_exact: fields.length > 0,
      modified_fields: sql`${JSON.stringify(fields)}::jsonb`,
      modified_checked_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', exportId)
    .returningAll()
    .executeTakeFirstOrThrow()
  return rowToExport(row)
}
