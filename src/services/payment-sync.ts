import type { Db } from '../db/database'
import type { Executor } from '../db/database'
import {
  advanceSyncCursor,
  claimSyncRun,
  findLatestSyncRun,
  findSyncRun,
  finishSyncRun,
  getSyncCursors,
  isPaymentSyncEnabled,
  listPaymentSyncTenants,
  recordSyncProgress,
  type SyncRunRecord,
} from '../db/payment-sync-repository'
import { removeTombstonedLines } from '../db/exports-repository'
import {
  deletePaymentTerms,
  findTargetsByEntryIds,
  findTermsByEntryIds,
  upsertPaymentTerms,
  type PaymentTarget,
  type StoredTerm,
} from '../db/payments-repository'
import { AppError } from '../domain/app-error'
import { factsFromTerms, paymentFigures } from '../domain/payment-status'
import type { ExactClient } from '../exact/client'
import { entryExists, syncTermRows } from '../exact/payments'
import { syncDeleted } from '../exact/sync'
import type { Logger } from '../logger'
import type { ExactSessions } from './exact-session/exact-sessions'
import { toAppError } from './exact-session/exact-errors'
import { applyDeletedEntries, applyReadings, type PaymentReading } from './payment-service'
import type { PaymentSyncSchedule } from '../domain/sync-windows'

/** The last run and when the next starts (the view is http/schemas/payment-sync.ts). */
export interface SyncOverview {
  lastRun: SyncRunRecord | null
  nextRunAt: Date | null
}

/**
 * sync/Deleted EntityType: 1 TransactionLines (keyed by the line's ID), 10 PaymentTerms (keyed by
 * the term's ID) (exact-online.md 5.9, exact-reality #12).
 */
const LINE_TOMBSTONE = 1
const TERM_TOMBSTONE = 10

function readingOf(terms: StoredTerm[], bookedTotal: string | null, observedAt: Date): PaymentReading {
  const facts = factsFromTerms(terms, { bookedTotal })
  return {
    figures: paymentFigures(facts),
    lastPaymentDate: facts.lastPaymentDate,
    currency: terms[0]!.currency || 'EUR',
    observedAt,
    source: 'sync',
  }
}

/**
 * Recomputes the exported exports booked as these entries from all their stored terms, under a
 * row lock. Answers how many changed, and the exports left with no term at all.
 */
async function reaggregate(
  trx: Executor,
  tenantId: string,
  entryIds: string[],
  observedAt: Date,
): Promise<{ changed: number; orphans: PaymentTarget[] }> {
  const targets = await findTargetsByEntryIds(trx, tenantId, entryIds, { lock: true })
  const terms = await findTermsByEntryIds(
    trx,
    tenantId,
    targets.map((t) => t.entryId!),
  )
  const byEntry = new Map<string, StoredTerm[]>()
  for (const t of terms) byEntry.set(t.entryId, [...(byEntry.get(t.entryId) ?? []), t])
  const readings = targets.flatMap((target) => {
    const own = byEntry.get(target.entryId!)
    return own ? [{ target, reading: readingOf(own, target.total, observedAt) }] : []
  })
  return { changed: await applyReadings(trx, readings), orphans: targets.filter((t) => !byEntry.has(t.entryId!)) }
}

export interface PaymentSyncOptions {
  /** A running run whose heartbeat is older than this belongs to a dead replica. */
  staleMs?: number
  /** Tenants synced at once by one replica's tick. */
  concurrency?: number
  /**
   * Reads back booked entries whose figures and line IDs were never read (ExportService.readBackPending),
   * before the tombstones are looked at, so that type-1 tombstones find them; answers the calls it made.
   */
  readBack?: (tenantId: string, client: ExactClient) => Promise<number>
}

/**
 * The incremental payment sync of one tenant: changed payment terms since the stored cursor
 * (sync/Cashflow/PaymentTerms, Timestamp gt ...L), then tombstones (sync/Deleted), each page
 * applied with its cursor in one transaction, so a crash resumes where it stopped. A cycle costs
 * calls in proportion to what changed in Exact, not to how many invoices are open.
 */
export class PaymentSync {
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly staleMs: number
  private readonly concurrency: number
  private readonly readBack?: PaymentSyncOptions['readBack']

