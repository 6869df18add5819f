import { connect, connectWithCustomer, createSupplier, glAccountId, useSandbox, type Session } from './sandbox-client'

describe('sandbox sales and purchase entries', () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })
  let s: Session
  let revenue: string
  let costs: string
  let customer: string
  beforeEach(async () => {
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url, { Code: '1001' }))
    costs = await glAccountId(s, '7000')
  })

  const sale = (lines: object[], extra: object = {}): object => ({
    Journal: '70',
    Customer: customer,
    EntryDate: '2026-03-01',
    YourRef: 'F-1',
    Description: 'xb-1 test',
    SalesEntryLines: lines,
    ...extra,
  })

  it('derives VAT, totals, entry number, type, status and due date', async () => {
    const answer = await s.api(
      'POST',
      'salesentry/SalesEntries',
      sale(
        [
          { GLAccount: revenue, AmountFC: 100, VATCode: '2' },
          { GLAccount: revenue, AmountFC: '0.05', VATCode: '2' },
          { GLAccount: revenue, AmountFC: 10, VATCode: '1', VATAmountFC: 0.91 },
        ],
        { PaymentCondition: '14' },
      ),
    )
    expect(answer.status).toBe(201)
    expect(answer.body.d).toMatchObject({
      EntryNumber: 26700001,
      InvoiceNumber: 26700001,
      Journal: '70',
      Customer: customer,
      Currency: 'EUR',
      AmountFC: 131.97,
      VATAmountFC: 21.92,
      Status: 20,
      Type: 20,
      EntryDate: `/Date(${Date.UTC(2026, 2, 1)})/`,
      DueDate: `/Date(${Date.UTC(2026, 2, 15)})/`,
      SalesEntryLines: { __deferred: expect.any(Object) },
    })
    const second = await s.api('POST', 'salesentry/SalesEntries', sale([{ GLAccount: revenue, AmountFC: -50 }]))
    expect(second.body.d).toMatchObject({ EntryNumber: 26700002, Type: 21, AmountFC: -60.5, VATAmountFC: -10.5 })
    const entries = (await sb.control('GET', `/divisions/${s.division}/entries`)).body
    expect(entries[0]).toMatchObject({ kind: 'sales', AmountFC: '131.97', VATAmountFC: '21.92', deleted: false })
    expect(entries[0].Lines.map((l: { VATAmountFC: string }) => l.VATAmountFC)).toEqual(['21.00', '0.01', '0.91'])
  })

  it('books purchase entries on journal 60 with their own sequence and Type 30', async () => {
    const supplier = await createSupplier(s)
    const answer = await s.api('POST', 'purchaseentry/PurchaseEntries', {
      Journal: '60',
      Supplier: supplier,
      EntryDate: '2026-03-01',
      YourRef: 'INK-9',
      PurchaseEntryLines: [{ GLAccount: costs, AmountFC: 200, VATCode: '5' }],
    })
    expect(answer.status).toBe(201)
    expect(answer.body.d).toMatchObject({
      EntryNumber: 26600001,
      Type: 30,
      AmountFC: 242,
      VATAmountFC: 42,
      Supplier: supplier,
    })
    const lines = await s.api('GET', `purchaseentry/PurchaseEntries(guid'${answer.body.d.EntryID}')/PurchaseEntryLines`)
    expect(lines.body.d.results[0]).toMatchObject({ AmountFC: 200, VATCode: '5  ', VATPercentage: 0.21 })
  })

  it('refuses missing required fields with 500 and CRLF-joined Exact messages', async () => {
    const answer = await s.api('POST', 'salesentry/SalesEntries', { SalesEntryLines: [] })
    expect(answer.status).toBe(500)
    expect(answer.body.error.message.value).toBe('Verplicht: Dagboek\r\nVerplicht: Relatie\r\nVerplicht: Regels')
    const line = await s.api('POST', 'salesentry/SalesEntries', sale([{ AmountFC: 10 }]))
    expect(line.body.error.message.value).toBe('Verplicht: Grootboekrekening')
  })

  it('refuses unknown references', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000'
    const answer = await s.api('POST', 'salesentry/SalesEntries', {
      ...sale([{ GLAccount: unknown, AmountFC: 10, VATCode: '99' }]),
      Journal: '79',
      Customer: unknown,
      PaymentCondition: 'ZZ',
    })
    expect(answer.status).toBe(500)
    expect(answer.body.error.message.value.split('\r\n')).toEqual([
      'Ongeldige referentie: Journals',
      'Ongeldige referentie: Relatie',
      'Ongeldige referentie: Grootboekrekening',
      'Ongeldige referentie: Btw-code',
      'Ongeldige referentie: Betalingsconditie',
    ])
    expect((await sb.control('GET', `/divisions/${s.division}/entries`)).body).toEqual([])
  })

  it('answers in English for an en-GB user and refuses an AR account on a line', async () => {
    const en = await connect(sb.url, { division: String(s.division), language: 'en-GB' })
    const ar = await glAccountId(en, '1300')
    const answer = await en.api('POST', 'salesentry/SalesEntries', {
      ...sale([{ GLAccount: ar, AmountFC: 1 }]),
      Journal: '60',
    })
    expect(answer.body.error.message.value).toBe(
      'Invalid journal. The journal must be a sales journal.\r\nInvalid: G/L account type',
    )
  })

  it('answers 400 on a malformed body', async () => {
    const answer = await s.api('POST', 'salesentry/SalesEntries', undefined, { 'content-type': 'application/json' })
    expect(answer.status).toBe(400)
    const notArray = await s.api('POST', 'salesentry/SalesEntries', {
      ...sale([]),
      SalesEntryLines: { GLAccount: revenue },
    })
    expect(notArray.status).toBe(400)
  })

  it('deletes with 204, answers 403 Forbidden for the deleted key and 404 for unknown keys, and marks the entry deleted', async () => {
    const created = await s.api('POST', 'salesentry/SalesEntries', sale([{ GLAccount: revenue, AmountFC: 10 }]))
    const key = `salesentry/SalesEntries(guid'${created.body.d.EntryID}')`
    const deleted = await s.api('DELETE', key)
    expect(deleted.status).toBe(204)
    expect(deleted.text).toBe('')
    const again = await s.api('DELETE', key)
    expect(again.status).toBe(403)
    expect(again.body).toEqual({ error: { code: '', message: { lang: '', value: 'Forbidden' } } })
    expect((await s.api('GET', key)).status).toBe(403)
    expect((await s.api('GET', "salesentry/SalesEntries(guid'00000000-0000-4000-8000-000000000000')")).status).toBe(404)
    const entries = (await sb.control('GET', `/divisions/${s.division}/entries`)).body
    expect(entries).toEqual([expect.objectContaining({ EntryID: created.body.d.EntryID, deleted: true })])
  })

  it('updates header fields with PUT (204) and keeps lines', async () => {
    const created = await s.api('POST', 'salesentry/SalesEntries', sale([{ GLAccount: revenue, AmountFC: 10 }]))
    const key = `salesentry/SalesEntries(guid'${created.body.d.EntryID}')`
    const put = await s.api('PUT', key, { Description: 'changed', SalesEntryLines: [] })
    expect(put.status).toBe(204)
    const read = await s.api('GET', `${key}?$select=Description,AmountFC`)
    expect(read.body.d).toMatchObject({ Description: 'changed', AmountFC: 12.1 })
  })

  it('finds an entry again by YourRef and marker', async () => {
    await s.api(
      'POST',
      'salesentry/SalesEntries',
      sale([{ GLAccount: revenue, AmountFC: 10 }], { YourRef: 'F-7', Description: 'xb-3F7K9Q2M Consultancy' }),
    )
    const q = "YourRef eq 'F-7' and startswith(Description,'xb-3F7K9Q2M') eq true"
    const answer = await s.api(
      'GET',
      `salesentry/SalesEntries?$filter=${encodeURIComponent(q)}&$select=EntryID,EntryNumber,Description,AmountFC,VATAmountFC&$top=1`,
    )
    expect(answer.body.d.results).toHaveLength(1)
    expect(answer.body.d.results[0]).toMatchObject({ AmountFC: 12.1, VATAmountFC: 2.1 })
  })

  it('refuses a duplicate account Code and auto-numbers omitted codes', async () => {
    const dup = await s.api('POST', 'crm/Accounts', { Name: 'Dubbel', Code: '1001' })
    expect(dup.status).toBe(500)
    expect(dup.body.error.message.value).toBe('Gegeven bestaat reeds.')
    const auto = await s.api('POST', 'crm/Accounts', { Name: 'Auto' })
    expect(auto.body.d.Code).toBe('1002'.padStart(18))
    expect((await s.api('POST', 'crm/Accounts', { Code: '5' })).body.error.message.value).toBe('Verplicht: Naam')
  })

  it('shows the entry in financialtransaction/TransactionLines with a LineNumber 0 AR line', async () => {
    const created = await s.api(
      'POST',
      'salesentry/SalesEntries',
      sale([
        { GLAccount: revenue, AmountFC: 100, VATCode: '2' },
        { GLAccount: revenue, AmountFC: 50, VATCode: '1' },
      ]),
    )
    const answer = await s.api(
      'GET',
      `financialtransaction/TransactionLines?$filter=EntryID eq guid'${created.body.d.EntryID}'&$select=LineNumber,GLAccountCode,AmountFC,AmountVATFC&$orderby=LineNumber`,
    )
    expect(answer.body.d.results.map((l: any) => [l.LineNumber, l.GLAccountCode, l.AmountFC, l.AmountVATFC])).toEqual([
      [0, '1300', 175.5, null],
      [1, '8000', -100, -21],
      [2, '8000', -50, -4.5],
    ])
  })
})
