import Big from 'big.js'
import {
  CONTROL_GL_TYPES,
  CREDIT_NOTE_JOURNAL_TYPES,
  JOURNAL_TYPE,
  sameCode,
  type ChartOfAccounts,
  type ChartPaymentCondition,
} from './chart'
import type { PaymentConditionSetting, Settings, SideSettings } from './settings'
import type { InvoiceType, JsonPointer } from './types'

export interface SettingsProblem {
  field: JsonPointer
  code:
    | 'not_set'
    | 'duplicate_id'
    | 'duplicate_rate'
    | 'conflicting_discounts'
    | 'unknown_journal'
    | 'wrong_journal_type'
    | 'unknown_gl_account'
    | 'wrong_gl_account_type'
    | 'unknown_vat_code'
    | 'wrong_vat_code_type'
    | 'vat_rate_mismatch'
    | 'unknown_payment_condition'
    | 'payment_condition_mismatch'
    | 'wrong_discount_calculation'
    | 'wrong_vat_calculation'
    | 'vat_code_reports_base'
  message: string
}

const SIDES: readonly InvoiceType[] = ['sales', 'purchase']

/** What the schema cannot say and needs no administration: duplicates and contradictions. */
export function checkSettings(settings: Settings): SettingsProblem[] {
  const problems: SettingsProblem[] = []
  for (const side of SIDES) {
    const seen = new Map<string, string>()
    for (const rate of Object.keys(settings[side].vatCodes)) {
      const normal = new Big(rate).toFixed()
      const earlier = seen.get(normal)
      if (earlier !== undefined) {
        problems.push({
          field: `/${side}/vatCodes/${rate}`,
          code: 'duplicate_rate',
          message: `rate ${rate} is the same as ${earlier}`,
        })
      }
      seen.set(normal, rate)
    }
  }
  const ids = new Set<string>()
  settings.paymentConditions.forEach((c, i) => {
    if (ids.has(c.id)) {
      problems.push({
        field: `/paymentConditions/${i}/id`,
        code: 'duplicate_id',
        message: `payment condition id ${c.id} appears twice`,
      })
    }
    ids.add(c.id)
    if (new Big(c.discountForCashPercent).gt(0) && new Big(c.creditLimitationPercent).gt(0)) {
      problems.push({
        field: `/paymentConditions/${i}`,
        code: 'conflicting_discounts',
        message: 'an Exact payment condition is either a discount for cash (B) or a credit limitation (K), not both',
      })
    }
  })
  return problems
}

/** Names every code in the settings that the administration does not have, or has with another meaning. */
export function checkSettingsAgainstChart(settings: Settings, chart: ChartOfAccounts): SettingsProblem[] {
  return [
    ...SIDES.flatMap((side) => checkSide(side, settings[side], chart)),
    ...settings.paymentConditions.flatMap((c, i) => checkCondition(c, `/paymentConditions/${i}`, chart)),
  ]
}

