import type { ChartOfAccounts } from '../../src/domain/chart'
import type { Entry } from '../../src/domain/entry'
import { findAccounts } from '../../src/exact/accounts'
import type { ExactClient, Query } from '../../src/exact/client'
import { entryDescription, entryToWire } from '../../src/exact/entries'
import { ExactMappingError } from '../../src/exact/errors'
import { readOpenItem, syncTermRows } from '../../src/exact/payments'
import type { WirePage } from '../../src/exact/wire'

const GL_8000 = '11111111-1111-4111-8111-111111111111'
const CUSTOMER = '22222222-2222-4222-8222-222222222222'

const chart: ChartOfAccounts = {
  journals: [{ code: '70', type: 20, description: 'Verkoop' }],
  glAccounts: [{ id: GL_8000, code: '8000', type: 110, description: 'Omzet' }],
  vatCodes: [{ code: '2', percentage: '21', transactionType: 'S', description: '21%' }],
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
    lines: [{ glAccount: '8000', description: 'Consultancy', amount: '1000.10', vatCode: '2', vatAmount: '210.02' }],
    total: '1210.12',
    vatTotal: '210.02',
    ...overrides,
  }
}

/** A stand-in for ExactClient that answers `list`/`pages` from a script and records the queries. */
function fakeClient(pages: WirePage[]) {
  const queries: { path: string; query?: Query }[] = []
  const client = {
    async list(path: string, query?: Query) {
      queries.push({ path, query })
      return pages.shift()?.results ?? []
    },
    async *pages(path: string, query?: Query) {
      queries.push({ path, query })
      for (;;) {
        const p = pages.shift()
        if (!p) return
        yield p
        if (!p.next) return
      }
    },
  }
  return { client: client as unknown as ExactClient, queries }
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
      SalesEntryLines: [{ GLAccount: GL_8000, AmountFC: 1000.1, VATCode: '2', VATAmountFC: 210.02, Description: 'Consultancy' }],
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
    const entry = makeEntry({ lines: [{ glAccount: '9999', description: 'x', amount: '1.00', vatCode: '2', vatAmount: '0.21' }] })
    expect(() => entryToWire(entry, CUSTOMER, chart)).toThrow(ExactMappingError)
  })

  it('keeps a short description whole', () => {
    expect(entryDescription('xb-1', 'Invoice 7')).toBe('xb-1 Invoice 7')
  })
})

describe('findAccounts', () => {
  it('pads codes, chunks OR filters by 40, escapes quotes and de-duplicates', async () => {
    const row = (id: string) => ({ ID: id, Code: '               255', Name: "O'Brien", Status: 'C ', IsSupplier: false })
    const { client, queries } = fakeClient([{ results: [row('a')] }, { results: [row('b')] }, { results: [row('a')] }])
    const codes = Array.from({ length: 41 }, (_, i) => String(i + 1))
    const found = await findAccounts(client, { codes, name: "O'Brien", postcode: '1234 AB' })
    expect(found.map((a) => [a.id, a.code, a.isCustomer])).toEqual([['a', '255', true], ['b', '255', true]])
    expect(queries).toHaveLength(3)
    expect(queries[0]!.query!.$filter).toMatch(/^Code eq '                 1' or /)
    expect((queries[0]!.query!.$filter as string).split(' or ')).toHaveLength(40)
    expect(queries[1]!.query!.$filter).toBe("Code eq '                41'")
    expect(queries[2]!.query!.$filter).toBe("Name eq 'O''Brien' and Postcode eq '1234 AB'")
  })
})

