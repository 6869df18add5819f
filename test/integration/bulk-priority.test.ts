import { advanceClocks, sandboxJson, sandboxNow } from '../helpers/harness'
import { useBulkContext } from '../helpers/bulk-context'
import { makeBulkInvoices, makeParties, putInvoices, seedAccounts, waitForJob } from '../helpers/bulk-fixtures'

/**
 * A paced job stops short of the minute's budget, leaving a few calls to the app: a single export
 * made while the job waits for the next minute window is booked at once, not a minute later.
 */
describe('single exports during a paced bulk job', () => {
  const ctx = useBulkContext()

  it('books a single export within a second while the job waits for the next minute', async () => {
    const parties = makeParties(4, 'I')
    await seedAccounts(ctx.h.exact, ctx.tenant.id, parties)
    await putInvoices(ctx.h.url, ctx.tenant.apiKey, makeBulkInvoices(150, parties, 'I'))
    await putInvoices(ctx.h.url, ctx.tenant.apiKey, makeBulkInvoices(1, parties, 'ONE'))
    // Early in a sandbox minute, so the job spends its share well before the window turns: both
    // clocks moved to the start of the next minute instead of waiting for it.
    await advanceClocks(ctx.h, 60_000 - ((await sandboxNow(ctx.h)) % 60_000) + 100)
    await sandboxJson(ctx.h, '/_sandbox/limits', { method: 'PUT', body: { perMinute: 40, perDay: 1_000_000 } })

    const started = await ctx.call('POST', '/exports/bulk', { type: 'sales' })
    let last = -1
    let stableSince = Date.now()
    await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id, {
      timeoutMs: 30_000,
      until: (j) => {
        if (j.exported !== last) {
          last = j.exported
          stableSince = Date.now()
        }
        return j.exported > 0 && Date.now() - stableSince > 1500
      },
    })
    expect(last).toBeLessThan(40) // the job stopped short of the minute's 40 calls

    // The job waits for the next sandbox minute; the single export must not wait with it.
    const windowEnd = Math.ceil((await sandboxNow(ctx.h)) / 60_000) * 60_000
    const single = await ctx.call('POST', '/invoices/ONE-00001/export')
    expect(single.status).toBe(201)
    expect(await sandboxNow(ctx.h)).toBeLessThan(windowEnd)
    expect((await ctx.call('GET', `/exports/bulk/${started.body.id}`)).body.exported).toBe(last)

    expect((await ctx.call('DELETE', `/exports/bulk/${started.body.id}`)).body.status).toBe('cancelled')
    expect((await sandboxJson(ctx.h, '/_sandbox/stats')).rateLimited).toBe(0)
  }, 90_000)
})
