import { sql } from 'kysely'
import type { Executor } from './database'
import type { DocumentStatusColumn } from './schema'

/** Where an export's document in Exact stands; each id is kept as soon as its step lands. */
export interface ExportDocumentState {
  exportId: string
  status: DocumentStatusColumn | null
  marker: string | null
  /** The content hash of the PDF the Exact document carries, or is being given. */
  hash: string | null
  exactDocumentId: string | null
  exactAttachmentId: string | null
  error: string | null
  attachedAt: Date | null
}

export async function findExportDocument(db: Executor, exportId: string): Promise<ExportDocumentState | undefined> {
  const r = await db
    .selectFrom('exports')
    .select([
      'id',
      'document_status',
      'document_marker',
      'document_hash',
      'exact_document_id',
      'exact_attachment_id',
      'document_error',
      'document_attached_at',
    ])
    .where('id', '=', exportId)
    .executeTakeFirst()
  return (
    r && {
      exportId: r.id,
      status: r.document_status,
      marker: r.document_marker,
      hash: r.document_hash,
      exactDocumentId: r.exact_document_id,
      exactAttachmentId: r.exact_attachment_id,
      error: r.document_error,
      attachedAt: r.document_attached_at,
    }
  )
}

/**
 * Writes the given fields of the export's document state, only while `holder` has the export's
 * lease (undefined otherwise: stop, someone else owns it now).
 */
export async function updateExportDocument(
  db: Executor,
  exportId: string,
  holder: string,
  v: Partial<{
    status: DocumentStatusColumn | null
    marker: string | null
    hash: string | null
    exactDocumentId: string | null
    exactAttachmentId: string | null
    error: string | null
    attached: boolean
  }>,
): Promise<boolean> {
  const set: Record<string, unknown> = { updated_at: sql`now()` }
  if ('status' in v) set.document_status = v.status
  if ('marker' in v) set.document_marker = v.marker
  if ('hash' in v) set.document_hash = v.hash
  if ('exactDocumentId' in v) set.exact_document_id = v.exactDocumentId
  if ('exactAttachmentId' in v) set.exact_attachment_id = v.exactAttachmentId
  if ('error' in v) set.document_error = v.error
  if (v.attached) set.document_attached_at = sql`now()`
  const row = await db
    .updateTable('exports')
    .set(set)
    .where('id', '=', exportId)
    .where('lease_holder', '=', holder)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/**
 * A document was put for the invoice: its live booked export needs it attached. Marked pending
 * without a lease (the attach step takes one); the attach step decides what Exact needs.
 */
export async function markDocumentWanted(
  db: Executor,
  tenantId: string,
  invoiceId: string,
  contentHash: string,
): Promise<string | undefined> {
  const live = await db
    .selectFrom('exports')
    .select(['id', 'document_status', 'document_hash'])
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .where('status', '=', 'exported')
    .executeTakeFirst()
  if (!live) return undefined
  // The same PDF again on an entry that has it: nothing to do in Exact (a failed one is tried again).
  if (live.document_status === 'attached' && live.document_hash === contentHash) return live.id
  await db
    .updateTable('exports')
    .set({ document_status: 'pending', document_error: null, updated_at: sql`now()` })
    .where('id', '=', live.id)
    .execute()
  return live.id
}

/** Exported exports whose document still waits (a lost answer, Exact down) and that nobody holds: the recovery pass's list. */
export async function listPendingDocuments(
  db: Executor,
  limit: number,
): Promise<Array<{ tenantId: string; id: string }>> {
  const rows = await db
    .selectFrom('exports')
    .select(['tenant_id', 'id'])
    .where('document_status', '=', 'pending')
    .where('status', '=', 'exported')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .orderBy('created_at')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id }))
}

/** Whether an attempt already sent this step for this marker (then its answer may have been lost: look before sending again). */
export async function wasDocumentStepSent(
  db: Executor,
  exportId: string,
  step: 'document' | 'attachment',
  marker: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('export_attempts')
    .select('id')
    .where('export_id', '=', exportId)
    .where('action', '=', 'document')
    .where('outcome', '=', `sending_${step}`)
    .where(sql<boolean>`request->>'marker' = ${marker}`)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}
