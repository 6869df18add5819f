import { connectWithCustomer, useSandbox, type Session } from './sandbox-client'
import { startReceiver, verifyHashCode, waitFor, type Receiver } from './webhook-receiver'

describe('sandbox webhook delivery: retries, drop, repeat, and the topics a payment fires', () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })
  let receiver: Receiver
  let s: Session
  let revenue: string
  let customer: string
  beforeAll(async () => {
    receiver = await startReceiver()
  })
  afterAll(async () => {
    await receiver.close()
  })
  beforeEach(async () => {
    receiver.received.length = 0
    receiver.answers.length = 0
    await sb.control('PUT', '/behaviour', { webhookRetryDelayMs: 20 })
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url))
  })

  async function subscribe(...topics: string[]): Promise<void> {
    for (const Topic of topics)
      await s.api('POST', 'webhooks/WebhookSubscriptions', { Topic, CallbackURL: receiver.url(`/${Topic}`) })
    await waitFor(
      async () => (await sb.control('GET', '/webhooks/subscriptions')).body as any[],
      (all) => all.length === topics.length && all.every((x) => x.state === 'valid'),
    )
  }
  const sale = async () =>
    (
      await s.api('POST', 'salesentry/SalesEntries', {
        Journal: '70',
        Customer: customer,
        SalesEntryLines: [{ GLAccount: revenue, AmountFC: 100 }],
      })
    ).body.d
  const deliveries = async (query = '') => (await sb.control('GET', `/webhooks/deliveries${query}`)).body as any[]
  const contents = (path: string) => receiver.events(path).map((e) => JSON.parse(e.raw).Content)

  it('retries a non-2xx answer with doubling delays until a 2xx, and gives up after webhookRetries', async () => {
    await subscribe('SalesEntries')
    receiver.answers.push(500, 503)
    await sale()
    const [delivered] = await waitFor(
      () => deliveries(),
      (d) => d[0]?.status === 'delivered',
    )
    expect(delivered).toMatchObject({ topic: 'SalesEntries', action: 'Create', attempts: 3, lastStatus: 200, copy: 1 })
    expect(delivered.attemptLog.map((a: any) => a.status)).toEqual([500, 503, 200])
    const bodies = receiver.events('/SalesEntries').map((e) => e.raw)
    expect(new Set(bodies).size).toBe(1)
    expect(bodies[0]).toBe(delivered.body)

    await sb.control('DELETE', '/webhooks/deliveries')
    await sb.control('PUT', '/behaviour', { webhookRetries: 1 })
    receiver.answers.push(500, 500, 500)
    await sale()
    const [failed] = await waitFor(
      () => deliveries(),
      (d) => d[0]?.status === 'failed',
    )
    expect(failed).toMatchObject({ attempts: 2, lastStatus: 500 })
  })

  it('counts an unreachable receiver as a failed attempt, and marks a callback it cannot reach invalid', async () => {
    const gone = await startReceiver()
    await s.api('POST', 'webhooks/WebhookSubscriptions', { Topic: 'SalesEntries', CallbackURL: gone.url() })
    await s.api('POST', 'webhooks/WebhookSubscriptions', {
      Topic: 'Accounts',
      CallbackURL: 'http://127.0.0.1:9/closed',
    })
    const states = await waitFor(
      async () => (await sb.control('GET', '/webhooks/subscriptions')).body as any[],
      (all) => all.every((x) => x.state !== 'pending'),
    )
    expect(states.map((x) => [x.Topic, x.state])).toEqual([
      ['SalesEntries', 'valid'],
      ['Accounts', 'invalid'],
    ])
    expect(states[1].validation).toMatchObject({ status: null, error: expect.any(String) })
    await gone.close()
    await sb.control('PUT', '/behaviour', { webhookRetries: 1 })
    await sale()
    const [failed] = await waitFor(
      () => deliveries(),
      (d) => d[0]?.status === 'failed',
    )
    expect(failed.attemptLog).toEqual([
      expect.objectContaining({ status: null, error: expect.any(String) }),
      expect.objectContaining({ status: null }),
    ])
  })

  it('drops events silently or sends each twice, byte for byte', async () => {
    await subscribe('SalesEntries')
    await sb.control('PUT', '/behaviour', { webhookDelivery: 'drop' })
    await sale()
    expect(
      (
        await waitFor(
          () => deliveries(),
          (d) => d.length === 1,
        )
      )[0],
    ).toMatchObject({ status: 'dropped', attempts: 0 })
    await sb.control('PUT', '/behaviour', { webhookDelivery: 'repeat' })
    const entry = await sale()
    const twice = await waitFor(
      () => receiver.events('/SalesEntries'),
      (e) => e.length === 2,
    )
    expect(twice[0].raw).toBe(twice[1].raw)
    expect(verifyHashCode(twice[1].raw)).toBe(true)
    expect(JSON.parse(twice[0].raw).Content.Key).toBe(entry.EntryID)
    expect((await deliveries('?status=delivered')).map((d) => d.copy)).toEqual([1, 2])
  })

  it('reports a payment as its bank or cash entry by default, and its unmatching as an update', async () => {
    await subscribe('BankEntries', 'CashEntries', 'FinancialTransactions', 'SalesEntries')
    const entry = await sale()
    await waitFor(
      () => receiver.events(),
      (e) => e.length === 2,
    )
    receiver.received.length = 0
    const bank = (
      await sb.control('POST', `/divisions/${s.division}/payments`, { entryNumber: entry.EntryNumber, amount: '21.00' })
    ).body
    expect(bank.via).toBe('bank')
    await waitFor(
      () => receiver.events(),
      (e) => e.length === 2,
    )
    expect(contents('/BankEntries')).toEqual([
      expect.objectContaining({
        Action: 'Create',
        Key: bank.id,
        ExactOnlineEndpoint: expect.stringContaining(`/financialtransaction/BankEntries(guid'${bank.id}')`),
      }),
    ])
    expect(contents('/FinancialTransactions')).toEqual([expect.objectContaining({ Action: 'Create', Key: bank.id })])
    expect(contents('/SalesEntries')).toEqual([])
    const cash = (
      await sb.control('POST', `/divisions/${s.division}/payments`, {
        entryNumber: entry.EntryNumber,
        amount: '10',
        via: 'cash',
      })
    ).body
    await sb.control('DELETE', `/divisions/${s.division}/payments/${bank.id}`)
    await waitFor(
      () => receiver.events(),
      (e) => e.length === 6,
    )
    expect(contents('/CashEntries')).toEqual([expect.objectContaining({ Action: 'Create', Key: cash.id })])
    expect(contents('/BankEntries').map((c) => [c.Action, c.Key])).toEqual([
      ['Create', bank.id],
      ['Update', bank.id],
    ])
  })

  it('can also report the matched invoice, only the invoice, or nothing (paymentEvents)', async () => {
    await subscribe('BankEntries', 'SalesEntries')
    const entry = await sale()
    await waitFor(
      () => receiver.events(),
      (e) => e.length === 1,
    )
    const pay = (amount: string) =>
      sb.control('POST', `/divisions/${s.division}/payments`, { entryNumber: entry.EntryNumber, amount })
    await sb.control('PUT', '/behaviour', { paymentEvents: 'payment_entry_and_invoice' })
    await pay('1.00')
    await waitFor(
      () => receiver.events(),
      (e) => e.length === 3,
    )
    expect(contents('/SalesEntries').map((c) => [c.Action, c.Key])).toEqual([
      ['Create', entry.EntryID],
      ['Update', entry.EntryID],
    ])
    await sb.control('PUT', '/behaviour', { paymentEvents: 'invoice' })
    await pay('1.00')
    await waitFor(
      () => receiver.events(),
      (e) => e.length === 4,
    )
    expect(contents('/BankEntries')).toHaveLength(1)
    await sb.control('PUT', '/behaviour', { paymentEvents: 'none' })
    await pay('1.00')
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(receiver.events()).toHaveLength(4)
  })
})
