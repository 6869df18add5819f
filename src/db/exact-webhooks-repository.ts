import { sql } from 'kysely'
import type { Executor } from './database'

/** Exact Online's webhooks (migration 0014): the subscriptions made per tenant, the last event, the sync debounce. */

export interface StoredSubscription {
  topic: string
  division: number
  exactId: string | null
  callbackUrl: string
  status: 'subscribed' | 'shared' | 'failed'
  error: string | null
  createdAt: Date
}

export interface EventState {
  eventsReceived: number
  lastEventAt: Date | null
  lastEventTopic: string | null
  lastEventAction: string | null
  lastEventKey: string | null
  syncPending: boolean
  nextSyncAfter: Date | null
}

export async function saveSubscription(
  db: Executor,
  tenantId: string,
  s: Omit<StoredSubscription, 'createdAt'>,
): Promise<void> {
  const values = {
    division: s.division,
    exact_id: s.exactId,
    callback_url: s.callbackUrl,
    status: s.status,
    error: s.error,
  }
  await db
    .insertInto('exact_webhook_subscriptions')
    .values({ tenant_id: tenantId, topic: s.topic, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'topic']).doUpdateSet(values))
    .execute()
}

export async function listSubscriptions(db: Executor, tenantId: string): Promise<StoredSubscription[]> {
  const rows = await db
    .selectFrom('exact_webhook_subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('topic')
    .execute()
  return rows.map((r) => ({
    topic: r.topic,
    division: r.division,
    exactId: r.exact_id,
    callbackUrl: r.callback_url,
    status: r.status,
    error: r.error,
    createdAt: r.created_at,
  }))
}

export async function deleteSubscriptions(db: Executor, tenantId: string): Promise<void> {
  await db.deleteFrom('exact_webhook_subscriptions').where('tenant_id', '=', tenantId).execute()
}

/** Another tenant connected to the same division still needs the division's subscriptions. */
export async function countOtherTenantsOnDivision(db: Executor, tenantId: string, division: number): Promise<number> {
  const row = await db
    .selectFrom('exact_connections')
    .select(sql<string>`count(*)`.as('n'))
    .where('division', '=', division)
    .where('tenant_id', '<>', tenantId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The tenants booking in this division: an event names only the division. */
export async function findTenantsByDivision(db: Executor, division: number): Promise<string[]> {
  const rows = await db
    .selectFrom('exact_connections')
    .select('tenant_id')
    .where('division', '=', division)
    .where('status', '=', 'connected')
    .execute()
  return rows.map((r) => r.tenant_id)
}

/**
 * Counts the event and, when it may concern payments, marks a sync as wanted. The first wish in an
 * open window opens a short gathering pause (`gatherMs`), so the burst of events one change fires
 * (BankEntries and FinancialTransactions for one payment) costs one sync run.
 */
export async function recordEvent(
  db: Executor,
  tenantId: string,
  e: { topic: string; action: string; key: string; wantsSync: boolean; gatherMs: number },
): Promise<void> {
  const values = {
    last_event_at: sql<Date>`now()`,
    last_event_topic: e.topic,
    last_event_action: e.action,
    last_event_key: e.key,
  }
  const gather = sql<Date>`now() + ${`${e.gatherMs} milliseconds`}::interval`
  await db
    .insertInto('exact_webhook_state')
    .values({
      tenant_id: tenantId,
      events_received: 1,
      sync_pending: e.wantsSync,
      next_sync_after: e.wantsSync ? gather : null,
      ...values,
    })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        ...values,
        events_received: sql`exact_webhook_state.events_received + 1`,
        sync_pending: e.wantsSync ? true : sql`exact_webhook_state.sync_pending`,
        next_sync_after: e.wantsSync
          ? sql`case when not exact_webhook_state.sync_pending and (exact_webhook_state.next_sync_after is null or exact_webhook_state.next_sync_after <= now())
            then ${gather} else exact_webhook_state.next_sync_after end`
          : sql`exact_webhook_state.next_sync_after`,
      }),
    )
    .execute()
}

export async function getEventState(db: Executor, tenantId: string): Promise<EventState | null> {
  const r = await db.selectFrom('exact_webhook_state').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
  return r
    ? {
        eventsReceived: r.events_received,
        lastEventAt: r.last_event_at,
        lastEventTopic: r.last_event_topic,
        lastEventAction: r.last_event_action,
        lastEventKey: r.last_event_key,
        syncPending: r.sync_pending,
        nextSyncAfter: r.next_sync_after,
      }
    : null
}

/**
 * The debounce, shared by every replica: a wanted sync whose window is open is taken by exactly
 * one caller (the row update is atomic), which closes the window for `debounceMs`. Answers
 * whether this caller took it and, when not, when the window opens again (null: nothing wanted).
 */
export async function takeWantedSync(
  db: Executor,
  tenantId: string,
  debounceMs: number,
): Promise<{ taken: boolean; retryAt: Date | null }> {
  const taken = await db
    .updateTable('exact_webhook_state')
    .set({ sync_pending: false, next_sync_after: sql<Date>`now() + ${`${debounceMs} milliseconds`}::interval` })
    .where('tenant_id', '=', tenantId)
    .where('sync_pending', '=', true)
    .where((eb) => eb.or([eb('next_sync_after', 'is', null), eb('next_sync_after', '<=', sql<Date>`now()`)]))
    .returning('tenant_id')
    .executeTakeFirst()
  if (taken) return { taken: true, retryAt: null }
  const state = await getEventState(db, tenantId)
  return { taken: false, retryAt: state?.syncPending ? state.nextSyncAfter : null }
}

/** A taken sync that could not start (one was running): wanted again, in the next window. */
export async function wantSyncAgain(db: Executor, tenantId: string): Promise<void> {
  await db.updateTable('exact_webhook_state').set({ sync_pending: true }).where('tenant_id', '=', tenantId).execute()
}

/** Tenants with a wanted sync whose window is open: the per-minute tick's safety net for a replica that died with its timer. */
export async function listWantedSyncs(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('exact_webhook_state')
    .select('tenant_id')
    .where('sync_pending', '=', true)
    .where((eb) => eb.or([eb('next_sync_after', 'is', null), eb('next_sync_after', '<=', sql<Date>`now()`)]))
    .execute()
  return rows.map((r) => r.tenant_id)
}
