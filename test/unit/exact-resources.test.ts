import type { ChartOfAccounts } from '../../src/domain/chart'
import type { Entry } from '../../src/domain/entry'
import { accountFromWire, addAccountRoles, findAccounts } from '../../src/exact/accounts'
import type { ExactClient, Query } from '../../src/exact/client'
import { deleteEntry, entryDescription, entryToWire, findEntryByMarker, readBackEntries } from '../../src/exact/entries'
import { ExactMappingError, ExactNotFoundError, ExactRefusedError } from '../../src/exact/errors'
import { readOpenItem, syncTermRows } from '../../src/exact/payments'
import type { WirePage } from '../../src/exact/wire'

const GL_8000 = '11111111-1111-4111-8111-111111111111'
const CUSTOMER = '22222222-2222-4222-8222-222222222222'

const chart: ChartOfAccounts = {
  journals: [{ code: '70', type: 20, description: 'Verkoop', currency: 'EUR', allowVariableCurrency: false }],
  glAccounts: [{ id: GL_8000, code: '8000', type: 110, description: 'Omzet' }],
  vatCodes: [{ code: '2', percentage: '21', transactionType: 'S', description: '21%', type: 'E' }],
  paymentConditions: [],
}

function makeEntry(overrides: Partial<Entry> = {}): Entry {
  return {
    type: 'sales',
    journal: '70',
    entryDate: '2026-03-01',
    currency: 'EUR',
    description: 'Invoice 2026-0042 for consultancy services rendered in February',
    yourRef: '2026-0042',
    marker: 'xb-3F7K9Q2M',
    paymentConditionCode: '30',
    lines: [
      {
        glAccount: '8000',
        description: 'Consultancy',
        amount: '1000.10',
        vatCode: '2',
        vatAmount: '210.02',
        vatBaseAmount: '1000.10',
      },
    ],
    total: '1210.12',
    vatTotal: '210.02',
    ...overrides,
  }
}

/**
 * A stand-in for ExactClient that answers `list`/`pages`/`get` from a script (an Error in the script
 * is thrown instead) and records the queries and writes.
 */
function fakeClient(pages: Array<WirePage | Error>) {
  const queries: { path: string; query?: Query }[] = []
  const writes: { method: string; path: string; body?: unknown }[] = []
  const next = (): WirePage | undefined => {
    const p = pages.shift()
    if (p instanceof Error) throw p
    return p
  }
  const client = {
    async list(path: string, query?: Query) {
      queries.push({ path, query })
      return next()?.results ?? []
    },
    async get(path: string, query?: Query) {
      queries.push({ path, query })
      return next()?.results[0] ?? null
    },
    async *pages(path: string, query?: Query) {
      queries.push({ path, query })
      for (;;) {
        const p = next()
        if (!p) return
        yield p
        if (!p.next) return
      }
    },
    async put(path: string, body: unknown) {
      writes.push({ method: 'PUT', path, body })
    },
    async delete(path: string) {
      writes.push({ method: 'DELETE', path })
      const p = pages.shift()
      if (p instanceof Error) throw p
    },
  }
  return { client: client as unknown as ExactClient, queries, writes }
}

describe('entryToWire', () => {
  it('builds a SalesEntry with the marker first, the GL GUID and amounts as numbers', () => {
    const body = entryToWire(makeEntry(), CUSTOMER, chart)
    expect(body).toEqual({
      Journal: '70',
      Customer: CUSTOMER,
      EntryDate: '2026-03-01',
      Currency: 'EUR',
      Description: 'xb-3F7K9Q2M Invoice 2026-0042 for consultancy services rende',
      YourRef: '2026-0042',
      PaymentCondition: '30',
      SalesEntryLines: [
        {
          GLAccount: GL_8000,
          AmountFC: 1000.1,
          VATCode: '2',
          VATAmountFC: 210.02,
          VATBaseAmountFC: 1000.1,
          Description: 'Consultancy',
        },
      ],
    })
    expect(JSON.stringify(body)).toContain('"AmountFC":1000.1,')
    expect((body.Description as string).length).toBe(60)
  })

  it('uses Supplier and PurchaseEntryLines for purchases', () => {
    const body = entryToWire(makeEntry({ type: 'purchase' }), CUSTOMER, chart)
    expect(body.Supplier).toBe(CUSTOMER)
    expect(body.PurchaseEntryLines).toHaveLength(1)
    expect(body.Customer).toBeUndefined()
  })

  it('refuses a GL account the chart lacks before sending anything', () => {
    const entry = makeEntry({
      lines: [
        { glAccount: '9999', description: 'x', amount: '1.00', vatCode: '2', vatAmount: '0.21', vatBaseAmount: '1.00' },
      ],
    })
    expect(() => entryToWire(entry, CUSTOMER, chart)).toThrow(ExactMappingError)
  })

  it('keeps a short description whole', () => {
    expect(entryDescription('xb-1', 'Invoice 7')).toBe('xb-1 Invoice 7')
  })
})

