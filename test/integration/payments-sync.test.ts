import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { deliverDueWebhooks } from '../../src/services/webhook-delivery'
import { Scheduler, schedulePaymentSync } from '../../src/jobs/scheduler'
import { createLogger } from '../../src/logger'
import { createRuntime } from '../../src/runtime'
import type { Services } from '../../src/services'
import { sandboxJson, startHarness, type Harness, exactAppOf } from '../helpers/harness'
import { connectedTenant } from '../helpers/tenant-api'
import { makeInvoice, sandboxSettings } from '../helpers/factories'

/** The invoicing app's webhook end: records every POST, answers `status`. */
async function startReceiver() {
  const state = {
    url: '',
    received: [] as Array<{ headers: Record<string, unknown>; body: string }>,
    status: 200,
    server: undefined as unknown as Server,
  }
  state.server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      state.received.push({ headers: req.headers, body })
      res.writeHead(state.status).end()
    })
  })
  state.server.listen(0, '127.0.0.1')
  await once(state.server, 'listening')
  state.url = `http://127.0.0.1:${(state.server.address() as { port: number }).port}/hooks`
  return state
}

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
function signatureOk(r: { headers: Record<string, unknown>; body: string }): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const expected = createHmac('sha256', key)
    .update(`${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`)
    .digest('base64')
  return String(r.headers['webhook-signature']).split(' ').includes(`v1,${expected}`)
}

