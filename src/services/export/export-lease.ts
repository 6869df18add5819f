import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/database'
import { claimLease, releaseLease, renewLease } from '../../db/exports-repository'
import type { ExportStatusColumn } from '../../db/schema'
import type { Logger } from '../../logger'
import { retryInBackground } from '../../lib/retry-later'

/**
 * How long a lease outlives its holder. A live holder renews it every third of that (a call waiting
 * for Exact's rate-limit window can take minutes), so only a crashed or frozen one lets it lapse.
 */
export const LEASE_MS = 30_000
const RENEW_EVERY_MS = LEASE_MS / 3
/** After a failed renewal (the database is away), try again this soon. */
const RETRY_RENEW_MS = 1_000
/**
 * A holder that has not confirmed its lease for this long stops calling Exact: the lease, counted
 * from the moment that confirmation was sent, still has LEASE_MS - SURE_FOR_MS (10 s) to run, time
 * for a call already sent to land before anyone else may take the export over.
 */
const SURE_FOR_MS = (LEASE_MS * 2) / 3

/** The holder no longer holds the lease, or cannot be sure it does: it must not call Exact or settle. */
export class LeaseLostError extends Error {
  constructor(
    readonly exportId: string,
    reason: string,
  ) {
    super(`lost the lease of export ${exportId}: ${reason}`)
    this.name = 'LeaseLostError'
  }
}

/**
 * The right to talk to Exact about one export, fenced by a holder id: the database renews,
 * releases and settles (markExported, markFailed, markUndone) only for the holder named in the
 * row. Locally the holder keeps the time of its last confirmed renewal and refuses every Exact call
 * once it is unsure (assertHeld), so a holder cut off from the database, or frozen, stops before
 * its lease can lapse and another replica take over.
 */
export class ExportLease {
  private confirmedAt: number
  private lostReason: string | undefined

  private constructor(
    private readonly db: Db,
    readonly exportId: string,
    readonly holder: string,
    sentAt: number,
    private readonly logger: Logger,
  ) {
    this.confirmedAt = sentAt
  }

  /** A new holder id, for an export inserted with its lease already taken (insertPendingExport). */
  static newHolder(): { holder: string; sentAt: number } {
    return { holder: randomUUID(), sentAt: performance.now() }
  }

  /** The lease of an export just inserted under `holder`; `sentAt` is when the insert was sent. */
  static inserted(db: Db, exportId: string, taken: { holder: string; sentAt: number }, logger: Logger): ExportLease {
    return new ExportLease(db, exportId, taken.holder, taken.sentAt, logger)
  }

  /** Takes the lease unless someone holds it (or the export left `statuses`). */
  static async claim(
    db: Db,
    exportId: string,
    logger: Logger,
    statuses?: readonly ExportStatusColumn[],
  ): Promise<ExportLease | undefined> {
    const { holder, sentAt } = ExportLease.newHolder()
    if (!(await claimLease(db, exportId, holder, LEASE_MS, statuses))) return undefined
    return new ExportLease(db, exportId, holder, sentAt, logger)
  }

  /** Throws LeaseLostError unless the lease is certainly still ours for a while. */
  assertHeld(): void {
    if (this.lostReason) throw new LeaseLostError(this.exportId, this.lostReason)
    const unconfirmedMs = performance.now() - this.confirmedAt
    if (unconfirmedMs > SURE_FOR_MS)
      throw new LeaseLostError(this.exportId, `not confirmed for ${Math.round(unconfirmedMs / 1000)} s`)
  }

  /**
   * One round trip that proves, in the database, that the lease is ours and extends it: right
   * before a write to Exact that must not happen twice.
   */
  async confirm(): Promise<void> {
    this.assertHeld()
    const sentAt = performance.now()
    if (!(await renewLease(this.db, this.exportId, this.holder, LEASE_MS)))
      this.lose('another holder has it, or it was settled')
    this.confirmedAt = sentAt
    this.assertHeld()
  }

  /** Runs `work` while a heartbeat renews the lease. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    let stopped = false
    let timer: NodeJS.Timeout | undefined
    let failingSince: number | undefined
    const beat = async () => {
      const sentAt = performance.now()
      let next = RENEW_EVERY_MS
      try {
        // Never throw from here (nobody awaits the beat): note the loss; the next assertHeld throws.
        if (!(await renewLease(this.db, this.exportId, this.holder, LEASE_MS))) {
          this.lostReason ??= 'another holder has it, or it was settled'
          return
        }
        this.confirmedAt = sentAt
        if (failingSince !== undefined)
          this.logger.info(
            { exportId: this.exportId, failedForMs: Math.round(sentAt - failingSince) },
            'export lease renewed again',
          )
        failingSince = undefined
      } catch (err) {
        if (failingSince === undefined) {
          failingSince = sentAt
          this.logger.warn(
            { err, exportId: this.exportId },
            'export lease renewal failed; its holder stops calling Exact before the lease can lapse',
          )
        }
        next = RETRY_RENEW_MS
      }
      if (!stopped && !this.lostReason) {
        timer = setTimeout(() => void beat(), next)
        timer.unref()
      }
    }
    timer = setTimeout(() => void beat(), RENEW_EVERY_MS)
    timer.unref()
    try {
      return await work()
    } finally {
      stopped = true
      clearTimeout(timer)
    }
  }

  /**
   * Gives the lease back (fenced: a no-op once it is someone else's). With the database away it is
   * tried again in the background, so the export is free the moment the database answers rather
   * than when the lease lapses.
   */
  async release(): Promise<void> {
    const release = () => releaseLease(this.db, this.exportId, this.holder)
    await release().catch((err: unknown) => {
      this.logger.debug(
        { err, exportId: this.exportId },
        'export lease not released yet; trying again in the background',
      )
      retryInBackground(release, { everyMs: RETRY_RENEW_MS, forMs: LEASE_MS })
    })
  }

  /** A fenced write matched no row: the lease is gone. */
  lost(reason: string): never {
    this.lose(reason)
  }

  private lose(reason: string): never {
    this.lostReason ??= reason
    throw new LeaseLostError(this.exportId, this.lostReason)
  }
}
