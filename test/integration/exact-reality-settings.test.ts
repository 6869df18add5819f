import { resetBehaviour, sandboxStats, setBehaviour } from '../helpers/behaviour'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import { connectTenant, createTenant, sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant } from '../helpers/tenant-api'
import { structuredReferenceFor } from '../../src/domain/structured-reference'
import type { Settings } from '../../src/domain/settings'

/**
 * Settings proposed from Exact and checked against it, relations as Exact means them, and the
 * Belgian structured communication, against the sandbox over HTTP.
 */
describe('settings, relations and references as Exact has them', () => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
  })
  afterEach(async () => resetBehaviour(h))
  afterAll(async () => h.close())

  /** A tenant connected as the app would: the proposal made on connect is what it gets. */
  async function proposedTenant(name: string) {
    const tenant = await createTenant(h, name)
    const { division } = await connectTenant(h, tenant.apiKey)
    const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
      h.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${tenant.apiKey}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      })
    return { ...tenant, division, call }
  }

  describe.each(['fraction', 'percent'] as const)('DiscountPercentage as a %s', (discountPercentScale) => {
    it('the first proposal reads 2 % as "2", leaves the misconfigured condition out, and books the same entry', async () => {
      await setBehaviour(h, { discountPercentScale })
      const t = await proposedTenant(`Scale ${discountPercentScale}`)
      const settings = (await t.call('GET', '/settings')).json()
      expect(
        settings.paymentConditions.map((c: Settings['paymentConditions'][number]) => [
          c.exactCode,
          c.discountForCashPercent,
          c.creditLimitationPercent,
        ]),
      ).toEqual([
        ['14', '0', '0'],
        ['30', '0', '0'],
        ['32', '2', '0'],
        ['33', '0', '2'],
      ])
      expect((await t.call('GET', '/settings/proposal')).json().proposalProblems).toEqual([
        {
          field: '/paymentConditions/34/exactCode',
          code: 'wrong_discount_calculation',
          message: expect.stringContaining('"Excluding VAT" (DiscountCalculation E)'),
        },
      ])
      expect([settings.sales.adjustmentVatCode, settings.purchase.adjustmentVatCode]).toEqual(['9', '19'])
      // The proposal passes the check a PUT makes.
      expect((await t.call('PUT', '/settings', settings)).statusCode).toBe(200)

      const invoice = makeInvoice({
        paymentConditionId: '32',
        totals: { net: '1000.00', vat: '205.80', gross: '1205.80' },
      })
      const res = await t.call('POST', '/invoices/scale-1/export', invoice)
      expect(res.statusCode).toBe(201)
      const entry = (await sandboxJson<any[]>(h, `/_sandbox/divisions/${t.division}/entries`)).find(
        (e) => e.YourRef === invoice.number,
      )
      expect([entry.AmountFC, entry.VATAmountFC, entry.PaymentCondition, entry.Lines[0].VATBaseAmountFC]).toEqual([
        '1205.80',
        '205.80',
        '32',
        '980.00',
      ])
    })
  })

  it('a discount for cash Exact computes incl. VAT is refused on PUT, naming the condition and the field, with the fix; nothing is stored', async () => {
    const t = await connectedTenant(h, 'Misconfigured')
    const settings = sandboxSettings()
    settings.paymentConditions.push({ ...settings.paymentConditions[1]!, id: 'bad', exactCode: '34' })
    const res = await t.call('PUT', '/settings', settings)
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({ code: 'settings_invalid', field: '/paymentConditions/3/exactCode' })
    expect(res.json().detail).toContain('payment condition 34')
    expect(res.json().detail).toContain('DiscountCalculation')
    expect(res.json().detail).toContain('"Excluding VAT"')
    expect(
      (await t.call('GET', '/settings')).json().paymentConditions.map((c: { exactCode: string }) => c.exactCode),
    ).toEqual(['30', '32', '33'])
  })

  it('nothing is booked on such a condition, even when the settings still name it', async () => {
    const t = await connectedTenant(h, 'Changed in Exact')
    const settings = sandboxSettings()
    settings.paymentConditions.push({ ...settings.paymentConditions[1]!, id: 'bad', exactCode: '34' })
    // As if the bookkeeper changed condition 34 in Exact after the settings were stored.
    await h.database.db
      .updateTable('tenant_settings')
      .set({ settings: JSON.stringify(settings) })
      .where('tenant_id', '=', t.id)
      .execute()
    await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
    const res = await t.call(
      'POST',
      '/invoices/bad-1/export',
      makeInvoice({ paymentConditionId: 'bad', totals: undefined }),
    )
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({ code: 'settings_invalid', field: '/paymentConditions/3/exactCode' })
    expect((await sandboxStats(h)).byResource['POST salesentry/SalesEntries'] ?? 0).toBe(0)
    expect((await t.entries()).filter((e) => !e.deleted)).toHaveLength(0)
  })

  it('a VAT code that reports a base is refused for the lines outside the VAT base', async () => {
    const t = await connectedTenant(h, 'Zero percent')
    const res = await t.call(
      'PUT',
      '/settings',
      sandboxSettings({ sales: { ...sandboxSettings().sales, adjustmentVatCode: '0' } }),
    )
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({ code: 'settings_invalid', field: '/sales/adjustmentVatCode' })
    expect(res.json().errors).toEqual([expect.objectContaining({ code: 'vat_code_reports_base' })])
  })

  it('a prospect is invoiced as it is; an account with no Status becomes a customer', async () => {
    const t = await connectedTenant(h, 'Relations')
    const client = await h.exact.clientFor(t.id)
    const prospect = makeInvoice().party
    const supplier = makeInvoice().party
    await client.post('crm/Accounts', { Code: prospect.code!.padStart(18), Name: prospect.name!, Status: 'P' })
    await client.post('crm/Accounts', { Code: supplier.code!.padStart(18), Name: supplier.name!, IsSupplier: true })
    await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
    expect((await t.call('POST', '/invoices/prospect-1/export', makeInvoice({ party: prospect }))).statusCode).toBe(201)
    expect((await sandboxStats(h)).byResource['PUT crm/Accounts'] ?? 0).toBe(0)
    expect((await t.call('POST', '/invoices/supplier-1/export', makeInvoice({ party: supplier }))).statusCode).toBe(201)
    const accounts = await t.accounts()
    expect(accounts.filter((a) => a.Code === prospect.code).map((a) => a.Status)).toEqual(['P'])
    expect(accounts.filter((a) => a.Code === supplier.code).map((a) => [a.Status, a.IsSupplier])).toEqual([['C', true]])
  })

  it('Belgian structured communication: made from the number when asked, sent as PaymentReference, returned on the export', async () => {
    const t = await connectedTenant(h, 'Structured', sandboxSettings({ generateStructuredReference: true }))
    const generated = makeInvoice({ number: '2026-0042' })
    const res = await t.call('POST', '/invoices/ogm-1/export', generated)
    expect(res.statusCode).toBe(201)
    expect(res.json().paymentReference).toBe('+++002/0260/04240+++')
    expect((await t.entryFor('2026-0042')).PaymentReference).toBe(structuredReferenceFor('2026-0042'))

    const given = makeInvoice({ paymentReference: '+++090/9337/55493+++' })
    expect((await t.call('POST', '/invoices/ogm-2/export', given)).json().paymentReference).toBe('+++090/9337/55493+++')
    expect((await t.entryFor(given.number)).PaymentReference).toBe('+++090/9337/55493+++')

    const wrong = await t.call(
      'POST',
      '/invoices/ogm-3/export',
      makeInvoice({ paymentReference: '+++090/9337/55494+++' }),
    )
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json()).toMatchObject({ code: 'invoice_invalid', field: '/paymentReference' })

    const off = await connectedTenant(h, 'No structured')
    const plain = makeInvoice()
    expect((await off.call('POST', '/invoices/ogm-4/export', plain)).json().paymentReference).toBeNull()
    expect((await off.entryFor(plain.number)).PaymentReference ?? null).toBeNull()
  })
})
