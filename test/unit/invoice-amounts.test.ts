import { computeInvoiceAmounts, normaliseDecimal, type AmountLineInput } from '../../src/domain/invoice-amounts'

const line = (netAmount: string, vatRate: string, extra: Partial<AmountLineInput> = {}): AmountLineInput => ({
  netAmount,
  vatRate,
  ...extra,
})
const repeat = (n: number, l: AmountLineInput) => Array.from({ length: n }, () => ({ ...l }))

describe('VAT rounding rule: per rate group, half away from zero, largest remainder over the lines', () => {
  test.each([
    {
      name: '100 lines of 0.02 at 21 %: group VAT 0.42 (per line it would be 0.00)',
      lines: repeat(100, line('0.02', '21')),
      net: '2.00',
      vat: '0.42',
    },
    {
      name: '10 lines of 0.25 at 6 % (each 0.015): 0.15, per line it would be 0.20',
      lines: repeat(10, line('0.25', '6')),
      net: '2.50',
      vat: '0.15',
    },
    {
      name: '3 lines of 0.50 at 21 % (each 0.105): 0.315 rounds away from zero to 0.32',
      lines: repeat(3, line('0.50', '21')),
      net: '1.50',
      vat: '0.32',
    },
    {
      name: 'negative x.005 rounds away from zero',
      lines: [line('-0.50', '21')],
      net: '-0.50',
      vat: '-0.11',
    },
    {
      name: 'a negative line inside an invoice',
      lines: [line('100.00', '21'), line('-30.00', '21')],
      net: '70.00',
      vat: '14.70',
    },
    {
      name: 'mixed rates are separate groups',
      lines: [line('0.50', '21'), line('0.25', '6'), line('0.50', '21'), line('0.25', '6')],
      net: '1.50',
      vat: '0.24',
    },
    {
      name: '"21" and "21.0" are one group',
      lines: [line('0.50', '21'), line('0.50', '21.0')],
      net: '1.00',
      vat: '0.21',
    },
    {
      name: 'a vatCode override makes its own group',
      lines: [line('0.50', '21'), line('0.50', '21', { vatCode: '2X' })],
      net: '1.00',
      vat: '0.22',
    },
    {
      name: 'a line with vatAmount is taken as is; the rest is grouped',
      lines: [line('0.50', '21', { vatAmount: '0.11' }), line('0.50', '21'), line('0.50', '21')],
      net: '1.50',
      vat: '0.32',
    },
    {
      name: '5.5 % rate',
      lines: [line('10.00', '5.5'), line('0.10', '5.5')],
      net: '10.10',
      vat: '0.56',
    },
  ])('$name', ({ lines, net, vat }) => {
    const amounts = computeInvoiceAmounts(lines)
    expect(amounts.net.toFixed(2)).toBe(net)
    expect(amounts.vat.toFixed(2)).toBe(vat)
    const lineVat = amounts.lines.reduce((a, l) => a.plus(l.vat), amounts.lines[0].vat.times(0))
    expect(lineVat.toFixed(2)).toBe(vat)
    for (const l of amounts.lines) {
      expect(l.vat.minus(l.exactVat).abs().lte('0.01')).toBe(true)
    }
  })

  test('100 x 0.02: the first 42 lines carry one cent each', () => {
    const amounts = computeInvoiceAmounts(repeat(100, line('0.02', '21')))
    expect(amounts.lines.map((l) => l.vat.toFixed(2))).toEqual([...Array(42).fill('0.01'), ...Array(58).fill('0.00')])
  })

  test('10 x 0.015 VAT: five lines 0.02, five 0.01', () => {
    const amounts = computeInvoiceAmounts(repeat(10, line('0.25', '6')))
    expect(amounts.lines.map((l) => l.vat.toFixed(2))).toEqual([...Array(5).fill('0.02'), ...Array(5).fill('0.01')])
  })

  test('negative line keeps its own VAT', () => {
    const amounts = computeInvoiceAmounts([line('100.00', '21'), line('-30.00', '21')])
    expect(amounts.lines.map((l) => l.vat.toFixed(2))).toEqual(['21.00', '-6.30'])
  })

  test('groups are reported in order of first appearance', () => {
    const amounts = computeInvoiceAmounts([line('1.00', '6'), line('1.00', '21'), line('1.00', '6')])
    expect(amounts.groups.map((g) => [g.vatRate, g.lineIndexes])).toEqual([
      ['6', [0, 2]],
      ['21', [1]],
    ])
  })

  test('gross = net + VAT without a condition', () => {
    const amounts = computeInvoiceAmounts([line('1000.00', '21')])
    expect(amounts.gross.toFixed(2)).toBe('1210.00')
    expect(amounts.payableInTime.toFixed(2)).toBe('1210.00')
  })
})

test.each([
  ['21', '21'],
  ['21.0', '21'],
  ['5.50', '5.5'],
  ['0', '0'],
  ['-0.00', '0'],
  ['10.50', '10.5'],
])('normaliseDecimal(%s) = %s', (input, expected) => {
  expect(normaliseDecimal(input)).toBe(expected)
})
