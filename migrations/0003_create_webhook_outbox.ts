import { type Kysely, sql } from 'kysely'

/**
 * The outbound webhook outbox: one row per event, written in the same transaction as the change it
 * reports, and carrying its own delivery state (one receiver per tenant, so one delivery per event).
 * Each attempt goes to the tenant's webhook URL and secret as configured at that moment (they
 * belong together: a new secret's signature would fail at the old URL); `url` records where the
 * event was headed when recorded, then where its last attempt went.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`type in ('export.succeeded', 'export.failed', 'export.undone', 'invoice.payment_updated', 'bulk.completed')`,
        ),
    )
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'delivered', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`attempts >= 0`),
    )
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('webhook_events_delivered_at', sql`(status = 'delivered') = (delivered_at is not null)`)
    .execute()
  // The delivery loop's claim: only pending rows, oldest due first.
  await sql`create index webhook_events_due on webhook_events (next_attempt_at) where status = 'pending'`.execute(db)
  // GET /webhooks/deliveries: newest first, cursor (created_at, id).
  await db.schema
    .createIndex('webhook_events_tenant_created')
    .on('webhook_events')
    .columns(['tenant_id', 'created_at', 'id'])
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
