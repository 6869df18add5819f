import { sql } from 'kysely'
import type { Executor } from './database'

export interface StoredInvoice<T = unknown> {
  tenantId: string
  id: string
  type: 'sales' | 'purchase'
  number: string
  content: T
  contentHash: string
  version: number
  createdAt: Date
  updatedAt: Date
}

function rowToInvoice<T>(row: {
  tenant_id: string; id: string; type: 'sales' | 'purchase'; number: string; content: unknown
  content_hash: string; version: number; created_at: Date; updated_at: Date
}): StoredInvoice<T> {
  return {
    tenantId: row.tenant_id, id: row.id, type: row.type, number: row.number, content: row.content as T,
    contentHash: row.content_hash, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at,
  }
}

export async function findInvoice<T>(db: Executor, tenantId: string, id: string): Promise<StoredInvoice<T> | undefined> {
  const row = await db.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  return row && rowToInvoice<T>(row)
}

/** Serialises everything that decides about one invoice's export (see export-service). */
export async function lockInvoice<T>(trx: Executor, tenantId: string, id: string): Promise<StoredInvoice<T> | undefined> {
  const row = await trx.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst()
  return row && rowToInvoice<T>(row)
}

/** Stores the latest version; a new version only when the content changed. */
export async function upsertInvoice(
  trx: Executor,
  v: { tenantId: string; id: string; type: 'sales' | 'purchase'; number: string; content: unknown; contentHash: string },
): Promise<{ invoice: StoredInvoice; changed: boolean; created: boolean }> {
  const existing = await lockInvoice(trx, v.tenantId, v.id)
  if (existing && existing.contentHash === v.contentHash) return { invoice: existing, changed: false, created: false }
  const values = { type: v.type, number: v.number, content: JSON.stringify(v.content), content_hash: v.contentHash }
  const row = existing
    ? await trx.updateTable('invoices').set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
        .where('tenant_id', '=', v.tenantId).where('id', '=', v.id).returningAll().executeTakeFirstOrThrow()
    : await trx.insertInto('invoices').values({ tenant_id: v.tenantId, id: v.id, ...values }).returningAll().executeTakeFirstOrThrow()
  return { invoice: rowToInvoice(row), changed: true, created: !existing }
}

/** Invoices of a type with no live export, oldest first (bulk export's input). */
export async function listInvoicesWithoutLiveExport(db: Executor, tenantId: string, types: Array<'sales' | 'purchase'>): Promise<string[]> {
  const rows = await db
    .selectFrom('invoices as i')
    .select('i.id')
    .where('i.tenant_id', '=', tenantId)
    .where('i.type', 'in', types)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('exports as e').select('e.id').whereRef('e.tenant_id', '=', 'i.tenant_id').whereRef('e.invoice_id', '=', 'i.id').where('e.status', 'in', ['pending', 'exported']))),
    )
    .orderBy('i.created_at')
    .orderBy('i.id')
    .execute()
  return rows.map((r) => r.id)
}
