import { sandboxJson } from '../helpers/harness'
import { useBulkContext } from '../helpers/bulk-context'
import {
  countByRef,
  makeBulkInvoices,
  makeParties,
  putInvoices,
  seedAccounts,
  waitForJob,
} from '../helpers/bulk-fixtures'

const DAY_MS = 86_400_000

/**
 * Exact's daily limit, spent mid-job: the job pauses and says until when, then goes on by itself
 * after the reset. The sandbox's clock and the service's clock are moved together.
 */
describe('bulk export and the daily limit', () => {
  const ctx = useBulkContext()
  const advanceBoth = async (ms: number) => {
    await sandboxJson(ctx.h, '/_sandbox/clock', { method: 'POST', body: { advanceMs: ms } })
    ctx.h.advanceClock(ms)
  }
  const sandboxNow = async () => (await sandboxJson<{ now: number }>(ctx.h, '/_sandbox/clock')).now

  it('pauses with waiting_for_rate_limit and resumeAt at the daily reset, then completes after it, with no 429', async () => {
    const parties = makeParties(6, 'D')
    await seedAccounts(ctx.h.exact, ctx.tenant.id, parties)
    const invoices = makeBulkInvoices(40, parties, 'D')
    await putInvoices(ctx.h.url, ctx.tenant.apiKey, invoices)

    // A fresh Exact day with room for 25 calls: the job cannot finish today.
    const now = await sandboxNow()
    await advanceBoth(Math.floor(now / DAY_MS) * DAY_MS + DAY_MS + 60_000 - now)
    await sandboxJson(ctx.h, '/_sandbox/limits', { method: 'PUT', body: { perMinute: 100_000, perDay: 25 } })
    const before = await sandboxJson(ctx.h, '/_sandbox/stats')

    const started = await ctx.call('POST', '/exports/bulk', { type: 'sales' })
    expect(started.status).toBe(202)
    const paused = await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id, {
      until: (j) => j.status === 'waiting_for_rate_limit',
      timeoutMs: 20_000,
    })
    const nextMidnight = Math.floor((await sandboxNow()) / DAY_MS) * DAY_MS + DAY_MS
    expect(paused.resumeAt).toBe(new Date(nextMidnight).toISOString())
    expect(paused.exported).toBeGreaterThan(10)
    expect(paused.exported).toBeLessThan(25)

    // Still waiting a while later: nothing is tried before the reset.
    await new Promise((r) => setTimeout(r, 700))
    const still = (await ctx.call('GET', `/exports/bulk/${started.body.id}`)).body
    expect(still).toMatchObject({ status: 'waiting_for_rate_limit', exported: paused.exported })

    await advanceBoth(nextMidnight + 1000 - (await sandboxNow()))
    const done = await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id, { timeoutMs: 20_000 })
    expect(done).toMatchObject({ status: 'completed', total: 40, exported: 40, failed: 0, resumeAt: null })

    const counts = countByRef(await ctx.tenant.entries())
    expect(invoices.map(({ id }) => counts.get(id) ?? 0)).toEqual(invoices.map(() => 1))
    const after = await sandboxJson(ctx.h, '/_sandbox/stats')
    expect(after.rateLimited - before.rateLimited).toBe(0)
  })
})
