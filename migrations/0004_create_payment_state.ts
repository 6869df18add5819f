import { type Kysely, sql } from 'kysely'

/**
 * Payment state per export (what Exact last told us about the entry's open item), the per-tenant
 * cursors on Exact's sync API, and the sync runs (one running per tenant, across replicas).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payment_states')
    .addColumn('export_id', 'uuid', (c) => c.primaryKey().references('exports.id').onDelete('cascade'))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('unpaid', 'partially_paid', 'paid')`))
    .addColumn('amount', sql`numeric(15,2)`, (c) => c.notNull())
    .addColumn('paid', sql`numeric(15,2)`, (c) => c.notNull())
    .addColumn('discount', sql`numeric(15,2)`, (c) => c.notNull().defaultTo(0))
    .addColumn('outstanding', sql`numeric(15,2)`, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`length(currency) = 3`))
    .addColumn('last_payment_date', 'date')
    // When Exact's answer was read: an older reading never overwrites a newer one.
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('live', 'sync', 'webhook')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('payment_states_paid_closed', sql`status <> 'paid' or outstanding = 0`)
    .execute()
  await db.schema
    .createIndex('payment_states_invoice')
    .on('payment_states')
    .columns(['tenant_id', 'invoice_id'])
    .execute()

  // Exact's Int64 row versions: the highest Timestamp applied, per sync endpoint.
  await db.schema
    .createTable('payment_sync_cursors')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('terms_timestamp', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`terms_timestamp >= 0`),
    )
    .addColumn('deleted_timestamp', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`deleted_timestamp >= 0`),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('payment_sync_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('schedule', 'manual')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('running')
        .check(sql`status in ('running', 'completed', 'failed', 'abandoned')`),
    )
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('exact_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('changed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_detail', 'text')
    .addCheckConstraint('payment_sync_runs_finished', sql`(status = 'running') = (finished_at is null)`)
    .execute()
  // At most one running sync per tenant, whichever replica or request started it.
  await sql`create unique index payment_sync_runs_one_running on payment_sync_runs (tenant_id) where status = 'running'`.execute(
    db,
  )
  await db.schema
    .createIndex('payment_sync_runs_tenant_started')
    .on('payment_sync_runs')
    .columns(['tenant_id', 'started_at'])
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
