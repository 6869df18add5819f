import type { SandboxClock } from './clock'

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

interface Window {
  minuteStart: number
  minuteCount: number
  dayStart: number
  dayCount: number
}

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; limit: 'minute' | 'day' }

/**
 * Exact's two fixed, clock-aligned windows per (client id, division): the minute, and the UTC day
 * (exact-online.md §3). Every call counts, whatever its answer; 429s do not.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>()

  constructor(
    private readonly clock: SandboxClock,
    public limits: { perMinute: number; perDay: number },
  ) {}

  consume(key: string): RateDecision {
    const w = this.window(key)
    if (w.dayCount >= this.limits.perDay) return { allowed: false, headers: this.dailyHeaders(w), limit: 'day' }
    if (w.minuteCount >= this.limits.perMinute)
      return { allowed: false, headers: this.minutelyHeaders(w), limit: 'minute' }
    w.dayCount += 1
    w.minuteCount += 1
    return { allowed: true, headers: { ...this.dailyHeaders(w), ...this.minutelyHeaders(w) } }
  }

  reset(): void {
    this.windows.clear()
  }

  private window(key: string): Window {
    const now = this.clock.now()
    const minuteStart = Math.floor(now / MINUTE_MS) * MINUTE_MS
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS
    let w = this.windows.get(key)
    if (!w) {
      w = { minuteStart, minuteCount: 0, dayStart, dayCount: 0 }
      this.windows.set(key, w)
    }
    if (w.minuteStart !== minuteStart) {
      w.minuteStart = minuteStart
      w.minuteCount = 0
    }
    if (w.dayStart !== dayStart) {
      w.dayStart = dayStart
      w.dayCount = 0
    }
    return w
  }

  private dailyHeaders(w: Window): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.limits.perDay),
      'X-RateLimit-Remaining': String(Math.max(0, this.limits.perDay - w.dayCount)),
      'X-RateLimit-Reset': String(w.dayStart + DAY_MS),
    }
  }

  private minutelyHeaders(w: Window): Record<string, string> {
    return {
      'X-RateLimit-Minutely-Limit': String(this.limits.perMinute),
      'X-RateLimit-Minutely-Remaining': String(Math.max(0, this.limits.perMinute - w.minuteCount)),
      'X-RateLimit-Minutely-Reset': String(w.minuteStart + MINUTE_MS),
    }
  }
}

/**
 * Exact blocks an app after more than 10 error answers (400/401/403/404) per endpoint per hour.
 * The count runs in an hour that starts with the first error; the 11th error starts a one-hour block.
 * The limit comes from the behaviour settings (0 = never block).
 */
export class ErrorLimiter {
  private readonly counters = new Map<string, { windowStart: number; count: number; blockedUntil: number }>()

  constructor(
    private readonly clock: SandboxClock,
    private readonly limit: () => number,
  ) {}

  blockedUntil(key: string): number | null {
    const c = this.counters.get(key)
    return c && c.blockedUntil > this.clock.now() ? c.blockedUntil : null
  }

  record(key: string): void {
    const now = this.clock.now()
    let c = this.counters.get(key)
    if (!c || now - c.windowStart >= HOUR_MS) {
      c = { windowStart: now, count: 0, blockedUntil: c?.blockedUntil ?? 0 }
      this.counters.set(key, c)
    }
    c.count += 1
    if (this.limit() > 0 && c.count > this.limit()) {
      c.blockedUntil = now + HOUR_MS
      c.windowStart = now
      c.count = 0
    }
  }

  reset(): void {
    this.counters.clear()
  }
}
