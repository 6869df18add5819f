import { connectWithCustomer, startTestSandbox, useSandbox, type Session } from './sandbox-client'
import { startReceiver, verifyHashCode, waitFor, type Receiver } from './webhook-receiver'

describe('sandbox webhook subscriptions, the validation POST and the signed payload', () => {
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
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url))
  })

  const subscribe = (Topic: string, CallbackURL = receiver.url(), extra: object = {}) =>
    s.api('POST', 'webhooks/WebhookSubscriptions', { Topic, CallbackURL, ...extra })
  const subscriptionState = async (id: string) =>
    ((await sb.control('GET', '/webhooks/subscriptions')).body as any[]).find((x) => x.ID === id)
  const sale = () =>
    s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      EntryDate: '2026-03-01',
      SalesEntryLines: [{ GLAccount: revenue, AmountFC: 100 }],
    })

  it('creates, lists and deletes subscriptions; refuses a duplicate, an unknown topic, missing fields and PUT', async () => {
    const created = await subscribe('SalesEntries', receiver.url('/sales'))
    expect(created.status).toBe(201)
    expect(created.body.d).toMatchObject({
      Topic: 'SalesEntries',
      CallbackURL: receiver.url('/sales'),
      ClientID: 'test-client',
      Division: s.division,
      Description: 'Sandbox app test-client',
      IsInstant: false,
      Created: expect.stringMatching(/^\/Date\(\d+\)\/$/),
      UserID: expect.any(String),
      Creator: expect.any(String),
    })
    const id = created.body.d.ID
    expect((await s.api('GET', 'webhooks/WebhookSubscriptions')).body.d.results.map((r: any) => r.ID)).toEqual([id])
    const again = await subscribe('SalesEntries', receiver.url('/other'))
    expect([again.status, again.body.error.message.value]).toEqual([500, 'Gegeven bestaat reeds.'])
    expect((await subscribe('Receivables')).body.error.message.value).toBe('Ongeldig: Topic')
    expect((await s.api('POST', 'webhooks/WebhookSubscriptions', { Topic: 'Accounts' })).body.error.message.value).toBe(
      'Verplicht: CallbackURL',
    )
    expect((await subscribe('Accounts', 'ftp://x')).body.error.message.value).toBe('Ongeldig: CallbackURL')
    expect((await subscribe('Accounts', receiver.url(), { IsInstant: true })).body.error.message.value).toBe(
      'Ongeldig: IsInstant',
    )
    expect(
      (await s.api('PUT', `webhooks/WebhookSubscriptions(guid'${id}')`, { CallbackURL: receiver.url('/x') })).status,
    ).toBe(405)
    expect((await s.api('DELETE', `webhooks/WebhookSubscriptions(guid'${id}')`)).status).toBe(204)
    expect((await s.api('DELETE', `webhooks/WebhookSubscriptions(guid'${id}')`)).status).toBe(404)
    expect((await subscribe('SalesEntries')).status).toBe(201)
  })

  it('validates the callback with an empty POST; a non-2xx answer leaves the subscription invalid and silent', async () => {
    receiver.answers.push(404)
    const bad = (await subscribe('SalesEntries', receiver.url('/bad'))).body.d.ID
    const validation = await waitFor(
      () => receiver.received.filter((r) => r.path === '/bad'),
      (r) => r.length === 1,
    )
    expect(validation[0]).toMatchObject({ method: 'POST', raw: '' })
    expect(validation[0].headers['content-length']).toBe('0')
    expect(
      await waitFor(
        () => subscriptionState(bad),
        (x) => x.state !== 'pending',
      ),
    ).toMatchObject({ state: 'invalid', validation: { status: 404 } })
    await sale()
    const skipped = await waitFor(
      async () => (await sb.control('GET', '/webhooks/deliveries')).body as any[],
      (d) => d.length > 0,
    )
    expect(skipped.map((d) => [d.topic, d.status])).toEqual([['SalesEntries', 'not_validated']])
    expect(receiver.events('/bad')).toEqual([])
  })

  it("sends Exact's compact payload, Content first, with the HashCode over the raw Content bytes", async () => {
    const sub = (await subscribe('SalesEntries')).body.d.ID
    await subscribe('FinancialTransactions', receiver.url('/ft'))
    await waitFor(
      () => subscriptionState(sub),
      (x) => x.state === 'valid',
    )
    await waitFor(
      async () => (await sb.control('GET', '/webhooks/subscriptions')).body as any[],
      (all) => all.every((x) => x.state === 'valid'),
    )
    const entry = (await sale()).body.d
    const [sales] = await waitFor(
      () => receiver.events('/hook'),
      (e) => e.length === 1,
    )
    expect(verifyHashCode(sales.raw)).toBe(true)
    expect(verifyHashCode(sales.raw, 'another-secret')).toBe(false)
    expect(sales.headers['content-type']).toMatch(/^application\/json/)
    const body = JSON.parse(sales.raw)
    expect(Object.keys(body)).toEqual(['Content', 'HashCode'])
    expect(Object.keys(body.Content)).toEqual([
      'Topic',
      'ClientId',
      'Division',
      'Action',
      'Key',
      'ExactOnlineEndpoint',
      'EventCreatedOn',
    ])
    expect(body.Content).toEqual({
      Topic: 'SalesEntries',
      ClientId: 'test-client',
      Division: s.division,
      Action: 'Create',
      Key: entry.EntryID,
      ExactOnlineEndpoint: `${sb.url}/api/v1/${s.division}/salesentry/SalesEntries(guid'${entry.EntryID}')`,
      EventCreatedOn: '2026-03-02T11:00:05', // the frozen clock, 10:00:05Z, in Amsterdam wall-clock time
    })
    expect(sales.raw).toBe(`{"Content":${JSON.stringify(body.Content)},"HashCode":"${body.HashCode}"}`)
    const [ft] = await waitFor(
      () => receiver.events('/ft'),
      (e) => e.length === 1,
    )
    expect(JSON.parse(ft.raw).Content).toMatchObject({
      Topic: 'FinancialTransactions',
      Action: 'Create',
      Key: entry.EntryID,
    })
    await s.api('PUT', `salesentry/SalesEntries(guid'${entry.EntryID}')`, { Description: 'changed' })
    await s.api('DELETE', `salesentry/SalesEntries(guid'${entry.EntryID}')`)
    const all = await waitFor(
      () => receiver.events('/hook'),
      (e) => e.length === 3,
    )
    expect(all.map((e) => JSON.parse(e.raw).Content.Action)).toEqual(['Create', 'Update', 'Delete'])
  })

  it('reports accounts on the Accounts topic and can escape slashes the .NET way, still signed over the raw bytes', async () => {
    await sb.control('PUT', '/behaviour', { webhookSlashes: 'escaped' })
    const sub = (await subscribe('Accounts')).body.d.ID
    await waitFor(
      () => subscriptionState(sub),
      (x) => x.state === 'valid',
    )
    const id = (await s.api('POST', 'crm/Accounts', { Name: 'Nieuw BV' })).body.d.ID
    const [event] = await waitFor(
      () => receiver.events(),
      (e) => e.length === 1,
    )
    expect(event.raw).toContain(`"ExactOnlineEndpoint":"http:\\/\\/127.0.0.1`)
    expect(verifyHashCode(event.raw)).toBe(true)
    expect(JSON.parse(event.raw).Content).toMatchObject({ Topic: 'Accounts', Action: 'Create', Key: id })
  })

  it('refuses an http callback when webhookAllowHttp is off, as Exact only accepts https', async () => {
    const strict = await startTestSandbox({ webhookAllowHttp: false })
    try {
      const { s: other } = await connectWithCustomer(strict.url)
      const answer = await other.api('POST', 'webhooks/WebhookSubscriptions', {
        Topic: 'Accounts',
        CallbackURL: receiver.url(),
      })
      expect([answer.status, answer.body.error.message.value]).toEqual([500, 'Ongeldig: CallbackURL'])
      const https = await other.api('POST', 'webhooks/WebhookSubscriptions', {
        Topic: 'Accounts',
        CallbackURL: 'https://127.0.0.1:9/hook',
      })
      expect(https.status).toBe(201)
    } finally {
      await strict.close()
    }
  })
})
