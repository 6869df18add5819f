import { header, retryAfterMs, type Headers } from './transport'

/** The six X-RateLimit-* headers (exact-online.md §3.2), reset times moved onto our clock. */
export interface RateLimitHeaders {
  dailyLimit?: number
  dailyRemaining?: number
  /** Local epoch ms. */
  dailyResetAt?: number
  minutelyLimit?: number
  minutelyRemaining?: number
  /** Local epoch ms. */
  minutelyResetAt?: number
  retryAfterMs?: number
}

const MINUTE = 60_000
const DAY = 86_400_000

function num(headers: Headers, name: string): number | undefined {
  const v = header(headers, name)
  if (v === undefined || v.trim() === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) ? n : undefined
}

/**
 * Exact's resets are epoch ms on Exact's clock. When the answer's Date header shows a real skew
 * (more than 2 s; it has whole-second precision) the reset is moved onto our clock. Whatever the
 * skew, a minutely reset is never more than a minute away, nor a daily one more than a day.
 */
export function readRateLimitHeaders(headers: Headers, receivedAt: number): RateLimitHeaders {
  const dateHeader = header(headers, 'date')
  const serverNow = dateHeader ? Date.parse(dateHeader) : NaN
  const skew = Number.isFinite(serverNow) && Math.abs(serverNow - receivedAt) > 2000 ? serverNow - receivedAt : 0
  const local = (v: number | undefined, max: number): number | undefined =>
    v === undefined ? undefined : Math.min(v - skew, receivedAt + max)
  return {
    dailyLimit: num(headers, 'x-ratelimit-limit'),
    dailyRemaining: num(headers, 'x-ratelimit-remaining'),
    dailyResetAt: local(num(headers, 'x-ratelimit-reset'), DAY),
    minutelyLimit: num(headers, 'x-ratelimit-minutely-limit'),
    minutelyRemaining: num(headers, 'x-ratelimit-minutely-remaining'),
    minutelyResetAt: local(num(headers, 'x-ratelimit-minutely-reset'), MINUTE),
    retryAfterMs: retryAfterMs(headers, receivedAt),
  }
}

/**
 * Which limit a 429 hit: Exact sends only the headers of that limit. With no headers at all
 * (older answers) it is treated as the minutely limit, the common case.
 */
export function limitHit(h: RateLimitHeaders): 'minutely' | 'daily' {
  if (h.minutelyRemaining !== undefined || h.minutelyResetAt !== undefined) {
    if (h.minutelyRemaining === 0 || h.dailyRemaining === undefined || h.dailyRemaining > 0) return 'minutely'
  }
  if (h.dailyRemaining !== undefined || h.dailyResetAt !== undefined) return 'daily'
  return 'minutely'
}
