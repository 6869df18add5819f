import { connectWithCustomer, createCustomer, glAccountId, useSandbox, type Session } from './sandbox-client'
import { startReceiver, waitFor, type Receiver } from './webhook-receiver'

describe('sandbox control: a bookkeeper edits or deletes a booked entry', () => {
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
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url))
    await s.api('POST', 'webhooks/WebhookSubscriptions', { Topic: 'SalesEntries', CallbackURL: receiver.url() })
    await waitFor(
      async () => (await sb.control('GET', '/webhooks/subscriptions')).body as any[],
      (a) => a[0]?.state === 'valid',
    )
  })

  const sale = async () =>
    (
      await s.api('POST', 'salesentry/SalesEntries', {
        Journal: '70',
        Customer: customer,
        EntryDate: '2026-03-01',
        YourRef: 'F-1',
        Description: 'Factuur F-1',
        SalesEntryLines: [
          { GLAccount: revenue, AmountFC: 100, VATCode: '2' },
          { GLAccount: revenue, AmountFC: 50, VATCode: '2' },
        ],
      })
    ).body.d
  const edit = (id: string, body: object) => sb.control('PATCH', `/divisions/${s.division}/entries/${id}`, body)
  const actions = () => receiver.events().map((e) => JSON.parse(e.raw).Content.Action)

  it('changes header, relation and lines, recomputes totals and VAT, moves row versions and sends the Update', async () => {
    const entry = await sale()
    const before = (await sb.control('GET', `/divisions/${s.division}/entries`)).body[0]
    const [first, second] = before.Lines
    const other = await createCustomer(s, { Name: 'Andere Klant BV', Code: '77' })
    const costs = await glAccountId(s, '8020')
    const edited = await edit(entry.EntryID, {
      EntryDate: '2026-04-15',
      Description: 'Gecorrigeerd',
      YourRef: 'F-1b',
      AccountCode: '77',
      Lines: [
        { ID: first.ID, AmountFC: '120.00' },
        { GLAccountCode: '8020', AmountFC: 10, VATCode: '0' },
      ],
      DeleteLines: [second.ID],
    })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({
      EntryDate: '2026-04-15',
      DueDate: '2026-05-15',
      ReportingPeriod: 4,
      Description: 'Gecorrigeerd',
      YourRef: 'F-1b',
      Customer: other,
      AmountFC: '155.20',
      VATAmountFC: '25.20',
    })
    expect(edited.body.Timestamp).toBeGreaterThan(before.Timestamp)
    expect(
      edited.body.Lines.map((l: any) => [l.ID === first.ID, l.GLAccount, l.AmountFC, l.VATAmountFC, l.LineNumber]),
    ).toEqual([
      [true, revenue, '120.00', '25.20', 1],
      [false, costs, '10.00', '0.00', 3],
    ])
    const deleted = await s.api('GET', `sync/Deleted?$filter=Timestamp gt 1L&$select=EntityKey,EntityType`)
    expect(deleted.body.d.results.map((t: any) => [t.EntityType, t.EntityKey])).toEqual([[1, second.ID]])
    expect((await s.api('GET', `salesentry/SalesEntries(guid'${entry.EntryID}')`)).body.d).toMatchObject({
      AmountFC: 155.2,
      Customer: other,
    })
    await waitFor(actions, (a) => a.length === 2)
    expect(actions()).toEqual(['Create', 'Update'])
  })

  it('refuses unknown fields, a bad line, the last line and amount changes on a matched entry; deletes like a bookkeeper', async () => {
    const entry = await sale()
    expect((await edit(entry.EntryID, { Journal: '71' })).body).toMatchObject({
      error: 'invalid_edit',
      message: 'Not editable: Journal.',
    })
    expect((await edit(entry.EntryID, { Lines: [{ GLAccountCode: '1300', AmountFC: 1 }] })).body.message).toBe(
      'Invalid: G/L account type',
    )
    const ids = (await sb.control('GET', `/divisions/${s.division}/entries`)).body[0].Lines.map((l: any) => l.ID)
    expect((await edit(entry.EntryID, { DeleteLines: ids })).status).toBe(400)
    expect((await edit(entry.EntryID, { EntryDate: 'gisteren' })).status).toBe(400)
    await sb.control('POST', `/divisions/${s.division}/payments`, { entryNumber: entry.EntryNumber, amount: '10.00' })
    expect((await edit(entry.EntryID, { Lines: [{ ID: ids[0], AmountFC: 1 }] })).status).toBe(409)
    expect((await edit(entry.EntryID, { Description: 'Alleen de omschrijving' })).status).toBe(200)
    expect((await sb.control('DELETE', `/divisions/${s.division}/entries/${entry.EntryID}`)).status).toBe(409)

    const free = await sale()
    const gone = await sb.control('DELETE', `/divisions/${s.division}/entries/${free.EntryID}`)
    expect([gone.status, gone.body.deleted]).toEqual([200, true])
    expect((await s.api('GET', `salesentry/SalesEntries(guid'${free.EntryID}')`)).status).toBe(403)
    expect((await sb.control('PATCH', `/divisions/${s.division}/entries/${free.EntryID}`, {})).status).toBe(404)
    await waitFor(actions, (a) => a.includes('Delete'))
    expect(actions()).toEqual(['Create', 'Update', 'Create', 'Delete'])
  })
})
