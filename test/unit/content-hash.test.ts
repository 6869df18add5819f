import { canonicalJson, invoiceContentHash } from '../../src/domain/content-hash'
import type { Invoice } from '../../src/domain/invoice'
import { designInvoice } from '../helpers/factories'

const hash = (overrides: Partial<Invoice> = {}) => invoiceContentHash(designInvoice(overrides))

describe('invoiceContentHash', () => {
  test('a sha256 hex digest, stable for the same content', () => {
    expect(hash()).toMatch(/^[0-9a-f]{64}$/)
    expect(hash()).toBe(hash())
  })

  test('key order does not matter', () => {
    const invoice = designInvoice()
    const reordered = JSON.parse(
      JSON.stringify(
        invoice,
        Object.keys(invoice)
          .reverse()
          .concat(
            'id',
            'code',
            'name',
            'vatNumber',
            'email',
            'address',
            'line1',
            'postcode',
            'city',
            'country',
            'vatRate',
            'netAmount',
            'description',
            'net',
            'vat',
            'gross',
          ),
      ),
    ) as Invoice
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(invoice)[0])
    expect(invoiceContentHash(reordered)).toBe(invoiceContentHash(invoice))
  })

  test.each<[string, Partial<Invoice>]>([
    [
      'trailing zeros in amounts and rates',
      { lines: [{ description: 'Consulting', netAmount: '1000', vatRate: '21.0' }] },
    ],
    ['undefined members', { reference: 'PO-7781', paymentConditionId: undefined }],
    ['totals left out', { totals: undefined }],
    [
      'contact details changed',
      { party: { ...designInvoice().party, email: 'other@acme.example', address: { city: 'Gent' } } },
    ],
  ])('same hash: %s', (_name, overrides) => {
    expect(hash(overrides)).toBe(hash())
  })

  test.each<[string, Partial<Invoice>]>([
    ['an amount', { lines: [{ description: 'Consulting', netAmount: '1000.01', vatRate: '21' }] }],
    ['a VAT rate', { lines: [{ description: 'Consulting', netAmount: '1000.00', vatRate: '6' }] }],
    ['a line description', { lines: [{ description: 'Advice', netAmount: '1000.00', vatRate: '21' }] }],
    [
      'a GL override',
      { lines: [{ description: 'Consulting', netAmount: '1000.00', vatRate: '21', glAccount: '8010' }] },
    ],
    [
      'a line vatAmount',
      { lines: [{ description: 'Consulting', netAmount: '1000.00', vatRate: '21', vatAmount: '210.00' }] },
    ],
    ['the issue date', { issueDate: '2026-11-21' }],
    ['the due date', { dueDate: '2026-12-21' }],
    ['the payment condition', { paymentConditionId: '32' }],
    ['the type', { type: 'purchase' }],
    ['the number', { number: '2026-0043' }],
    ['the description', { description: 'Consulting December' }],
    ['the currency', { currency: 'USD' }],
    ['the party', { party: { ...designInvoice().party, id: 'cust-18' } }],
    ['the party VAT number', { party: { ...designInvoice().party, vatNumber: 'BE0999999999' } }],
    ['a pinned Exact account', { party: { ...designInvoice().party, exactAccountId: 'abc' } }],
    [
      'line order',
      {
        lines: [
          { netAmount: '1.00', vatRate: '21' },
          { netAmount: '2.00', vatRate: '21' },
        ],
      },
    ],
  ])('new hash: %s', (_name, overrides) => {
    expect(hash(overrides)).not.toBe(hash())
  })

  test('line order matters', () => {
    const a = { netAmount: '1.00', vatRate: '21' }
    const b = { netAmount: '2.00', vatRate: '21' }
    expect(hash({ lines: [a, b] })).not.toBe(hash({ lines: [b, a] }))
  })
})

test('canonicalJson sorts keys at every level and drops undefined', () => {
  expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: null }] } })).toBe(
    '{"a":{"c":[2,{"y":null,"z":1}]},"b":1}',
  )
})
