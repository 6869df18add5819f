import Big from 'big.js'
import { byCode, JOURNAL_TYPE, type ChartGlAccount, type ChartOfAccounts, type ChartPaymentCondition } from './chart'
import type { PaymentConditionSetting, Settings, SideSettings } from './settings'
import type { InvoiceType, JsonPointer } from './types'

/**
 * Settings guessed from the administration when a tenant connects, and the pointers of the fields
 * that were guessed (for the app to show as "please confirm"). Every pick is the first in code
 * order, so the same chart always gives the same proposal whatever order Exact listed it in.
 * Fields with no reasonable guess stay null; a side without a journal or GL account is disabled.
 */
export function proposeSettings(chart: ChartOfAccounts): { settings: Settings; proposed: JsonPointer[] } {
  const proposed: JsonPointer[] = []
  const sales = proposeSide('sales', chart, proposed)
  const purchase = proposeSide('purchase', chart, proposed)
  const paymentConditions = [...chart.paymentConditions]
    .sort(byCode)
    .map((c, i) => proposeCondition(c, chart.glAccounts, `/paymentConditions/${i}`, proposed))
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
  }
}

const DEFAULT_GL_TYPES: Record<InvoiceType, readonly number[]> = { sales: [110], purchase: [111, 120] }

function proposeSide(side: InvoiceType, chart: ChartOfAccounts, proposed: JsonPointer[]): SideSettings {
  const journal = [...chart.journals].sort(byCode).find((j) => j.type === JOURNAL_TYPE[side])?.code.trim() ?? null
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
  for (const vat of candidates) {
    const rate = new Big(vat.percentage).toFixed()
    if (!(rate in vatCodes)) {
      vatCodes[rate] = vat.code.trim()
      proposed.push(`/${side}/vatCodes/${rate}`)
    }
  }
  if (journal !== null) proposed.push(`/${side}/journal`)
  if (defaultGlAccount !== null) proposed.push(`/${side}/defaultGlAccount`)
  return { enabled: journal !== null && defaultGlAccount !== null, journal, defaultGlAccount, vatCodes }
}

const DISCOUNT_WORDS = /(payment|cash|settlement)[ -]?discount|betalingskorting|korting contant|kontantkorting|escompte/i
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
