import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Db } from '../db/database'
import {
  claimNextBulkItem,
  completeBulkJobIfDone,
  deferBulkItem,
  exportLeaseRemainingMs,
  finishBulkItem,
  markBulkJobRunning,
  markBulkJobWaiting,
  pendingPartiesOfBulkJob,
  releaseBulkItemClaim,
  renewBulkItemClaim,
  setBulkJobError,
  type BulkJobRecord,
  type ClaimedItem,
} from '../db/bulk-repository'
import { enqueueWebhookEvent } from '../db/webhook-outbox-repository'
import type { AppError } from '../domain/app-error'
import { decideAfterError } from '../domain/bulk-job'
import type { Party } from '../domain/invoice'
import type { ExactClient } from '../exact/client'
import type { DivisionLimiter, Priority } from '../exact/rate-limiter'
import type { Logger } from '../logger'
import type { ExactSessions } from './exact-session/exact-sessions'
import { toAppError } from './exact-session/exact-errors'
import { retryInBackground } from '../lib/retry-later'
import type { RelationHints } from './relation-service'

/** The part of the export service a bulk job uses (the same exactly-once path as a single export). */
export interface BulkExporter {
  exportInvoice(
    tenantId: string,
    invoiceId: string,
    options: { priority?: Priority; client?: ExactClient; hints?: RelationHints; readBack?: 'now' | 'later' },
  ): Promise<{ export: { id: string; status: string; exportedAt: Date | null }; outcome: 'created' | 'existing' }>
  /** Exact's figures and line IDs for the entries booked with readBack 'later', READ_BACK_BATCH per call. */
  readBackPending(tenantId: string, client: ExactClient, limit?: number): Promise<{ read: number; calls: number }>
}

export interface RelationPrimer {
  prime(client: ExactClient, tenantId: string, parties: Party[]): Promise<RelationHints>
}

export interface RunnerDeps {
  db: Db
  exact: ExactSessions
  exports: BulkExporter
  relations: RelationPrimer
  logger: Logger
  /** host:pid, recorded on each item this process books. */
  workerId: string
}

/** idle: no due item left here (others hold the rest, or retries are deferred). */
export type RunOutcome = 'completed' | 'idle' | 'waiting' | 'stopped' | 'blocked'

export interface RunSummary {
  jobId: string
  outcome: RunOutcome
  exported: number
  skipped: number
  failed: number
  deferred: number
}

/**
 * The most calls one invoice's export may need (marker search, party look-up, account create or
 * role, the entry). Below that many left today the job pauses rather than start an export whose
 * last call would sit in the limiter until midnight with its item locked.
 */
const CALLS_PER_EXPORT = 3
/**
 * Entries booked before their figures are read back in one call (ExportService.readBackPending):
 * a read-back per export would double a job's calls, one per batch adds 1/20 of a call per invoice.
 */
const READ_BACK_EVERY = 20
const WATCH_MS = 1000
/** How long a claimed item is this process's unless renewed (every third of it while it works). */
const ITEM_CLAIM_MS = 30_000
/**
 * Share of each minute's calls a bulk job leaves to interactive requests (at least 2), so a single
 * export during a job is answered at once instead of after the next minute window.
 */
const MINUTELY_RESERVE_SHARE = 0.05
/** Outages in a row after which the run stops (the worker comes back later) instead of burning every item's attempts. */
const OUTAGE_STREAK = 3

/**
 * Works one job in this process until it is done, paused, cancelled or out of due items.
 * Every item is claimed by a committed, renewed claim, so replicas share a job and a crash hands
 * the item back when its claim lapses; the export service's marker search makes the retry safe.
 */
export class BulkRunner {
  constructor(private readonly deps: RunnerDeps) {}

