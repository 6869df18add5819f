import { evaluate, parseFilter } from '../../src/sandbox/odata-filter'
import { connect, createCustomer, freezeClock, startTestSandbox, type Session } from './sandbox-client'

describe('OData $filter parser', () => {
  const row = {
    Code: '              C017',
    Name: "O'Brien & Zn",
    Amount: 12.5,
    Blocked: false,
    Email: null,
    ID: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    Timestamp: 1234,
    Created: new Date(Date.UTC(2026, 0, 15)),
  }
  const cases: Array<[string, boolean]> = [
    ["Code eq '              C017'", true],
    ["Code eq 'C017'", false],
    ["trim(Code) eq 'C017'", true],
    ["Name eq 'O''Brien & Zn'", true],
    ["ID eq guid'3FA85F64-5717-4562-B3FC-2C963F66AFA6'", true],
    ['Timestamp gt 1233L', true],
    ['Timestamp gt 1234L', false],
    ['Amount ge 12.5 and Amount lt 13', true],
    ["Created ge datetime'2026-01-15' and Created lt datetime'2026-01-15T00:00:01'", true],
    ['Blocked eq false and Email eq null', true],
    ["not (Amount gt 1) or substringof('brien',Name) eq true", true],
    ["startswith(Name,'o''b') eq true", true],
    ["(Code eq 'x' or Code eq 'y') and Amount gt 0", false],
  ]
  it.each(cases)('%s -> %s', (filter, expected) => {
    expect(evaluate(parseFilter(filter), row) === true).toBe(expected)
  })

  it('rejects malformed filters with a 400', () => {
    for (const bad of ["Code eq 'open", 'Code eq', '(Code eq 1', "guid'nope' eq ID", 'Lines/AmountFC gt 0']) {
      expect(() => parseFilter(bad)).toThrow(expect.objectContaining({ status: 400 }))
    }
  })
})

