import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant } from '../helpers/tenant-api'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import type { Invoice } from '../../src/domain/invoice'
import { keyPath } from '../../src/exact/wire'

/** Payments booked in the sandbox's ledger; the service's answers and rows checked against it. */
describe('payment status', () => {
  let h: Harness
  let key: string
  let tenantId: string
  let division: number
  const auth = () => ({ authorization: `Bearer ${key}` })
  const api = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
    h.app.inject({ method, url, headers: auth(), ...(payload === undefined ? {} : { payload: payload as object }) })
  const status = async (id: string) => {
    const res = await api('GET', `/invoices/${id}/payment-status`)
    expect(res.statusCode).toBe(200)
    return res.json()
  }
  const calls = async (): Promise<number> => (await sandboxJson(h, '/_sandbox/stats')).calls
  const pay = (entryNumber: number, amount: string, discount?: string) =>
    sandboxJson(h, `/_sandbox/divisions/${division}/payments`, {
      method: 'POST',
      body: { entryNumber, amount, date: '2026-11-24', ...(discount ? { discount } : {}) },
    })
  const unmatch = (paymentId: string) =>
    sandboxJson(h, `/_sandbox/divisions/${division}/payments/${paymentId}`, { method: 'DELETE' })
  const events = async (invoiceId: string) =>
    (
      await h.database.db
        .selectFrom('webhook_events')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('type', '=', 'invoice.payment_updated')
        .execute()
    ).filter((e) => (e.payload as { invoiceId?: string }).invoiceId === invoiceId)

  let n = 0
  async function exported(
    invoice: Invoice = makeInvoice(),
  ): Promise<{ id: string; entryNumber: number; entryId: string }> {
    const id = `pay-${++n}`
    const put = await api('PUT', `/invoices/${id}`, invoice)
    expect([put.statusCode, put.json().detail]).toEqual([201, undefined])
    const res = await api('POST', `/invoices/${id}/export`)
    expect(res.statusCode).toBe(201)
    return { id, entryNumber: res.json().entryNumber, entryId: res.json().entryId }
  }
  async function syncNow(): Promise<any> {
    const res = await api('POST', '/payment-sync')
    expect(res.statusCode).toBe(202)
    await h.services.paymentSync.drain()
    return (await api('GET', `/payment-sync/runs/${res.json().id}`)).json()
  }

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    const webhook = { url: 'http://127.0.0.1:9/hooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }
    const tenant = await connectedTenant(h, 'Acme', sandboxSettings({ webhook } as never))
    key = tenant.apiKey
    tenantId = tenant.id
    division = tenant.division
  })
  afterAll(async () => h.close())

  it('paid in Exact -> paid from a live look-up; asked again -> stored, with no Exact call', async () => {
    const inv = await exported()
    const before = await status(inv.id)
    expect(before).toMatchObject({
      status: 'unpaid',
      amount: '1210.00',
      paid: '0.00',
      outstanding: '1210.00',
      currency: 'EUR',
      source: 'live',
    })

    await pay(inv.entryNumber, '1210.00')
    const c0 = await calls()
    const paid = await status(inv.id)
    expect(paid).toMatchObject({
      status: 'paid',
      paid: '1210.00',
      outstanding: '0.00',
      lastPaymentDate: '2026-11-24',
      source: 'live',
    })
    expect((await calls()) - c0).toBe(1)

    const c1 = await calls()
    const again = await status(inv.id)
    expect(again).toMatchObject({ status: 'paid', source: 'stored', checkedAt: paid.checkedAt })
    expect(await calls()).toBe(c1)
    expect((await events(inv.id)).map((e) => (e.payload as any).status)).toEqual(['paid'])
  })

  it('partial payment -> partially_paid with the right outstanding; unmatched -> back to unpaid; rest paid -> paid', async () => {
    const inv = await exported()
    const part = await pay(inv.entryNumber, '500.00')
    const c0 = await calls()
    expect(await status(inv.id)).toMatchObject({
      status: 'partially_paid',
      paid: '500.00',
      outstanding: '710.00',
      source: 'live',
    })
    expect((await calls()) - c0).toBeLessThanOrEqual(2)

    await unmatch(part.id)
    expect(await status(inv.id)).toMatchObject({ status: 'unpaid', paid: '0.00', outstanding: '1210.00' })

    await pay(inv.entryNumber, '1000.00')
    await pay(inv.entryNumber, '210.00')
    expect(await status(inv.id)).toMatchObject({ status: 'paid', paid: '1210.00', outstanding: '0.00' })
    expect((await events(inv.id)).map((e) => (e.payload as any).status)).toEqual(['partially_paid', 'unpaid', 'paid'])
  })

  it('a discount taken at payment counts as paid (Belgian 2%: 1205.80 settled by 1185.80 + 20.00 discount)', async () => {
    const inv = await exported(
      makeInvoice({ paymentConditionId: '30d-2pct', totals: { net: '1000.00', vat: '205.80', gross: '1205.80' } }),
    )
    await pay(inv.entryNumber, '1185.80', '20.00')
    expect(await status(inv.id)).toMatchObject({
      status: 'paid',
      amount: '1205.80',
      paid: '1185.80',
      discount: '20.00',
      outstanding: '0.00',
    })
  })

  it('credit notes (negative) and purchase invoices (payables) are followed the same way', async () => {
    const credit = await exported(
      makeInvoice({
        lines: [{ description: 'Refund', netAmount: '-200.00', vatRate: '21' }],
        totals: { net: '-200.00', vat: '-42.00', gross: '-242.00' },
      }),
    )
    expect(await status(credit.id)).toMatchObject({ status: 'unpaid', amount: '-242.00', outstanding: '-242.00' })
    await pay(credit.entryNumber, '-100.00')
    expect(await status(credit.id)).toMatchObject({ status: 'partially_paid', paid: '-100.00', outstanding: '-142.00' })
    await pay(credit.entryNumber, '-142.00')
    expect(await status(credit.id)).toMatchObject({ status: 'paid', paid: '-242.00', outstanding: '0.00' })

    const purchase = await exported(makeInvoice({ type: 'purchase' }))
    await pay(purchase.entryNumber, '210.00')
    expect(await status(purchase.id)).toMatchObject({
      status: 'partially_paid',
      paid: '210.00',
      outstanding: '1000.00',
      source: 'live',
    })
  })

  it('not exported -> not_exported without calling Exact; unknown invoice -> 404', async () => {
    expect((await api('PUT', '/invoices/draft-1', makeInvoice())).statusCode).toBe(201)
    const c0 = await calls()
    expect(await status('draft-1')).toMatchObject({ status: 'not_exported', amount: '1210.00', source: 'stored' })
    expect(await calls()).toBe(c0)
    expect((await api('GET', '/invoices/nope/payment-status')).statusCode).toBe(404)
  })

  it('the sync moves a paid invoice back when its payment is unmatched in Exact, and costs calls per change', async () => {
    const inv = await exported()
    const others = [await exported(), await exported()]
    const payment = await pay(inv.entryNumber, '1210.00')
    expect(await status(inv.id)).toMatchObject({ status: 'paid' })
    await syncNow() // catches up with everything booked so far

    await unmatch(payment.id)
    await pay(others[0]!.entryNumber, '10.00')
    expect(await status(inv.id)).toMatchObject({ status: 'paid', source: 'stored' }) // no call: still paid as far as we know
    const run = await syncNow()
    expect(run).toMatchObject({ status: 'completed', changed: 2, errors: 0 })
    expect(run.exactCalls).toBeLessThanOrEqual(3)
    expect(await status(inv.id)).toMatchObject({ status: 'unpaid', outstanding: '1210.00', source: 'live' })
    expect(await status(others[0]!.id)).toMatchObject({ status: 'partially_paid', outstanding: '1200.00' })
    expect((await events(inv.id)).map((e) => (e.payload as any).status)).toEqual(['paid', 'unpaid'])
    expect((await events(others[0]!.id)).map((e) => (e.payload as any).status)).toEqual(['partially_paid'])

    const quiet = await syncNow()
    expect(quiet).toMatchObject({ changed: 0, exactCalls: 2 })
    const overview = (await api('GET', '/payment-sync')).json()
    expect(overview.lastRun).toMatchObject({ id: quiet.id, exactCalls: 2, changed: 0, errors: 0 })
    expect(new Date(overview.nextRunAt).getTime()).toBeGreaterThan(Date.now() - 60_000)
  })

  it('an entry a bookkeeper deletes in Exact is noticed by the sync: deleted_in_exact, the app told, exportable again', async () => {
    const inv = await exported()
    await syncNow()
    const client = await h.exact.clientFor(tenantId)
    await client.delete(keyPath('salesentry/SalesEntries', inv.entryId))
    const run = await syncNow()
    expect(run).toMatchObject({ deleted: 1, errors: 0 })
    expect((await api('GET', `/invoices/${inv.id}/export`)).json()).toMatchObject({ status: 'deleted_in_exact' })
    expect(await status(inv.id)).toMatchObject({ status: 'not_exported' })
    const told = (
      await h.database.db.selectFrom('webhook_events').selectAll().where('type', '=', 'export.undone').execute()
    ).filter((e) => (e.payload as any).invoiceId === inv.id)
    expect(told.map((e) => (e.payload as any).status)).toEqual(['deleted_in_exact'])
    expect((await api('POST', `/invoices/${inv.id}/export`)).statusCode).toBe(201)
  })

  it('POST /payment-sync while one runs answers with the running one', async () => {
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { latencyMs: 300 } })
    try {
      const first = await api('POST', '/payment-sync')
      const second = await api('POST', '/payment-sync')
      expect(first.statusCode).toBe(202)
      expect(second.statusCode).toBe(202)
      expect(second.json().id).toBe(first.json().id)
      expect(second.json().status).toBe('running')
    } finally {
      await h.services.paymentSync.drain()
      await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: {} })
    }
  })
})
