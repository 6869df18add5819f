import { type Kysely, sql } from 'kysely'

/**
 * Issue 13: Exact Online's webhooks as a trigger of the payment sync and of the check of booked
 * entries.
 * - exact_webhook_subscriptions: what the service subscribed per tenant (one per topic and
 *   division in Exact: the row keeps Exact's ID to delete it on disconnect).
 * - exact_webhook_state: the last event received, and the debounce of the sync it triggers
 *   (`next_sync_after`, `sync_pending`) in the database, so several replicas share one debounce.
 * - payment_sync_runs.trigger gains 'webhook'; webhook_events.type gains 'export.modified_in_exact'.
 * - exports: what a bookkeeper changed in Exact (modified_in_exact, modified_fields).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exact_webhook_subscriptions')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('division', 'integer', (c) => c.notNull())
    .addColumn('exact_id', 'text')
    .addColumn('callback_url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('subscribed', 'shared', 'failed')`))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('exact_webhook_subscriptions_pk', ['tenant_id', 'topic'])
    .execute()

  await db.schema
    .createTable('exact_webhook_state')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('events_received', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_event_at', 'timestamptz')
    .addColumn('last_event_topic', 'text')
    .addColumn('last_event_action', 'text')
    .addColumn('last_event_key', 'text')
    .addColumn('sync_pending', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('next_sync_after', 'timestamptz')
    .execute()

  await sql`alter table payment_sync_runs drop constraint if exists payment_sync_runs_trigger_check`.execute(db)
  await sql`alter table payment_sync_runs add constraint payment_sync_runs_trigger_check check (trigger in ('schedule', 'manual', 'webhook'))`.execute(
    db,
  )

  await sql`alter table webhook_events drop constraint if exists webhook_events_type_check`.execute(db)
  await sql`alter table webhook_events add constraint webhook_events_type_check check (type in ('export.succeeded', 'export.failed', 'export.undone', 'invoice.payment_updated', 'bulk.completed', 'export.modified_in_exact'))`.execute(
    db,
  )

  await db.schema
    .alterTable('exports')
    .addColumn('modified_in_exact', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('modified_fields', 'jsonb')
    .addColumn('modified_checked_at', 'timestamptz')
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
