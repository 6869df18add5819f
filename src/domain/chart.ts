/**
 * An Exact administration's reference data, in our vocabulary. The connector maps Exact's
 * financial/Journals, financial/GLAccounts, vat/VATCodes and cashflow/PaymentConditions into it:
 * codes unpadded (trimmed), percentages as decimal strings in percent ("21", "2"), never fractions.
 */
export interface ChartJournal {
  code: string
  /** Exact Journals.Type: 20 sales, 22 purchase, 90 general, 10 cash, 12 bank, ... */
  type: number
  description: string
}

export interface ChartGlAccount {
  id: string
  code: string
  /** Exact GLAccounts.Type: 110 revenue, 111 cost of goods, 120 other costs, 20 AR, 22 AP, 24 VAT, ... */
  type: number
  description: string
}

export interface ChartVatCode {
  code: string
  percentage: string
  /** S sales, P purchase, B both. */
  transactionType: 'S' | 'P' | 'B' | string
  description: string
}

export interface ChartPaymentCondition {
  code: string
  description: string
  paymentDays: number
  /** B discount for cash (betalingskorting), K credit limitation (kredietbeperking), null none. */
  discountType: 'B' | 'K' | null
  /** Percent as a decimal string ("2" = 2 %). */
  discountPercentage: string
  discountDays: number
}

export interface ChartOfAccounts {
  journals: ChartJournal[]
  glAccounts: ChartGlAccount[]
  vatCodes: ChartVatCode[]
  paymentConditions: ChartPaymentCondition[]
}

export const JOURNAL_TYPE = { sales: 20, purchase: 22 } as const

/** GL account types that carry the balance of a relation, VAT or money: Exact refuses entry lines on them. */
export const CONTROL_GL_TYPES: readonly number[] = [10, 12, 14, 16, 20, 21, 22, 24]

/** Codes compare trimmed: Exact pads VAT codes to 3 and account codes to 18 characters. */
export function sameCode(a: string, b: string): boolean {
  return a.trim() === b.trim()
}

/** Chart order by code, numbers numerically ("60" < "70" < "700"), so proposals do not depend on API order. */
export function byCode<T extends { code: string }>(a: T, b: T): number {
  return a.code.trim().localeCompare(b.code.trim(), 'en', { numeric: true })
}
