import { spreadOffsets } from './sync-spread'

/** Whether a cron expression fires in the minute that starts at `minute` (jobs/cron.ts reads it in UTC). */
export type CronMatcher = (minute: Date) => boolean

const MINUTE = 60_000
/** How far to look for the cron's previous/next fire (a monthly cron still fits). */
const HORIZON_MINUTES = 32 * 24 * 60

export interface SyncWindow {
  start: Date
  end: Date
}

/**
 * PAYMENT_SYNC_CRON read as windows: each fire opens a window that lasts until the next fire, and
 * every tenant gets a fixed slot inside it (domain/sync-spread.ts). Works from any `now` passed in,
 * so tests and the per-minute tick agree on the same plan.
 */
export class PaymentSyncSchedule {
  constructor(
    readonly cron: string,
    private readonly matches: CronMatcher,
  ) {}

  /** The window `now` falls in: [the last fire at or before now, the next fire after it). */
  window(now: Date): SyncWindow {
    const minute = Math.floor(now.getTime() / MINUTE) * MINUTE
    let start: number | null = null
    for (let i = 0; i <= HORIZON_MINUTES && start === null; i++)
      if (this.matches(new Date(minute - i * MINUTE))) start = minute - i * MINUTE
    const end = this.nextFireAfter(minute)
    return { start: new Date(start ?? end - (this.nextFireAfter(end) - end)), end: new Date(end) }
  }

  /** When each tenant is due in the window `now` falls in. */
  dueTimes(tenantIds: readonly string[], now: Date): Map<string, Date> {
    return this.dueIn(this.window(now), tenantIds)
  }

  /** The next scheduled start for a tenant that last started at `lastStartedAt`. */
  nextRunFor(tenantId: string, tenantIds: readonly string[], lastStartedAt: Date | null, now: Date): Date {
    const ids = tenantIds.includes(tenantId) ? tenantIds : [...tenantIds, tenantId]
    const current = this.window(now)
    const due = this.dueIn(current, ids).get(tenantId)!
    if (lastStartedAt === null || lastStartedAt.getTime() < due.getTime())
      return due.getTime() > now.getTime() ? due : new Date(Math.ceil(now.getTime() / MINUTE) * MINUTE)
    const next = { start: current.end, end: new Date(this.nextFireAfter(current.end.getTime())) }
    return this.dueIn(next, ids).get(tenantId)!
  }

  private dueIn(window: SyncWindow, tenantIds: readonly string[]): Map<string, Date> {
    const offsets = spreadOffsets(tenantIds, window.end.getTime() - window.start.getTime())
    return new Map([...offsets].map(([id, offset]) => [id, new Date(window.start.getTime() + offset)]))
  }

  private nextFireAfter(ms: number): number {
    const minute = Math.floor(ms / MINUTE) * MINUTE
    for (let i = 1; i <= HORIZON_MINUTES; i++)
      if (this.matches(new Date(minute + i * MINUTE))) return minute + i * MINUTE
    throw new Error(`cron ${this.cron} does not fire within 32 days`)
  }
}
