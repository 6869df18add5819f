import { sql, type Selectable } from 'kysely'
import type { Executor } from './database'
import type { BulkItemStatusColumn, BulkJobsTable, BulkJobStatusColumn, BulkJobTypeColumn } from './schema'

const ACTIVE: BulkJobStatusColumn[] = ['queued', 'running', 'waiting_for_rate_limit']

export interface BulkJobRecord {
  id: string
  tenantId: string
  type: BulkJobTypeColumn
  status: BulkJobStatusColumn
  total: number
  exported: number
  skipped: number
  failed: number
  resumeAt: Date | null
  lastError: string | null
  createdAt: Date
  startedAt: Date | null
  finishedAt: Date | null
}

export interface ClaimedItem {
  jobId: string
  tenantId: string
  invoiceId: string
  /** Tries before this one. */
  attempts: number
  /** This claim's id: the item's outcome is written only under it. */
  claim: string
}

function rowToJob(r: Selectable<BulkJobsTable>): BulkJobRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    type: r.type,
    status: r.status,
    total: r.total,
    exported: r.exported,
    skipped: r.skipped,
    failed: r.failed,
    resumeAt: r.resume_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }
}

/**
 * A new job with one item per invoice of `types` that has no live export. Undefined when the tenant
 * already has an active job of this type (the partial unique index decides, so two concurrent
 * requests cannot both create one).
 */
