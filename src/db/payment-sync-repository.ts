import { sql, type Selectable } from 'kysely'
import type { Executor, Tx } from './database'
import type { PaymentSyncRunsTable } from './schema'

/** The payment sync's own bookkeeping: cursors on Exact's sync API, runs, and which tenants to sync. */

export interface SyncCursors {
  termsTimestamp: string
  deletedTimestamp: string
}

export async function getSyncCursors(db: Executor, tenantId: string): Promise<SyncCursors> {
  const row = await db
    .selectFrom('payment_sync_cursors')
    .where('tenant_id', '=', tenantId)
    .select(['terms_timestamp', 'deleted_timestamp'])
    .executeTakeFirst()
  return { termsTimestamp: row?.terms_timestamp ?? '0', deletedTimestamp: row?.deleted_timestamp ?? '0' }
}

/** Moves a cursor forward only (greatest), in the transaction that applied the page. */
export async function advanceSyncCursor(
  trx: Executor,
  tenantId: string,
  which: 'terms' | 'deleted',
  timestamp: string,
): Promise<void> {
  const column = which === 'terms' ? 'terms_timestamp' : 'deleted_timestamp'
  await trx
    .insertInto('payment_sync_cursors')
    .values({ tenant_id: tenantId, [column]: timestamp })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        [column]: sql`greatest(payment_sync_cursors.${sql.ref(column)}, excluded.${sql.ref(column)})`,
        updated_at: sql`now()`,
      }),
    )
    .execute()
}

/**
 * A new administration (connect, division change): both cursors start at the given row versions
 * and the terms stored for the old one go. Unlike advanceSyncCursor this may move a cursor back.
 */
export async function restartPaymentSync(trx: Executor, tenantId: string, cursors: SyncCursors): Promise<void> {
  const values = { terms_timestamp: cursors.termsTimestamp, deleted_timestamp: cursors.deletedTimestamp }
  await trx
    .insertInto('payment_sync_cursors')
    .values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute()
  await trx.deleteFrom('payment_terms').where('tenant_id', '=', tenantId).execute()
}

// ---- runs

export interface SyncRunRecord {
  id: string
  tenantId: string
  trigger: 'schedule' | 'manual' | 'webhook'
  status: 'running' | 'completed' | 'failed' | 'abandoned'
  startedAt: Date
  finishedAt: Date | null
  exactCalls: number
  changed: number
  deleted: number
  errors: number
  errorDetail: string | null
}

function rowToRun(r: Selectable<PaymentSyncRunsTable>): SyncRunRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    exactCalls: r.exact_calls,
    changed: r.changed,
    deleted: r.deleted,
    errors: r.errors,
    errorDetail: r.error_detail,
  }
}

export type ClaimResult = { claimed: true; run: SyncRunRecord } | { claimed: false; run: SyncRunRecord | null }

/**
 * One sync per tenant at a time, across replicas: under a transaction-scoped advisory lock on the
 * tenant, give up a running run whose heartbeat is older than staleMs (its replica died), answer
 * a live one, skip when a run already started at or after `notBefore` (this tick's slot was taken
 * by another replica), else insert a running row. The partial unique index backs this up.
 * `startedAt` is the service clock's, the same clock the slots are computed with.
 */
export async function claimSyncRun(
  trx: Tx,
  tenantId: string,
  trigger: 'schedule' | 'manual' | 'webhook',
  opts: { staleMs: number; startedAt: Date; notBefore?: Date },
): Promise<ClaimResult> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`payment-sync:${tenantId}`}, 0))`.execute(trx)
  await trx
    .updateTable('payment_sync_runs')
    .set({ status: 'abandoned', finished_at: sql`now()`, error_detail: 'the replica running it stopped answering' })
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'running')
    .where('heartbeat_at', '<', sql<Date>`now() - ${`${opts.staleMs} milliseconds`}::interval`)
    .execute()
  const running = await trx
    .selectFrom('payment_sync_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'running')
    .executeTakeFirst()
  if (running) return { claimed: false, run: rowToRun(running) }
  if (opts.notBefore) {
    const taken = await trx
      .selectFrom('payment_sync_runs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('started_at', '>=', opts.notBefore)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    if (taken) return { claimed: false, run: rowToRun(taken) }
  }
  const run = await trx
    .insertInto('payment_sync_runs')
    .values({ tenant_id: tenantId, trigger, started_at: opts.startedAt })
    .returningAll()
    .executeTakeFirstOrThrow()
  return { claimed: true, run: rowToRun(run) }
}

export async function recordSyncProgress(
  db: Executor,
  runId: string,
  p: { exactCalls: number; changed: number; deleted: number; errors: number },
): Promise<void> {
  await db
    .updateTable('payment_sync_runs')
    .set({
      exact_calls: p.exactCalls,
      changed: p.changed,
      deleted: p.deleted,
      errors: p.errors,
      heartbeat_at: sql`now()`,
    })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .execute()
}

export async function finishSyncRun(
  db: Executor,
  runId: string,
  p: {
    status: 'completed' | 'failed'
    exactCalls: number
    changed: number
    deleted: number
    errors: number
    errorDetail: string | null
  },
): Promise<SyncRunRecord | undefined> {
  const row = await db
    .updateTable('payment_sync_runs')
    .set({
      status: p.status,
      finished_at: sql`now()`,
      heartbeat_at: sql`now()`,
      exact_calls: p.exactCalls,
      changed: p.changed,
      deleted: p.deleted,
      errors: p.errors,
      error_detail: p.errorDetail,
    })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .returningAll()
    .executeTakeFirst()
  return row && rowToRun(row)
}

export async function findSyncRun(db: Executor, tenantId: string, runId: string): Promise<SyncRunRecord | undefined> {
  const row = await db
    .selectFrom('payment_sync_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', runId)
    .executeTakeFirst()
  return row && rowToRun(row)
}

/** The newest run, running or not. */
export async function findLatestSyncRun(db: Executor, tenantId: string): Promise<SyncRunRecord | undefined> {
  const row = await db
    .selectFrom('payment_sync_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row && rowToRun(row)
}

/** Tenants the scheduler syncs: connected, and payment sync not switched off in their settings. */
export async function listPaymentSyncTenants(
  db: Executor,
): Promise<Array<{ tenantId: string; lastStartedAt: Date | null }>> {
  const rows = await db
    .selectFrom('exact_connections as c')
    .leftJoin('tenant_settings as s', 's.tenant_id', 'c.tenant_id')
    .where('c.status', '=', 'connected')
    .where(sql<boolean>`coalesce((s.settings->'paymentSync'->>'enabled')::boolean, true)`)
    .select([
      'c.tenant_id',
      sql<Date | null>`(select max(r.started_at) from payment_sync_runs r where r.tenant_id = c.tenant_id)`.as(
        'last_started_at',
      ),
    ])
    .execute()
  return rows.map((r) => ({ tenantId: r.tenant_id, lastStartedAt: r.last_started_at }))
}

export async function isPaymentSyncEnabled(db: Executor, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tenant_settings')
    .where('tenant_id', '=', tenantId)
    .select(sql<boolean>`coalesce((settings->'paymentSync'->>'enabled')::boolean, true)`.as('enabled'))
    .executeTakeFirst()
  return row?.enabled ?? true
}
