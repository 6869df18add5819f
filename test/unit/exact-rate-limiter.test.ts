import { ExactRateLimitedError } from '../../src/exact/errors'
import { DivisionLimiter, RateLimiterRegistry, type AttemptResult, type WaitEvent } from '../../src/exact/rate-limiter'

const T0 = Date.parse('2026-03-02T10:00:10Z')

/** A fake Exact budget with fixed, clock-aligned windows (per minute and per UTC day). */
function fakeExact(perMinute: number, perDay = 5000) {
  let minuteStart = -1
  let usedMinute = 0
  let dayStart = -1
  let usedDay = 0
  const log: string[] = []
  const call = (name: string): AttemptResult => {
    const now = Date.now()
    const minute = now - (now % 60_000)
    if (minute !== minuteStart) {
      minuteStart = minute
      usedMinute = 0
    }
    const day = now - (now % 86_400_000)
    if (day !== dayStart) {
      dayStart = day
      usedDay = 0
    }
    const minutelyReset = String(minute + 60_000)
    const dailyReset = String(now - (now % 86_400_000) + 86_400_000)
    if (usedMinute >= perMinute) {
      log.push(`429 ${name}`)
      return {
        status: 429,
        headers: {
          'x-ratelimit-minutely-limit': String(perMinute),
          'x-ratelimit-minutely-remaining': '0',
          'x-ratelimit-minutely-reset': minutelyReset,
        },
      }
    }
    if (usedDay >= perDay) {
      log.push(`429d ${name}`)
      return {
        status: 429,
        headers: { 'x-ratelimit-limit': String(perDay), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': dailyReset },
      }
    }
    usedMinute++
    usedDay++
    log.push(`ok ${name} @${now - T0}`)
    return {
      status: 200,
      headers: {
        'x-ratelimit-limit': String(perDay),
        'x-ratelimit-remaining': String(perDay - usedDay),
        'x-ratelimit-reset': dailyReset,
        'x-ratelimit-minutely-limit': String(perMinute),
        'x-ratelimit-minutely-remaining': String(perMinute - usedMinute),
        'x-ratelimit-minutely-reset': minutelyReset,
      },
    }
  }
  return { call, log }
}

const tick = (ms = 5) => new Promise<void>((r) => setTimeout(r, ms))

describe('DivisionLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }))
  afterEach(() => jest.useRealTimers())

  it('runs calls of one division one at a time', async () => {
    const limiter = new DivisionLimiter('k')
    let running = 0
    let maxRunning = 0
    const attempt = async (): Promise<AttemptResult> => {
      running++
      maxRunning = Math.max(maxRunning, running)
      await tick(10)
      running--
      return { status: 200, headers: {} }
    }
    const all = Promise.all(
      [1, 2, 3].map(() => limiter.schedule({ priority: 'interactive', kind: 'read', resource: 'r' }, attempt)),
    )
    await jest.advanceTimersByTimeAsync(100)
    await all
    expect(maxRunning).toBe(1)
  })

  it('paces a burst so it never meets a 429, waiting for the minutely reset', async () => {
    const exact = fakeExact(3)
    const waits: WaitEvent[] = []
    const limiter = new DivisionLimiter('k', { onWait: (e) => waits.push(e), marginMs: 100 })
    const burst = Array.from({ length: 7 }, (_, i) =>
      limiter.schedule({ priority: 'background', kind: 'write', resource: 'r' }, async () => {
        await tick(1)
        return exact.call(`c${i}`)
      }),
    )
    // The first call has no headers yet; from then on the budget is known.
    await jest.advanceTimersByTimeAsync(200_000)
    const results = await Promise.all(burst)
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(exact.log.filter((l) => l.startsWith('429'))).toEqual([])
    expect(waits.map((w) => w.reason)).toEqual(['minutely', 'minutely'])
    // 50 s to the first reset at 10:01:00, then 60 s
    expect(waits[0]!.waitMs).toBeGreaterThanOrEqual(49_900)
    expect(limiter.state().minutelyLimit).toBe(3)
  })

  it('waits out a 429 until the minutely reset and retries the same call', async () => {
    const exact = fakeExact(1)
    exact.call('someone else') // another process spent the minute
    const limiter = new DivisionLimiter('k', { marginMs: 0 })
    const p = limiter.schedule({ priority: 'interactive', kind: 'write', resource: 'r' }, async () =>
      exact.call('mine'),
    )
    await jest.advanceTimersByTimeAsync(49_000)
    expect(exact.log).toEqual(['ok someone else @0', '429 mine'])
    await jest.advanceTimersByTimeAsync(2_000)
    expect((await p).status).toBe(200)
    expect(exact.log[2]).toBe('ok mine @50000')
  })

  it('daily budget spent: interactive fails at once with resetAt, background waits for the reset', async () => {
    const exact = fakeExact(100, 1)
    const limiter = new DivisionLimiter('k', { marginMs: 0 })
    await limiter.schedule({ priority: 'background', kind: 'read', resource: 'r' }, async () => exact.call('a'))
    expect(limiter.state().dailyRemaining).toBe(0)
    const bg = limiter.schedule({ priority: 'background', kind: 'read', resource: 'r' }, async () => exact.call('b'))
    const fg = limiter.schedule({ priority: 'interactive', kind: 'read', resource: 'r' }, async () => exact.call('c'))
    await expect(fg).rejects.toBeInstanceOf(ExactRateLimitedError)
    await fg.catch((e: ExactRateLimitedError) => expect(e.resetAt.toISOString()).toBe('2026-03-03T00:00:00.000Z'))
    let done = false
    void bg.then(() => (done = true))
    await jest.advanceTimersByTimeAsync(13 * 3600_000)
    expect(done).toBe(false)
    await jest.advanceTimersByTimeAsync(2 * 3600_000)
    expect((await bg).status).toBe(200)
  })

  it('serves interactive calls before queued background calls', async () => {
    const limiter = new DivisionLimiter('k')
    const order: string[] = []
    const run = (name: string, priority: 'interactive' | 'background') =>
      limiter.schedule({ priority, kind: 'read', resource: 'r' }, async () => {
        order.push(name)
        await tick(10)
        return { status: 200, headers: {} }
      })
    const all = [run('b1', 'background'), run('b2', 'background'), run('b3', 'background'), run('i1', 'interactive')]
    await jest.advanceTimersByTimeAsync(100)
    await Promise.all(all)
    expect(order).toEqual(['b1', 'i1', 'b2', 'b3'])
  })

  it('lets reads overlap up to readConcurrency, but never a write', async () => {
    const limiter = new DivisionLimiter('k', { readConcurrency: 2 })
    const events: string[] = []
    const run = (name: string, kind: 'read' | 'write') =>
      limiter.schedule({ priority: 'interactive', kind, resource: 'r' }, async () => {
        events.push(`+${name}`)
        await tick(10)
        events.push(`-${name}`)
        return { status: 200, headers: {} }
      })
    const all = [run('r1', 'read'), run('r2', 'read'), run('w', 'write'), run('r3', 'read')]
    await jest.advanceTimersByTimeAsync(100)
    await Promise.all(all)
    expect(events.slice(0, 2)).toEqual(['+r1', '+r2'])
    const w = events.indexOf('+w')
    expect(events.indexOf('-r1')).toBeLessThan(w)
    expect(events.indexOf('-r2')).toBeLessThan(w)
    expect(events.indexOf('-w')).toBe(w + 1)
  })

  it('a registry shares one limiter per base URL and division', () => {
    const reg = new RateLimiterRegistry()
    expect(reg.forDivision('https://x/', 1)).toBe(reg.forDivision('https://x', 1))
    expect(reg.forDivision('https://x', 1)).not.toBe(reg.forDivision('https://x', 2))
    expect(Object.keys(reg.states())).toEqual(['https://x#1', 'https://x#2'])
  })
})