describe('open items and payment terms', () => {
  const ENTRY = { entryId: CUSTOMER, entryNumber: 26000042, journal: '70' }

  it('sums split terms and takes the outstanding part from the outstanding-items list', async () => {
    const term = { AmountDiscountFC: 0, Currency: 'EUR' }
    const { client, queries } = fakeClient([
      {
        results: [
          { ...term, AmountFC: 605.06, Status: 50, IsFullyPaid: true, LastPaymentDate: '/Date(1772409600000)/' },
          { ...term, AmountFC: 605.06, Status: 20, IsFullyPaid: false, LastPaymentDate: null },
        ],
      },
      { results: [{ Amount: 605.06, EntryNumber: 26000042, JournalCode: '70 ' }] },
    ])
    const item = await readOpenItem(client, 'sales', ENTRY)
    expect(item).toEqual({ amount: '1210.12', outstanding: '605.06', discount: '0.00', matched: false, lastPaymentDate: '2026-03-02', currency: 'EUR', calls: 2 })
    expect(queries[0]).toEqual({ path: 'cashflow/Receivables', query: expect.objectContaining({ $filter: `TransactionEntryID eq guid'${CUSTOMER}'` }) })
    expect(queries[1]).toEqual({ path: 'read/financial/ReceivablesList', query: expect.objectContaining({ $filter: "EntryNumber eq 26000042 and JournalCode eq '70'" }) })
  })

  it('takes the invoice total once when every term repeats it', async () => {
    const term = { TransactionAmountFC: 1210.12, AmountDiscountFC: 0, Status: 20, IsFullyPaid: false, LastPaymentDate: null, Currency: 'EUR' }
    const { client } = fakeClient([{ results: [{ ...term, AmountFC: 605.06 }, { ...term, AmountFC: 605.06 }] }])
    expect(await readOpenItem(client, 'sales', ENTRY)).toMatchObject({ amount: '1210.12', outstanding: '1210.12', calls: 1 })
  })

  it('a matched item needs one call and has nothing outstanding', async () => {
    const { client, queries } = fakeClient([{ results: [{ AmountFC: -50, AmountDiscountFC: 0, Status: 50, LastPaymentDate: null, Currency: 'EUR' }] }])
    expect(await readOpenItem(client, 'purchase', { ...ENTRY, journal: '60' })).toMatchObject({ amount: '-50.00', outstanding: '0.00', matched: true, calls: 1 })
    expect(queries.map((q) => q.path)).toEqual(['cashflow/Payments'])
  })

  it('an unpaid item needs one call: all of it is outstanding', async () => {
    const { client, queries } = fakeClient([{ results: [{ AmountFC: 121, AmountDiscountFC: 2.42, Status: 20, IsFullyPaid: false, LastPaymentDate: null, Currency: 'EUR' }] }])
    expect(await readOpenItem(client, 'sales', ENTRY)).toMatchObject({ amount: '121.00', outstanding: '121.00', discount: '2.42', matched: false, calls: 1 })
    expect(queries).toHaveLength(1)
  })

  it('no open item in Exact: null', async () => {
    const { client } = fakeClient([{ results: [] }])
    expect(await readOpenItem(client, 'sales', ENTRY)).toBeNull()
  })

  it('syncs payment terms page by page, asking again after a full page without __next', async () => {
    const term = (ts: number | string) => ({
      ID: `ABCDEF00-0000-4000-8000-${String(ts).padStart(12, '0')}`, Timestamp: ts, TransactionEntryID: CUSTOMER,
      AmountFC: 1, TransactionAmountFC: 1, AmountDiscountFC: 0, Status: 20, Currency: 'EUR',
    })
    const full = Array.from({ length: 1000 }, (_, i) => term(i + 2))
    const { client, queries } = fakeClient([{ results: full }, { results: [term('1005')] }])
    const pages = []
    for await (const page of syncTermRows(client, '1')) pages.push(page)
    expect(pages.map((p) => [p.items.length, p.maxTimestamp])).toEqual([[1000, '1001'], [1, '1005']])
    expect(queries.map((q) => q.query!.$filter)).toEqual(['Timestamp gt 1L', 'Timestamp gt 1001L'])
    expect(pages[1]!.items[0]).toMatchObject({ termId: 'abcdef00-0000-4000-8000-000000001005', entryId: CUSTOMER, timestamp: '1005', amount: '1.00', matched: false })
  })
})
