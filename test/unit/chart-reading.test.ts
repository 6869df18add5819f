import { discountPercentScale } from '../../src/domain/chart'
import { CHART_SELECT, chartFromWire } from '../../src/exact/reference-data'

const condition = (code: string, DiscountPercentage: number | null, extra: Record<string, unknown> = {}) => ({
  Code: code,
  Description: code,
  PaymentDays: 30,
  PaymentDiscountType: DiscountPercentage ? 'B' : null,
  DiscountPercentage,
  DiscountPaymentDays: 8,
  DiscountCalculation: 'E',
  VATCalculation: 'E',
  ...extra,
})
const chartOf = (conditions: Array<Record<string, unknown>>, known?: 'fraction' | 'percent') =>
  chartFromWire({ journals: [], glAccounts: [], vatCodes: [], conditions }, { discountPercentScale: known })

describe('PaymentConditions.DiscountPercentage in either scale', () => {
  test.each<[string, Array<number | null>, 'fraction' | 'percent' | undefined, 'fraction' | 'percent']>([
    ['fractions', [0.02, 0.015, 0], undefined, 'fraction'],
    ['percents', [2, 1.5, 0], undefined, 'percent'],
    ['one value of 1 or more makes the whole chart percent', [0.5, 2], undefined, 'percent'],
    ['1 is 1 %, never a 100 % discount', [1], undefined, 'percent'],
    ['all below 1 but the probe says percent', [0.5], 'percent', 'percent'],
    ['the probe says fraction', [0.02], 'fraction', 'fraction'],
    ['no discounts at all', [null, 0], undefined, 'fraction'],
  ])('%s', (_name, values, known, scale) => {
    expect(discountPercentScale(values, known)).toBe(scale)
  })

  test('2 % reads as "2" whether Exact stores 0.02 or 2', () => {
    expect(
      chartOf([condition('32', 0.02), condition('30', 0)]).paymentConditions.map((c) => c.discountPercentage),
    ).toEqual(['2', '0'])
    expect(
      chartOf([condition('32', 2), condition('30', 0)]).paymentConditions.map((c) => c.discountPercentage),
    ).toEqual(['2', '0'])
    expect(chartOf([condition('35', 0.5)], 'percent').paymentConditions[0]!.discountPercentage).toBe('0.5')
  })

  test('DiscountCalculation and VATCalculation are read, anything else is null', () => {
    const [c] = chartOf([condition('34', 0.02, { DiscountCalculation: 'I', VATCalculation: null })]).paymentConditions
    expect([c!.discountCalculation, c!.vatCalculation]).toEqual(['I', null])
    expect(CHART_SELECT.paymentConditions).toContain('DiscountCalculation,VATCalculation')
  })

  test('journals carry their currency rule, VAT codes their type', () => {
    const chart = chartFromWire({
      journals: [
        { Code: '70', Type: 20, Description: 'Sales', Currency: 'EUR', AllowVariableCurrency: false },
        { Code: '72', Type: 20, Description: 'Sales' },
      ],
      glAccounts: [],
      vatCodes: [
        { Code: '9  ', Description: 'Outside scope', Percentage: 0, VATTransactionType: 'S', Type: 'N' },
        { Code: '0', Percentage: 0, Type: 'X' },
      ],
      conditions: [],
    })
    expect(chart.journals.map((j) => [j.currency, j.allowVariableCurrency])).toEqual([
      ['EUR', false],
      [null, null],
    ])
    expect(chart.vatCodes.map((v) => [v.code, v.type])).toEqual([
      ['9', 'N'],
      ['0', null],
    ])
  })
})
