import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { api, countByRef, makeBulkInvoices, makeParties, putInvoices, seedAccounts, waitForJob } from '../helpers/bulk-fixtures'
import { startBulkWorker, type BulkWorker } from '../../src/jobs/bulk-worker'
import { createLogger } from '../../src/logger'

const DAY_MS = 86_400_000

/**
 * Exact's daily limit, spent mid-job: the job pauses and says until when, then goes on by itself
 * after the reset. The sandbox's clock and the service's clock are moved together.
 */
describe('bulk export and the daily limit', () => {
  let h: Harness
  let worker: BulkWorker
  let tenant: TenantApi
  const call = (method: string, path: string, body?: unknown) => api(h.url, tenant.apiKey, method, path, body)
  const advanceBoth = async (ms: number) => {
    await sandboxJson(h, '/_sandbox/clock', { method: 'POST', body: { advanceMs: ms } })
    h.advanceClock(ms)
  }
  const sandboxNow = async () => (await sandboxJson<{ now: number }>(h, '/_sandbox/clock')).now

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
    worker = startBulkWorker({ bulk: h.services.bulk, logger: createLogger('silent'), pollMs: 100 })
  })
  afterAll(async () => {
    await worker?.stop()
    await h?.close()
  })

  it('pauses with waiting_for_rate_limit and resumeAt at the daily reset, then completes after it, with no 429', async () => {
    const parties = makeParties(6, 'D')
    await seedAccounts(h.exact, tenant.id, parties)
    const invoices = makeBulkInvoices(40, parties, 'D')
    await putInvoices(h.url, tenant.apiKey, invoices)

    // A fresh Exact day with room for 25 calls: the job cannot finish today.
    const now = await sandboxNow()
    await advanceBoth(Math.floor(now / DAY_MS) * DAY_MS + DAY_MS + 60_000 - now)
    await sandboxJson(h, '/_sandbox/limits', { method: 'PUT', body: { perMinute: 100_000, perDay: 25 } })
    const before = await sandboxJson(h, '/_sandbox/stats')

    const started = await call('POST', '/exports/bulk', { type: 'sales' })
    expect(started.status).toBe(202)
    const paused = await waitForJob(h.url, tenant.apiKey, started.body.id, { until: (j) => j.status === 'waiting_for_rate_limit', timeoutMs: 20_000 })
    const nextMidnight = Math.floor((await sandboxNow()) / DAY_MS) * DAY_MS + DAY_MS
    expect(paused.resumeAt).toBe(new Date(nextMidnight).toISOString())
    expect(paused.exported).toBeGreaterThan(10)
    expect(paused.exported).toBeLessThan(25)

    // Still waiting a while later: nothing is tried before the reset.
    await new Promise((r) => setTimeout(r, 700))
    const still = (await call('GET', `/exports/bulk/${started.body.id}`)).body
    expect(still).toMatchObject({ status: 'waiting_for_rate_limit', exported: paused.exported })

    await advanceBoth(nextMidnight + 1000 - (await sandboxNow()))
    const done = await waitForJob(h.url, tenant.apiKey, started.body.id, { timeoutMs: 20_000 })
    expect(done).toMatchObject({ status: 'completed', total: 40, exported: 40, failed: 0, resumeAt: null })

    const counts = countByRef(await tenant.entries())
    expect(invoices.map(({ id }) => counts.get(id) ?? 0)).toEqual(invoices.map(() => 1))
    const after = await sandboxJson(h, '/_sandbox/stats')
    expect(after.rateLimited - before.rateLimited).toBe(0)
  })
})
