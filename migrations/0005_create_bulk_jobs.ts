import { type Kysely, sql } from 'kysely'

/**
 * Bulk export jobs and their items. The items are the durable work queue: replicas claim a pending
 * item with FOR UPDATE SKIP LOCKED and hold that row lock while the invoice is exported, so a crash
 * releases it (the connection dies) and another replica, or the restarted one, takes it again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bulk_jobs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('all', 'sales', 'purchase')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'running', 'waiting_for_rate_limit', 'completed', 'cancelled')`),
    )
    .addColumn('total', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`total >= 0`),
    )
    .addColumn('exported', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`exported >= 0`),
    )
    .addColumn('skipped', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`skipped >= 0`),
    )
    .addColumn('failed', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`failed >= 0`),
    )
    .addColumn('resume_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('bulk_jobs_counts', sql`exported + skipped + failed <= total`)
    .addCheckConstraint(
      'bulk_jobs_waiting_has_resume_at',
      sql`status <> 'waiting_for_rate_limit' or resume_at is not null`,
    )
    .execute()
  // One active job per tenant and type: a second POST answers with the running one.
  await sql`create unique index bulk_jobs_one_active on bulk_jobs (tenant_id, type) where status in ('queued', 'running', 'waiting_for_rate_limit')`.execute(
    db,
  )
  await db.schema.createIndex('bulk_jobs_tenant_created').on('bulk_jobs').columns(['tenant_id', 'created_at']).execute()
  await sql`create index bulk_jobs_active on bulk_jobs (created_at) where status in ('queued', 'running', 'waiting_for_rate_limit')`.execute(
    db,
  )

  await db.schema
    .createTable('bulk_job_items')
    .addColumn('job_id', 'uuid', (c) => c.notNull().references('bulk_jobs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'exported', 'skipped', 'failed')`),
    )
    .addColumn('code', 'text')
    .addColumn('detail', 'text')
    .addColumn('export_id', 'uuid')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'timestamptz')
    .addColumn('worked_by', 'text')
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('bulk_job_items_pk', ['job_id', 'invoice_id'])
    .addForeignKeyConstraint(
      'bulk_job_items_invoice_fk',
      ['tenant_id', 'invoice_id'],
      'invoices',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addCheckConstraint('bulk_job_items_failed_has_code', sql`status <> 'failed' or code is not null`)
    .execute()
  await sql`create index bulk_job_items_pending on bulk_job_items (job_id, seq) where status = 'pending'`.execute(db)
  await sql`create index bulk_job_items_failed on bulk_job_items (job_id, seq) where status = 'failed'`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