function checkSide(side: InvoiceType, s: SideSettings, chart: ChartOfAccounts): SettingsProblem[] {
  const problems: SettingsProblem[] = []
  const at = (key: string) => `/${side}/${key}`
  if (s.journal === null) {
    if (s.enabled) problems.push({ field: at('journal'), code: 'not_set', message: `no ${side} journal chosen` })
  } else {
    const journal = chart.journals.find((j) => sameCode(j.code, s.journal ?? ''))
    if (!journal) {
      problems.push({
        field: at('journal'),
        code: 'unknown_journal',
        message: `journal ${s.journal} does not exist in the administration`,
      })
    } else if (journal.type !== JOURNAL_TYPE[side]) {
      problems.push({
        field: at('journal'),
        code: 'wrong_journal_type',
        message: `journal ${s.journal} (${journal.description}) is type ${journal.type}, a ${side} journal is type ${JOURNAL_TYPE[side]}`,
      })
    }
  }
  if (typeof s.creditNoteJournal === 'string') {
    const journal = chart.journals.find((j) => sameCode(j.code, s.creditNoteJournal ?? ''))
    const allowed: readonly number[] = CREDIT_NOTE_JOURNAL_TYPES[side]
    if (!journal) {
      problems.push({
        field: at('creditNoteJournal'),
        code: 'unknown_journal',
        message: `journal ${s.creditNoteJournal} does not exist in the administration`,
      })
    } else if (!allowed.includes(journal.type)) {
      problems.push({
        field: at('creditNoteJournal'),
        code: 'wrong_journal_type',
        message: `journal ${s.creditNoteJournal} (${journal.description}) is type ${journal.type}; ${side} credit notes go to a journal of type ${allowed.join(' or ')}`,
      })
    }
  }
  if (typeof s.adjustmentVatCode === 'string')
    problems.push(...checkAdjustmentVatCode(side, s.adjustmentVatCode, at('adjustmentVatCode'), chart))
  if (s.defaultGlAccount === null) {
    if (s.enabled)
      problems.push({ field: at('defaultGlAccount'), code: 'not_set', message: `no default ${side} GL account chosen` })
  } else {
    problems.push(...checkGl(s.defaultGlAccount, at('defaultGlAccount'), chart))
  }
  for (const [rate, code] of Object.entries(s.vatCodes)) {
    const field = at(`vatCodes/${rate}`)
    const vat = chart.vatCodes.find((v) => sameCode(v.code, code))
    if (!vat) {
      problems.push({
        field,
        code: 'unknown_vat_code',
        message: `VAT code ${code} does not exist in the administration`,
      })
      continue
    }
    if (!new Big(vat.percentage).eq(new Big(rate))) {
      problems.push({
        field,
        code: 'vat_rate_mismatch',
        message: `VAT code ${code} is ${vat.percentage} %, mapped to rate ${rate} %`,
      })
    }
    const wanted = side === 'sales' ? 'S' : 'P'
    if (vat.transactionType !== wanted && vat.transactionType !== 'B') {
      problems.push({
        field,
        code: 'wrong_vat_code_type',
        message: `VAT code ${code} is not a ${side} VAT code (type ${vat.transactionType})`,
      })
    }
  }
  return problems
}

/**
 * The discount-for-cash and credit-limitation lines are outside the VAT base (art. 28 W.BTW): their
 * code must report no base. Exact's type N ("no VAT") reports none; a 0 % code of type B ("only
 * base amount") and any E/I code do. A code whose type Exact did not give passes on its 0 %.
 */
export function checkAdjustmentVatCode(
  side: InvoiceType,
  code: string,
  field: JsonPointer,
  chart: ChartOfAccounts,
): SettingsProblem[] {
  const vat = chart.vatCodes.find((v) => sameCode(v.code, code))
  if (!vat)
    return [{ field, code: 'unknown_vat_code', message: `VAT code ${code} does not exist in the administration` }]
  const wanted = side === 'sales' ? 'S' : 'P'
  if (vat.transactionType !== wanted && vat.transactionType !== 'B') {
    return [
      {
        field,
        code: 'wrong_vat_code_type',
        message: `VAT code ${code} is not a ${side} VAT code (type ${vat.transactionType})`,
      },
    ]
  }
  if (!new Big(vat.percentage).eq(0) || (vat.type !== null && vat.type !== 'N')) {
    return [
      {
        field,
        code: 'vat_code_reports_base',
        message:
          `VAT code ${code} (${vat.description}, ${vat.percentage} %, type ${vat.type ?? 'unknown'}) reports a base in the VAT return; ` +
          'the discount-for-cash and credit-limitation lines are outside the VAT base and need a code of type N (no VAT)',
      },
    ]
  }
  return []
}

function checkGl(code: string, field: string, chart: ChartOfAccounts): SettingsProblem[] {
  const gl = chart.glAccounts.find((g) => sameCode(g.code, code))
  if (!gl)
    return [{ field, code: 'unknown_gl_account', message: `GL account ${code} does not exist in the administration` }]
  if (CONTROL_GL_TYPES.includes(gl.type)) {
    return [
      {
        field,
        code: 'wrong_gl_account_type',
        message: `GL account ${code} (${gl.description}) is a balance account of type ${gl.type}; Exact refuses entry lines on it`,
      },
    ]
  }
  return []
}

