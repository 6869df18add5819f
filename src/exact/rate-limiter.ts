import { ExactRateLimitedError, ExactUnavailableError } from './errors'
import { limitHit, readRateLimitHeaders } from './rate-limit-headers'
import type { Headers } from './transport'

/**
 * Per-division pacing for Exact's limits (60 calls a minute, 5000 a day per app and division).
 *
 * - Sequential by default: Exact queues parallel requests of one division in random order, so a
 *   write waits until nothing else runs. Reads may overlap up to `readConcurrency` (default 1).
 * - Interactive calls start before queued background calls.
 * - A call starts only while the minutely budget (last headers minus what we started since) is
 *   left; otherwise it waits (a timer, never a loop) for the minutely reset.
 * - A 429 wrote nothing, so the call waits for the reset of the limit it hit and goes again.
 * - Daily budget spent: interactive calls fail at once with ExactRateLimitedError; background calls
 *   wait for the reset. `backgroundDailyReserve` keeps the last N calls of a day for interactive use.
 * One registry per process; replicas share Exact's budget, which the headers reconcile.
 */

export type Priority = 'interactive' | 'background'
export type CallKind = 'read' | 'write'

export interface WaitEvent {
  key: string
  priority: Priority
  reason: 'minutely' | 'daily'
  waitMs: number
}

export interface LimiterOptions {
  readConcurrency?: number
  backgroundDailyReserve?: number
  /** 429s in a row for one call before it fails as unavailable. */
  max429Retries?: number
  /** Added to every wait, for clock error. */
  marginMs?: number
  onWait?: (e: WaitEvent) => void
  now?: () => number
}

export interface LimitState {
  dailyLimit: number | null
  dailyRemaining: number | null
  dailyResetAt: Date | null
  minutelyLimit: number | null
  minutelyRemaining: number | null
  minutelyResetAt: Date | null
  inFlight: number
  queued: { interactive: number; background: number }
}

export interface AttemptResult {
  status: number
  headers: Headers
}

interface Item {
  seq: number
  priority: Priority
  kind: CallKind
  resource: string
  tries: number
  attempt: () => Promise<AttemptResult>
  resolve: (r: AttemptResult) => void
  reject: (e: unknown) => void
}

export class DivisionLimiter {
  private queue: Item[] = []
  private seq = 0
  private inFlight = 0
  private writing = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private timerAt = 0
  private daily = { limit: null as number | null, remaining: null as number | null, resetAt: null as number | null }
  private minutely = { limit: null as number | null, remaining: null as number | null, resetAt: null as number | null }
  private readonly now: () => number

  constructor(
    readonly key: string,
    private readonly opts: LimiterOptions = {},
  ) {
    this.now = opts.now ?? (() => Date.now())
  }

