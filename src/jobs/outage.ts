import { isDatabaseUnavailable } from '../services/database-unavailable'
import type { Logger } from '../logger'

export interface BackoffOptions {
  initialMs?: number
  maxMs?: number
}

/**
 * What one background loop (the bulk worker, webhook delivery, a scheduler tick) does when an
 * iteration fails. A database outage is weather: its first failure is logged once (warn, with the
 * error and its code), the failures after it only counted, and the first success after it logged
 * with how long it lasted; meanwhile the loop waits longer each time, up to `maxMs`. Any other
 * failure is a defect and is logged (error) every time, but is backed off the same way so that a
 * loop never spins on it.
 */
export class OutageLog {
  private failures = 0
  private since = 0
  private readonly initialMs: number
  private readonly maxMs: number

  constructor(
    private readonly logger: Logger,
    private readonly loop: string,
    options: BackoffOptions = {},
  ) {
    this.initialMs = options.initialMs ?? 250
    this.maxMs = options.maxMs ?? 5_000
  }

  /** Records a failed iteration; answers how long to wait before the next one. */
  failed(err: unknown): number {
    this.failures += 1
    if (this.failures === 1) this.since = Date.now()
    if (!isDatabaseUnavailable(err)) {
      this.logger.error({ err, loop: this.loop, failures: this.failures }, `${this.loop} failed`)
    } else if (this.failures === 1) {
      this.logger.warn(
        { err, loop: this.loop },
        `${this.loop}: the database is unavailable; backing off until it answers`,
      )
    } else {
      this.logger.debug(
        { loop: this.loop, failures: this.failures, code: (err as { code?: unknown }).code },
        `${this.loop}: the database is still unavailable`,
      )
    }
    return Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures - 1, 16))
  }

  /** Records a good iteration; after failures, says that the loop runs again. */
  succeeded(): void {
    if (this.failures === 0) return
    this.logger.info(
      { loop: this.loop, failures: this.failures, downMs: Date.now() - this.since },
      `${this.loop} resumes`,
    )
    this.failures = 0
  }

  /** In a failure streak right now. */
  get failing(): boolean {
    return this.failures > 0
  }
}

/**
 * Connection errors come in bursts (a restart ends every pooled connection at once): `log` runs for
 * the first of a burst and then at most once per `ms`, with how many were left unsaid.
 */
export function throttled(ms: number, log: (err: Error, unsaid: number) => void): (err: Error) => void {
  let last = -Infinity
  let unsaid = 0
  return (err) => {
    const now = Date.now()
    if (now - last < ms) {
      unsaid += 1
      return
    }
    log(err, unsaid)
    last = now
    unsaid = 0
  }
}