  constructor(
    private readonly db: Db,
    private readonly exact: ExactSessions,
    private readonly schedule: PaymentSyncSchedule,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
    options: PaymentSyncOptions = {},
  ) {
    this.staleMs = options.staleMs ?? 15 * 60_000
    this.concurrency = options.concurrency ?? 4
    this.readBack = options.readBack
  }

  /** POST /payment-sync: starts a run in the background, or answers the one already running. */
  async startNow(tenantId: string): Promise<{ run: SyncRunRecord; started: boolean }> {
    await this.exact.clientFor(tenantId).catch((e) => {
      throw toAppError(e)
    })
    const claim = await this.db
      .transaction()
      .execute((trx) => claimSyncRun(trx, tenantId, 'manual', { staleMs: this.staleMs, startedAt: this.clock() }))
    if (!claim.claimed) return { run: claim.run!, started: false }
    this.track(this.execute(claim.run))
    return { run: claim.run, started: true }
  }

  /**
   * A run an Exact webhook event asked for (ExactWebhookService debounces them): starts one unless
   * one is running, and answers its completion; null when one was running already.
   */
  async startTriggered(tenantId: string): Promise<{ done: Promise<unknown> } | null> {
    if (!(await isPaymentSyncEnabled(this.db, tenantId))) return { done: Promise.resolve() }
    const claim = await this.db
      .transaction()
      .execute((trx) => claimSyncRun(trx, tenantId, 'webhook', { staleMs: this.staleMs, startedAt: this.clock() }))
    if (!claim.claimed) return null
    const done = this.execute(claim.run)
    this.track(done)
    return { done }
  }

  async overview(tenantId: string): Promise<SyncOverview> {
    const [last, enabled, tenants] = await Promise.all([
      findLatestSyncRun(this.db, tenantId),
      isPaymentSyncEnabled(this.db, tenantId),
      listPaymentSyncTenants(this.db),
    ])
    const scheduled = tenants.find((t) => t.tenantId === tenantId)
    const nextRunAt =
      enabled && scheduled
        ? this.schedule.nextRunFor(
            tenantId,
            tenants.map((t) => t.tenantId),
            scheduled.lastStartedAt,
            this.clock(),
          )
        : null
    return { lastRun: last ?? null, nextRunAt }
  }

  async getRun(tenantId: string, runId: string): Promise<SyncRunRecord> {
    const run = await findSyncRun(this.db, tenantId, runId)
    if (!run) throw new AppError('not_found', `No payment sync run ${runId}.`)
    return run
  }