function checkCondition(c: PaymentConditionSetting, at: string, chart: ChartOfAccounts): SettingsProblem[] {
  const problems: SettingsProblem[] = []
  const gls = [
    ['discountForCashGlAccount', c.discountForCashGlAccount],
    ['creditLimitationGlAccount', c.creditLimitationGlAccount],
    ['purchaseDiscountForCashGlAccount', c.purchaseDiscountForCashGlAccount],
    ['purchaseCreditLimitationGlAccount', c.purchaseCreditLimitationGlAccount],
  ] as const
  for (const [key, code] of gls) {
    if (typeof code === 'string') problems.push(...checkGl(code, `${at}/${key}`, chart))
  }
  const exact = chart.paymentConditions.find((p) => sameCode(p.code, c.exactCode))
  if (!exact) {
    return [
      {
        field: `${at}/exactCode`,
        code: 'unknown_payment_condition',
        message: `payment condition ${c.exactCode} does not exist in the administration`,
      },
      ...problems,
    ]
  }
  const theirs = {
    B: exact.discountType === 'B' ? new Big(exact.discountPercentage) : new Big(0),
    K: exact.discountType === 'K' ? new Big(exact.discountPercentage) : new Big(0),
  }
  problems.push(...conditionCalculationProblems(exact, at))
  if (!theirs.B.eq(new Big(c.discountForCashPercent)) || !theirs.K.eq(new Big(c.creditLimitationPercent))) {
    problems.push({
      field: at,
      code: 'payment_condition_mismatch',
      message:
        `payment condition ${c.exactCode} in Exact is ${describe(exact.discountType, exact.discountPercentage)}; ` +
        `the settings say discount for cash ${c.discountForCashPercent} %, credit limitation ${c.creditLimitationPercent} %`,
    })
  }
  return problems
}

/**
 * What makes an Exact discount-for-cash condition (type B) disagree with the Belgian maths this
 * service books (domain/payment-discount.ts): the discount must be a share of the amount excluding
 * VAT (DiscountCalculation E), and VAT must be charged on the amount excluding the discount
 * (VATCalculation E). With DiscountCalculation I, Exact expects an in-time payer to deduct a share of
 * the gross and leaves a remainder open; with VATCalculation I its VAT base disagrees with the VAT we
 * book. Nothing may be booked on such a condition. The fix is named in Exact's own terms.
 */
export function conditionCalculationProblems(exact: ChartPaymentCondition, at: JsonPointer): SettingsProblem[] {
  if (exact.discountType !== 'B') return []
  const problems: SettingsProblem[] = []
  if (exact.discountCalculation !== 'E') {
    problems.push({
      field: `${at}/exactCode`,
      code: 'wrong_discount_calculation',
      message:
        `payment condition ${exact.code} (${exact.description}) has DiscountCalculation ${exact.discountCalculation ?? 'unset'}; ` +
        "a Belgian discount for cash is a share of the amount excluding VAT: in Exact Online set the condition's " +
        'discount calculation to "Excluding VAT" (DiscountCalculation E)',
    })
  }
  if (exact.vatCalculation === 'I') {
    problems.push({
      field: `${at}/exactCode`,
      code: 'wrong_vat_calculation',
      message:
        `payment condition ${exact.code} (${exact.description}) has VATCalculation I (VAT including the discount); ` +
        "Belgian VAT is charged on the amount after the discount for cash: in Exact Online set the condition's " +
        'VAT calculation to "Excluding discount" (VATCalculation E)',
    })
  }
  return problems
}

function describe(type: 'B' | 'K' | null, percent: string): string {
  switch (type) {
    case null:
      return 'without discount'
    case 'B':
      return `a discount for cash of ${percent} %`
    case 'K':
      return `a credit limitation of ${percent} %`
    default: {
      const unexpected: never = type
      return `of discount type ${String(unexpected)}`
    }
  }
}