  async run(job: BulkJobRecord, signal: AbortSignal): Promise<RunSummary> {
    const summary: RunSummary = { jobId: job.id, outcome: 'idle', exported: 0, skipped: 0, failed: 0, deferred: 0 }
    const log = this.deps.logger.child({ bulkJobId: job.id, tenantId: job.tenantId })
    if (await this.completeIfDone(job)) return { ...summary, outcome: 'completed' }

    let client: ExactClient
    try {
      client = await this.deps.exact.clientFor(job.tenantId, 'background')
    } catch (error) {
      const appError = toAppError(error)
      // The database, not Exact: the worker backs off and comes back, without leaving the job alone.
      if (appError.code === 'database_unavailable') throw appError
      await setBulkJobError(this.deps.db, job.id, appError.message)
      log.warn({ code: appError.code }, 'bulk job cannot reach Exact')
      return { ...summary, outcome: 'blocked' }
    }
    const limiter = this.deps.exact.limiter.forDivision(client.baseUrl, client.division)
    const pauseUntil = this.dailyPause(limiter)
    if (pauseUntil) return this.pause(job, pauseUntil, summary)
    await markBulkJobRunning(this.deps.db, job.id)
    const hints = await this.prime(job, client).catch((error: unknown) => {
      if (toAppError(error).code === 'database_unavailable') throw error
      log.warn({ err: error }, 'batched party look-up failed; each export looks its party up itself')
      return undefined
    })

    let outages = 0
    let unread = 0
    // Never with the last of the day's calls: a read-back waiting for the daily reset would hold the
    // job; what is left unread the payment sync reads.
    const affordable = () => {
      const s = limiter.state()
      return s.dailyRemaining === null || s.dailyRemaining > CALLS_PER_EXPORT
    }
    const readBack = async (all: boolean) => {
      while (unread > 0 && (all || unread >= READ_BACK_EVERY) && affordable()) {
        const { read } = await this.deps.exports
          .readBackPending(job.tenantId, client, READ_BACK_EVERY)
          .catch((error: unknown) => {
            // Only figures are missing: the entries are booked, and the next payment sync reads them.
            log.warn({ err: error }, 'read-back of booked entries failed; the payment sync reads them later')
            return { read: 0 }
          })
        unread = read === 0 ? 0 : Math.max(0, unread - read)
      }
    }
    // Stopping for the daily limit, an outage or a shutdown leaves the last batch unread: its calls
    // would wait for the limit or fail; the next run or payment sync reads it.
    while (!signal.aborted) {
      const resumeAt = this.dailyPause(limiter)
      if (resumeAt) {
        // The last item may have spent the day's calls: a job with nothing left is done, not waiting.
        if (await this.completeIfDone(job)) return { ...summary, outcome: 'completed' }
        return this.pause(job, resumeAt, summary)
      }
      await this.leaveMinutelyReserve(limiter, signal)
      if (signal.aborted) break
      const before = summary.exported
      const done = await this.processNext(job, client, limiter, hints, summary)
      unread += summary.exported - before
      await readBack(false)
      if (done === 'none') {
        await readBack(true)
        return (await this.completeIfDone(job)) ? { ...summary, outcome: 'completed' } : summary
      }
      outages = done === 'outage' ? outages + 1 : 0
      if (done === 'blocked' || outages >= OUTAGE_STREAK) {
        if (done === 'outage')
          await setBulkJobError(this.deps.db, job.id, 'Exact Online does not answer; the job goes on when it does.')
        log.warn({ reason: done }, 'bulk run stops for now; the worker comes back to it')
        return { ...summary, outcome: 'blocked' }
      }
    }
    return { ...summary, outcome: 'stopped' }
  }

