import Big from 'big.js'
import {
  byCode,
  CREDIT_NOTE_JOURNAL_TYPES,
  JOURNAL_TYPE,
  type ChartGlAccount,
  type ChartOfAccounts,
  type ChartPaymentCondition,
} from './chart'
import type { PaymentConditionSetting, Settings, SideSettings } from './settings'
import { checkAdjustmentVatCode, conditionCalculationProblems, type SettingsProblem } from './settings-check'
import type { InvoiceType, JsonPointer } from './types'

/** PercentSchema's pattern (settings.ts), repeated here so the proposal never holds a value the schema refuses. */
const PERCENT = /^(0|[1-9][0-9]?)(\.[0-9]{1,4})?$/

/**
 * Settings guessed from the administration when a tenant connects, and the pointers of the fields
 * that were guessed (for the app to show as "please confirm"). Every pick is the first in code
 * order, so the same chart always gives the same proposal whatever order Exact listed it in.
 * Fields with no reasonable guess stay null; a side without a journal or GL account is disabled.
 * A payment condition nothing may be booked on (a discount for cash Exact computes otherwise than
 * the Belgian rule, or a percentage the settings cannot hold) is left out, and `problems` says why,
 * in the words of the check a PUT would make (settings-check.ts), pointing at the chart's condition.
 */
export function proposeSettings(chart: ChartOfAccounts): {
  settings: Settings
  proposed: JsonPointer[]
  problems: SettingsProblem[]
} {
  const proposed: JsonPointer[] = []
  const problems: SettingsProblem[] = []
  const sales = proposeSide('sales', chart, proposed)
  const purchase = proposeSide('purchase', chart, proposed)
  const bookable = [...chart.paymentConditions].sort(byCode).filter((c) => {
    const found = [...conditionCalculationProblems(c, `/paymentConditions/${c.code}`), ...percentProblems(c)]
    problems.push(...found)
    return found.length === 0
  })
  const paymentConditions = bookable.map((c, i) =>
    proposeCondition(c, chart.glAccounts, `/paymentConditions/${i}`, proposed),
  )
  return {
    settings: {
      sales,
      purchase,
      paymentConditions,
      paymentDiscountBooking: 'payment_condition',
      paymentSync: { enabled: true },
      webhook: null,
    },
    proposed,
    problems,
  }
}

function percentProblems(c: ChartPaymentCondition): SettingsProblem[] {
  if (c.discountType === null || PERCENT.test(new Big(c.discountPercentage || '0').toFixed())) return []
  return [
    {
      field: `/paymentConditions/${c.code}/exactCode`,
      code: 'payment_condition_mismatch',
      message: `payment condition ${c.code} (${c.description}) has a discount of ${c.discountPercentage} %, which the settings cannot hold (0 to 99.9999 %)`,
    },
  ]
}

const DEFAULT_GL_TYPES: Record<InvoiceType, readonly number[]> = { sales: [110], purchase: [111, 120] }

