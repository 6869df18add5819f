import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import type { Invoice } from '../../src/domain/invoice'

/** Review L11: ?replace=true books the new version first and deletes the old entry only then. */
describe('?replace=true', () => {
  let h: Harness
  let tenant: TenantApi
  const stats = async () => (await sandboxJson<{ byResource: Record<string, number> }>(h, '/_sandbox/stats')).byResource
  const doubled = (
    invoice: Invoice,
    lines: Invoice['lines'] = [{ description: 'Consulting', netAmount: '2000.00', vatRate: '21' }],
  ): Invoice => ({ ...invoice, lines, totals: { net: '2000.00', vat: '420.00', gross: '2420.00' } })

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => h.close())

  it('Exact refuses to delete the old (paid) entry: 409 replace_refused with the reason, the new entry removed again, the old export stays', async () => {
    const invoice = makeInvoice()
    const first = (await tenant.call('POST', '/invoices/r-1/export', invoice)).json()
    await sandboxJson(h, `/_sandbox/divisions/${tenant.division}/payments`, {
      method: 'POST',
      body: { entryNumber: first.entryNumber, amount: '1210.00', date: '2026-11-25' },
    })
    expect((await tenant.put('r-1', doubled(invoice))).statusCode).toBe(200)

    const refused = await tenant.exportIt('r-1', '?replace=true')
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('replace_refused')
    expect(refused.json().details.exactMessage).toMatch(/afgeletterd|matched|Not allowed|Niet toegestaan/i)

    const all = (await tenant.entries()).filter((e) => e.YourRef === invoice.number)
    // The new version was booked and deleted again; the old entry is untouched.
    expect(all).toHaveLength(2)
    expect(all.filter((e) => !e.deleted).map((e) => [e.EntryID, e.AmountFC])).toEqual([[first.entryId, '1210.00']])
    expect(all.find((e) => e.EntryID !== first.entryId).AmountFC).toBe('2420.00')
    const old = (await tenant.call('GET', `/exports/${first.id}`)).json()
    expect(old.status).toBe('exported')
    expect((await tenant.call('GET', '/invoices/r-1/export')).json().id).toBe(first.id)
  })

  it('a new version the chart refuses: 422, nothing sent, the old entry stays', async () => {
    const invoice = makeInvoice()
    const first = (await tenant.call('POST', '/invoices/r-2/export', invoice)).json()
    await tenant.put(
      'r-2',
      doubled(invoice, [{ description: 'Consulting', netAmount: '2000.00', vatRate: '21', glAccount: '8999' }]),
    )
    const before = await stats()
    const res = await tenant.exportIt('r-2', '?replace=true')
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('mapping_missing')
    const after = await stats()
    expect(after['POST salesentry/SalesEntries'] ?? 0).toBe(before['POST salesentry/SalesEntries'] ?? 0)
    expect(after['DELETE salesentry/SalesEntries'] ?? 0).toBe(before['DELETE salesentry/SalesEntries'] ?? 0)
    expect((await tenant.entryFor(invoice.number)).EntryID).toBe(first.entryId)
    expect((await tenant.call('GET', `/exports/${first.id}`)).json().status).toBe('exported')
  })

  it('replaces: the new entry booked, the old deleted, the old export undone', async () => {
    const invoice = makeInvoice()
    const first = (await tenant.call('POST', '/invoices/r-3/export', invoice)).json()
    await tenant.put('r-3', doubled(invoice))
    const replaced = await tenant.exportIt('r-3', '?replace=true')
    expect(replaced.statusCode).toBe(201)
    const all = (await tenant.entries()).filter((e) => e.YourRef === invoice.number)
    expect(all.filter((e) => !e.deleted).map((e) => e.AmountFC)).toEqual(['2420.00'])
    expect(all.find((e) => e.EntryID === first.entryId).deleted).toBe(true)
    expect(replaced.json().entryId).toBe(all.find((e) => !e.deleted).EntryID)
    expect((await tenant.call('GET', `/exports/${first.id}`)).json().status).toBe('undone')
    expect((await tenant.exportIt('r-3')).statusCode).toBe(200)
  })
})
