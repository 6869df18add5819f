import { Value } from '@sinclair/typebox/value'
import {
  checkSettings,
  checkSettingsAgainstChart,
  proposeSettings,
  resolvePaymentCondition,
  SettingsSchema,
  vatCodeFor,
  type Settings,
} from '../../src/domain/settings'
import { sandboxChart } from './sandbox-chart'

/** DESIGN.md's example settings. */
function designSettings(): Settings {
  return {
    sales: { enabled: true, journal: '70', defaultGlAccount: '8000', vatCodes: { '21': '2', '9': '1', '0': '0' } },
    purchase: { enabled: true, journal: '60', defaultGlAccount: '7000', vatCodes: { '21': '5', '9': '4', '0': '8' } },
    paymentConditions: [
      {
        id: '30d-2pct',
        exactCode: '32',
        discountForCashPercent: '2',
        creditLimitationPercent: '0',
        discountForCashGlAccount: '8010',
        creditLimitationGlAccount: null,
      },
    ],
    paymentDiscountBooking: 'payment_condition',
    paymentSync: { enabled: true },
    webhook: { url: 'https://app.example/hooks/exact', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  }
}
const fields = (problems: Array<{ field: string; code: string }>) => problems.map((p) => `${p.field} ${p.code}`)

describe('SettingsSchema', () => {
  test('accepts the DESIGN.md example and webhook null', () => {
    expect(Value.Check(SettingsSchema, designSettings())).toBe(true)
    expect(Value.Check(SettingsSchema, { ...designSettings(), webhook: null })).toBe(true)
  })

  test.each([
    ['a webhook secret without whsec_', { webhook: { url: 'https://a.example/h', secret: 'abc' } }],
    ['an unknown booking mode', { paymentDiscountBooking: 'both' }],
    ['a VAT map key that is not a rate', { sales: { ...designSettings().sales, vatCodes: { high: '2' } } }],
    ['a padded code', { sales: { ...designSettings().sales, journal: ' 70' } }],
    ['an unknown field', { colour: 'red' }],
  ])('refuses %s', (_name, override) => {
    expect(Value.Check(SettingsSchema, { ...designSettings(), ...override })).toBe(false)
  })
})

describe('checkSettings', () => {
  test('duplicates and a condition that is both B and K', () => {
    const s = designSettings()
    s.sales.vatCodes['21.0'] = '2'
    s.paymentConditions.push({ ...s.paymentConditions[0], creditLimitationPercent: '1' })
    expect(fields(checkSettings(s))).toEqual([
      '/sales/vatCodes/21.0 duplicate_rate',
      '/paymentConditions/1/id duplicate_id',
      '/paymentConditions/1 conflicting_discounts',
    ])
  })
})

describe('checkSettingsAgainstChart', () => {
  test('the DESIGN.md example fits the sandbox chart', () => {
    expect(checkSettingsAgainstChart(designSettings(), sandboxChart())).toEqual([])
  })

  test('names every code the administration does not have or has with another meaning', () => {
    const s = designSettings()
    s.sales.journal = '60'
    s.purchase.journal = '69'
    s.sales.defaultGlAccount = '1300'
    s.purchase.defaultGlAccount = '9999'
    s.sales.vatCodes = { '21': '5', '9': '2', '12': 'X' }
    s.paymentConditions[0] = { ...s.paymentConditions[0], exactCode: '33', discountForCashGlAccount: '8011' }
    s.paymentConditions.push({ ...designSettings().paymentConditions[0], id: 'x', exactCode: '99' })
    expect(fields(checkSettingsAgainstChart(s, sandboxChart()))).toEqual([
      '/sales/journal wrong_journal_type',
      '/sales/defaultGlAccount wrong_gl_account_type',
      '/sales/vatCodes/9 vat_rate_mismatch',
      '/sales/vatCodes/12 unknown_vat_code',
      '/sales/vatCodes/21 wrong_vat_code_type',
      '/purchase/journal unknown_journal',
      '/purchase/defaultGlAccount unknown_gl_account',
      '/paymentConditions/0/discountForCashGlAccount unknown_gl_account',
      '/paymentConditions/0 payment_condition_mismatch',
      '/paymentConditions/1/exactCode unknown_payment_condition',
    ])
  })

  test('an enabled side without journal or GL account is named; a disabled one is not', () => {
    const s = designSettings()
    s.sales = { ...s.sales, journal: null, defaultGlAccount: null }
    s.purchase = { ...s.purchase, enabled: false, journal: null, defaultGlAccount: null }
    expect(fields(checkSettingsAgainstChart(s, sandboxChart()))).toEqual([
      '/sales/journal not_set',
      '/sales/defaultGlAccount not_set',
    ])
  })
})

describe('proposeSettings from the sandbox chart', () => {
  const { settings, proposed } = proposeSettings(sandboxChart())

  test('complete settings, consistent with the chart', () => {
    expect(Value.Check(SettingsSchema, settings)).toBe(true)
    expect(checkSettings(settings)).toEqual([])
    expect(checkSettingsAgainstChart(settings, sandboxChart())).toEqual([])
  })

  test('journals, default GL accounts and VAT codes', () => {
    expect(settings.sales).toEqual({
      enabled: true,
      journal: '70',
      defaultGlAccount: '8000',
      vatCodes: { '21': '2', '9': '1', '6': '6', '0': '0' },
      creditNoteJournal: '71',
      adjustmentVatCode: '9',
    })
    expect(settings.purchase).toEqual({
      enabled: true,
      journal: '60',
      defaultGlAccount: '7000',
      vatCodes: { '21': '5', '9': '4', '6': '7', '0': '8' },
      creditNoteJournal: '61',
      adjustmentVatCode: '19',
    })
  })

  test('payment conditions with the obvious GL accounts', () => {
    expect(settings.paymentConditions).toEqual([
      {
        id: '14',
        exactCode: '14',
        discountForCashPercent: '0',
        creditLimitationPercent: '0',
        discountForCashGlAccount: null,
        creditLimitationGlAccount: null,
      },
      {
        id: '30',
        exactCode: '30',
        discountForCashPercent: '0',
        creditLimitationPercent: '0',
        discountForCashGlAccount: null,
        creditLimitationGlAccount: null,
      },
      {
        id: '32',
        exactCode: '32',
        discountForCashPercent: '2',
        creditLimitationPercent: '0',
        discountForCashGlAccount: '8010',
        creditLimitationGlAccount: null,
        purchaseDiscountForCashGlAccount: '7010',
      },
      {
        id: '33',
        exactCode: '33',
        discountForCashPercent: '0',
        creditLimitationPercent: '2',
        discountForCashGlAccount: null,
        creditLimitationGlAccount: '8020',
        purchaseCreditLimitationGlAccount: null,
      },
    ])
    expect(settings.paymentDiscountBooking).toBe('payment_condition')
    expect(settings.webhook).toBeNull()
  })

  test('lists what it proposed', () => {
    expect(proposed).toEqual(
      expect.arrayContaining([
        '/sales/journal',
        '/purchase/defaultGlAccount',
        '/sales/vatCodes/21',
        '/paymentConditions/2',
      ]),
    )
  })

  test('an empty chart proposes disabled sides and says nothing was proposed', () => {
    const empty = proposeSettings({ journals: [], glAccounts: [], vatCodes: [], paymentConditions: [] })
    expect(empty.settings.sales).toEqual({
      enabled: false,
      journal: null,
      defaultGlAccount: null,
      vatCodes: {},
      creditNoteJournal: null,
      adjustmentVatCode: null,
    })
    expect(empty.proposed).toEqual([])
    expect(empty.problems).toEqual([])
  })
})

describe('resolvePaymentCondition and vatCodeFor', () => {
  const { settings } = proposeSettings(sandboxChart())

  test.each([
    ['32', 'sales', { kind: 'discount_for_cash', percent: '2', glAccount: '8010', exactCode: '32' }],
    ['32', 'purchase', { kind: 'discount_for_cash', percent: '2', glAccount: '7010', exactCode: '32' }],
    ['33', 'sales', { kind: 'credit_limitation', percent: '2', glAccount: '8020', exactCode: '33' }],
    ['33', 'purchase', { kind: 'credit_limitation', percent: '2', glAccount: null, exactCode: '33' }],
    ['30', 'sales', { kind: 'none', percent: '0', glAccount: null, exactCode: '30' }],
  ] as const)('condition %s for %s', (id, type, expected) => {
    expect(resolvePaymentCondition(settings, id, type)).toEqual({ id, ...expected })
  })

  test('unknown id', () => {
    expect(resolvePaymentCondition(settings, 'nope', 'sales')).toBeUndefined()
  })

  test('a purchase GL account absent (not null) falls back to the shared one', () => {
    const s = designSettings()
    expect(resolvePaymentCondition(s, '30d-2pct', 'purchase')?.glAccount).toBe('8010')
  })

  test('VAT rates compare as numbers', () => {
    expect(vatCodeFor(settings.sales, '21.00')).toBe('2')
    expect(vatCodeFor(settings.sales, '12')).toBeUndefined()
  })
})

describe('payment conditions as Exact computes them', () => {
  const chart = sandboxChart()
  const withCondition = (exactCode: string, discountForCashPercent = '2'): Settings => {
    const s = designSettings()
    s.paymentConditions = [{ ...s.paymentConditions[0]!, exactCode, discountForCashPercent }]
    return s
  }

  test("a discount for cash Exact computes on the amount including VAT is refused, with the fix in Exact's words", () => {
    const problems = checkSettingsAgainstChart(withCondition('34'), chart)
    expect(fields(problems)).toEqual(['/paymentConditions/0/exactCode wrong_discount_calculation'])
    expect(problems[0]!.message).toContain('payment condition 34')
    expect(problems[0]!.message).toContain('DiscountCalculation I')
    expect(problems[0]!.message).toContain(
      'set the condition\'s discount calculation to "Excluding VAT" (DiscountCalculation E)',
    )
  })

  test('VAT including the discount contradicts VAT on the discounted base', () => {
    const c = {
      ...chart,
      paymentConditions: chart.paymentConditions.map((p) =>
        p.code === '32' ? { ...p, vatCalculation: 'I' as const } : p,
      ),
    }
    expect(fields(checkSettingsAgainstChart(withCondition('32'), c))).toEqual([
      '/paymentConditions/0/exactCode wrong_vat_calculation',
    ])
  })

  test('a credit limitation (K) is not held to the discount-for-cash rule', () => {
    const c = {
      ...chart,
      paymentConditions: chart.paymentConditions.map((p) =>
        p.code === '33' ? { ...p, discountCalculation: 'I' as const } : p,
      ),
    }
    const s = designSettings()
    s.paymentConditions = [
      {
        ...s.paymentConditions[0]!,
        exactCode: '33',
        discountForCashPercent: '0',
        creditLimitationPercent: '2',
        creditLimitationGlAccount: '8020',
      },
    ]
    expect(checkSettingsAgainstChart(s, c)).toEqual([])
  })

  test('the proposal leaves a misconfigured condition out and says why', () => {
    const { settings, problems } = proposeSettings(chart)
    expect(settings.paymentConditions.map((c) => c.exactCode)).toEqual(['14', '30', '32', '33'])
    expect(fields(problems)).toEqual(['/paymentConditions/34/exactCode wrong_discount_calculation'])
  })
})

describe('credit-note journal and the VAT code outside the VAT base', () => {
  const chart = sandboxChart()

  test("a credit-note journal must be the side's own type or its return-invoice type", () => {
    const s = designSettings()
    s.sales.creditNoteJournal = '71'
    s.purchase.creditNoteJournal = '61'
    expect(checkSettingsAgainstChart(s, chart)).toEqual([])
    s.sales.creditNoteJournal = '61'
    s.purchase.creditNoteJournal = '99'
    expect(fields(checkSettingsAgainstChart(s, chart))).toEqual([
      '/sales/creditNoteJournal wrong_journal_type',
      '/purchase/creditNoteJournal unknown_journal',
    ])
  })

  test('a 0 % code that reports a base (type B) is refused for the adjustment lines; type N passes', () => {
    const s = designSettings()
    s.sales.adjustmentVatCode = '9'
    s.purchase.adjustmentVatCode = '19'
    expect(checkSettingsAgainstChart(s, chart)).toEqual([])
    s.sales.adjustmentVatCode = '0'
    s.purchase.adjustmentVatCode = '9'
    const problems = checkSettingsAgainstChart(s, chart)
    expect(fields(problems)).toEqual([
      '/sales/adjustmentVatCode vat_code_reports_base',
      '/purchase/adjustmentVatCode wrong_vat_code_type',
    ])
    expect(problems[0]!.message).toContain('need a code of type N (no VAT)')
  })

  test('the proposal picks the "no VAT" code for the adjustment lines, and the 0 % rate keeps its base-reporting code', () => {
    const { settings } = proposeSettings(chart)
    expect([
      settings.sales.adjustmentVatCode,
      settings.sales.vatCodes['0'],
      settings.purchase.adjustmentVatCode,
      settings.purchase.vatCodes['0'],
    ]).toEqual(['9', '0', '19', '8'])
  })

  test('no code of type N: nothing proposed, and no 0 % code stands in for one', () => {
    const { settings, proposed } = proposeSettings({ ...chart, vatCodes: chart.vatCodes.filter((v) => v.type !== 'N') })
    expect(settings.sales.adjustmentVatCode).toBeNull()
    expect(proposed).not.toContain('/sales/adjustmentVatCode')
  })
})