  /** outage: Exact did not answer; blocked: nothing can be booked for now (connection, daily limit). */
  private async processNext(
    job: BulkJobRecord,
    client: ExactClient,
    limiter: DivisionLimiter,
    hints: RelationHints | undefined,
    summary: RunSummary,
  ): Promise<'done' | 'none' | 'outage' | 'blocked'> {
    const { db, exports, workerId } = this.deps
    // Claimed and committed before the export starts: no transaction (and no pooled connection)
    // is held while Exact is called or a rate-limit window is waited out.
    const item = await claimNextBulkItem(db, job.id, this.now(), randomUUID(), ITEM_CLAIM_MS)
    if (!item) return 'none'
    const stopClaim = this.keepClaim(item)
    let settled = false
    try {
      const leasedMs = await exportLeaseRemainingMs(db, item.tenantId, item.invoiceId)
      if (leasedMs !== undefined) {
        await this.defer(
          item,
          { code: 'export_in_progress', message: 'another process is booking this invoice right now' },
          leasedMs + 1000,
          false,
          false,
        )
        settled = true
        summary.deferred++
        return 'done'
      }
      const stopWatch = this.watchDailyWait(job, limiter)
      try {
        const result = await exports.exportInvoice(item.tenantId, item.invoiceId, {
          priority: 'background',
          client,
          hints,
          readBack: 'later',
        })
        if (result.export.status !== 'exported') {
          await this.defer(
            item,
            { code: 'export_in_progress', message: `export ${result.export.id} is still ${result.export.status}` },
            5000,
            true,
          )
          settled = true
          summary.deferred++
          return 'done'
        }
        // Booked before this job was made (by a single export meanwhile): nothing to do here.
        const before =
          result.outcome === 'existing' && result.export.exportedAt !== null && result.export.exportedAt < job.createdAt
        const status = before ? 'skipped' : 'exported'
        if (
          await this.finish(item, {
            status,
            exportId: result.export.id,
            workedBy: workerId,
            ...(before ? { code: 'already_exported' } : {}),
          })
        )
          summary[status]++
        settled = true
      } catch (error) {
        const appError = toAppError(error)
        // Nothing is known about this invoice, and nothing can be written: the worker backs off
        // and the item comes back (the export is adopted by its marker if it reached Exact).
        if (appError.code === 'database_unavailable') throw appError
        const decision = decideAfterError(
          appError.code,
          item.attempts + 1,
          appError.retryAfterSeconds === undefined ? undefined : appError.retryAfterSeconds * 1000,
        )
        if (decision.kind === 'retry') {
          await this.defer(item, appError, decision.delayMs, decision.countsAsAttempt)
          settled = true
          summary.deferred++
          if (!decision.countsAsAttempt) return 'blocked'
          if (appError.code === 'exact_unavailable') return 'outage'
        } else {
          if (
            await this.finish(item, {
              status: decision.kind,
              code: appError.code,
              detail: appError.message,
              workedBy: workerId,
            })
          )
            summary[decision.kind]++
          settled = true
        }
        if (appError.code === 'internal')
          this.deps.logger.error(
            { err: error, bulkJobId: job.id, invoiceId: item.invoiceId },
            'bulk export item failed unexpectedly',
          )
      } finally {
        await stopWatch()
      }
      return 'done'
    } finally {
      stopClaim()
      // No outcome written (the database went away): hand the item back as soon as it answers,
      // instead of when the claim lapses. A no-op once someone else has claimed it.
      if (!settled) retryInBackground(() => releaseBulkItemClaim(db, item), { everyMs: 1000, forMs: ITEM_CLAIM_MS })
    }
  }

  /** The item's outcome and the job's count, in one transaction; false when the claim was lost. */
  private finish(item: ClaimedItem, outcome: Parameters<typeof finishBulkItem>[2]): Promise<boolean> {
    return this.deps.db.transaction().execute((trx) => finishBulkItem(trx, item, outcome))
  }

  /** Renews the item's claim while its export runs; a lapse is safe (the export is exactly once). */
  private keepClaim(item: ClaimedItem): () => void {
    const timer = setInterval(() => {
      renewBulkItemClaim(this.deps.db, item, ITEM_CLAIM_MS).catch((err: unknown) => {
        this.deps.logger.debug({ err, bulkJobId: item.jobId, invoiceId: item.invoiceId }, 'bulk item claim not renewed')
      })
    }, ITEM_CLAIM_MS / 3)
    timer.unref()
    return () => clearInterval(timer)
  }