describe('findAccounts', () => {
  it('pads codes, chunks OR filters by 40, escapes quotes and de-duplicates', async () => {
    const row = (id: string) => ({
      ID: id,
      Code: '               255',
      Name: "O'Brien",
      Status: 'C ',
      IsSupplier: false,
    })
    const { client, queries } = fakeClient([{ results: [row('a')] }, { results: [row('b')] }, { results: [row('a')] }])
    const codes = Array.from({ length: 41 }, (_, i) => String(i + 1))
    const found = await findAccounts(client, { codes, name: "O'Brien", postcode: '1234 AB' })
    expect(found.map((a) => [a.id, a.code, a.isCustomer])).toEqual([
      ['a', '255', true],
      ['b', '255', true],
    ])
    expect(queries).toHaveLength(3)
    expect(queries[0]!.query!.$filter).toMatch(/^Code eq ' {17}1' or /)
    expect((queries[0]!.query!.$filter as string).split(' or ')).toHaveLength(40)
    expect(queries[1]!.query!.$filter).toBe("Code eq '                41'")
    expect(queries[2]!.query!.$filter).toBe("Name eq 'O''Brien' and Postcode eq '1234 AB'")
  })
})

describe('open items and payment terms', () => {
  const ENTRY = { entryId: CUSTOMER, entryNumber: 26000042, journal: '70' }
  const term = { TransactionAmountFC: 1210.12, AmountDiscountFC: 0, Currency: 'EUR', DiscountDueDate: null }

  it('a split term tells what is left: one call, no outstanding-items list', async () => {
    const { client, queries } = fakeClient([
      {
        results: [
          { ...term, AmountFC: 605.06, Status: 50, IsFullyPaid: true, LastPaymentDate: '/Date(1772409600000)/' },
          { ...term, AmountFC: 605.06, Status: 20, IsFullyPaid: false, LastPaymentDate: null },
        ],
      },
    ])
    const item = await readOpenItem(client, 'sales', ENTRY)
    expect(item).toEqual({
      terms: [
        {
          amount: '605.06',
          total: '1210.12',
          discount: '0.00',
          matched: true,
          lastPaymentDate: '2026-03-02',
          discountDueDate: null,
        },
        {
          amount: '605.06',
          total: '1210.12',
          discount: '0.00',
          matched: false,
          lastPaymentDate: null,
          discountDueDate: null,
        },
      ],
      currency: 'EUR',
      calls: 1,
    })
    expect(queries).toEqual([
      {
        path: 'cashflow/Receivables',
        query: expect.objectContaining({ $filter: `TransactionEntryID eq guid'${CUSTOMER}'` }),
      },
    ])
    expect(queries[0]!.query!.$select).toContain('DiscountDueDate')
  })

  it('one open term with a payment date: the list says what is left, and its filter is found to work', async () => {
    const { client, queries } = fakeClient([
      {
        results: [
          { ...term, AmountFC: 1210.12, Status: 20, IsFullyPaid: false, LastPaymentDate: '/Date(1772409600000)/' },
        ],
      },
      // A filter Exact ignored would list other items too: only this entry's row counts.
      {
        results: [
          { Amount: 605.06, EntryNumber: 26000042, JournalCode: '70 ' },
          { Amount: 99, EntryNumber: 26000043, JournalCode: '70' },
        ],
      },
    ])
    expect(await readOpenItem(client, 'sales', ENTRY)).toMatchObject({
      listOutstanding: '605.06',
      listFilter: 'supported',
      calls: 2,
    })
    expect(queries[1]).toEqual({
      path: 'read/financial/ReceivablesList',
      query: expect.objectContaining({ $filter: "EntryNumber eq 26000042 and JournalCode eq '70'" }),
    })
  })

  it('a 400 to the list filter is reported as refused, and the terms answer', async () => {
    const refused = new ExactRefusedError({
      status: 400,
      exactMessage: 'This $filter parameter is not supported for this resource',
      resource: 'read/financial/ReceivablesList',
    })
    const { client } = fakeClient([
      { results: [{ ...term, AmountFC: 710, Status: 20, LastPaymentDate: '/Date(1772409600000)/' }] },
      refused,
    ])
    const item = await readOpenItem(client, 'sales', ENTRY)
    expect(item).toMatchObject({ listFilter: 'refused', calls: 2, terms: [{ amount: '710.00' }] })
    expect(item).not.toHaveProperty('listOutstanding')
  })

  it('a list filter known to be refused is not asked', async () => {
    const { client, queries } = fakeClient([
      { results: [{ ...term, AmountFC: 710, Status: 20, LastPaymentDate: '/Date(1772409600000)/' }] },
    ])
    expect(await readOpenItem(client, 'sales', ENTRY, { listFilter: 'refused' })).toMatchObject({ calls: 1 })
    expect(queries).toHaveLength(1)
  })

  it('a matched item needs one call', async () => {
    const { client, queries } = fakeClient([
      { results: [{ AmountFC: -50, AmountDiscountFC: 0, Status: 50, LastPaymentDate: null, Currency: 'EUR' }] },
    ])
    expect(await readOpenItem(client, 'purchase', { ...ENTRY, journal: '60' })).toMatchObject({
      terms: [{ amount: '-50.00', total: null, matched: true }],
      calls: 1,
    })
    expect(queries.map((q) => q.path)).toEqual(['cashflow/Payments'])
  })

  it('an unpaid item needs one call; the discount on offer is read as it is', async () => {
    const { client, queries } = fakeClient([
      {
        results: [
          {
            AmountFC: 121,
            AmountDiscountFC: 2.42,
            Status: 20,
            IsFullyPaid: false,
            LastPaymentDate: null,
            DiscountDueDate: '/Date(1772409600000)/',
            Currency: 'EUR',
          },
        ],
      },
    ])
    expect(await readOpenItem(client, 'sales', ENTRY)).toMatchObject({
      terms: [{ amount: '121.00', discount: '2.42', discountDueDate: '2026-03-02', matched: false }],
      calls: 1,
    })
    expect(queries).toHaveLength(1)
  })

  it('no open item in Exact: null', async () => {
    const { client } = fakeClient([{ results: [] }])
    expect(await readOpenItem(client, 'sales', ENTRY)).toBeNull()
  })

  it('syncs payment terms page by page, asking again after a full page without __next', async () => {
    const term = (ts: number | string) => ({
      ID: `ABCDEF00-0000-4000-8000-${String(ts).padStart(12, '0')}`,
      Timestamp: ts,
      TransactionEntryID: CUSTOMER,
      AmountFC: 1,
      TransactionAmountFC: 1,
      AmountDiscountFC: 0,
      Status: 20,
      Currency: 'EUR',
    })
    const full = Array.from({ length: 1000 }, (_, i) => term(i + 2))
    const { client, queries } = fakeClient([{ results: full }, { results: [term('1005')] }])
    const pages = []
    for await (const page of syncTermRows(client, '1')) pages.push(page)
    expect(pages.map((p) => [p.items.length, p.maxTimestamp])).toEqual([
      [1000, '1001'],
      [1, '1005'],
    ])
    expect(queries.map((q) => q.query!.$filter)).toEqual(['Timestamp gt 1L', 'Timestamp gt 1001L'])
    expect(pages[1]!.items[0]).toMatchObject({
      termId: 'abcdef00-0000-4000-8000-000000001005',
      entryId: CUSTOMER,
      timestamp: '1005',
      amount: '1.00',
      matched: false,
    })
  })
})

