import { resetBehaviour, sandboxStats, setBehaviour } from '../helpers/behaviour'
import { makeInvoice } from '../helpers/factories'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import type { InvoiceType } from '../../src/domain/types'
import { deleteEntry } from '../../src/exact/entries'
import { keyPath } from '../../src/exact/wire'

/**
 * Payment status of the README's discount-for-cash invoice (1000.00 @ 21 %, 2 % within 8 days:
 * 1205.80, or 1185.80 paid by 2026-11-28), read live and by the sync, whatever AmountDiscountFC means
 * and whether ReceivablesList takes a filter. Payments are booked in the sandbox's ledger.
 */
describe('payment status under either answer of Exact', () => {
  let h: Harness
  let n = 0
  const discountInvoice = (type: InvoiceType) =>
    makeInvoice({ type, paymentConditionId: '30d-2pct', totals: { net: '1000.00', vat: '205.80', gross: '1205.80' } })

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
  })
  afterEach(async () => resetBehaviour(h))
  afterAll(async () => h.close())

  async function book(t: TenantApi, type: InvoiceType): Promise<{ id: string; entryNumber: number; entryId: string }> {
    const id = `pay-${++n}`
    expect((await t.put(id, discountInvoice(type))).statusCode).toBe(201)
    const res = await t.exportIt(id)
    expect(res.statusCode).toBe(201)
    return { id, entryNumber: res.json().entryNumber, entryId: res.json().entryId }
  }
  const pay = (t: TenantApi, entryNumber: number, amount: string, date: string, discount?: string) =>
    sandboxJson(h, `/_sandbox/divisions/${t.division}/payments`, {
      method: 'POST',
      body: { entryNumber, amount, date, ...(discount ? { discount } : {}) },
    })
  const status = async (t: TenantApi, id: string) => {
    const res = await t.call('GET', `/invoices/${id}/payment-status`)
    expect(res.statusCode).toBe(200)
    return res.json()
  }
  const synced = async (t: TenantApi) => {
    const res = await t.call('POST', '/payment-sync')
    expect(res.statusCode).toBe(202)
    await h.services.paymentSync.drain()
    return (await t.call('GET', `/payment-sync/runs/${res.json().id}`)).json()
  }
  const stored = async (t: TenantApi, id: string) =>
    h.database.db
      .selectFrom('payment_states')
      .select(['status', 'amount', 'paid', 'discount', 'outstanding'])
      .where('tenant_id', '=', t.id)
      .where('invoice_id', '=', id)
      .executeTakeFirst()

  const LATE = { status: 'paid', amount: '1205.80', paid: '1205.80', discount: '0.00', outstanding: '0.00' }
  const IN_TIME = { status: 'paid', amount: '1205.80', paid: '1185.80', discount: '20.00', outstanding: '0.00' }
  const PART = { status: 'partially_paid', amount: '1205.80', paid: '500.00', discount: '0.00', outstanding: '705.80' }

  describe.each(['offered', 'taken'] as const)('AmountDiscountFC is the discount %s', (discountOnOpenItem) => {
    it.each(['sales', 'purchase'] as const)(
      '%s: late in full, in time less the discount, part paid: live and by the sync',
      async (type) => {
        await setBehaviour(h, { discountOnOpenItem })
        const t = await connectedTenant(h, `Discount ${discountOnOpenItem} ${type}`)
        const late = await book(t, type)
        const inTime = await book(t, type)
        const part = await book(t, type)
        const unpaid = await book(t, type)
        // Before any payment the discount on offer is no discount and no payment.
        expect(await status(t, unpaid.id)).toMatchObject({
          status: 'unpaid',
          paid: '0.00',
          discount: '0.00',
          outstanding: '1205.80',
        })

        await pay(t, late.entryNumber, '1205.80', '2026-12-10')
        await pay(t, inTime.entryNumber, '1185.80', '2026-11-24', '20.00')
        await pay(t, part.entryNumber, '500.00', '2026-11-24')

        // The sync first (nothing read live since the payments), then the live look-up of what is not paid.
        const run = await synced(t)
        expect(run).toMatchObject({ status: 'completed', errors: 0 })
        expect(await stored(t, late.id)).toEqual(LATE)
        expect(await stored(t, inTime.id)).toEqual(IN_TIME)
        expect(await stored(t, part.id)).toEqual(PART)

        expect(await status(t, late.id)).toMatchObject({ ...LATE, lastPaymentDate: '2026-12-10', source: 'stored' })
        expect(await status(t, inTime.id)).toMatchObject({
          ...IN_TIME,
          lastPaymentDate: '2026-11-24',
          source: 'stored',
        })
        expect(await status(t, part.id)).toMatchObject({ ...PART, lastPaymentDate: '2026-11-24', source: 'live' })

        // The rest of the part-paid one, in time and less the discount: 685.80 + 20.00.
        await pay(t, part.entryNumber, '685.80', '2026-11-27', '20.00')
        expect(await status(t, part.id)).toMatchObject({ ...IN_TIME, source: 'live' })
        const ledger = await t.entries()
        expect(ledger.find((e) => e.EntryNumber === part.entryNumber)).toMatchObject({ IsFullyPaid: true })
      },
    )
  })

  describe.each(['supported', 'refused'] as const)('ReceivablesList filter %s', (receivablesListFilter) => {
    it('a part-paid invoice reads the same, from the split terms, without an error answer', async () => {
      await setBehaviour(h, { receivablesListFilter })
      const t = await connectedTenant(h, `List ${receivablesListFilter}`)
      const sales = await book(t, 'sales')
      const purchase = await book(t, 'purchase')
      await pay(t, sales.entryNumber, '500.00', '2026-11-24')
      await pay(t, purchase.entryNumber, '500.00', '2026-11-24')
      await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
      expect(await status(t, sales.id)).toMatchObject({ ...PART, source: 'live' })
      expect(await status(t, purchase.id)).toMatchObject({ ...PART, source: 'live' })
      const stats = await sandboxStats(h)
      expect(stats.errorAnswers).toBe(0)
      // One call per look-up: the split terms say what is left.
      expect(stats.calls).toBe(2)
    })
  })

  it("an entry deleted in Exact is recognised from its lines' tombstones even with no term stored; one line deleted is not a deletion", async () => {
    const t = await connectedTenant(h, 'Tombstones')
    const gone = await book(t, 'sales')
    const edited = await book(t, 'sales')
    await synced(t)
    const client = await h.exact.clientFor(t.id)
    const editedLines = (await t.entries()).find((e) => e.EntryID === edited.entryId).Lines
    // Make the edited entry two lines, then delete the first one: a bookkeeper's edit.
    await client.post('salesentry/SalesEntryLines', {
      EntryID: edited.entryId,
      GLAccount: editedLines[0].GLAccount,
      AmountFC: 1,
      VATCode: '2',
      Description: 'extra',
    })
    await client.delete(keyPath('salesentry/SalesEntryLines', editedLines[0].ID))
    // The terms a sync started mid-history would not have: only the line IDs stored at booking can tell.
    await h.database.db
      .deleteFrom('payment_terms')
      .where('tenant_id', '=', t.id)
      .where('entry_id', '=', gone.entryId)
      .execute()
    expect(await deleteEntry(client, 'sales', gone.entryId)).toBe('deleted')

    const run = await synced(t)
    expect(run).toMatchObject({ status: 'completed', deleted: 1 })
    expect((await t.call('GET', `/invoices/${gone.id}/export`)).json().status).toBe('deleted_in_exact')
    expect((await t.call('GET', `/invoices/${edited.id}/export`)).json().status).toBe('exported')
    const lines = await h.database.db
      .selectFrom('export_entry_lines')
      .selectAll()
      .where('tenant_id', '=', t.id)
      .execute()
    expect(lines.some((l) => l.line_id === editedLines[0].ID.toLowerCase())).toBe(false)
  })
})