  /**
   * The scheduler's per-minute tick: every tenant whose slot in the current window has come and
   * that has not started a run since. Every replica runs this; the claim lets one of them win.
   */
  async runDue(now = this.clock()): Promise<{ due: number; ran: number }> {
    const tenants = await listPaymentSyncTenants(this.db)
    const dueTimes = this.schedule.dueTimes(
      tenants.map((t) => t.tenantId),
      now,
    )
    const due = tenants.flatMap((t) => {
      const at = dueTimes.get(t.tenantId)!
      return at.getTime() <= now.getTime() && (t.lastStartedAt === null || t.lastStartedAt.getTime() < at.getTime())
        ? [{ tenantId: t.tenantId, at }]
        : []
    })
    let ran = 0
    const queue = [...due]
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (await this.runScheduled(next.tenantId, next.at)) ran += 1
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker))
    return { due: due.length, ran }
  }

  /** One tenant's scheduled run, unless another replica already took this slot. */
  async runScheduled(tenantId: string, dueAt: Date): Promise<SyncRunRecord | null> {
    const claim = await this.db
      .transaction()
      .execute((trx) =>
        claimSyncRun(trx, tenantId, 'schedule', { staleMs: this.staleMs, notBefore: dueAt, startedAt: this.clock() }),
      )
    if (!claim.claimed) return null
    const run = this.execute(claim.run)
    this.track(run)
    return run
  }

  /** Resolves when every run this process started has finished (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.inFlight.delete(tracked))
    this.inFlight.add(tracked)
  }

  private async execute(run: SyncRunRecord): Promise<SyncRunRecord> {
    const tenantId = run.tenantId
    const log = this.logger.child({ tenantId, syncRunId: run.id })
    const progress = { exactCalls: 0, changed: 0, deleted: 0, errors: 0 }
    let errorDetail: string | null = null
    try {
      const client = await this.exact.clientFor(tenantId, 'background')
      const cursors = await getSyncCursors(this.db, tenantId)
      for await (const page of syncTermRows(client, cursors.termsTimestamp === '0' ? '1' : cursors.termsTimestamp)) {
        progress.exactCalls += 1
        const observedAt = this.clock()
        progress.changed += await this.db.transaction().execute(async (trx) => {
          // Only terms of entries we booked: a term seen before its export was marked exported is
          // not lost, Exact sends it again with the next payment that changes it.
          const entryIds = [...new Set(page.items.map((t) => t.entryId))]
          const ours = new Set(
            (await findTargetsByEntryIds(trx, tenantId, entryIds)).map((t) => t.entryId!.toLowerCase()),
          )
          await upsertPaymentTerms(
            trx,
            tenantId,
            page.items.filter((t) => ours.has(t.entryId.toLowerCase())),
          )
          const { changed } = await reaggregate(trx, tenantId, [...ours], observedAt)
          await advanceSyncCursor(trx, tenantId, 'terms', page.maxTimestamp)
          return changed
        })
        await recordSyncProgress(this.db, run.id, progress)
      }
      if (this.readBack) progress.exactCalls += await this.readBack(tenantId, client)
      // Entries that may have been deleted, each asked about once below.
      const suspects = new Map<string, { type: 'sales' | 'purchase'; entryId: string }>()
      const suspect = (t: { type: 'sales' | 'purchase'; entryId: string | null }) => {
        if (t.entryId) suspects.set(t.entryId, { type: t.type, entryId: t.entryId })
      }
      for await (const page of syncDeleted(client, cursors.deletedTimestamp === '0' ? '1' : cursors.deletedTimestamp)) {
        progress.exactCalls += 1
        const observedAt = this.clock()
        const lineKeys = [...new Set(page.items.filter((d) => d.entityType === LINE_TOMBSTONE).map((d) => d.entityKey))]
        const termKeys = page.items.filter((d) => d.entityType === TERM_TOMBSTONE).map((d) => d.entityKey)
        const outcome = await this.db.transaction().execute(async (trx) => {
          // Every line booked for an entry tombstoned: deleted, or its lines all replaced.
          const lineless = await removeTombstonedLines(trx, tenantId, lineKeys)
          // A tombstone keyed by the entry's own ID (an older sandbox wrote them so).
          const keyed = await findTargetsByEntryIds(trx, tenantId, [...lineKeys, ...termKeys])
          const touched = await deletePaymentTerms(trx, tenantId, termKeys)
          const { changed, orphans } = await reaggregate(trx, tenantId, touched, observedAt)
          await advanceSyncCursor(trx, tenantId, 'deleted', page.maxTimestamp)
          return { changed, suspects: [...lineless, ...keyed, ...orphans] }
        })
        progress.changed += outcome.changed
        outcome.suspects.forEach(suspect)
        await recordSyncProgress(this.db, run.id, progress)
      }
      // None of these is proof (a bookkeeper's edit replaces lines, Exact re-makes terms), and calling a
      // live entry deleted would let it be booked twice: one call per suspect, in proportion to what changed.
      for (const s of suspects.values()) {
        progress.exactCalls += 1
        if (await entryExists(client, s.type, s.entryId)) continue
        progress.deleted += await this.db
          .transaction()
          .execute((trx) => applyDeletedEntries(trx, tenantId, [s.entryId]))
      }
    } catch (error) {
      progress.errors += 1
      const appError = toAppError(error)
      errorDetail = appError.message
      log.warn({ err: error }, 'payment sync failed; the next run resumes from the stored cursor')
    }
    const finished = await finishSyncRun(this.db, run.id, {
      status: errorDetail ? 'failed' : 'completed',
      ...progress,
      errorDetail,
    })
    log.info({ ...progress, status: finished?.status }, 'payment sync finished')
    return finished ?? { ...run, ...progress, errorDetail, status: 'abandoned', finishedAt: this.clock() }
  }
}
