import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { makeInvoice } from '../helpers/factories'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import type { Invoice } from '../../src/domain/invoice'

/** Book invoices through the HTTP API; assert on the sandbox ledger, not on what the service says. */
describe('export one invoice', () => {
  let h: Harness
  let t: TenantApi
  const auth = () => ({ authorization: `Bearer ${t.apiKey}` })
  const entries = () => t.entries()
  const live = async () => (await entries()).filter((e) => !e.deleted)
  const accounts = () => t.accounts()
  const put = (id: string, invoice: Invoice) => t.put(id, invoice)
  const exportIt = (id: string, query = '') => t.exportIt(id, query)

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    t = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => h.close())

  it('books a sales invoice as one entry with journal, relation, lines, VAT and totals; the same again answers 200', async () => {
    const invoice = makeInvoice({
      lines: [
        { description: 'Consulting', netAmount: '1000.00', vatRate: '21' },
        { description: 'Books', netAmount: '50.00', vatRate: '6' },
      ],
      totals: { net: '1050.00', vat: '213.00', gross: '1263.00' },
    })
    expect((await put('s-1', invoice)).statusCode).toBe(201)
    const first = await exportIt('s-1')
    expect(first.statusCode).toBe(201)
    const exported = first.json()
    expect(exported.status).toBe('exported')

    const booked = (await live()).filter((e) => e.YourRef === invoice.number)
    expect(booked).toHaveLength(1)
    const entry = booked[0]
    expect(entry.kind).toBe('sales')
    expect(entry.JournalCode ?? entry.Journal).toBe('70')
    expect(entry.EntryNumber).toBe(exported.entryNumber)
    expect(entry.AmountFC).toBe('1263.00')
    expect(entry.VATAmountFC).toBe('213.00')
    expect(entry.AccountCode).toBe(invoice.party.code)
    expect(entry.Lines.map((l: any) => [l.AmountFC, l.VATCode, l.VATAmountFC])).toEqual([
      ['1000.00', '2', '210.00'],
      ['50.00', '6', '3.00'],
    ])
    expect(entry.Description.startsWith(exported.marker)).toBe(true)
    expect(entry.Description.split(exported.marker)).toHaveLength(2)

    const again = await exportIt('s-1')
    expect(again.statusCode).toBe(200)
    expect(again.json().id).toBe(exported.id)
    expect((await live()).filter((e) => e.YourRef === invoice.number)).toHaveLength(1)
  })

  it('books a purchase invoice on the purchase journal against a supplier', async () => {
    const invoice = makeInvoice({
      type: 'purchase',
      lines: [{ description: 'Laptop', netAmount: '800.00', vatRate: '21' }],
      totals: { net: '800.00', vat: '168.00', gross: '968.00' },
    })
    await put('p-1', invoice)
    const res = await exportIt('p-1')
    expect(res.statusCode).toBe(201)
    const entry = (await live()).find((e) => e.YourRef === invoice.number)
    expect(entry.kind).toBe('purchase')
    expect(entry.JournalCode ?? entry.Journal).toBe('60')
    expect(entry.AmountFC).toBe('968.00')
    expect(entry.Lines[0].VATCode).toBe('5')
    const account = (await accounts()).find((a) => a.Code === invoice.party.code)
    expect(account.IsSupplier).toBe(true)
  })

  it('refuses to re-send a changed invoice (409), then replaces it: one live entry with the new content', async () => {
    const invoice = makeInvoice()
    await put('c-1', invoice)
    const first = (await exportIt('c-1')).json()
    const changed = {
      ...invoice,
      lines: [{ description: 'Consulting', netAmount: '2000.00', vatRate: '21' }],
      totals: { net: '2000.00', vat: '420.00', gross: '2420.00' },
    }
    expect((await put('c-1', changed)).json().export.changedSinceExport).toBe(true)
    const conflict = await exportIt('c-1')
    expect(conflict.statusCode).toBe(409)
    expect(conflict.json().code).toBe('invoice_changed_since_export')

    const replaced = await exportIt('c-1', '?replace=true')
    expect(replaced.statusCode).toBe(201)
    const all = (await entries()).filter((e) => e.YourRef === invoice.number)
    expect(all.filter((e) => !e.deleted).map((e) => e.AmountFC)).toEqual(['2420.00'])
    expect(all.find((e) => e.EntryID === first.entryId).deleted).toBe(true)
    const old = await h.app.inject({ method: 'GET', url: `/exports/${first.id}`, headers: auth() })
    expect(old.json().status).toBe('undone')
  })

  it('50 concurrent export calls for one invoice make one entry', async () => {
    const invoice = makeInvoice()
    await put('race-1', invoice)
    const answers = await Promise.all(Array.from({ length: 50 }, () => exportIt('race-1')))
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1)
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(49)
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1)
    expect((await entries()).filter((e) => e.YourRef === invoice.number)).toHaveLength(1)
  })

  it('one party as customer and as supplier is one Exact account with both roles; 20 invoices for a new party create one account', async () => {
    const party = makeInvoice().party
    await put('both-s', makeInvoice({ party }))
    await put('both-p', makeInvoice({ party, type: 'purchase' }))
    expect((await exportIt('both-s')).statusCode).toBe(201)
    expect((await exportIt('both-p')).statusCode).toBe(201)
    const matching = (await accounts()).filter((a) => a.Code === party.code)
    expect(matching).toHaveLength(1)
    expect(matching[0].Status).toBe('C')
    expect(matching[0].IsSupplier).toBe(true)

    const newParty = makeInvoice().party
    const ids = Array.from({ length: 20 }, (_, i) => `many-${i}`)
    for (const id of ids) await put(id, makeInvoice({ party: newParty }))
    const results = await Promise.all(ids.map((id) => exportIt(id)))
    expect(results.every((r) => r.statusCode === 201)).toBe(true)
    expect((await accounts()).filter((a) => a.Name === newParty.name)).toHaveLength(1)
  })

  it("undo deletes the entry in Exact; again answers the same; a paid entry is refused with Exact's reason", async () => {
    const invoice = makeInvoice()
    await put('u-1', invoice)
    const exported = (await exportIt('u-1')).json()
    const undo = await h.app.inject({ method: 'DELETE', url: `/exports/${exported.id}`, headers: auth() })
    expect(undo.statusCode).toBe(200)
    expect(undo.json().status).toBe('undone')
    expect((await entries()).find((e) => e.EntryID === exported.entryId).deleted).toBe(true)
    const again = await h.app.inject({ method: 'DELETE', url: `/exports/${exported.id}`, headers: auth() })
    expect(again.statusCode).toBe(200)
    expect(again.json().undoneAt).toBe(undo.json().undoneAt)

    const paid = makeInvoice()
    await put('u-2', paid)
    const booked = (await exportIt('u-2')).json()
    await sandboxJson(h, `/_sandbox/divisions/${t.division}/payments`, {
      method: 'POST',
      body: { entryNumber: booked.entryNumber, amount: '1210.00', date: '2026-11-25' },
    })
    const refused = await h.app.inject({ method: 'DELETE', url: `/exports/${booked.id}`, headers: auth() })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('undo_refused')
    expect(refused.json().detail).toMatch(/afgeletterd|matched|Not allowed|Niet toegestaan/i)
    expect((await entries()).find((e) => e.EntryID === booked.entryId).deleted).toBe(false)
    const after = await h.app.inject({ method: 'GET', url: `/exports/${booked.id}`, headers: auth() })
    expect(after.json().status).toBe('exported')
  })

  it('refuses bad input with a problem naming the field, stores nothing and never makes Exact refuse', async () => {
    await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
    const bad: Array<[unknown, number, string]> = [
      [
        { ...makeInvoice(), lines: [{ description: 'x', netAmount: 10, vatRate: '21' }] },
        400,
        'body/lines/0/netAmount',
      ],
      [{ ...makeInvoice(), currency: 'euro' }, 400, 'body/currency'],
      [{ ...makeInvoice(), issueDate: undefined }, 400, 'body/issueDate'],
      [{ ...makeInvoice(), totals: { net: '1000.00', vat: '210.00', gross: '1210.01' } }, 422, '/totals/gross'],
      [{ ...makeInvoice(), issueDate: '2026-02-30' }, 422, '/issueDate'],
    ]
    for (let i = 0; i < 100; i++) {
      const [payload, status, field] = bad[i % bad.length]!
      const res = await h.app.inject({
        method: 'POST',
        url: `/invoices/bad-${i}/export`,
        headers: { ...auth(), 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      })
      expect(res.statusCode).toBe(status)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(res.json().field).toBe(field)
    }
    const unmapped = makeInvoice({
      lines: [{ description: 'x', netAmount: '100.00', vatRate: '12' }],
      totals: { net: '100.00', vat: '12.00', gross: '112.00' },
    })
    const res = await h.app.inject({
      method: 'POST',
      url: '/invoices/unmapped/export',
      headers: auth(),
      payload: unmapped,
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('mapping_missing')
    expect(res.json().detail).toMatch(/12/)
    expect((await h.app.inject({ method: 'GET', url: '/invoices/bad-0', headers: auth() })).statusCode).toBe(404)
    const stats = await sandboxJson(h, '/_sandbox/stats')
    expect(stats.errorAnswers).toBe(0)
    expect(stats.byResource['POST salesentry/SalesEntries'] ?? 0).toBe(0)
  })
})