  /** Runs `attempt` when the budget allows; re-runs it after a 429. Resolves with the non-429 answer. */
  schedule<T extends AttemptResult>(
    call: { priority: Priority; kind: CallKind; resource: string },
    attempt: () => Promise<T>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        ...call,
        seq: this.seq++,
        tries: 0,
        attempt,
        resolve: resolve as (r: AttemptResult) => void,
        reject,
      })
      this.pump()
    })
  }

  state(): LimitState {
    this.rollWindows()
    const d = (ms: number | null) => (ms === null ? null : new Date(ms))
    return {
      dailyLimit: this.daily.limit,
      dailyRemaining: this.daily.remaining,
      dailyResetAt: d(this.daily.resetAt),
      minutelyLimit: this.minutely.limit,
      minutelyRemaining: this.minutely.remaining,
      minutelyResetAt: d(this.minutely.resetAt),
      inFlight: this.inFlight,
      queued: {
        interactive: this.queue.filter((i) => i.priority === 'interactive').length,
        background: this.queue.filter((i) => i.priority === 'background').length,
      },
    }
  }

  private rollWindows(): void {
    const now = this.now()
    if (this.minutely.resetAt !== null && now >= this.minutely.resetAt) {
      this.minutely.remaining = this.minutely.limit
      this.minutely.resetAt = null
    }
    if (this.daily.resetAt !== null && now >= this.daily.resetAt) {
      this.daily.remaining = this.daily.limit
      this.daily.resetAt = null
    }
  }

  private next(): Item | undefined {
    let best: Item | undefined
    for (const i of this.queue) {
      if (
        !best ||
        (i.priority === 'interactive' && best.priority === 'background') ||
        (i.priority === best.priority && i.seq < best.seq)
      )
        best = i
    }
    return best
  }

  /** Until when `item` must wait, and why; undefined when it may start now. */
  private gate(item: Item): { until: number; reason: 'minutely' | 'daily' } | undefined {
    this.rollWindows()
    const reserve = item.priority === 'background' ? (this.opts.backgroundDailyReserve ?? 0) : 0
    if (this.daily.remaining !== null && this.daily.remaining <= reserve && this.daily.resetAt !== null) {
      return { until: this.daily.resetAt, reason: 'daily' }
    }
    if (this.minutely.remaining !== null && this.minutely.remaining <= 0 && this.minutely.resetAt !== null) {
      return { until: this.minutely.resetAt, reason: 'minutely' }
    }
    return undefined
  }

  private pump(): void {
    for (;;) {
      const item = this.next()
      if (!item) return this.clearTimer()
      const gate = this.gate(item)
      if (gate?.reason === 'daily' && item.priority === 'interactive') {
        this.remove(item)
        item.reject(new ExactRateLimitedError({ resetAt: new Date(gate.until), resource: item.resource }))
        continue
      }
      if (gate) return this.waitUntil(gate.until + (this.opts.marginMs ?? 250), item, gate.reason)
      this.clearTimer()
      const maxReads = Math.max(1, this.opts.readConcurrency ?? 1)
      const free = item.kind === 'write' ? this.inFlight === 0 : !this.writing && this.inFlight < maxReads
      if (!free) return
      this.remove(item)
      this.start(item)
    }
  }

  private start(item: Item): void {
    this.inFlight++
    if (item.kind === 'write') this.writing = true
    if (this.minutely.remaining !== null) this.minutely.remaining--
    if (this.daily.remaining !== null) this.daily.remaining--
    item.attempt().then(
      (res) => this.finish(item, res),
      (err) => {
        this.done(item)
        item.reject(err)
        this.pump()
      },
    )
  }

  private done(item: Item): void {
    this.inFlight--
    if (item.kind === 'write') this.writing = false
  }

  private finish(item: Item, res: AttemptResult): void {
    this.done(item)
    const h = readRateLimitHeaders(res.headers, this.now())
    // Calls still in flight were started after this one was counted by Exact (or soon will be).
    const observe = (w: typeof this.minutely, limit?: number, remaining?: number, resetAt?: number) => {
      if (limit !== undefined) w.limit = limit
      if (remaining !== undefined) w.remaining = Math.max(0, remaining - this.inFlight)
      if (resetAt !== undefined) w.resetAt = resetAt
    }
    observe(this.daily, h.dailyLimit, h.dailyRemaining, h.dailyResetAt)
    observe(this.minutely, h.minutelyLimit, h.minutelyRemaining, h.minutelyResetAt)
    if (res.status !== 429) {
      item.resolve(res)
      return this.pump()
    }
    const hit = limitHit(h)
    const w = hit === 'daily' ? this.daily : this.minutely
    w.remaining = 0
    if (w.resetAt === null || w.resetAt <= this.now()) {
      // No usable reset header: Retry-After, else the next whole minute.
      const now = this.now()
      w.resetAt = h.retryAfterMs !== undefined ? now + h.retryAfterMs : now + 60_000 - (now % 60_000)
    }
    item.tries++
    if (item.tries > (this.opts.max429Retries ?? 10)) {
      item.reject(
        new ExactUnavailableError({
          reason: 'server_error',
          resource: item.resource,
          status: 429,
          message: `still 429 after ${item.tries} tries`,
        }),
      )
    } else {
      this.queue.push(item) // keeps its seq, so it stays first in its class
    }
    this.pump()
  }

  private remove(item: Item): void {
    this.queue.splice(this.queue.indexOf(item), 1)
  }

  private waitUntil(at: number, item: Item, reason: 'minutely' | 'daily'): void {
    if (this.timer !== undefined && this.timerAt === at) return
    this.clearTimer()
    const waitMs = Math.max(0, at - this.now())
    this.opts.onWait?.({ key: this.key, priority: item.priority, reason, waitMs })
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.pump()
    }, waitMs)
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }
}

/** One limiter per (base URL, division), shared by every client in the process. */
export class RateLimiterRegistry {
  private readonly limiters = new Map<string, DivisionLimiter>()

  constructor(private readonly opts: LimiterOptions = {}) {}

  forDivision(baseUrl: string, division: number | null): DivisionLimiter {
    const key = `${baseUrl.replace(/\/+$/, '')}#${division ?? 'current'}`
    let limiter = this.limiters.get(key)
    if (!limiter) {
      limiter = new DivisionLimiter(key, this.opts)
      this.limiters.set(key, limiter)
    }
    return limiter
  }

  states(): Record<string, LimitState> {
    return Object.fromEntries([...this.limiters].map(([k, l]) => [k, l.state()]))
  }
}
