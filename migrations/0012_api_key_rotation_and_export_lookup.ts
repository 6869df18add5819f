import type { Kysely } from 'kysely'

/**
 * Keys can be rotated: a tenant has several, each with when it was last used (written at most
 * once a minute per key, by the authentication look-up itself). And the index every read of an
 * invoice's exports needs: the payment-status read, GET /invoices/:id and PUT look an invoice's
 * exports up by (tenant_id, invoice_id) with no status predicate, which the partial unique index
 * (live exports only) cannot answer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('last_used_at', 'timestamptz').execute()
  await db.schema.createIndex('api_keys_tenant').on('api_keys').columns(['tenant_id', 'created_at']).execute()
  await db.schema
    .createIndex('exports_tenant_invoice')
    .on('exports')
    .columns(['tenant_id', 'invoice_id', 'created_at'])
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
