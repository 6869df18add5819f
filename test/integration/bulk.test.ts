import { createServer, type Server } from 'node:http'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { sandboxSettings } from '../helpers/factories'
import { api, countByRef, makeBulkInvoices, makeParties, putInvoices, seedAccounts, waitForJob } from '../helpers/bulk-fixtures'
import { startBulkWorker, type BulkWorker } from '../../src/jobs/bulk-worker'
import { createLogger } from '../../src/logger'
import { deliverDueWebhooks } from '../../src/jobs/webhook-delivery'

/** Bulk export through the HTTP API with the worker running in-process; outcomes read from the sandbox ledger. */
describe('bulk export', () => {
  let h: Harness
  let worker: BulkWorker
  let tenant: TenantApi
  let hookServer: Server
  const hooks: any[] = []
  const call = (method: string, path: string, body?: unknown) => api(h.url, tenant.apiKey, method, path, body)
  const liveEntries = async () => (await tenant.entries()).filter((e) => !e.deleted)
  const stats = () => sandboxJson<{ calls: number; rateLimited: number; byResource: Record<string, number> }>(h, '/_sandbox/stats')

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => { body += c })
      req.on('end', () => { hooks.push(JSON.parse(body)); res.writeHead(204).end() })
    })
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r))
    const hookUrl = `http://127.0.0.1:${(hookServer.address() as { port: number }).port}/hooks`

    h = await startHarness({ unlimited: true })
    const settings = sandboxSettings({ webhook: { url: hookUrl, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } } as never)
    tenant = await connectedTenant(h, 'Acme', settings)
    worker = startBulkWorker({ bulk: h.services.bulk, logger: createLogger('silent'), pollMs: 100 })
  })
  afterAll(async () => {
    await worker?.stop()
    await h?.close()
    await new Promise((r) => hookServer?.close(r))
  })

  it('books 60 invoices over 12 parties once each, lists the one that cannot be mapped, and costs about one call per invoice', async () => {
    const parties = makeParties(12, 'A')
    await seedAccounts(h.exact, tenant.id, parties.slice(0, 8)) // 8 known to Exact, 4 new
    const invoices = makeBulkInvoices(60, parties, 'A')
    // VAT 15% has no Exact code in the settings: mapping_missing for this one only.
    invoices[7]!.invoice = { ...invoices[7]!.invoice, lines: [{ description: 'Odd rate', netAmount: '100.00', vatRate: '15' }], totals: undefined } as never
    await putInvoices(h.url, tenant.apiKey, invoices)
    // Booked by hand before the job: not part of it.
    expect((await call('POST', `/invoices/${invoices[0]!.id}/export`)).status).toBe(201)
    const before = await stats()

    const started = await call('POST', '/exports/bulk', { type: 'sales' })
    expect(started.status).toBe(202)
    expect(started.body).toMatchObject({ type: 'sales', total: 59 })
    const again = await call('POST', '/exports/bulk', { type: 'sales' })
    expect([200, 202]).toContain(again.status)
    if (again.body.status !== 'completed') expect(again.body.id).toBe(started.body.id)

    const job = await waitForJob(h.url, tenant.apiKey, started.body.id)
    expect(job).toMatchObject({ status: 'completed', total: 59, exported: 58, skipped: 0, failed: 1, pending: 0, resumeAt: null })
    expect(job.failures).toEqual([{ invoiceId: invoices[7]!.id, code: 'mapping_missing', detail: expect.stringMatching(/15/) }])

    const counts = countByRef(await liveEntries())
    for (const [i, { id }] of invoices.entries()) expect([id, counts.get(id) ?? 0]).toEqual([id, i === 7 ? 0 : 1])

    const after = await stats()
    const calls = after.calls - before.calls
    // invoices + new parties + batched look-ups (codes and VAT numbers, 40 a GET) + a few for the chart.
    expect(calls).toBeLessThanOrEqual(58 + 4 + 2 + 6)
    expect(after.rateLimited - before.rateLimited).toBe(0)

    const listed = await call('GET', '/exports/bulk')
    expect(listed.body.items[0]).toMatchObject({ id: job.id, status: 'completed', exported: 58 })
  })

  it('sends bulk.completed with the counts through the webhook outbox', async () => {
    const [job] = (await call('GET', '/exports/bulk')).body.items
    while ((await deliverDueWebhooks({ db: h.database.db, logger: createLogger('silent'), batchSize: 100 })).claimed > 0);
    const sent = hooks.filter((e) => e.type === 'bulk.completed' && e.data.jobId === job.id)
    expect(sent).toHaveLength(1)
    const hook = sent[0]
    expect(hook?.data).toMatchObject({ jobId: job.id, type: 'sales', total: 59, exported: 58, skipped: 0, failed: 1 })
  })

  it('takes only the asked type, and a job with nothing to do completes at once', async () => {
    const parties = makeParties(3, 'P')
    await putInvoices(h.url, tenant.apiKey, makeBulkInvoices(5, parties, 'P', { type: 'purchase' }))
    const started = await call('POST', '/exports/bulk', { type: 'purchase' })
    expect(started.body.total).toBe(5)
    const job = await waitForJob(h.url, tenant.apiKey, started.body.id)
    expect(job).toMatchObject({ status: 'completed', exported: 5 })
    const purchase = (await liveEntries()).filter((e) => e.YourRef.startsWith('P-'))
    expect(purchase.every((e) => e.kind === 'purchase')).toBe(true)
    expect(purchase).toHaveLength(5)

    const empty = await call('POST', '/exports/bulk', { type: 'all' })
    expect(empty.body.total).toBe(1) // only the unmappable sales invoice is still without an export
    const done = await waitForJob(h.url, tenant.apiKey, empty.body.id)
    expect(done).toMatchObject({ total: 1, failed: 1, exported: 0 })
  })

  it('cancels: nothing more is booked, what was booked stays, and a single export is served first while a job runs', async () => {
    const parties = makeParties(5, 'K')
    const invoices = makeBulkInvoices(120, parties, 'K')
    await putInvoices(h.url, tenant.apiKey, invoices)
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 40, seed: 1 } })
    try {
      const started = await call('POST', '/exports/bulk', { type: 'sales' })
      await waitForJob(h.url, tenant.apiKey, started.body.id, { until: (j) => j.exported >= 10 })

      await putInvoices(h.url, tenant.apiKey, makeBulkInvoices(1, parties, 'SINGLE'))
      const t0 = Date.now()
      expect((await call('POST', '/invoices/SINGLE-00001/export')).status).toBe(201)
      // Its two or three calls queue ahead of the job's: far less than the job's remaining ~100 x 40 ms.
      expect(Date.now() - t0).toBeLessThan(1500)

      const cancelled = await call('DELETE', `/exports/bulk/${started.body.id}`)
      expect(cancelled.status).toBe(200)
      expect(cancelled.body.status).toBe('cancelled')
      await new Promise((r) => setTimeout(r, 500))
      const final = (await call('GET', `/exports/bulk/${started.body.id}`)).body
      expect(final.status).toBe('cancelled')
      expect(final.exported).toBeLessThan(120)
      const booked = (await liveEntries()).filter((e) => e.YourRef.startsWith('K-'))
      expect(booked).toHaveLength(final.exported)
      await new Promise((r) => setTimeout(r, 500))
      expect((await liveEntries()).filter((e) => e.YourRef.startsWith('K-'))).toHaveLength(final.exported)
      expect((await call('DELETE', `/exports/bulk/${started.body.id}`)).body.status).toBe('cancelled')
    } finally {
      await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0, seed: 1 } })
    }
  })

  it('answers 404 for an unknown job and 400 for an unknown type', async () => {
    expect((await call('GET', '/exports/bulk/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await call('POST', '/exports/bulk', { type: 'everything' })).status).toBe(400)
  })
})
