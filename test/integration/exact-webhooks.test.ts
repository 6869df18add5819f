import { createHmac } from 'node:crypto'
import { request } from 'undici'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { startAppReceiver, waitFor } from '../helpers/app-receiver'
import { startWebhookDelivery, type WebhookDeliveryLoop } from '../../src/jobs/webhook-delivery'
import { createLogger } from '../../src/logger'

const SECRET = 'sandbox-webhook-secret'
const TOPICS = ['BankEntries', 'CashEntries', 'FinancialTransactions', 'PurchaseEntries', 'SalesEntries']

describe('Exact webhooks: payments known within seconds, the scheduled sync as safety net', () => {
  let h: Harness
  let receiver: Awaited<ReturnType<typeof startAppReceiver>>
  let delivery: WebhookDeliveryLoop
  let tenant: TenantApi

  const runs = async () =>
    h.database.db
      .selectFrom('payment_sync_runs')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .orderBy('started_at')
      .execute()
  const idle = async () => (await runs()).every((r) => r.status !== 'running')
  const quiet = async () => {
    const state = await h.database.db
      .selectFrom('exact_webhook_state')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .executeTakeFirst()
    const deliveries = await sandboxJson<any[]>(h, `/_sandbox/webhooks/deliveries?division=${tenant.division}`)
    return (
      !state?.sync_pending &&
      !h.services.exactWebhooks.busy &&
      (await idle()) &&
      deliveries.every((d) => d.status !== 'pending')
    )
  }
  async function exported(id: string) {
    const invoice = makeInvoice()
    expect((await tenant.put(id, invoice)).statusCode).toBe(201)
    expect((await tenant.exportIt(id)).statusCode).toBe(201)
    return { invoice, entry: await tenant.entryFor(invoice.number) }
  }
  const pay = (entryNumber: number, amount = '1210.00') =>
    sandboxJson(h, `/_sandbox/divisions/${tenant.division}/payments`, {
      method: 'POST',
      body: { entryNumber, amount, date: '2026-11-25' },
    })

  beforeAll(async () => {
    // A short debounce so the test sees a second window pass; production keeps 30 s.
    h = await startHarness({ unlimited: true, exactWebhooks: { debounceMs: 1_500 } })
    receiver = await startAppReceiver()
    delivery = startWebhookDelivery({ db: h.database.db, logger: createLogger('silent'), intervalMs: 50 })
    tenant = await connectedTenant(
      h,
      'Hooked BV',
      sandboxSettings({ webhook: { url: receiver.url, secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` } }),
    )
  })
  afterAll(async () => {
    await delivery?.stop()
    await receiver?.close()
    await h?.close()
  })

  it("subscribes the entry and payment topics when the division is chosen, and Exact's validation POST succeeds", async () => {
    const subs = await waitFor(
      () => sandboxJson<any[]>(h, '/_sandbox/webhooks/subscriptions'),
      (s) => s.length === 5 && s.every((x) => x.state !== 'pending'),
    )
    expect(subs.map((s) => s.Topic).sort()).toEqual(TOPICS)
    expect(
      subs.every(
        (s) => s.state === 'valid' && s.Division === tenant.division && s.CallbackURL === `${h.url}/exact/webhooks`,
      ),
    ).toBe(true)
    const connection = (await tenant.call('GET', '/connection')).json()
    expect(connection.exactWebhooks.enabled).toBe(true)
    expect(connection.exactWebhooks.subscriptions.map((s: any) => [s.topic, s.status])).toEqual(
      TOPICS.map((t) => [t, 'subscribed']),
    )
  })

  it('a payment booked in Exact reaches the app as invoice.payment_updated within 5 s, with no manual or scheduled sync', async () => {
    const { entry } = await exported('wh-pay-1')
    await waitFor(quiet, (q) => q)
    const before = (await runs()).length
    const paidAt = Date.now()
    await pay(entry.EntryNumber)
    const [hook] = await waitFor(
      () => receiver.of('invoice.payment_updated', (d) => d.invoiceId === 'wh-pay-1'),
      (r) => r.length > 0,
      5_000,
    )
    expect(hook!.at - paidAt).toBeLessThan(5_000)
    expect(hook!.body.data).toMatchObject({ invoiceId: 'wh-pay-1', status: 'paid' })
    const all = await runs()
    const newRuns = all.slice(before)
    expect({
      newRuns: newRuns.map((r) => r.trigger),
      all: all.map((r) => [
        r.trigger,
        r.started_at.getTime() - paidAt,
        r.finished_at && r.finished_at.getTime() - paidAt,
      ]),
    }).toMatchObject({ newRuns: ['webhook'] })
    // The burst of one payment (BankEntries + FinancialTransactions) is one run, at the sync's usual cost.
    await waitFor(quiet, (q) => q)
    const after = (await runs()).slice(before)
    expect(after).toHaveLength(1)
    expect(after[0]!.exact_calls).toBeLessThanOrEqual(3)
    const connection = (await tenant.call('GET', '/connection')).json()
    expect(connection.exactWebhooks.lastEvent).toMatchObject({
      topic: expect.stringMatching(/BankEntries|FinancialTransactions/),
      action: 'Create',
    })
  })

  it('events repeated by Exact change nothing: one webhook to the app', async () => {
    const { entry } = await exported('wh-pay-2')
    await waitFor(quiet, (q) => q)
    await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { webhookDelivery: 'repeat' } })
    try {
      await pay(entry.EntryNumber)
      await waitFor(
        () => receiver.of('invoice.payment_updated', (d) => d.invoiceId === 'wh-pay-2'),
        (r) => r.length > 0,
      )
      const deliveries = await waitFor(
        () => sandboxJson<any[]>(h, `/_sandbox/webhooks/deliveries?division=${tenant.division}&topic=BankEntries`),
        (d) => d.filter((x) => x.copy === 2 && x.status === 'delivered').length >= 1,
      )
      expect(deliveries.filter((x) => x.key === deliveries.at(-1)!.key)).toHaveLength(2)
      // Past the debounce window the repeats' run has run too, and found nothing new.
      await waitFor(quiet, (q) => q, 10_000)
      await waitFor(
        () =>
          h.database.db
            .selectFrom('webhook_events')
            .select('status')
            .where('tenant_id', '=', tenant.id)
            .where('status', '=', 'pending')
            .execute(),
        (r) => r.length === 0,
      )
      expect(receiver.of('invoice.payment_updated', (d) => d.invoiceId === 'wh-pay-2')).toHaveLength(1)
    } finally {
      await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { webhookDelivery: 'normal' } })
    }
  })

  it('events dropped by Exact: the next scheduled sync still delivers the payment', async () => {
    const { entry } = await exported('wh-pay-3')
    await waitFor(quiet, (q) => q)
    const before = (await runs()).length
    await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { webhookDelivery: 'drop' } })
    try {
      await pay(entry.EntryNumber)
      const dropped = await sandboxJson<any[]>(
        h,
        `/_sandbox/webhooks/deliveries?division=${tenant.division}&status=dropped`,
      )
      expect(dropped.length).toBeGreaterThan(0)
      expect((await runs()).length).toBe(before)
      expect(receiver.of('invoice.payment_updated', (d) => d.invoiceId === 'wh-pay-3')).toHaveLength(0)
      // The scheduler's slot for this tenant comes (runScheduled is what the per-minute tick calls).
      expect(await h.services.paymentSync.runScheduled(tenant.id, new Date())).toMatchObject({
        trigger: 'schedule',
        status: 'completed',
      })
      await waitFor(
        () => receiver.of('invoice.payment_updated', (d) => d.invoiceId === 'wh-pay-3'),
        (r) => r.length === 1,
      )
    } finally {
      await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { webhookDelivery: 'normal' } })
    }
  })

  it('a forged HashCode is 401 problem+json, counted, and syncs nothing', async () => {
    await waitFor(quiet, (q) => q)
    const before = (await runs()).length
    const state = await h.database.db
      .selectFrom('exact_webhook_state')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .executeTakeFirstOrThrow()
    const content = JSON.stringify({
      Topic: 'BankEntries',
      ClientId: 'test-client',
      Division: tenant.division,
      Action: 'Create',
      Key: '00000000-0000-0000-0000-000000000001',
      ExactOnlineEndpoint: 'x',
      EventCreatedOn: '2026-11-25T10:00:00',
    })
    const wrongKey = createHmac('sha256', 'not-the-secret').update(content).digest('hex').toUpperCase()
    const good = createHmac('sha256', SECRET).update(content).digest('hex').toUpperCase()
    for (const hash of [wrongKey, good.toLowerCase(), good.slice(0, 63), '']) {
      const res = await request(`${h.url}/exact/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: `{"Content":${content},"HashCode":"${hash}"}`,
      })
      expect(res.statusCode).toBe(401)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(((await res.body.json()) as any).code).toBe('unauthorized')
    }
    // Re-serialised Content (other bytes, same meaning) is not what was signed either.
    const spaced = JSON.stringify(JSON.parse(content), null, 1)
    const res = await request(`${h.url}/exact/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"Content":${spaced},"HashCode":"${good}"}`,
    })
    expect(res.statusCode).toBe(401)
    await res.body.dump()
    const metrics = await (await request(`${h.url}/metrics`)).body.text()
    expect(metrics).toMatch(/exact_webhook_calls_total\{outcome="rejected"\} 5/)
    await new Promise((resolve) => setImmediate(resolve))
    expect((await runs()).length).toBe(before)
    const after = await h.database.db
      .selectFrom('exact_webhook_state')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .executeTakeFirstOrThrow()
    expect(after).toEqual(state)
  })

  it("a bookkeeper's change of an exported entry: modifiedInExact with the differing fields and one export.modified_in_exact", async () => {
    const { entry } = await exported('wh-edit-1')
    const exportId = (await tenant.call('GET', '/invoices/wh-edit-1/export')).json().id
    await waitFor(quiet, (q) => q)
    const edit = (body: unknown) =>
      sandboxJson(h, `/_sandbox/divisions/${tenant.division}/entries/${entry.EntryID}`, { method: 'PATCH', body })
    // Only the description: the bookkeeper's to edit, nothing is flagged.
    await edit({ Description: `${entry.Description} (checked)` })
    await waitFor(
      () => sandboxJson<any[]>(h, `/_sandbox/webhooks/deliveries?division=${tenant.division}&topic=SalesEntries`),
      (d) =>
        d.filter((x) => x.key === entry.EntryID && x.action === 'Update').every((x) => x.status === 'delivered') &&
        d.some((x) => x.key === entry.EntryID && x.action === 'Update'),
    )
    await h.services.exactWebhooks.drain()
    expect((await tenant.call('GET', `/exports/${exportId}`)).json()).toMatchObject({
      modifiedInExact: false,
      modifiedFields: [],
    })

    const line = entry.Lines[0]
    await edit({ EntryDate: '2026-11-02', Lines: [{ ID: line.ID, AmountFC: '900.00' }] })
    const hooks = await waitFor(
      () => receiver.of('export.modified_in_exact', (d) => d.exportId === exportId),
      (r) => r.length > 0,
    )
    await waitFor(quiet, (q) => q)
    await h.services.exactWebhooks.drain()
    await waitFor(
      () =>
        h.database.db
          .selectFrom('webhook_events')
          .select('status')
          .where('tenant_id', '=', tenant.id)
          .where('status', '=', 'pending')
          .execute(),
      (r) => r.length === 0,
    )
    expect(receiver.of('export.modified_in_exact', (d) => d.exportId === exportId)).toHaveLength(1)
    expect(hooks[0]!.body.data).toMatchObject({
      exportId,
      invoiceId: 'wh-edit-1',
      entryId: entry.EntryID,
      modifiedFields: ['total', 'vatTotal', 'lines', 'entryDate'],
    })
    expect((await tenant.call('GET', `/exports/${exportId}`)).json()).toMatchObject({
      status: 'exported',
      modifiedInExact: true,
      modifiedFields: ['total', 'vatTotal', 'lines', 'entryDate'],
    })
  })

  it("a bookkeeper's delete of an exported entry: deleted_in_exact through the triggered sync, no manual sync", async () => {
    const { entry } = await exported('wh-del-1')
    const exportId = (await tenant.call('GET', '/invoices/wh-del-1/export')).json().id
    await waitFor(quiet, (q) => q)
    await sandboxJson(h, `/_sandbox/divisions/${tenant.division}/entries/${entry.EntryID}`, { method: 'DELETE' })
    await waitFor(
      async () => (await tenant.call('GET', `/exports/${exportId}`)).json().status,
      (s) => s === 'deleted_in_exact',
      5_000,
    )
    expect((await runs()).some((r) => r.trigger === 'manual')).toBe(false)
  })

  it('DELETE /connection removes the subscriptions in Exact', async () => {
    expect((await tenant.call('DELETE', '/connection')).statusCode).toBe(204)
    expect(await sandboxJson<any[]>(h, '/_sandbox/webhooks/subscriptions')).toEqual([])
  })
})