describe('the marker search, the read-back and the delete', () => {
  const row = (Description: string, extra: Record<string, unknown> = {}) => ({
    EntryID: CUSTOMER.toUpperCase(),
    EntryNumber: 26700001,
    Description,
    AmountFC: 1210.12,
    VATAmountFC: 210.02,
    Type: 20,
    YourRef: '2026-0042',
    ...extra,
  })

  it('filters on YourRef only and finds the marker in Description itself, page after page', async () => {
    const { client, queries } = fakeClient([
      { results: [row('xb-OTHER001 Invoice'), row('xb-3F7K9Q2MX not this one')], next: 'https://x/next' },
      { results: [row('xb-3F7K9Q2M Invoice 2026-0042')] },
    ])
    expect(await findEntryByMarker(client, 'sales', '2026-0042', 'xb-3F7K9Q2M')).toEqual({
      entryId: CUSTOMER,
      entryNumber: 26700001,
      total: '1210.12',
      vatTotal: '210.02',
      description: 'xb-3F7K9Q2M Invoice 2026-0042',
      type: 20,
      yourRef: '2026-0042',
      lineIds: null,
    })
    expect(queries).toEqual([
      {
        path: 'salesentry/SalesEntries',
        query: {
          $filter: "YourRef eq '2026-0042'",
          $select: 'EntryID,EntryNumber,Description,AmountFC,VATAmountFC,Type,YourRef',
        },
      },
    ])
  })

  it('nothing with the marker: null', async () => {
    const { client } = fakeClient([{ results: [row('xb-OTHER001 Invoice')] }])
    expect(await findEntryByMarker(client, 'purchase', "O'Neil 7", 'xb-3F7K9Q2M')).toBeNull()
  })

  it('reads back totals, Type and line IDs, 20 entries per call, with the lines expanded', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
    const lines = {
      results: [{ ID: 'AAAAAAAA-0000-4000-8000-000000000001' }, { ID: 'AAAAAAAA-0000-4000-8000-000000000002' }],
    }
    const { client, queries } = fakeClient([
      { results: [{ ...row('x', { EntryID: ids[0], AmountFC: -121, Type: 31 }), PurchaseEntryLines: lines }] },
      { results: [] },
    ])
    const read = await readBackEntries(client, 'purchase', ids)
    expect([...read.values()]).toEqual([
      expect.objectContaining({
        entryId: ids[0],
        total: '-121.00',
        type: 31,
        lineIds: ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002'],
      }),
    ])
    expect(queries).toHaveLength(2)
    expect(queries[0]!.query).toMatchObject({
      $expand: 'PurchaseEntryLines',
      $select: expect.stringContaining('PurchaseEntryLines/ID'),
    })
    expect((queries[0]!.query!.$filter as string).split(' or ')).toHaveLength(20)
  })

  it('lines left unexpanded are unknown, not none', async () => {
    const { client } = fakeClient([{ results: [{ ...row('x'), SalesEntryLines: { __deferred: { uri: 'u' } } }] }])
    expect((await readBackEntries(client, 'sales', [CUSTOMER])).get(CUSTOMER)!.lineIds).toBeNull()
  })

  it('a 403 or 404 to the DELETE may mean gone; another refusal is thrown', async () => {
    const forbidden = new ExactRefusedError({
      status: 403,
      exactMessage: 'Forbidden',
      resource: 'salesentry/SalesEntries',
    })
    const notFound = new ExactNotFoundError({
      status: 404,
      exactMessage: 'Not found',
      resource: 'salesentry/SalesEntries',
    })
    const matched = new ExactRefusedError({
      status: 500,
      exactMessage: 'Niet toegestaan: Boeking is afgeletterd',
      resource: 'salesentry/SalesEntries',
    })
    const { client } = fakeClient([{ results: [] }, forbidden, notFound, matched])
    expect(await deleteEntry(client, 'sales', CUSTOMER)).toBe('deleted')
    expect(await deleteEntry(client, 'sales', CUSTOMER)).toBe('maybe_gone')
    expect(await deleteEntry(client, 'sales', CUSTOMER)).toBe('maybe_gone')
    await expect(deleteEntry(client, 'sales', CUSTOMER)).rejects.toBe(matched)
  })
})

