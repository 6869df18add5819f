import { type Kysely, sql } from 'kysely'

/**
 * Exact's payment terms (sync/Cashflow/PaymentTerms rows) as last synced. An invoice may have
 * several: Exact splits a term when part of it is paid on another date, so an invoice's open
 * amount is the sum over its terms that are not matched, and a change to one term needs the
 * others. Every term of the division is kept (not only ours): a term synced before its export
 * was marked exported must still count.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payment_terms')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('term_id', 'uuid', (c) => c.notNull())
    .addColumn('entry_id', 'uuid', (c) => c.notNull())
    .addColumn('amount', sql`numeric(15,2)`, (c) => c.notNull())
    .addColumn('total', sql`numeric(15,2)`, (c) => c.notNull())
    .addColumn('discount', sql`numeric(15,2)`, (c) => c.notNull())
    .addColumn('matched', 'boolean', (c) => c.notNull())
    .addColumn('last_payment_date', 'date')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('exact_timestamp', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_terms_pk', ['tenant_id', 'term_id'])
    .execute()
  await db.schema.createIndex('payment_terms_entry').on('payment_terms').columns(['tenant_id', 'entry_id']).execute()
  // Syncs before this table kept no terms: read every term once more.
  await sql`update payment_sync_cursors set terms_timestamp = 0`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
