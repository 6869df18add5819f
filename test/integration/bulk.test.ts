import { createServer, type Server } from 'node:http'
import { sandboxJson } from '../helpers/harness'
import { useBulkContext } from '../helpers/bulk-context'
import { sandboxSettings } from '../helpers/factories'
import {
  countByRef,
  makeBulkInvoices,
  makeParties,
  putInvoices,
  seedAccounts,
  waitForJob,
} from '../helpers/bulk-fixtures'
import { deliverDueWebhooks } from '../../src/services/webhook-delivery'
import { createLogger } from '../../src/logger'

/** Bulk export through the HTTP API with the worker running in-process; outcomes read from the sandbox ledger. */
describe('bulk export', () => {
  let hookServer: Server
  let hookUrl = ''
  const hooks: any[] = []
  const liveEntries = async () => (await ctx.tenant.entries()).filter((e) => !e.deleted)
  const stats = () =>
    sandboxJson<{ calls: number; rateLimited: number; byResource: Record<string, number> }>(ctx.h, '/_sandbox/stats')

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        hooks.push(JSON.parse(body))
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r))
    hookUrl = `http://127.0.0.1:${(hookServer.address() as { port: number }).port}/hooks`
  })
  afterAll(async () => {
    await new Promise((r) => hookServer?.close(r))
  })
  // Declared after the receiver's hook, so the tenant's webhook URL is known when it connects.
  const ctx = useBulkContext({
    settings: () =>
      sandboxSettings({ webhook: { url: hookUrl, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } } as never),
  })

  it('books 60 invoices over 12 parties once each, lists the one that cannot be mapped, and costs about one call per invoice', async () => {
    const parties = makeParties(12, 'A')
    await seedAccounts(ctx.h.exact, ctx.tenant.id, parties.slice(0, 8)) // 8 known to Exact, 4 new
    const invoices = makeBulkInvoices(60, parties, 'A')
    // VAT 15% has no Exact code in the settings: mapping_missing for this one only.
    invoices[7]!.invoice = {
      ...invoices[7]!.invoice,
      lines: [{ description: 'Odd rate', netAmount: '100.00', vatRate: '15' }],
      totals: undefined,
    } as never
    await putInvoices(ctx.h.url, ctx.tenant.apiKey, invoices)
    // Booked by hand before the job: not part of it.
    expect((await ctx.call('POST', `/invoices/${invoices[0]!.id}/export`)).status).toBe(201)
    const before = await stats()

    const started = await ctx.call('POST', '/exports/bulk', { type: 'sales' })
    expect(started.status).toBe(202)
    expect(started.body).toMatchObject({ type: 'sales', total: 59 })
    const again = await ctx.call('POST', '/exports/bulk', { type: 'sales' })
    expect([200, 202]).toContain(again.status)
    if (again.body.status !== 'completed') expect(again.body.id).toBe(started.body.id)

    const job = await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id)
    expect(job).toMatchObject({
      status: 'completed',
      total: 59,
      exported: 58,
      skipped: 0,
      failed: 1,
      pending: 0,
      resumeAt: null,
    })
    expect(job.failures).toEqual([
      { invoiceId: invoices[7]!.id, code: 'mapping_missing', detail: expect.stringMatching(/15/) },
    ])

    const counts = countByRef(await liveEntries())
    for (const [i, { id }] of invoices.entries()) expect([id, counts.get(id) ?? 0]).toEqual([id, i === 7 ? 0 : 1])

    // Exact's figures and line IDs were read back, 20 entries a call, before the job said completed.
    const unread = await ctx.h.database.db
      .selectFrom('exports')
      .select('id')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', 'exported')
      .where((eb) => eb.or([eb('read_back_at', 'is', null), eb('exact_type', 'is', null)]))
      .execute()
    expect(unread).toEqual([])
    const lines = await ctx.h.database.db
      .selectFrom('export_entry_lines')
      .select('line_id')
      .where('tenant_id', '=', ctx.tenant.id)
      .execute()
    expect(lines).toHaveLength(59)

    const after = await stats()
    const calls = after.calls - before.calls
    // invoices + new parties + batched look-ups (codes and VAT numbers, 40 a GET) + a few for the chart
    // + a read-back per 20 booked entries.
    expect(calls).toBeLessThanOrEqual(58 + 4 + 2 + 6 + 3)
    expect(after.byResource['GET salesentry/SalesEntries'] - before.byResource['GET salesentry/SalesEntries']).toBe(3)
    expect(after.rateLimited - before.rateLimited).toBe(0)

    const listed = await ctx.call('GET', '/exports/bulk')
    expect(listed.body.items[0]).toMatchObject({ id: job.id, status: 'completed', exported: 58 })
  })

  it('sends bulk.completed with the counts through the webhook outbox', async () => {
    const [job] = (await ctx.call('GET', '/exports/bulk')).body.items
    while (
      (await deliverDueWebhooks({ db: ctx.h.database.db, logger: createLogger('silent'), batchSize: 100 })).claimed > 0
    );
    const sent = hooks.filter((e) => e.type === 'bulk.completed' && e.data.jobId === job.id)
    expect(sent).toHaveLength(1)
    const hook = sent[0]
    expect(hook?.data).toMatchObject({ jobId: job.id, type: 'sales', total: 59, exported: 58, skipped: 0, failed: 1 })
  })

  it('takes only the asked type, and a job with nothing to do completes at once', async () => {
    const parties = makeParties(3, 'P')
    await putInvoices(ctx.h.url, ctx.tenant.apiKey, makeBulkInvoices(5, parties, 'P', { type: 'purchase' }))
    const started = await ctx.call('POST', '/exports/bulk', { type: 'purchase' })
    expect(started.body.total).toBe(5)
    const job = await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id)
    expect(job).toMatchObject({ status: 'completed', exported: 5 })
    const purchase = (await liveEntries()).filter((e) => e.YourRef.startsWith('P-'))
    expect(purchase.every((e) => e.kind === 'purchase')).toBe(true)
    expect(purchase).toHaveLength(5)

    const empty = await ctx.call('POST', '/exports/bulk', { type: 'all' })
    expect(empty.body.total).toBe(1) // only the unmappable sales invoice is still without an export
    const done = await waitForJob(ctx.h.url, ctx.tenant.apiKey, empty.body.id)
    expect(done).toMatchObject({ total: 1, failed: 1, exported: 0 })
  })

  it('cancels: nothing more is booked, what was booked stays, and a single export is served first while a job runs', async () => {
    const parties = makeParties(5, 'K')
    const invoices = makeBulkInvoices(120, parties, 'K')
    await putInvoices(ctx.h.url, ctx.tenant.apiKey, invoices)
    await sandboxJson(ctx.h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 40, seed: 1 },
    })
    try {
      const started = await ctx.call('POST', '/exports/bulk', { type: 'sales' })
      await waitForJob(ctx.h.url, ctx.tenant.apiKey, started.body.id, { until: (j) => j.exported >= 10 })

      await putInvoices(ctx.h.url, ctx.tenant.apiKey, makeBulkInvoices(1, parties, 'SINGLE'))
      expect((await ctx.call('POST', '/invoices/SINGLE-00001/export')).status).toBe(201)
      // Its two or three calls queue ahead of the job's: it is booked while the job still has most of
      // its ~100 invoices (x 40 ms each) to go. Behind the job's queue it would return as the job ends.
      const during = (await ctx.call('GET', `/exports/bulk/${started.body.id}`)).body
      expect(during.status).toBe('running')
      expect(during.pending).toBeGreaterThanOrEqual(20)

      const cancelled = await ctx.call('DELETE', `/exports/bulk/${started.body.id}`)
      expect(cancelled.status).toBe(200)
      expect(cancelled.body.status).toBe('cancelled')
      await new Promise((r) => setTimeout(r, 500))
      const final = (await ctx.call('GET', `/exports/bulk/${started.body.id}`)).body
      expect(final.status).toBe('cancelled')
      expect(final.exported).toBeLessThan(120)
      const booked = (await liveEntries()).filter((e) => e.YourRef.startsWith('K-'))
      expect(booked).toHaveLength(final.exported)
      await new Promise((r) => setTimeout(r, 500))
      expect((await liveEntries()).filter((e) => e.YourRef.startsWith('K-'))).toHaveLength(final.exported)
      expect((await ctx.call('DELETE', `/exports/bulk/${started.body.id}`)).body.status).toBe('cancelled')
    } finally {
      await sandboxJson(ctx.h, '/_sandbox/faults', {
        method: 'PUT',
        body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0, seed: 1 },
      })
    }
  })

  it('answers 404 for an unknown job and 400 for an unknown type', async () => {
    expect((await ctx.call('GET', '/exports/bulk/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await ctx.call('POST', '/exports/bulk', { type: 'everything' })).status).toBe(400)
  })
})
