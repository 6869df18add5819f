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

/** Exact down, or answers lost after the write: the job waits, retries by marker, and books each invoice once. */
describe('bulk export when Exact misbehaves', () => {
  const ctx = useBulkContext({ worker: { blockedBackoffMs: 300 } })
  const faults = (f: { errorRate?: number; timeoutAfterCommitRate?: number }) =>
    sandboxJson(ctx.h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0, seed: 7, retryAfterSeconds: 1, ...f },
    })
  const ledger = async () => countByRef(await ctx.tenant.entries())

  it('stops trying while Exact is down (no invoice failed for it) and completes once it is back', async () => {
    const parties = makeParties(5, 'O')
    await seedAccounts(ctx.h.exact, ctx.tenant.id, parties)
    const invoices = makeBulkInvoices(30, parties, 'O')
    await putInvoices(ctx.h.url, ctx.tenant.apiKey, invoices)
    await faults({ errorRate: 1 })
    const started = await ctx.call('POST', '/exports/bulk', { type: 'sales' })
    const down = await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id, {
      until: (j) => j.lastError !== null,
      timeoutMs: 30_000,
    })
    expect(down).toMatchObject({
      status: 'running',
      exported: 0,
      failed: 0,
      lastError: expect.stringMatching(/does not answer/),
    })

    await faults({})
    const done = await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id, { timeoutMs: 60_000 })
    expect(done).toMatchObject({ status: 'completed', exported: 30, failed: 0, lastError: null })
    const counts = await ledger()
    expect(invoices.filter(({ id }) => counts.get(id) !== 1)).toEqual([])
  }, 90_000)

  it('adopts entries whose answer was lost (found by marker) instead of booking them twice', async () => {
    const parties = makeParties(5, 'T')
    await seedAccounts(ctx.h.exact, ctx.tenant.id, parties)
    const invoices = makeBulkInvoices(40, parties, 'T')
    await putInvoices(ctx.h.url, ctx.tenant.apiKey, invoices)
    await faults({ timeoutAfterCommitRate: 0.25 })
    const started = await ctx.call('POST', '/exports/bulk', { type: 'sales' })
    const done = await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id, { timeoutMs: 80_000 })
    expect(done).toMatchObject({ status: 'completed', exported: 40, failed: 0 })
    const stats = await sandboxJson(ctx.h, '/_sandbox/stats')
    expect(stats.faults.timeouts).toBeGreaterThan(3)
    const counts = await ledger()
    expect(invoices.filter(({ id }) => counts.get(id) !== 1)).toEqual([])
  }, 100_000)
})
