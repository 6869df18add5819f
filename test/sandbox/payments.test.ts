import { connectWithCustomer, createSupplier, glAccountId, useSandbox, type Session } from './sandbox-client'

describe('sandbox payments, open items and sync', () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })
  let s: Session
  let revenue: string
  let customer: string
  beforeEach(async () => {
    ({ s, revenue, customer } = await connectWithCustomer(sb.url))
  })

  async function sale(amount: number, condition = '30'): Promise<{ EntryID: string; EntryNumber: number }> {
    const answer = await s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70', Customer: customer, EntryDate: '2026-03-01', YourRef: `F-${amount}`, PaymentCondition: condition,
      SalesEntryLines: [{ GLAccount: revenue, AmountFC: amount, VATCode: '2' }],
    })
    expect(answer.status).toBe(201)
    return answer.body.d
  }

  const pay = (body: object) => sb.control('POST', `/divisions/${s.division}/payments`, body)
  const terms = async (after = 1): Promise<any[]> =>
    (await s.api('GET', `sync/Cashflow/PaymentTerms?$filter=Timestamp gt ${after}L&$select=*`)).body.d.results

  it('reflects partial and full payments in Receivables, PaymentTerms and ReceivablesList', async () => {
    const entry = await sale(100) // 121.00
    const [created] = await terms()
    expect(created).toMatchObject({
      ID: entry.EntryID, EntryID: entry.EntryID, TransactionEntryID: entry.EntryID, EntryNumber: entry.EntryNumber,
      LineType: 20, AmountFC: 121, TransactionAmountFC: 121, Status: 20, IsFullyPaid: false, LastPaymentDate: null,
      Account: customer, Currency: 'EUR', YourRef: 'F-100',
    })
    expect(typeof created.Timestamp).toBe('number')

    const partial = await pay({ entryNumber: entry.EntryNumber, amount: '21.00', date: '2026-03-10' })
    expect(partial.status).toBe(201)
    expect(partial.body).toMatchObject({ id: expect.any(String), term: { outstanding: '100.00', status: 20, isFullyPaid: false } })
    const [afterPartial] = await terms(created.Timestamp)
    expect(afterPartial).toMatchObject({ AmountFC: 100, TransactionAmountFC: 121, Status: 20, LastPaymentDate: `/Date(${Date.UTC(2026, 2, 10)})/` })
    expect(afterPartial.Timestamp).toBeGreaterThan(created.Timestamp)
    const list = await s.api('GET', 'read/financial/ReceivablesList')
    expect(list.body.d.results).toEqual([expect.objectContaining({ EntryNumber: entry.EntryNumber, Amount: 100 })])

    await pay({ entryNumber: entry.EntryNumber, amount: '100', date: '2026-03-20' })
    const [paid] = await terms(afterPartial.Timestamp)
    expect(paid).toMatchObject({ AmountFC: 0, Status: 50, IsFullyPaid: true })
    expect(paid.Timestamp).toBeGreaterThan(afterPartial.Timestamp)
    const receivable = await s.api('GET', `cashflow/Receivables?$filter=EntryNumber eq ${entry.EntryNumber}`)
    expect(receivable.body.d.results[0]).toMatchObject({
      AmountFC: 121, TransactionAmountFC: 121, Status: 50, IsFullyPaid: true, TransactionEntryID: entry.EntryID,
      LastPaymentDate: `/Date(${Date.UTC(2026, 2, 20)})/`,
    })
    expect((await s.api('GET', 'read/financial/ReceivablesList')).body.d.results).toEqual([])
    expect(await terms(paid.Timestamp)).toEqual([])
  })

  it('settles a term with a payment discount and reopens it on unmatch', async () => {
    const entry = await sale(100, '32')
    const payment = await pay({ entryNumber: entry.EntryNumber, amount: '118.58', discount: '2.42', date: '2026-03-05' })
    expect(payment.body.term).toMatchObject({ outstanding: '0.00', status: 50, isFullyPaid: true })
    const [term] = await terms()
    expect(term).toMatchObject({ AmountFC: 0, AmountDiscountFC: 2.42, Status: 50, PaymentDiscountPercentage: 0.02 })
    const unmatched = await sb.control('DELETE', `/divisions/${s.division}/payments/${payment.body.id}`)
    expect(unmatched.status).toBe(200)
    const [reopened] = await terms(term.Timestamp)
    expect(reopened).toMatchObject({ AmountFC: 121, AmountDiscountFC: 0, Status: 20, IsFullyPaid: false })
    expect((await sb.control('DELETE', `/divisions/${s.division}/payments/${payment.body.id}`)).status).toBe(404)
  })

  it('refuses overpayment and unknown entry numbers', async () => {
    const entry = await sale(10)
    expect((await pay({ entryNumber: entry.EntryNumber, amount: '12.11' })).status).toBe(409)
    expect((await pay({ entryNumber: 999, amount: '1.00' })).status).toBe(404)
  })

  it('refuses to delete a paid entry, allows it after unmatch, and reports it in sync/Deleted', async () => {
    const entry = await sale(10)
    const key = `salesentry/SalesEntries(guid'${entry.EntryID}')`
    const payment = await pay({ entryNumber: entry.EntryNumber, amount: '5.00' })
    const refused = await s.api('DELETE', key)
    expect(refused.status).toBe(500)
    expect(refused.body.error.message.value).toBe('Niet toegestaan: Boeking is afgeletterd')
    await sb.control('DELETE', `/divisions/${s.division}/payments/${payment.body.id}`)
    const [before] = await terms()
    expect((await s.api('DELETE', key)).status).toBe(204)
    const deleted = await s.api('GET', `sync/Deleted?$filter=Timestamp gt ${before.Timestamp}L&$select=EntityKey,EntityType,Timestamp`)
    expect(deleted.body.d.results.map((d: any) => [d.EntityKey, d.EntityType])).toEqual([[entry.EntryID, 1], [entry.EntryID, 10]])
    expect(deleted.body.d.results[0].Timestamp).toBeGreaterThan(before.Timestamp)
    expect(await terms()).toEqual([])
  })

  it('shows purchase entries as cashflow/Payments, PayablesList and LineType 22', async () => {
    const supplier = await createSupplier(s)
    const costs = await glAccountId(s, '4000')
    const created = await s.api('POST', 'purchaseentry/PurchaseEntries', {
      Journal: '60', Supplier: supplier, EntryDate: '2026-03-01', PurchaseEntryLines: [{ GLAccount: costs, AmountFC: 50, VATCode: '5' }],
    })
    await pay({ entryNumber: created.body.d.EntryNumber, amount: '10.50' })
    const payments = await s.api('GET', 'cashflow/Payments')
    expect(payments.body.d.results[0]).toMatchObject({ AmountFC: 60.5, Status: 20, Account: supplier })
    const payables = await s.api('GET', 'read/financial/PayablesList')
    expect(payables.body.d.results[0]).toMatchObject({ Amount: 50, EntryNumber: 26600001 })
    const [term] = await terms()
    expect(term).toMatchObject({ LineType: 22, AmountFC: 50, TransactionAmountFC: 60.5 })
  })

  it('pages sync results by 1000 ordered by Timestamp', async () => {
    await sb.control('PUT', '/limits', { perMinute: 5000 })
    for (let i = 0; i < 1005; i += 1) {
      await s.api('POST', 'salesentry/SalesEntries', {
        Journal: '70', Customer: customer, SalesEntryLines: [{ GLAccount: revenue, AmountFC: 1 }],
      })
    }
    const first = await s.api('GET', 'sync/Cashflow/PaymentTerms?$filter=Timestamp gt 1L&$select=Timestamp,EntryNumber')
    const rows = first.body.d.results
    expect(rows).toHaveLength(1000)
    expect(rows.every((r: any, i: number) => i === 0 || r.Timestamp > rows[i - 1].Timestamp)).toBe(true)
    const second = await s.api('GET', first.body.d.__next)
    expect(second.body.d.results).toHaveLength(5)
    expect(second.body.d.__next).toBeUndefined()
  })
})