function proposeSide(side: InvoiceType, chart: ChartOfAccounts, proposed: JsonPointer[]): SideSettings {
  const journal =
    [...chart.journals]
      .sort(byCode)
      .find((j) => j.type === JOURNAL_TYPE[side])
      ?.code.trim() ?? null
  const glAccounts = [...chart.glAccounts].sort(byCode)
  const defaultGlAccount =
    DEFAULT_GL_TYPES[side]
      .map((type) => glAccounts.find((g) => g.type === type && !isDiscountAccount(g)))
      .find((g) => g !== undefined)
      ?.code.trim() ?? null
  const ownType = side === 'sales' ? 'S' : 'P'
  const vatCodes: Record<string, string> = {}
  const candidates = [...chart.vatCodes]
    .sort(byCode)
    .filter((v) => v.transactionType === ownType || v.transactionType === 'B')
    .sort((a, b) => Number(b.transactionType === ownType) - Number(a.transactionType === ownType))
  // A 0 % invoice line (exempt, intra-EU) reports its base: a "no VAT" code (type N) only when nothing else has the rate.
  for (const vat of [...candidates.filter((v) => v.type !== 'N'), ...candidates.filter((v) => v.type === 'N')]) {
    const rate = new Big(vat.percentage).toFixed()
    if (!(rate in vatCodes)) {
      vatCodes[rate] = vat.code.trim()
      proposed.push(`/${side}/vatCodes/${rate}`)
    }
  }
  // The lines outside the VAT base need a code that reports no base: the first that passes the check a PUT makes.
  const adjustmentVatCode =
    candidates
      .filter((v) => v.type === 'N')
      .find((v) => checkAdjustmentVatCode(side, v.code, '', chart).length === 0)
      ?.code.trim() ?? null
  // Only an unmistakable pick: the one return-invoice journal of the side.
  const returnJournals = chart.journals.filter((j) => j.type === CREDIT_NOTE_JOURNAL_TYPES[side][1])
  const creditNoteJournal = returnJournals.length === 1 ? returnJournals[0]!.code.trim() : null
  if (journal !== null) proposed.push(`/${side}/journal`)
  if (defaultGlAccount !== null) proposed.push(`/${side}/defaultGlAccount`)
  if (adjustmentVatCode !== null) proposed.push(`/${side}/adjustmentVatCode`)
  if (creditNoteJournal !== null) proposed.push(`/${side}/creditNoteJournal`)
  return {
    enabled: journal !== null && defaultGlAccount !== null,
    journal,
    defaultGlAccount,
    vatCodes,
    creditNoteJournal,
    adjustmentVatCode,
  }
}

const DISCOUNT_WORDS =
  /(payment|cash|settlement)[ -]?discount|betalingskorting|korting contant|kontantkorting|escompte/i
const CREDIT_LIMITATION_WORDS = /credit (limitation|surcharge)|kredietbeperking|limitation de cr[ée]dit/i
const SALES_WORDS = /sales|verkoop|vente/i
const PURCHASE_WORDS = /purchase|inkoop|aankoop|achat/i

function isDiscountAccount(gl: ChartGlAccount): boolean {
  return DISCOUNT_WORDS.test(gl.description) || CREDIT_LIMITATION_WORDS.test(gl.description)
}

/**
 * "Obvious" means: the description names the concept and, when the chart has one per side, the
 * side. Exact's chart has no flag for these accounts, so anything less certain stays null.
 */
function obviousAccount(glAccounts: ChartGlAccount[], words: RegExp, side: InvoiceType): string | null {
  const matches = [...glAccounts].sort(byCode).filter((g) => words.test(g.description))
  const sideWords = side === 'sales' ? SALES_WORDS : PURCHASE_WORDS
  const otherWords = side === 'sales' ? PURCHASE_WORDS : SALES_WORDS
  const forSide = matches.filter((g) => sideWords.test(g.description))
  if (forSide.length > 0) return forSide[0].code.trim()
  const neutral = matches.filter((g) => !otherWords.test(g.description))
  return neutral.length === 1 ? neutral[0].code.trim() : null
}

function proposeCondition(
  c: ChartPaymentCondition,
  glAccounts: ChartGlAccount[],
  at: JsonPointer,
  proposed: JsonPointer[],
): PaymentConditionSetting {
  const percent = new Big(c.discountPercentage || '0').toFixed()
  const code = c.code.trim()
  const setting: PaymentConditionSetting = {
    id: code,
    exactCode: code,
    discountForCashPercent: c.discountType === 'B' ? percent : '0',
    creditLimitationPercent: c.discountType === 'K' ? percent : '0',
    discountForCashGlAccount: null,
    creditLimitationGlAccount: null,
  }
  proposed.push(at)
  if (c.discountType === 'B') {
    setting.discountForCashGlAccount = obviousAccount(glAccounts, DISCOUNT_WORDS, 'sales')
    setting.purchaseDiscountForCashGlAccount = obviousAccount(glAccounts, DISCOUNT_WORDS, 'purchase')
  } else if (c.discountType === 'K') {
    setting.creditLimitationGlAccount = obviousAccount(glAccounts, CREDIT_LIMITATION_WORDS, 'sales')
    setting.purchaseCreditLimitationGlAccount = obviousAccount(glAccounts, CREDIT_LIMITATION_WORDS, 'purchase')
  }
  return setting
}
