import { connectWithCustomer, createSupplier, glAccountId, useSandbox, type Session } from './sandbox-client'

describe('sandbox payments, split payment terms and sync', () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })
  let s: Session
  let revenue: string
  let customer: string
  beforeEach(async () => {
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url))
  })

  async function sale(
    amount: number,
    condition = '30',
    extraLine?: object,
  ): Promise<{ EntryID: string; EntryNumber: number }> {
    const answer = await s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      EntryDate: '2026-03-01',
      YourRef: `F-${amount}`,
      PaymentCondition: condition,
      SalesEntryLines: [{ GLAccount: revenue, AmountFC: amount, VATCode: '2' }, ...(extraLine ? [extraLine] : [])],
    })
    expect(answer.status).toBe(201)
    return answer.body.d
  }

  const pay = (body: object) => sb.control('POST', `/divisions/${s.division}/payments`, body)
  const terms = async (after = 1): Promise<any[]> =>
    (await s.api('GET', `sync/Cashflow/PaymentTerms?$filter=Timestamp gt ${after}L&$select=*`)).body.d.results
  const receivables = async (entryId: string): Promise<any[]> =>
    (await s.api('GET', `cashflow/Receivables?$filter=TransactionEntryID eq guid'${entryId}'`)).body.d.results

  it('splits a partial payment into a matched row and an open remainder, each with its own ID', async () => {
    const entry = await sale(100) // 121.00
    const [created] = await terms()
    expect(created).toMatchObject({
      TransactionEntryID: entry.EntryID,
      EntryNumber: entry.EntryNumber,
      LineType: 20,
      AmountFC: 121,
      TransactionAmountFC: 121,
      Status: 20,
      IsFullyPaid: false,
      LastPaymentDate: null,
      Account: customer,
      Currency: 'EUR',
    })
    expect(created.ID).not.toBe(entry.EntryID)

    const partial = await pay({ entryNumber: entry.EntryNumber, amount: '21.00', date: '2026-03-10' })
    expect(partial.body).toMatchObject({
      termId: expect.any(String),
      term: { outstanding: '100.00', status: 20, isFullyPaid: false },
    })
    expect(partial.body.termId).not.toBe(created.ID)
    const changed = await terms(created.Timestamp)
    expect(changed.map((t) => [t.ID === created.ID, t.AmountFC, t.Status, t.IsFullyPaid])).toEqual([
      [true, 100, 20, false],
      [false, 21, 50, true],
    ])
    expect(changed.every((t) => t.TransactionEntryID === entry.EntryID && t.TransactionAmountFC === 121)).toBe(true)
    expect(changed[1]).toMatchObject({ ID: partial.body.termId, LastPaymentDate: `/Date(${Date.UTC(2026, 2, 10)})/` })
    expect((await receivables(entry.EntryID)).map((r) => [r.AmountFC, r.Status])).toEqual([
      [100, 20],
      [21, 50],
    ])
    expect((await s.api('GET', 'read/financial/ReceivablesList')).body.d.results).toEqual([
      expect.objectContaining({ EntryNumber: entry.EntryNumber, Amount: 100 }),
    ])

    const last = Math.max(...changed.map((t) => t.Timestamp))
    await pay({ entryNumber: entry.EntryNumber, amount: '100', date: '2026-03-20' })
    const [closed] = await terms(last)
    expect(closed).toMatchObject({ ID: created.ID, AmountFC: 100, Status: 50, IsFullyPaid: true })
    expect((await receivables(entry.EntryID)).every((r) => r.Status === 50 && r.IsFullyPaid)).toBe(true)
    expect((await s.api('GET', 'read/financial/ReceivablesList')).body.d.results).toEqual([])
  })

  it('merges an unmatched payment back into the open row and tombstones the split row (EntityType 10)', async () => {
    const entry = await sale(100)
    const [created] = await terms()
    const partial = await pay({ entryNumber: entry.EntryNumber, amount: '21.00' })
    const unmatched = await sb.control('DELETE', `/divisions/${s.division}/payments/${partial.body.id}`)
    expect(unmatched.status).toBe(200)
    expect(await receivables(entry.EntryID)).toEqual([
      expect.objectContaining({ ID: created.ID, AmountFC: 121, Status: 20 }),
    ])
    const deleted = await s.api(
      'GET',
      `sync/Deleted?$filter=Timestamp gt ${created.Timestamp}L&$select=EntityKey,EntityType`,
    )
    expect(deleted.body.d.results.map((d: any) => [d.EntityKey, d.EntityType])).toEqual([[partial.body.termId, 10]])
    expect((await sb.control('DELETE', `/divisions/${s.division}/payments/${partial.body.id}`)).status).toBe(404)
  })

  it('reopens a row whose closing payment is unmatched when no other row is open', async () => {
    const entry = await sale(100)
    const full = await pay({ entryNumber: entry.EntryNumber, amount: '121.00' })
    expect(full.body.term).toMatchObject({ outstanding: '0.00', status: 50, isFullyPaid: true })
    await sb.control('DELETE', `/divisions/${s.division}/payments/${full.body.id}`)
    expect(await receivables(entry.EntryID)).toEqual([
      expect.objectContaining({ ID: full.body.termId, AmountFC: 121, Status: 20, IsFullyPaid: false }),
    ])
  })

  it('closes the term for amount + discount, and by default shows the discount on offer from booking', async () => {
    const entry = await sale(100, '32') // 2 % of the net 100 (DiscountCalculation E)
    expect(await receivables(entry.EntryID)).toEqual([
      expect.objectContaining({ AmountDiscountFC: 2, PaymentDiscountPercentage: 0.02, Status: 20 }),
    ])
    const payment = await pay({
      entryNumber: entry.EntryNumber,
      amount: '119.00',
      discount: '2.00',
      date: '2026-03-05',
    })
    expect(payment.body.term).toMatchObject({ outstanding: '0.00', status: 50, isFullyPaid: true })
    const [term] = await terms()
    expect(term).toMatchObject({ AmountFC: 121, AmountDiscountFC: 2, Status: 50, IsFullyPaid: true })
    const lines = await s.api(
      'GET',
      `financialtransaction/TransactionLines?$filter=EntryID eq guid'${entry.EntryID}' and LineNumber eq 0&$select=PaymentDiscountAmount`,
    )
    expect(lines.body.d.results[0].PaymentDiscountAmount).toBe(2)
  })

  it('discountOnOpenItem taken: no discount until a payment takes one, then the discount taken', async () => {
    await sb.control('PUT', '/behaviour', { discountOnOpenItem: 'taken' })
    const entry = await sale(100, '32')
    expect((await receivables(entry.EntryID))[0]).toMatchObject({ AmountDiscountFC: 0, AmountFC: 121 })
    await pay({ entryNumber: entry.EntryNumber, amount: '119.00', discount: '2.00' })
    expect((await receivables(entry.EntryID))[0]).toMatchObject({
      AmountDiscountFC: 2,
      AmountDiscountDC: 2,
      Status: 50,
    })
    await sb.control('PUT', '/behaviour', { discountOnOpenItem: 'offered' })
    expect((await receivables(entry.EntryID))[0]).toMatchObject({ AmountDiscountFC: 2, Status: 50 })
  })

  it('computes the discount on the amount incl. VAT for DiscountCalculation I, and offers none without a condition discount', async () => {
    const gross = await sale(100, '34')
    expect((await receivables(gross.EntryID))[0].AmountDiscountFC).toBe(2.42)
    const none = await sale(100, '30')
    expect((await receivables(none.EntryID))[0].AmountDiscountFC).toBe(0)
  })

  it('refuses overpayment and unknown entry numbers', async () => {
    const entry = await sale(10)
    expect((await pay({ entryNumber: entry.EntryNumber, amount: '12.11' })).status).toBe(409)
    expect((await pay({ entryNumber: 999, amount: '1.00' })).status).toBe(404)
  })

  it('deletes: tombstones carry the transaction-line IDs (EntityType 1) and the term IDs (EntityType 10)', async () => {
    const entry = await sale(10, '30', { GLAccount: revenue, AmountFC: 5, VATCode: '1' })
    const key = `salesentry/SalesEntries(guid'${entry.EntryID}')`
    const payment = await pay({ entryNumber: entry.EntryNumber, amount: '5.00' })
    const refused = await s.api('DELETE', key)
    expect(refused.status).toBe(500)
    expect(refused.body.error.message.value).toBe('Niet toegestaan: Boeking is afgeletterd')
    await sb.control('DELETE', `/divisions/${s.division}/payments/${payment.body.id}`)
    const ledger = await s.api(
      'GET',
      `financialtransaction/TransactionLines?$filter=EntryID eq guid'${entry.EntryID}'&$select=ID,LineNumber&$orderby=LineNumber`,
    )
    const lineIds = (
      await s.api('GET', `salesentry/SalesEntries(guid'${entry.EntryID}')/SalesEntryLines?$select=ID`)
    ).body.d.results.map((l: any) => l.ID)
    expect(ledger.body.d.results.slice(1).map((l: any) => l.ID)).toEqual(lineIds)
    const termIds = (await receivables(entry.EntryID)).map((r) => r.ID)
    const earlier = (await s.api('GET', 'sync/Deleted?$filter=Timestamp gt 1L&$select=Timestamp')).body.d.results
    expect(earlier).toHaveLength(1) // the split row merged back by the unmatch
    expect((await s.api('DELETE', key)).status).toBe(204)
    const deleted = await s.api(
      'GET',
      `sync/Deleted?$filter=Timestamp gt ${earlier[0].Timestamp}L&$select=EntityKey,EntityType,Timestamp`,
    )
    const rows = deleted.body.d.results
    expect(rows.filter((d: any) => d.EntityType === 1).map((d: any) => d.EntityKey)).toEqual(
      ledger.body.d.results.map((l: any) => l.ID),
    )
    expect(rows.filter((d: any) => d.EntityType === 10).map((d: any) => d.EntityKey)).toEqual(termIds)
    expect(rows.some((d: any) => d.EntityKey === entry.EntryID)).toBe(false)
    expect(await terms()).toEqual([])
  })

  it('shows purchase entries as cashflow/Payments, PayablesList and LineType 22', async () => {
    const supplier = await createSupplier(s)
    const costs = await glAccountId(s, '4000')
    const created = await s.api('POST', 'purchaseentry/PurchaseEntries', {
      Journal: '60',
      Supplier: supplier,
      EntryDate: '2026-03-01',
      PurchaseEntryLines: [{ GLAccount: costs, AmountFC: 50, VATCode: '5' }],
    })
    await pay({ entryNumber: created.body.d.EntryNumber, amount: '10.50' })
    const payments = await s.api('GET', 'cashflow/Payments')
    expect(payments.body.d.results.map((r: any) => [r.AmountFC, r.Status, r.Account])).toEqual([
      [50, 20, supplier],
      [10.5, 50, supplier],
    ])
    const payables = await s.api('GET', 'read/financial/PayablesList')
    expect(payables.body.d.results[0]).toMatchObject({ Amount: 50, EntryNumber: 26600001 })
    const rows = await terms()
    expect(rows.map((t) => [t.LineType, t.AmountFC, t.TransactionAmountFC])).toEqual([
      [22, 50, 60.5],
      [22, 10.5, 60.5],
    ])
  })

  it('pages sync results by 1000 ordered by Timestamp', async () => {
    await sb.control('PUT', '/limits', { perMinute: 5000 })
    for (let i = 0; i < 1005; i += 1) {
      await s.api('POST', 'salesentry/SalesEntries', {
        Journal: '70',
        Customer: customer,
        SalesEntryLines: [{ GLAccount: revenue, AmountFC: 1 }],
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