  private async defer(
    item: ClaimedItem,
    error: Pick<AppError, 'code' | 'message'>,
    delayMs: number,
    countsAsAttempt: boolean,
    jobLevel = !countsAsAttempt,
  ): Promise<void> {
    await deferBulkItem(this.deps.db, item, {
      notBefore: new Date(this.now().getTime() + delayMs),
      countsAsAttempt,
      code: error.code,
      detail: error.message,
    })
    if (jobLevel) await setBulkJobError(this.deps.db, item.jobId, error.message)
  }

  /** One filtered GET per batch of parties instead of a look-up per invoice. */
  private async prime(job: BulkJobRecord, client: ExactClient): Promise<RelationHints> {
    const parties = (await pendingPartiesOfBulkJob(this.deps.db, job.id)) as Party[]
    return this.deps.relations.prime(client, job.tenantId, parties)
  }

  /** When the daily budget is (nearly) spent: the limiter's reset time, else undefined. */
  private dailyPause(limiter: DivisionLimiter): Date | undefined {
    const s = limiter.state()
    if (s.dailyRemaining === null || s.dailyResetAt === null) return undefined
    if (s.dailyRemaining >= CALLS_PER_EXPORT || s.dailyResetAt <= this.now()) return undefined
    return s.dailyResetAt
  }

  private async leaveMinutelyReserve(limiter: DivisionLimiter, signal: AbortSignal): Promise<void> {
    const s = limiter.state()
    if (s.minutelyLimit === null || s.minutelyRemaining === null || s.minutelyResetAt === null) return
    if (s.minutelyRemaining > Math.max(2, Math.ceil(s.minutelyLimit * MINUTELY_RESERVE_SHARE))) return
    const waitMs = s.minutelyResetAt.getTime() - this.now().getTime() + 250
    if (waitMs > 0) await sleep(Math.min(waitMs, 61_000), undefined, { signal }).catch(() => undefined)
  }

  private async pause(job: BulkJobRecord, resumeAt: Date, summary: RunSummary): Promise<RunSummary> {
    await markBulkJobWaiting(this.deps.db, job.id, resumeAt)
    this.deps.logger.info({ bulkJobId: job.id, resumeAt }, "bulk job waits for Exact's daily limit to reset")
    return { ...summary, outcome: 'waiting' }
  }

  /**
   * A call of this export may sit in the limiter until the daily reset (another replica or app spent
   * the budget): say so in the job's status while it does.
   */
  private watchDailyWait(job: BulkJobRecord, limiter: DivisionLimiter): () => Promise<void> {
    let waiting = false
    let pending: Promise<unknown> = Promise.resolve()
    const timer = setInterval(() => {
      const s = limiter.state()
      const resetAt = s.dailyResetAt
      if (
        !waiting &&
        s.queued.background > 0 &&
        s.dailyRemaining !== null &&
        s.dailyRemaining <= 0 &&
        resetAt &&
        resetAt > this.now()
      ) {
        waiting = true
        pending = markBulkJobWaiting(this.deps.db, job.id, resetAt).catch(() => undefined)
      }
    }, WATCH_MS)
    return async () => {
      clearInterval(timer)
      await pending
      if (waiting) await markBulkJobRunning(this.deps.db, job.id)
    }
  }

  private async completeIfDone(job: BulkJobRecord): Promise<boolean> {
    return this.deps.db.transaction().execute(async (trx) => {
      const done = await completeBulkJobIfDone(trx, job.id)
      if (!done) return false
      await enqueueWebhookEvent(trx, {
        tenantId: done.tenantId,
        type: 'bulk.completed',
        payload: {
          jobId: done.id,
          type: done.type,
          status: done.status,
          total: done.total,
          exported: done.exported,
          skipped: done.skipped,
          failed: done.failed,
        },
      })
      this.deps.logger.info(
        { bulkJobId: done.id, total: done.total, exported: done.exported, skipped: done.skipped, failed: done.failed },
        'bulk job completed',
      )
      return true
    })
  }

  private now(): Date {
    return this.deps.exact.clock()
  }
}
