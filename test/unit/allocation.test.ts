import Big from 'big.js'
import { allocateCents, roundCents } from '../../src/domain/allocation'

const b = (values: string[]) => values.map((v) => new Big(v))
const s = (values: Big[]) => values.map((v) => v.toFixed(2))

describe('roundCents: half away from zero', () => {
  test.each([
    ['0.005', '0.01'],
    ['0.0049', '0.00'],
    ['-0.005', '-0.01'],
    ['1.125', '1.13'],
    ['-1.125', '-1.13'],
    ['2.675', '2.68'],
  ])('%s -> %s', (input, expected) => {
    expect(roundCents(new Big(input)).toFixed(2)).toBe(expected)
  })
})

describe('allocateCents: largest remainder', () => {
  test.each([
    { name: 'even split', exact: ['0.5', '0.5'], total: '1.00', parts: ['0.50', '0.50'] },
    {
      name: 'missing cent to largest remainder',
      exact: ['68.5986', '137.2014'],
      total: '205.80',
      parts: ['68.60', '137.20'],
    },
    { name: 'tie goes to the earlier part', exact: ['0.005', '0.005'], total: '0.01', parts: ['0.01', '0.00'] },
    {
      name: 'three equal thirds',
      exact: ['0.3333', '0.3333', '0.3334'],
      total: '1.00',
      parts: ['0.33', '0.33', '0.34'],
    },
    {
      name: 'mixed signs keep their own size',
      exact: ['210', '-209.9895'],
      total: '0.01',
      parts: ['210.00', '-209.99'],
    },
    { name: 'negative total mirrors positive', exact: ['-0.005', '-0.005'], total: '-0.01', parts: ['-0.01', '0.00'] },
    { name: 'zero total', exact: ['0', '0'], total: '0.00', parts: ['0.00', '0.00'] },
  ])('$name', ({ exact, total, parts }) => {
    const result = allocateCents(b(exact), new Big(total))
    expect(s(result)).toEqual(parts)
    expect(result.reduce((a, c) => a.plus(c), new Big(0)).toFixed(2)).toBe(total)
  })

  test('100 shares of 0.0042 give 42 cents, the first 42 lines one cent each', () => {
    const result = allocateCents(
      Array.from({ length: 100 }, () => new Big('0.0042')),
      new Big('0.42'),
    )
    expect(result.filter((p) => p.eq('0.01'))).toHaveLength(42)
    expect(s(result.slice(0, 42))).toEqual(Array(42).fill('0.01'))
    expect(s(result.slice(42))).toEqual(Array(58).fill('0.00'))
  })

  test('a credit note gets exactly the negated parts of the invoice', () => {
    const exact = b(['1.2345', '2.0055', '0.0049', '7.7551'])
    const total = new Big('11.00')
    const invoice = allocateCents(exact, total)
    const credit = allocateCents(
      exact.map((e) => e.times(-1)),
      total.times(-1),
    )
    expect(s(credit)).toEqual(s(invoice.map((p) => p.times(-1))))
  })

  test('refuses a total that is not the rounded sum of the shares', () => {
    expect(() => allocateCents(b(['1', '1']), new Big('5.00'))).toThrow(RangeError)
  })
})
