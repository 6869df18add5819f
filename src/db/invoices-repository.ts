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
  tenant_id: string
  id: string
  type: 'sales' | 'purchase'
  number: string
  content: unknown
  content_hash: string
  version: number
  created_at: Date
  updated_at: Date
}): StoredInvoice<T> {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    type: row.type,
    number: row.number,
    content: row.content as T,
    contentHash: row.content_hash,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export async function findInvoice<T>(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<StoredInvoice<T> | undefined> {
  const row = await db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && rowToInvoice<T>(row)
}

/** Serialises everything that decides about one invoice's export (see services/export/decide.ts). */
export async function lockInvoice<T>(
  trx: Executor,
  tenantId: string,
  id: string,
): Promise<StoredInvoice<T> | undefined> {
  const row = await trx
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  return row && rowToInvoice<T>(row)
}

/**
 * Stores the latest version; a new version only when the content changed. One statement that
 * inserts or updates (ON CONFLICT), so callers racing on a new invoice never meet the primary key:
 * Postgres makes the later ones wait for the first and then update (or leave) its row.
 */
export async function upsertInvoice(
  trx: Executor,
  v: {
    tenantId: string
    id: string
    type: 'sales' | 'purchase'
    number: string
    content: unknown
    contentHash: string
  },
): Promise<{ invoice: StoredInvoice; changed: boolean; created: boolean }> {
  const values = { type: v.type, number: v.number, content: JSON.stringify(v.content), content_hash: v.contentHash }
  const written = await trx
    .insertInto('invoices')
    .values({ tenant_id: v.tenantId, id: v.id, ...values })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'id'])
        .doUpdateSet({
          type: (eb) => eb.ref('excluded.type'),
          number: (eb) => eb.ref('excluded.number'),
          content: (eb) => eb.ref('excluded.content'),
          content_hash: (eb) => eb.ref('excluded.content_hash'),
          version: sql`invoices.version + 1`,
          updated_at: sql`now()`,
        })
        .where('invoices.content_hash', 'is distinct from', (eb) => eb.ref('excluded.content_hash')),
    )
    // xmax is 0 on a row this statement inserted, not on one it updated.
    .returningAll()
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirst()
  if (written) return { invoice: rowToInvoice(written), changed: true, created: written.inserted }
  // Same content as stored: nothing written. Lock the row as the update would have.
  const existing = await lockInvoice(trx, v.tenantId, v.id)
  if (!existing) throw new Error(`invoice ${v.id} vanished between its upsert and its read`)
  return { invoice: existing, changed: false, created: false }
}
