import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../logger'
import type { BulkService } from '../services/bulk-service'
import { OutageLog } from './outage'

export interface BulkWorkerOptions {
  bulk: BulkService
  logger: Logger
  /** Jobs worked at once by this process; never two of one tenant (Exact is paced per division). */
  concurrency?: number
  /** How often an idle slot looks for work. */
  pollMs?: number
  /** How long a job that cannot reach Exact (not connected) is left alone by this process. */
  blockedBackoffMs?: number
}

export interface BulkWorker {
  /** Look for work now instead of at the next poll (after POST /exports/bulk). */
  wake(): void
  /** Stops claiming; resolves when the invoices in flight are recorded. */
  stop(): Promise<void>
}

/**
 * The bulk export loop of one process. All state is in Postgres: any number of replicas run this
 * loop at once and share jobs item by item (SKIP LOCKED), and a restarted process simply resumes.
 */
export function startBulkWorker(opts: BulkWorkerOptions): BulkWorker {
  const concurrency = opts.concurrency ?? 4
  const pollMs = opts.pollMs ?? 1000
  const blockedBackoffMs = opts.blockedBackoffMs ?? 60_000
  const controller = new AbortController()
  const busyTenants = new Set<string>()
  const leftAlone = new Map<string, number>()
  let wakeUp = new AbortController()
  // One for all slots: a database outage is said once, not once per slot and poll.
  const outage = new OutageLog(opts.logger, 'bulk worker', { initialMs: pollMs, maxMs: Math.max(pollMs, 10_000) })

  const idle = async (ms = pollMs) => {
    const signal = AbortSignal.any([controller.signal, wakeUp.signal])
    await sleep(ms, undefined, { signal }).catch(() => undefined)
  }

  const slot = async (n: number) => {
    while (!controller.signal.aborted) {
      try {
        const now = Date.now()
        for (const [id, until] of leftAlone) if (until <= now) leftAlone.delete(id)
        const candidates = await opts.bulk.runnable([...busyTenants], concurrency * 2 + leftAlone.size)
        outage.succeeded()
        const job = candidates.find((j) => !busyTenants.has(j.tenantId) && !leftAlone.has(j.id))
        if (!job) {
          await idle()
          continue
        }
        busyTenants.add(job.tenantId)
        try {
          const summary = await opts.bulk.run(job, controller.signal)
          opts.logger.debug({ slot: n, ...summary }, 'bulk run ended')
          if (summary.outcome === 'blocked') leftAlone.set(job.id, Date.now() + blockedBackoffMs)
          // Nothing due here (other replicas hold the last items, or retries wait): do not spin.
          if (
            summary.outcome === 'idle' &&
            summary.exported + summary.skipped + summary.failed + summary.deferred === 0
          )
            await idle()
        } finally {
          busyTenants.delete(job.tenantId)
        }
      } catch (error) {
        // The run stopped where it was: its claimed item is handed back when the claim lapses, and
        // its export is adopted by its marker; nothing is booked twice.
        await idle(outage.failed(error))
      }
    }
  }

  const slots = Array.from({ length: concurrency }, (_, n) => slot(n))
  return {
    wake() {
      const previous = wakeUp
      wakeUp = new AbortController()
      previous.abort()
    },
    async stop() {
      controller.abort()
      await Promise.all(slots)
    },
  }
}