describe('sandbox OData over HTTP', () => {
  let sb: Awaited<ReturnType<typeof startTestSandbox>>
  let s: Session
  beforeAll(async () => {
    sb = await startTestSandbox({ limits: { perMinute: 10_000 } })
    await freezeClock(sb.control)
    s = await connect(sb.url)
    for (let i = 1; i <= 130; i += 1)
      await createCustomer(s, { Name: `Klant ${i}`, Code: `C${String(i).padStart(3, '0')}` })
  })
  afterAll(async () => {
    await sb.close()
  })

  it('refuses crm/Accounts without a filter on a listed field (mandatory filtering)', async () => {
    const none = await s.api('GET', 'crm/Accounts?$select=ID')
    expect(none.status).toBe(400)
    expect(none.body.error.message.value).toMatch(
      /^This endpoint has mandatory filtering applied\. A GET request .*:.*Code.*VATNumber\.$/,
    )
    const unlisted = await s.api('GET', "crm/Accounts?$filter=Remarks eq 'x'&$select=ID")
    expect(unlisted.status).toBe(400)
  })

  it('finds an account by padded Code, not by the bare code', async () => {
    const padded = await s.api(
      'GET',
      `crm/Accounts?$filter=Code eq '${'C017'.padStart(18)}'&$select=ID,Code,Name&$top=1`,
    )
    expect(padded.body.d.results).toHaveLength(1)
    expect(padded.body.d.results[0].Code).toBe('              C017')
    expect(padded.body.d.results[0].Name).toBe('Klant 17')
    const bare = await s.api('GET', "crm/Accounts?$filter=Code eq 'C017'&$select=ID")
    expect(bare.body.d.results).toHaveLength(0)
    const byId = await s.api('GET', `crm/Accounts?$filter=ID eq guid'${padded.body.d.results[0].ID}'&$select=Name`)
    expect(byId.body.d.results[0]).toEqual({ __metadata: expect.any(Object), Name: 'Klant 17' })
  })

  it('handles an or-chain of 100 codes', async () => {
    const codes = Array.from({ length: 100 }, (_, i) => `'${`C${String(i + 11).padStart(3, '0')}`.padStart(18)}'`)
    const filter = codes.map((c) => `Code eq ${c}`).join(' or ')
    const answer = await s.api('GET', `crm/Accounts?$filter=${encodeURIComponent(filter)}&$select=Code`)
    expect(answer.status).toBe(200)
    expect(answer.body.d.results).toHaveLength(60)
    expect(answer.body.d.__next).toBeDefined()
  })

  it('pages by 60 with an absolute __next until it is absent', async () => {
    let url: string | undefined =
      `${sb.url}/api/v1/${s.division}/crm/Accounts?$filter=${encodeURIComponent("startswith(Name,'Klant') eq true")}&$select=Code&$inlinecount=allpages`
    const sizes: number[] = []
    const codes: string[] = []
    while (url) {
      const page = await s.api('GET', url)
      expect(page.status).toBe(200)
      expect(page.body.d.__count).toBe('130')
      sizes.push(page.body.d.results.length)
      codes.push(...page.body.d.results.map((r: { Code: string }) => r.Code.trim()))
      url = page.body.d.__next
      if (url) expect(url.startsWith(`${sb.url}/api/v1/${s.division}/crm/Accounts?`)).toBe(true)
    }
    expect(sizes).toEqual([60, 60, 10])
    expect(new Set(codes).size).toBe(130)
  })

  it('supports $top, $skip and $orderby', async () => {
    const answer = await s.api(
      'GET',
      "crm/Accounts?$filter=substringof('Klant 1',Name) eq true&$select=Name&$orderby=Code desc&$top=3&$skip=1",
    )
    expect(answer.body.d.results.map((r: { Name: string }) => r.Name)).toEqual(['Klant 129', 'Klant 128', 'Klant 127'])
  })

  it('requires $select on sync endpoints', async () => {
    const answer = await s.api('GET', 'sync/Cashflow/PaymentTerms?$filter=Timestamp gt 1L')
    expect(answer.status).toBe(400)
    expect(answer.body.error.message.value).toMatch(/^Please add a \$select/)
    expect((await s.api('GET', 'sync/Cashflow/PaymentTerms?$filter=Timestamp gt 1L&$select=ID')).status).toBe(200)
  })

  it('answers 400 for a bad filter or unknown property, 404 for an unknown endpoint, 406 without Accept', async () => {
    expect((await s.api('GET', "crm/Accounts?$filter=Code eq 'x")).status).toBe(400)
    expect((await s.api('GET', "crm/Accounts?$filter=Nope eq 'x'")).status).toBe(400)
    expect((await s.api('GET', 'crm/accounts')).status).toBe(404)
    expect((await s.api('GET', 'financial/Journals', undefined, { accept: '*/*' })).status).toBe(406)
  })

  it('reads reference data with Exact field names and padded VAT codes', async () => {
    const vat = await s.api('GET', "vat/VATCodes?$filter=trim(Code) eq '2'&$select=Code,Percentage,VATTransactionType")
    expect(vat.body.d.results[0]).toMatchObject({ Code: '2  ', Percentage: 0.21, VATTransactionType: 'S' })
    const pc = await s.api('GET', "cashflow/PaymentConditions?$filter=Code eq '32'")
    expect(pc.body.d.results[0]).toMatchObject({
      PaymentDays: 30,
      PaymentDiscountType: 'B',
      DiscountPercentage: 0.02,
      DiscountPaymentDays: 8,
    })
    const journals = await s.api('GET', 'financial/Journals?$select=Code,Type')
    expect(journals.body.d.results.map((j: { Code: string; Type: number }) => `${j.Code}:${j.Type}`)).toEqual([
      '70:20',
      '60:22',
      '71:21',
      '61:23',
      '72:20',
      '62:22',
      '90:90',
    ])
  })
})
