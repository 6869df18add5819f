import {
  connectWithCustomer,
  createCustomer,
  createSupplier,
  glAccountId,
  useSandbox,
  type Session,
} from './sandbox-client'

describe('sandbox chart, VAT and currency', () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })
  let s: Session
  let revenue: string
  let customer: string
  beforeEach(async () => {
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url))
  })

  const results = async (path: string): Promise<any[]> => (await s.api('GET', path)).body.d.results

  it('seeds payment conditions with PaymentDiscountType, DiscountCalculation and VATCalculation', async () => {
    const rows = await results(
      'cashflow/PaymentConditions?$select=Code,PaymentDiscountType,DiscountPercentage,DiscountCalculation,VATCalculation',
    )
    expect(
      rows.map((r) => [r.Code, r.PaymentDiscountType, r.DiscountPercentage, r.DiscountCalculation, r.VATCalculation]),
    ).toEqual([
      ['30', null, 0, null, null],
      ['14', null, 0, null, null],
      ['32', 'B', 0.02, 'E', 'E'],
      ['33', 'K', 0.02, 'E', 'E'],
      ['34', 'B', 0.02, 'I', 'E'],
    ])
  })

  it('discountPercentScale percent serves DiscountPercentage as 2 for 2 %; open items keep their discount amount', async () => {
    await sb.control('PUT', '/behaviour', { discountPercentScale: 'percent' })
    expect(
      (await results("cashflow/PaymentConditions?$filter=Code eq '32'&$select=DiscountPercentage"))[0]
        .DiscountPercentage,
    ).toBe(2)
    const entry = await s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      PaymentCondition: '32',
      SalesEntryLines: [{ GLAccount: revenue, AmountFC: 100, VATCode: '2' }],
    })
    expect(
      (await results(`cashflow/Receivables?$filter=TransactionEntryID eq guid'${entry.body.d.EntryID}'`))[0]
        .AmountDiscountFC,
    ).toBe(2)
    await sb.control('PUT', '/behaviour', { discountPercentScale: 'fraction' })
    expect(
      (await results("cashflow/PaymentConditions?$filter=Code eq '32'&$select=DiscountPercentage"))[0]
        .DiscountPercentage,
    ).toBe(0.02)
  })

  it('serves VAT code Type and Percentage (fraction) with a 0 % type B and a type N code per side', async () => {
    const rows = await results('vat/VATCodes?$select=Code,Type,Percentage,VATTransactionType,GLToPay')
    const view = rows.map((r) => `${r.Code.trim()}:${r.Type}:${r.Percentage}:${r.VATTransactionType}`)
    expect(view).toEqual(expect.arrayContaining(['2:E:0.21:S', '0:B:0:S', '9:N:0:S', '8:B:0:P', '19:N:0:P']))
    expect(rows.find((r) => r.Code.trim() === '9').GLToPay).toBeNull()
  })

  it('serves journal Currency and AllowVariableCurrency, and refuses a currency the journal does not allow', async () => {
    const rows = await results('financial/Journals?$select=Code,Currency,AllowVariableCurrency')
    expect(
      rows
        .filter((j) => ['70', '60', '72', '62'].includes(j.Code))
        .map((j) => [j.Code, j.Currency, j.AllowVariableCurrency]),
    ).toEqual([
      ['70', 'EUR', false],
      ['60', 'EUR', false],
      ['72', 'EUR', true],
      ['62', 'EUR', true],
    ])
    const body = { Customer: customer, Currency: 'USD', SalesEntryLines: [{ GLAccount: revenue, AmountFC: 10 }] }
    const refused = await s.api('POST', 'salesentry/SalesEntries', { ...body, Journal: '70' })
    expect([refused.status, refused.body.error.message.value]).toEqual([
      500,
      'Ongeldige valuta: USD. Dagboek 70 staat alleen EUR toe.',
    ])
    const booked = await s.api('POST', 'salesentry/SalesEntries', { ...body, Journal: '72' })
    expect(booked.body.d).toMatchObject({ Currency: 'USD', Journal: '72' })
    const defaulted = await s.api('POST', 'salesentry/SalesEntries', { ...body, Currency: undefined, Journal: '70' })
    expect(defaulted.body.d.Currency).toBe('EUR')
  })

  it('keeps a sent VATBaseAmountFC on the line and in TransactionLines; without one the base is AmountFC', async () => {
    const entry = await s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      SalesEntryLines: [
        { GLAccount: revenue, AmountFC: 100, VATCode: '2', VATBaseAmountFC: 98, VATAmountFC: 20.58 },
        { GLAccount: revenue, AmountFC: 50, VATCode: '2' },
      ],
    })
    const key = `salesentry/SalesEntries(guid'${entry.body.d.EntryID}')`
    const lines = await results(`${key}/SalesEntryLines?$select=ID,VATBaseAmountFC,VATAmountFC`)
    expect(lines.map((l) => [l.VATBaseAmountFC, l.VATAmountFC])).toEqual([
      [98, 20.58],
      [50, 10.5],
    ])
    await s.api('PUT', `salesentry/SalesEntryLines(guid'${lines[0].ID}')`, { Description: 'changed' })
    expect((await results(`${key}/SalesEntryLines?$select=VATBaseAmountFC`))[0].VATBaseAmountFC).toBe(98)
    const ledger = await results(
      `financialtransaction/TransactionLines?$filter=EntryID eq guid'${entry.body.d.EntryID}' and LineNumber gt 0&$select=AmountVATBaseFC&$orderby=LineNumber`,
    )
    expect(ledger.map((l) => l.AmountVATBaseFC)).toEqual([-98, -50])
  })

  it('vat-return view: per code base and VAT; type N codes are not reported', async () => {
    const supplier = await createSupplier(s)
    const costs = await glAccountId(s, '4000')
    await s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      SalesEntryLines: [
        { GLAccount: revenue, AmountFC: 100, VATCode: '2', VATBaseAmountFC: 98, VATAmountFC: 20.58 },
        { GLAccount: revenue, AmountFC: 2, VATCode: '0' },
        { GLAccount: revenue, AmountFC: 3, VATCode: '9' },
      ],
    })
    await s.api('POST', 'purchaseentry/PurchaseEntries', {
      Journal: '60',
      Supplier: supplier,
      PurchaseEntryLines: [{ GLAccount: costs, AmountFC: 40, VATCode: '5' }],
    })
    const view = (await sb.control('GET', `/divisions/${s.division}/vat-return`)).body
    expect(view.codes).toEqual([
      { vatCode: '2', type: 'E', percentage: '0.21', reported: true, base: '98.00', vat: '20.58' },
      { vatCode: '0', type: 'B', percentage: '0', reported: true, base: '2.00', vat: '0.00' },
      { vatCode: '9', type: 'N', percentage: '0', reported: false, base: '3.00', vat: '0.00' },
      { vatCode: '5', type: 'E', percentage: '0.21', reported: true, base: '40.00', vat: '8.40' },
    ])
    expect(view.summary).toEqual({ reportedBase: '140.00', reportedVat: '28.98' })
  })

  it('tombstones a single deleted line (EntityType 1) and answers deletedEntryStatus for its key', async () => {
    const entry = await s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      SalesEntryLines: [
        { GLAccount: revenue, AmountFC: 1 },
        { GLAccount: revenue, AmountFC: 2 },
      ],
    })
    const [first] = await results(`salesentry/SalesEntries(guid'${entry.body.d.EntryID}')/SalesEntryLines?$select=ID`)
    expect((await s.api('DELETE', `salesentry/SalesEntryLines(guid'${first.ID}')`)).status).toBe(204)
    expect((await s.api('GET', `salesentry/SalesEntryLines(guid'${first.ID}')`)).status).toBe(403)
    const deleted = await results('sync/Deleted?$filter=Timestamp gt 1L&$select=EntityKey,EntityType')
    expect(deleted.map((d) => [d.EntityKey, d.EntityType])).toEqual([[first.ID, 1]])
  })

  it('accounts: IsSales and IsPurchase follow a filled Status, IsSupplier is its own; Status may be A/S/P/C or empty', async () => {
    const prospect = await createCustomer(s, { Name: 'Prospect', Status: 'P' })
    const supplier = await createSupplier(s)
    const rows = await results(
      `crm/Accounts?$filter=ID eq guid'${customer}' or ID eq guid'${prospect}' or ID eq guid'${supplier}'&$select=Status,IsSales,IsPurchase,IsSupplier`,
    )
    expect(rows.map((r) => [r.Status, r.IsSales, r.IsPurchase, r.IsSupplier])).toEqual([
      ['C', true, true, false],
      ['P', true, true, false],
      [null, false, false, true],
    ])
    for (const status of ['A', 'S', ''])
      expect((await s.api('POST', 'crm/Accounts', { Name: `X${status}`, Status: status })).status).toBe(201)
    expect((await s.api('POST', 'crm/Accounts', { Name: 'Bad', Status: 'Z' })).status).toBe(500)
  })

  it('current/Me.Legislation is a string', async () => {
    const me = await results('current/Me?$select=Legislation,CurrentDivision')
    expect(me[0]).toMatchObject({ Legislation: '1', CurrentDivision: s.division })
  })

  it('bulk/Financial/GLAccounts: the same rows as financial/GLAccounts, $select required, 1000 to a page, IsBlocked filterable', async () => {
    expect((await s.api('GET', 'bulk/Financial/GLAccounts')).status).toBe(400)
    const added = await sb.control('POST', `/divisions/${s.division}/gl-accounts`, { count: 1500 })
    expect(added.body).toMatchObject({ added: 1500, first: '8100', last: '4849' })
    const page = await s.api('GET', 'bulk/Financial/GLAccounts?$select=Code,IsBlocked')
    expect(page.body.d.results).toHaveLength(1000)
    const next = await s.api('GET', page.body.d.__next)
    expect(next.body.d.results).toHaveLength(510)
    expect((await s.api('GET', 'financial/GLAccounts?$select=Code')).body.d.results).toHaveLength(60)
    const unblocked = await s.api(
      'GET',
      'bulk/Financial/GLAccounts?$select=Code&$filter=IsBlocked eq false&$inlinecount=allpages',
    )
    expect(unblocked.body.d.__count).toBe('1509')
    const prefixed = await sb.control('POST', `/divisions/${s.division}/gl-accounts`, { count: 2, prefix: '81' })
    expect(prefixed.body).toMatchObject({ added: 2, first: '81100', last: '81101' })
    const [gl] = await results("financial/GLAccounts?$filter=Code eq '81100'&$select=Type,Description,VATCode")
    expect(gl).toMatchObject({ Type: 110, VATCode: '2  ', Description: expect.stringMatching(/^Omzet /) })
    expect((await sb.control('POST', `/divisions/${s.division}/gl-accounts`, { count: 0 })).status).toBe(400)
  })
})
