import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { api, makeBulkInvoices, makeParties, putInvoices, seedAccounts, waitForJob } from '../helpers/bulk-fixtures'
import { startBulkWorker, type BulkWorker } from '../../src/jobs/bulk-worker'
import { createLogger } from '../../src/logger'

/**
 * A paced job stops short of the minute's budget, leaving a few calls to the app: a single export
 * made while the job waits for the next minute window is booked at once, not a minute later.
 */
describe('single exports during a paced bulk job', () => {
  let h: Harness
  let worker: BulkWorker
  let tenant: TenantApi
  const call = (method: string, path: string, body?: unknown) => api(h.url, tenant.apiKey, method, path, body)

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
    worker = startBulkWorker({ bulk: h.services.bulk, logger: createLogger('silent'), pollMs: 100 })
  })
  afterAll(async () => {
    await worker?.stop()
    await h?.close()
  })

  it('books a single export within a second while the job waits for the next minute', async () => {
    const parties = makeParties(4, 'I')
    await seedAccounts(h.exact, tenant.id, parties)
    await putInvoices(h.url, tenant.apiKey, makeBulkInvoices(150, parties, 'I'))
    await putInvoices(h.url, tenant.apiKey, makeBulkInvoices(1, parties, 'ONE'))
    // Early in a sandbox minute, so the job spends its share well before the window turns.
    const { now } = await sandboxJson<{ now: number }>(h, '/_sandbox/clock')
    if (now % 60_000 > 20_000) await new Promise((r) => setTimeout(r, 60_000 - (now % 60_000) + 100))
    await sandboxJson(h, '/_sandbox/limits', { method: 'PUT', body: { perMinute: 40, perDay: 1_000_000 } })

    const started = await call('POST', '/exports/bulk', { type: 'sales' })
    let last = -1
    let stableSince = Date.now()
    await waitForJob(h.url, tenant.apiKey, started.body.id, {
      timeoutMs: 30_000,
      until: (j) => {
        if (j.exported !== last) { last = j.exported; stableSince = Date.now() }
        return j.exported > 0 && Date.now() - stableSince > 1500
      },
    })
    expect(last).toBeLessThan(40) // the job stopped short of the minute's 40 calls

    const t0 = Date.now()
    const single = await call('POST', '/invoices/ONE-00001/export')
    expect(single.status).toBe(201)
    expect(Date.now() - t0).toBeLessThan(1000)

    expect((await call('DELETE', `/exports/bulk/${started.body.id}`)).body.status).toBe('cancelled')
    expect((await sandboxJson(h, '/_sandbox/stats')).rateLimited).toBe(0)
  }, 90_000)
})
