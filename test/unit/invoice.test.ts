import { Value } from '@sinclair/typebox/value'
import { InvoiceSchema } from '../../src/domain/invoice'
import { designInvoice } from '../helpers/factories'

const valid = (value: unknown) => Value.Check(InvoiceSchema, value)

describe('InvoiceSchema', () => {
  test('accepts the DESIGN.md example', () => {
    expect(valid({ ...designInvoice(), paymentConditionId: '30d-2pct' })).toBe(true)
  })

  test('accepts the optional line and party fields', () => {
    const invoice = designInvoice({
      lines: [
        { netAmount: '10.00', vatRate: '5.5', glAccount: '8000', vatCode: '2', vatAmount: '0.55', quantity: '1.5' },
      ],
      totals: undefined,
    })
    invoice.party.exactAccountId = '6f1b2f5e-0000-4000-8000-000000000001'
    expect(valid(invoice)).toBe(true)
  })

  test.each([
    ['an unknown top-level field', { colour: 'red' }],
    ['a money number instead of a string', { lines: [{ netAmount: 1000, vatRate: '21' }] }],
    ['three decimals', { lines: [{ netAmount: '10.005', vatRate: '21' }] }],
    ['a VAT rate with a percent sign', { lines: [{ netAmount: '10.00', vatRate: '21%' }] }],
    ['a VAT rate as a fraction-like string', { lines: [{ netAmount: '10.00', vatRate: '.21' }] }],
    ['no lines', { lines: [] }],
    ['a lowercase currency', { currency: 'eur' }],
    ['a date in another format', { issueDate: '20/11/2026' }],
    ['an unknown type', { type: 'quote' }],
    ['an unknown line field', { lines: [{ netAmount: '1.00', vatRate: '21', price: '1.00' }] }],
  ])('refuses %s', (_name, override) => {
    expect(valid({ ...designInvoice(), ...override })).toBe(false)
  })

  test('refuses a party without id', () => {
    const { id: _id, ...party } = designInvoice().party
    expect(valid({ ...designInvoice(), party })).toBe(false)
  })
})
