import { checkEntryAgainstChart } from '../../src/domain/booking-check'
import { capYourRef, yourRefKeptLength, type Entry } from '../../src/domain/entry'
import { entryTypeMismatch, knownTotal, totalDiffers } from '../../src/domain/entry-figures'
import { proposeSettings } from '../../src/domain/settings'
import { sandboxChart } from './sandbox-chart'

const chart = sandboxChart()
const settings = proposeSettings(chart).settings
const entry = (overrides: Partial<Entry> = {}): Entry => ({
  type: 'sales',
  journal: '70',
  entryDate: '2026-11-20',
  currency: 'EUR',
  description: 'xb-1 x',
  yourRef: '1',
  marker: 'xb-1',
  lines: [
    {
      glAccount: '8000',
      description: 'x',
      amount: '100.00',
      vatCode: '2',
      vatAmount: '21.00',
      vatBaseAmount: '100.00',
    },
  ],
  total: '121.00',
  vatTotal: '21.00',
  ...overrides,
})
const fields = (e: Entry, s = settings) => checkEntryAgainstChart(e, chart, s).map((p) => `${p.field} ${p.code}`)

describe('checkEntryAgainstChart', () => {
  test('an EUR invoice on an EUR-only journal passes', () => {
    expect(fields(entry())).toEqual([])
  })

  test('another currency on a journal that allows only its own is a mapping problem before sending', () => {
    const problems = checkEntryAgainstChart(entry({ currency: 'USD' }), chart, settings)
    expect(problems.map((p) => `${p.field} ${p.code}`)).toEqual(['/currency mapping_missing'])
    expect(problems[0]!.message).toContain(
      'journal 70 (Verkoopboek) books only EUR (AllowVariableCurrency is off in Exact)',
    )
  })

  test('a journal that allows variable currencies, or says nothing about it, takes any', () => {
    expect(fields(entry({ currency: 'USD', journal: '72' }))).toEqual([])
    const silent = { ...chart, journals: chart.journals.map((j) => ({ ...j, allowVariableCurrency: null })) }
    expect(checkEntryAgainstChart(entry({ currency: 'USD' }), silent, settings)).toEqual([])
  })

  test('nothing is booked on a discount for cash Exact computes incl. VAT, even one the settings still hold', () => {
    const s = {
      ...settings,
      paymentConditions: [
        ...settings.paymentConditions,
        { ...settings.paymentConditions[2]!, id: '34', exactCode: '34' },
      ],
    }
    expect(fields(entry({ paymentConditionCode: '34' }), s)).toEqual([
      `/paymentConditions/${s.paymentConditions.length - 1}/exactCode settings_invalid`,
    ])
    expect(fields(entry({ paymentConditionCode: '32' }), s)).toEqual([])
  })

  test('an adjustment line on a code that reports a base is refused', () => {
    const line = {
      glAccount: '8010',
      description: 'd',
      amount: '20.00',
      vatCode: '0',
      vatAmount: '0.00',
      vatBaseAmount: '0.00',
      adjustment: 'discount_for_cash' as const,
    }
    expect(fields(entry({ lines: [...entry().lines, line] }))).toEqual(['/sales/adjustmentVatCode settings_invalid'])
    expect(fields(entry({ lines: [...entry().lines, { ...line, vatCode: '9' }] }))).toEqual([])
  })
})

describe('entry figures', () => {
  test('a zero or missing total is no total', () => {
    expect([knownTotal('0.00'), knownTotal(null), knownTotal('-12.10')]).toEqual([null, null, '-12.10'])
    expect([totalDiffers('1210.00', '0.00'), totalDiffers('1210.00', '1210.01'), totalDiffers(null, '1.00')]).toEqual([
      false,
      true,
      false,
    ])
  })

  test.each<['sales' | 'purchase', string, number | null, boolean]>([
    ['sales', '-121.00', 21, false],
    ['sales', '-121.00', 20, true],
    ['sales', '121.00', 21, true],
    ['sales', '121.00', 20, false],
    ['purchase', '-121.00', 31, false],
    ['purchase', '-121.00', 30, true],
    ['purchase', '121.00', null, false],
  ])('%s total %s as Type %s: mismatch %s', (side, total, type, mismatch) => {
    expect(entryTypeMismatch(side, total, type)).toBe(mismatch)
  })
})

describe('YourRef as Exact keeps it', () => {
  test('the cap is 30 characters unless a shorter one was found', () => {
    expect(capYourRef('A'.repeat(31))).toBe('A'.repeat(30))
    expect(capYourRef('2026-000000000042', 10)).toBe('2026-00000')
    expect(capYourRef('😀'.repeat(31))).toBe('😀'.repeat(30))
  })

  test.each<[string, string | null, number | null]>([
    ['2026-0042', '2026-0042', null],
    ['2026-0042', null, null],
    ['ABCDEFGHIJKLMNOPQRSTUVWXY', 'ABCDEFGHIJKLMNOPQRST', 20],
    ['ABCDEFGHIJ', 'ABCDE   ', 5],
    ['ABCDEFGHIJ', 'XYZ', null],
    ['ABCDEFGHIJ', '', null],
  ])('sent %s, kept %s: %s', (sent, kept, length) => {
    expect(yourRefKeptLength(sent, kept)).toBe(length)
  })
})