describe('accounts as Exact means them', () => {
  it.each([
    ['C', true],
    ['P', true],
    ['S', true],
    ['A', true],
    [' ', false],
    [null, false],
  ])('Status %s may be invoiced: %s', (Status, customer) => {
    expect(accountFromWire({ ID: 'a', Code: '1', Name: 'n', Status }).isCustomer).toBe(customer)
  })

  it('makes an account a customer only while its Status is empty', async () => {
    const prospect = fakeClient([{ results: [{ ID: CUSTOMER, Status: 'P' }] }])
    await addAccountRoles(prospect.client, CUSTOMER, { customer: true })
    expect(prospect.writes).toEqual([])
    const empty = fakeClient([{ results: [{ ID: CUSTOMER, Status: '' }] }])
    await addAccountRoles(empty.client, CUSTOMER, { customer: true, supplier: true })
    expect(empty.writes).toEqual([
      { method: 'PUT', path: `crm/Accounts(guid'${CUSTOMER}')`, body: { Status: 'C', IsSupplier: true } },
    ])
    const supplier = fakeClient([])
    await addAccountRoles(supplier.client, CUSTOMER, { supplier: true })
    expect(supplier.writes).toEqual([
      { method: 'PUT', path: `crm/Accounts(guid'${CUSTOMER}')`, body: { IsSupplier: true } },
    ])
    expect(supplier.queries).toEqual([])
  })
})