export async function insertBulkJob(
  trx: Executor,
  tenantId: string,
  type: BulkJobTypeColumn,
): Promise<BulkJobRecord | undefined> {
  const inserted = await sql<{ id: string }>`
    insert into bulk_jobs (tenant_id, type) values (${tenantId}, ${type})
    on conflict (tenant_id, type) where status in ('queued', 'running', 'waiting_for_rate_limit') do nothing
    returning id`.execute(trx)
  const id = inserted.rows[0]?.id
  if (!id) return undefined
  const types = type === 'all' ? ['sales', 'purchase'] : [type]
  const items = await sql`
    insert into bulk_job_items (job_id, seq, tenant_id, invoice_id)
    select ${id}, row_number() over (order by i.created_at, i.id), i.tenant_id, i.id
    from invoices i
    where i.tenant_id = ${tenantId} and i.type in (${sql.join(types)})
      and not exists (select 1 from exports e where e.tenant_id = i.tenant_id and e.invoice_id = i.id and e.status in ('pending', 'exported'))`.execute(
    trx,
  )
  const row = await trx
    .updateTable('bulk_jobs')
    .set({ total: Number(items.numAffectedRows ?? 0) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
  return rowToJob(row)
}

export async function findActiveBulkJob(
  db: Executor,
  tenantId: string,
  type: BulkJobTypeColumn,
): Promise<BulkJobRecord | undefined> {
  const row = await db
    .selectFrom('bulk_jobs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('type', '=', type)
    .where('status', 'in', ACTIVE)
    .executeTakeFirst()
  return row && rowToJob(row)
}

export async function findBulkJob(db: Executor, tenantId: string, id: string): Promise<BulkJobRecord | undefined> {
  const row = await db
    .selectFrom('bulk_jobs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && rowToJob(row)
}

/** Newest first. */
export async function listBulkJobs(db: Executor, tenantId: string, limit: number): Promise<BulkJobRecord[]> {
  const rows = await db
    .selectFrom('bulk_jobs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map(rowToJob)
}

export async function listBulkFailures(
  db: Executor,
  jobId: string,
): Promise<Array<{ invoiceId: string; code: string; detail: string }>> {
  const rows = await db
    .selectFrom('bulk_job_items')
    .select(['invoice_id', 'code', 'detail'])
    .where('job_id', '=', jobId)
    .where('status', '=', 'failed')
    .orderBy('seq')
    .execute()
  return rows.map((r) => ({ invoiceId: r.invoice_id, code: r.code ?? 'internal', detail: r.detail ?? '' }))
}

/** What is booked stays booked; pending items are simply never claimed again. */
export async function cancelBulkJob(db: Executor, tenantId: string, id: string): Promise<BulkJobRecord | undefined> {
  const row = await db
    .updateTable('bulk_jobs')
    .set({ status: 'cancelled', finished_at: sql`now()`, resume_at: null, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', 'in', ACTIVE)
    .returningAll()
    .executeTakeFirst()
  return row && rowToJob(row)
}

/**
 * Active jobs worth a look at `now`, oldest first: not paused past now, with a pending item that is
 * due (or none left, so that someone completes the job). Tenants in `busyTenants` are left out.
 */
export async function listRunnableBulkJobs(
  db: Executor,
  now: Date,
  busyTenants: string[],
  limit: number,
): Promise<BulkJobRecord[]> {
  let q = db
    .selectFrom('bulk_jobs as j')
    .selectAll('j')
    .where('j.status', 'in', ACTIVE)
    .where((eb) => eb.or([eb('j.resume_at', 'is', null), eb('j.resume_at', '<=', now)]))
    .where(({ or, not, exists, selectFrom, eb }) =>
      or([
        exists(
          selectFrom('bulk_job_items as i')
            .select('i.seq')
            .whereRef('i.job_id', '=', 'j.id')
            .where('i.status', '=', 'pending')
            .where((w) => w.or([w('i.not_before', 'is', null), w('i.not_before', '<=', now)]))
            .where((w) => w.or([w('i.claimed_until', 'is', null), w('i.claimed_until', '<', sql<Date>`now()`)])),
        ),
        not(
          exists(
            selectFrom('bulk_job_items as i')
              .select('i.seq')
              .whereRef('i.job_id', '=', 'j.id')
              .where('i.status', '=', 'pending'),
          ),
        ),
        eb('j.status', '=', 'queued'),
      ]),
    )
  if (busyTenants.length > 0) q = q.where('j.tenant_id', 'not in', busyTenants)
  const rows = await q.orderBy('j.created_at').limit(limit).execute()
  return rows.map(rowToJob)
}

export async function markBulkJobRunning(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('bulk_jobs')
    .set({ status: 'running', resume_at: null, started_at: sql`coalesce(started_at, now())`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'waiting_for_rate_limit'])
    .execute()
}

export async function markBulkJobWaiting(db: Executor, id: string, resumeAt: Date): Promise<void> {
  await db
    .updateTable('bulk_jobs')
    .set({
      status: 'waiting_for_rate_limit',
      resume_at: resumeAt,
      started_at: sql`coalesce(started_at, now())`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running', 'waiting_for_rate_limit'])
    .execute()
}

export async function setBulkJobError(db: Executor, id: string, lastError: string | null): Promise<void> {
  await db
    .updateTable('bulk_jobs')
    .set({ last_error: lastError, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('last_error', 'is distinct from', lastError)
    .execute()
}

/** The parties of the job's pending items, for one batched relation look-up. */
export async function pendingPartiesOfBulkJob(db: Executor, jobId: string): Promise<unknown[]> {
  const rows = await sql<{ party: unknown }>`
    select distinct on (i.content->'party'->>'id') i.content->'party' as party
    from bulk_job_items b join invoices i on i.tenant_id = b.tenant_id and i.id = b.invoice_id
    where b.job_id = ${jobId} and b.status = 'pending'`.execute(db)
  return rows.rows.map((r) => r.party)
}

/**
 * Claims the next due pending item of an active job that nobody else has claimed (or whose claim
 * lapsed), for `claimMs`, in one committed statement (SKIP LOCKED: replicas never wait on each
 * other). No transaction stays open while the invoice is exported; the claimant renews the claim
 * and writes the outcome under it.
 */
export async function claimNextBulkItem(
  db: Executor,
  jobId: string,
  now: Date,
  claim: string,
  claimMs: number,
): Promise<ClaimedItem | undefined> {
  const rows = await sql<{ job_id: string; tenant_id: string; invoice_id: string; attempts: number }>`
    update bulk_job_items i set claimed_by = ${claim}, claimed_until = now() + ${`${claimMs} milliseconds`}::interval
    from (
      select c.job_id, c.invoice_id from bulk_job_items c join bulk_jobs j on j.id = c.job_id
      where c.job_id = ${jobId} and c.status = 'pending'
        and (c.not_before is null or c.not_before <= ${now})
        and (c.claimed_until is null or c.claimed_until < now())
        and j.status in ('queued', 'running', 'waiting_for_rate_limit')
      order by c.seq limit 1
      for update of c skip locked
    ) next
    where i.job_id = next.job_id and i.invoice_id = next.invoice_id
    returning i.job_id, i.tenant_id, i.invoice_id, i.attempts`.execute(db)
  const row = rows.rows[0]
  return row && { jobId: row.job_id, tenantId: row.tenant_id, invoiceId: row.invoice_id, attempts: row.attempts, claim }
}

/** The claimant's heartbeat; false when the claim lapsed and someone else has the item now. */
export async function renewBulkItemClaim(db: Executor, item: ClaimedItem, claimMs: number): Promise<boolean> {
  const row = await db
    .updateTable('bulk_job_items')
    .set({ claimed_until: sql<Date>`now() + ${`${claimMs} milliseconds`}::interval` })
    .where('job_id', '=', item.jobId)
    .where('invoice_id', '=', item.invoiceId)
    .where('claimed_by', '=', item.claim)
    .where('status', '=', 'pending')
    .returning('seq')
    .executeTakeFirst()
  return row !== undefined
}

/** Gives the claim up without an outcome (the item is due again at once); a no-op if not ours. */
export async function releaseBulkItemClaim(db: Executor, item: ClaimedItem): Promise<void> {
  await db
    .updateTable('bulk_job_items')
    .set({ claimed_by: null, claimed_until: null })
    .where('job_id', '=', item.jobId)
    .where('invoice_id', '=', item.invoiceId)
    .where('claimed_by', '=', item.claim)
    .execute()
}

/**
 * Final outcome of an item, and the job's count for it (call in a transaction). Written only under
 * the item's claim while it is pending, so an item worked twice (a lapsed claim) counts once.
 * False when the claim was no longer this one.
 */
export async function finishBulkItem(
  trx: Executor,
  item: ClaimedItem,
  outcome: {
    status: Exclude<BulkItemStatusColumn, 'pending'>
    code?: string
    detail?: string
    exportId?: string
    workedBy: string
  },
): Promise<boolean> {
  const updated = await trx
    .updateTable('bulk_job_items')
    .set({
      status: outcome.status,
      code: outcome.code ?? null,
      detail: outcome.detail ?? null,
      export_id: outcome.exportId ?? null,
      worked_by: outcome.workedBy,
      attempts: item.attempts + 1,
      not_before: null,
      finished_at: sql`now()`,
      claimed_by: null,
      claimed_until: null,
    })
    .where('job_id', '=', item.jobId)
    .where('invoice_id', '=', item.invoiceId)
    .where('claimed_by', '=', item.claim)
    .where('status', '=', 'pending')
    .returning('seq')
    .executeTakeFirst()
  if (!updated) return false
  const column = outcome.status
  await trx
    .updateTable('bulk_jobs')
    .set({ [column]: sql`${sql.ref(column)} + 1`, last_error: null, updated_at: sql`now()` })
    .where('id', '=', item.jobId)
    .execute()
  return true
}

/** Leaves the item pending until `notBefore` (and gives up the claim), keeping why for the log and the job's lastError. */
export async function deferBulkItem(
  db: Executor,
  item: ClaimedItem,
  v: { notBefore: Date; countsAsAttempt: boolean; code: string; detail: string },
): Promise<void> {
  await db
    .updateTable('bulk_job_items')
    .set({
      not_before: v.notBefore,
      attempts: v.countsAsAttempt ? item.attempts + 1 : item.attempts,
      code: v.code,
      detail: v.detail,
      claimed_by: null,
      claimed_until: null,
    })
    .where('job_id', '=', item.jobId)
    .where('invoice_id', '=', item.invoiceId)
    .where('claimed_by', '=', item.claim)
    .where('status', '=', 'pending')
    .execute()
}

/**
 * Completes the job when no item is pending. Only one caller gets the row back (the update is
 * conditional), so only one sends bulk.completed.
 */
export async function completeBulkJobIfDone(trx: Executor, jobId: string): Promise<BulkJobRecord | undefined> {
  const row = await trx
    .updateTable('bulk_jobs')
    .set({ status: 'completed', finished_at: sql`now()`, resume_at: null, last_error: null, updated_at: sql`now()` })
    .where('id', '=', jobId)
    .where('status', 'in', ACTIVE)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(selectFrom('bulk_job_items').select('seq').where('job_id', '=', jobId).where('status', '=', 'pending')),
      ),
    )
    .returningAll()
    .executeTakeFirst()
  return row && rowToJob(row)
}

/**
 * How long another process still holds the lease of this invoice's pending export (a crashed one
 * holds it until it expires): the bulk job comes back then instead of waiting on it.
 */
export async function exportLeaseRemainingMs(
  db: Executor,
  tenantId: string,
  invoiceId: string,
): Promise<number | undefined> {
  const row = await sql<{ ms: string }>`
    select ceil(extract(epoch from lease_until - now()) * 1000)::text as ms from exports
    where tenant_id = ${tenantId} and invoice_id = ${invoiceId} and status = 'pending' and lease_until > now()`.execute(
    db,
  )
  const ms = row.rows[0]?.ms
  return ms === undefined ? undefined : Number(ms)
}