describe('scheduled payment sync', () => {
  let h: Harness
  let key: string
  let tenantId: string
  let division: number
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  const logger = createLogger('silent')
  const api = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  /** Another replica: its own services over the same database and the same Exact app; a sync window of one minute. */
  const replica = async (): Promise<Services> =>
    (
      await createRuntime({
        db: h.database.db,
        exactApp: exactAppOf(h),
        tokenEncryptionKey: Buffer.alloc(32, 7),
        logger,
        paymentSyncCron: '* * * * *',
      })
    ).services
  const runs = async () =>
    h.database.db.selectFrom('payment_sync_runs').selectAll().where('tenant_id', '=', tenantId).execute()
  async function exported(id: string): Promise<number> {
    expect((await api('PUT', `/invoices/${id}`, makeInvoice())).statusCode).toBe(201)
    const res = await api('POST', `/invoices/${id}/export`)
    expect(res.statusCode).toBe(201)
    return res.json().entryNumber
  }

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    receiver = await startReceiver()
    const tenant = await connectedTenant(
      h,
      'Acme',
      sandboxSettings({ webhook: { url: receiver.url, secret } } as never),
    )
    key = tenant.apiKey
    tenantId = tenant.id
    division = tenant.division
  })
  afterAll(async () => {
    receiver.server.closeAllConnections()
    await new Promise((r) => receiver.server.close(r))
    await h.close()
  })

  it('two replicas and a tick: the tenant is synced once', async () => {
    const entryNumber = await exported('r-1')
    await sandboxJson(h, `/_sandbox/divisions/${division}/payments`, {
      method: 'POST',
      body: { entryNumber, amount: '1210.00', date: '2026-11-24' },
    })
    const [a, b] = [await replica(), await replica()]
    const before = (await sandboxJson(h, '/_sandbox/stats')).byResource['GET sync/Cashflow/PaymentTerms'] ?? 0
    const now = new Date()
    const results = await Promise.all([a.paymentSync.runDue(now), b.paymentSync.runDue(now)])
    await Promise.all([a.paymentSync.drain(), b.paymentSync.drain()])
    expect(results.map((r) => r.ran).sort()).toEqual([0, 1])
    expect(await runs()).toHaveLength(1)
    expect((await runs())[0]).toMatchObject({ status: 'completed', trigger: 'schedule', changed: 1 })
    expect((await sandboxJson(h, '/_sandbox/stats')).byResource['GET sync/Cashflow/PaymentTerms'] - before).toBe(1)

    // The same slot again (a later fire in the same window): nobody runs it twice.
    expect(
      (await Promise.all([a.paymentSync.runDue(now), b.paymentSync.runDue(new Date(now.getTime() + 1000))])).map(
        (r) => r.ran,
      ),
    ).toEqual([0, 0])
    expect(await runs()).toHaveLength(1)
  })

  it('invoice.payment_updated reaches the app once per change, signed; with the app down, it arrives once it is back', async () => {
    const entryNumber = await exported('w-1')
    const pay = (amount: string) =>
      sandboxJson(h, `/_sandbox/divisions/${division}/payments`, {
        method: 'POST',
        body: { entryNumber, amount, date: '2026-11-25' },
      })
    const deliver = (at = new Date()) => deliverDueWebhooks({ db: h.database.db, logger, now: at })
    const paymentEvents = () =>
      receiver.received.filter(
        (r) => JSON.parse(r.body).type === 'invoice.payment_updated' && JSON.parse(r.body).data.invoiceId === 'w-1',
      )

    await pay('200.00')
    await h.services.paymentSync.startNow(tenantId)
    await h.services.paymentSync.drain()
    await deliver()
    expect(paymentEvents().map((r) => JSON.parse(r.body).data)).toEqual([
      expect.objectContaining({ status: 'partially_paid', paid: '200.00', outstanding: '1010.00' }),
    ])
    expect(paymentEvents().every(signatureOk)).toBe(true)

    // Nothing changed: a sync sends nothing.
    await h.services.paymentSync.startNow(tenantId)
    await h.services.paymentSync.drain()
    await deliver()
    expect(paymentEvents()).toHaveLength(1)

    receiver.status = 503
    await pay('1010.00')
    await h.services.paymentSync.startNow(tenantId)
    await h.services.paymentSync.drain()
    await deliver()
    expect(paymentEvents()).toHaveLength(2) // tried, refused
    receiver.status = 200
    await deliver(new Date(Date.now() + 10 * 60_000)) // past the back-off
    const delivered = paymentEvents().slice(2)
    expect(delivered.map((r) => JSON.parse(r.body).data.status)).toEqual(['paid'])
    expect(delivered[0]!.headers['webhook-id']).toBe(paymentEvents()[1]!.headers['webhook-id'])
    expect(signatureOk(delivered[0]!)).toBe(true)
  })

  it('a sync that Exact fails mid-way is recorded as failed and the next one catches up from the stored cursor', async () => {
    const entryNumber = await exported('f-1')
    await sandboxJson(h, `/_sandbox/divisions/${division}/payments`, {
      method: 'POST',
      body: { entryNumber, amount: '1210.00', date: '2026-11-25' },
    })
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { errorRate: 1 } })
    let failed
    try {
      const { run } = await h.services.paymentSync.startNow(tenantId)
      await h.services.paymentSync.drain()
      failed = await h.services.paymentSync.getRun(tenantId, run.id)
    } finally {
      await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: {} })
    }
    expect(failed).toMatchObject({ status: 'failed', errors: 1, changed: 0 })
    expect(failed.errorDetail).toMatch(/Exact Online/)
    const { run } = await h.services.paymentSync.startNow(tenantId)
    await h.services.paymentSync.drain()
    expect(await h.services.paymentSync.getRun(tenantId, run.id)).toMatchObject({
      status: 'completed',
      changed: 1,
      errors: 0,
    })
    const overview = (await api('GET', '/payment-sync')).json()
    expect(overview.lastRun).toMatchObject({ id: run.id, changed: 1 })
  })

  it('an invoice whose open item Exact split into terms is summed over all its terms, not just the one that changed', async () => {
    const entryNumber = await exported('t-1')
    await h.services.paymentSync.startNow(tenantId)
    await h.services.paymentSync.drain()
    const exp = await h.database.db
      .selectFrom('exports')
      .select(['entry_id'])
      .where('invoice_id', '=', 't-1')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow()
    // A sibling term still open for 100.00 (as Exact keeps after splitting a part-paid term); the sandbox keeps one term.
    await h.database.db
      .insertInto('payment_terms')
      .values({
        tenant_id: tenantId,
        term_id: '00000000-0000-4000-8000-000000000001',
        entry_id: exp.entry_id!,
        amount: '100.00',
        total: '1210.00',
        discount: '0.00',
        matched: false,
        last_payment_date: null,
        currency: 'EUR',
        exact_timestamp: '1',
      })
      .execute()
    await sandboxJson(h, `/_sandbox/divisions/${division}/payments`, {
      method: 'POST',
      body: { entryNumber, amount: '1210.00', date: '2026-11-25' },
    })
    await h.services.paymentSync.startNow(tenantId)
    await h.services.paymentSync.drain()
    const state = await h.database.db
      .selectFrom('payment_states')
      .selectAll()
      .where('invoice_id', '=', 't-1')
      .executeTakeFirstOrThrow()
    expect(state).toMatchObject({ status: 'partially_paid', outstanding: '100.00', paid: '1110.00' })
  })

  it('the scheduler runs the payment tick through cron, and stop() waits for the running tick', async () => {
    const scheduler = new Scheduler(logger)
    let release!: () => void
    let ticks = 0
    scheduler.every('slow', '0 0 1 1 *', async () => {
      ticks += 1
      await new Promise<void>((r) => (release = r))
    })
    schedulePaymentSync(scheduler, (await replica()).paymentSync)
    scheduler.start()
    expect(scheduler.isRunning()).toBe(true)
    const first = scheduler.runNow('slow')
    const overlapping = scheduler.runNow('slow') // a fire while it runs does not start a second one
    await new Promise((r) => setImmediate(r))
    let stopped = false
    const stopping = scheduler.stop().then(() => {
      stopped = true
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(stopped).toBe(false)
    expect(scheduler.isRunning()).toBe(false)
    release()
    await Promise.all([first, overlapping, stopping])
    expect(stopped).toBe(true)
    expect(ticks).toBe(1)
  })
})
