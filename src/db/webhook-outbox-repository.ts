import { sql, type Selectable } from 'kysely'
import type { Executor } from './database'
import type { WebhookEventsTable, WebhookEventTypeColumn, WebhookStatusColumn } from './schema'
import type { WEBHOOK_EVENT_TYPES } from '../domain/types'

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number] & WebhookEventTypeColumn
export type WebhookStatus = WebhookStatusColumn

export interface WebhookEventRow {
  id: string
  tenantId: string
  type: WebhookEventType
  payload: Record<string, unknown>
  url: string
  status: WebhookStatus
  attempts: number
  nextAttemptAt: Date
  lastAttemptAt: Date | null
  lastStatus: number | null
  lastError: string | null
  deliveredAt: Date | null
  createdAt: Date
}

function rowToWebhookEvent(row: Selectable<WebhookEventsTable>): WebhookEventRow {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    payload: row.payload as Record<string, unknown>,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  }
}

/**
 * Records an outbound webhook event. Call it INSIDE the transaction that makes the change the event
 * reports: it commits with the change (never lost) and rolls back with it (never sent for a change
 * that did not happen). The event is recorded only when the tenant has a webhook URL right now:
 * there is no receiver to deliver it to otherwise, and configuring one later does not replay the
 * past. Returns the event id (the `webhook-id` receivers dedupe on), or undefined when not recorded.
 */
export async function enqueueWebhookEvent(
  trx: Executor,
  event: { tenantId: string; type: WebhookEventType; payload: Record<string, unknown> },
): Promise<string | undefined> {
  const row = await trx
    .insertInto('webhook_events')
    .columns(['tenant_id', 'type', 'payload', 'url'])
    .expression((eb) =>
      eb
        .selectFrom('tenant_settings')
        .select([
          'tenant_id',
          sql<string>`${event.type}::text`.as('type'),
          sql<string>`${JSON.stringify(event.payload)}::jsonb`.as('payload'),
          sql<string>`settings->'webhook'->>'url'`.as('url'),
        ])
        .where('tenant_id', '=', event.tenantId)
        .where(sql<boolean>`settings->'webhook'->>'url' is not null`),
    )
    .returning('id')
    .executeTakeFirst()
  return row?.id
}

/**
 * Claims up to `limit` due events for one delivery attempt: `attempts` goes up by one and the row
 * is leased (next_attempt_at = leaseUntil) so no other replica takes it while it is in flight. A
 * process that dies mid-attempt leaves the lease to expire and the event is tried again, which is
 * why receivers dedupe on webhook-id (at-least-once, as every webhook sender is).
 */
export async function claimDueWebhookEvents(
  db: Executor,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<WebhookEventRow[]> {
  const rows = await db
    .with('due', (qb) =>
      qb
        .selectFrom('webhook_events')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .updateTable('webhook_events')
    .from('due')
    .set({ attempts: sql`webhook_events.attempts + 1`, next_attempt_at: leaseUntil, last_attempt_at: now })
    .whereRef('webhook_events.id', '=', 'due.id')
    .returningAll('webhook_events')
    .execute()
  return rows.map(rowToWebhookEvent)
}

/** The outcome of one claimed attempt; written only by the claimant of that attempt. */
export async function markWebhookDelivered(
  db: Executor,
  id: string,
  attempt: number,
  outcome: { url: string; httpStatus: number; at: Date },
): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set({
      status: 'delivered',
      delivered_at: outcome.at,
      url: outcome.url,
      last_status: outcome.httpStatus,
      last_error: null,
    })
    .where('id', '=', id)
    .where('attempts', '=', attempt)
    .where('status', '=', 'pending')
    .execute()
}

/** `retryAt` null: give up (status failed). */
export async function markWebhookAttemptFailed(
  db: Executor,
  id: string,
  attempt: number,
  outcome: { url?: string; httpStatus: number | null; error: string; retryAt: Date | null },
): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set({
      status: outcome.retryAt ? 'pending' : 'failed',
      ...(outcome.url ? { url: outcome.url } : {}),
      ...(outcome.retryAt ? { next_attempt_at: outcome.retryAt } : {}),
      last_status: outcome.httpStatus,
      last_error: outcome.error.slice(0, 500),
    })
    .where('id', '=', id)
    .where('attempts', '=', attempt)
    .where('status', '=', 'pending')
    .execute()
}

/**
 * Newest first. `after` is the previous page's last row: its `cursorTime` is created_at as Postgres
 * prints it (microseconds; a JS Date would drop rows created within the same millisecond).
 */
export async function listWebhookEvents(
  db: Executor,
  tenantId: string,
  filter: {
    status?: WebhookStatus
    type?: WebhookEventType
    after?: { cursorTime: string; id: string }
    limit: number
  },
): Promise<Array<WebhookEventRow & { cursorTime: string }>> {
  let query = db
    .selectFrom('webhook_events')
    .selectAll()
    .select(sql<string>`created_at::text`.as('cursor_time'))
    .where('tenant_id', '=', tenantId)
  if (filter.status) query = query.where('status', '=', filter.status)
  if (filter.type) query = query.where('type', '=', filter.type)
  if (filter.after) {
    const { cursorTime, id } = filter.after
    query = query.where(sql<boolean>`(created_at, id) < (${cursorTime}::timestamptz, ${id}::uuid)`)
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()
  return rows.map((row) => ({ ...rowToWebhookEvent(row), cursorTime: row.cursor_time }))
}

export async function findWebhookEvent(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<WebhookEventRow | undefined> {
  const row = await db
    .selectFrom('webhook_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && rowToWebhookEvent(row)
}

/**
 * A failed event goes out again on the next tick, with a fresh back-off schedule. Pending events are
 * left alone: one may be in flight, and moving its lease would let a second replica send it too.
 */
export async function requeueFailedWebhookEvent(
  db: Executor,
  tenantId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_events')
    .set({ status: 'pending', next_attempt_at: now, attempts: 0 })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
