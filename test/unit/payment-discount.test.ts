import Big from 'big.js'
import { computeInvoiceAmounts } from '../../src/domain/invoice-amounts'
import { layoutEntryLines, type LayoutLine } from '../../src/domain/entry-layout'
import {
  creditSurcharge,
  groupDiscount,
  type PaymentDiscountBooking,
  type ResolvedPaymentCondition,
} from '../../src/domain/payment-discount'
import { DISCOUNT_EXAMPLES } from './discount-examples'

const condition = (kind: ResolvedPaymentCondition['kind'], percent: string): ResolvedPaymentCondition => ({
  id: 'c',
  exactCode: '32',
  kind,
  percent,
  glAccount: '8010',
})

function show(line: LayoutLine): string {
  const amounts = `${line.amount.toFixed(2)}/${line.vatAmount.toFixed(2)}`
  switch (line.kind) {
    case 'invoice_line':
      return amounts
    case 'discount_for_cash':
      return `discount ${amounts}`
    case 'credit_limitation':
      return `surcharge ${amounts}`
  }
}

describe.each(DISCOUNT_EXAMPLES)('$name', (example) => {
  const inputs = example.lines.map(([netAmount, vatRate]) => ({ netAmount, vatRate }))
  const cond = condition(example.kind, example.percent)
  const amounts = computeInvoiceAmounts(inputs, cond)

  test('discount, surcharge, VAT base, VAT, totals', () => {
    expect({
      discount: amounts.discount.toFixed(2),
      surcharge: amounts.surcharge.toFixed(2),
      vatBase: amounts.vatBase.toFixed(2),
      vat: amounts.vat.toFixed(2),
      gross: amounts.gross.toFixed(2),
      payableInTime: amounts.payableInTime.toFixed(2),
    }).toEqual({
      discount: example.discount,
      surcharge: example.surcharge,
      vatBase: example.vatBase,
      vat: example.vat,
      gross: example.gross,
      payableInTime: example.payableInTime,
    })
  })

  test.each<[PaymentDiscountBooking, keyof typeof example]>([
    ['payment_condition', 'paymentConditionLines'],
    ['separate_line', 'separateLines'],
  ])('%s layout, and its lines add up to the invoice total', (booking, key) => {
    const lines = layoutEntryLines(amounts, cond, booking)
    expect(lines.map(show)).toEqual(example[key])
    const total = lines.reduce((acc, l) => acc.plus(l.amount).plus(l.vatAmount), new Big(0))
    expect(total.toFixed(2)).toBe(example.gross)
  })
})

describe('condition maths', () => {
  test.each([
    ['1000.00', '2', '20.00'],
    ['0.24', '2', '0.00'],
    ['0.25', '2', '0.01'],
    ['-0.25', '2', '-0.01'],
    ['100.00', '0', '0.00'],
  ])('discount for cash of %s at %s %% is %s', (net, percent, expected) => {
    expect(groupDiscount(new Big(net), condition('discount_for_cash', percent)).toFixed(2)).toBe(expected)
  })

  test('a discount condition gives no surcharge and the reverse', () => {
    expect(creditSurcharge(new Big('1000'), condition('discount_for_cash', '2')).toFixed(2)).toBe('0.00')
    expect(groupDiscount(new Big('1000'), condition('credit_limitation', '2')).toFixed(2)).toBe('0.00')
    expect(creditSurcharge(new Big('1000'), condition('credit_limitation', '2')).toFixed(2)).toBe('20.00')
  })

  test('a zero discount adds no discount line in separate_line mode', () => {
    const cond = condition('discount_for_cash', '2')
    const amounts = computeInvoiceAmounts([{ netAmount: '0.10', vatRate: '21' }], cond)
    expect(layoutEntryLines(amounts, cond, 'separate_line').map(show)).toEqual(['0.10/0.02'])
  })
})
