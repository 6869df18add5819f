import Big from 'big.js'

/**
 * An Exact administration's reference data, in our vocabulary. The connector maps Exact's
 * financial/Journals, financial/GLAccounts, vat/VATCodes and cashflow/PaymentConditions into it:
 * codes unpadded (trimmed), percentages as decimal strings in percent ("21", "2"), never fractions.
 */
export interface ChartJournal {
  code: string
  /** Exact Journals.Type: 20 sales, 21 return invoice, 22 purchase, 23 received return invoice, 90 general, 10 cash, 12 bank, ... */
  type: number
  description: string
  /** Journals.Currency: the journal's default currency; null when Exact names none. */
  currency: string | null
  /**
   * Journals.AllowVariableCurrency: false means `currency` is the only currency the journal books
   * (picqer:Journal.php); null when Exact did not say, and then nothing is refused on it.
   */
  allowVariableCurrency: boolean | null
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
  /**
   * VATCodes.Type: B "0 % (only base amount)", E excluding, I including, N no VAT. Every type but N
   * reports a base in the VAT return; null when Exact did not say.
   */
  type: VatCodeType | null
}

export type VatCodeType = 'B' | 'E' | 'I' | 'N'

export interface ChartPaymentCondition {
  code: string
  description: string
  paymentDays: number
  /** B discount for cash (betalingskorting), K credit limitation (kredietbeperking), null none. */
  discountType: 'B' | 'K' | null
  /** Percent as a decimal string ("2" = 2 %), whatever scale Exact stored it in (see discountPercentScale). */
  discountPercentage: string
  discountDays: number
  /** DiscountCalculation: E the discount is a share of the amount excluding VAT, I including VAT; null when unset. */
  discountCalculation: 'E' | 'I' | null
  /** VATCalculation: E VAT on the amount excluding the discount, I including it; null when unset. */
  vatCalculation: 'E' | 'I' | null
}

export interface ChartOfAccounts {
  journals: ChartJournal[]
  glAccounts: ChartGlAccount[]
  vatCodes: ChartVatCode[]
  paymentConditions: ChartPaymentCondition[]
}

export const JOURNAL_TYPE = { sales: 20, purchase: 22 } as const
/** Journals a credit note may go to: the side's own type, or Exact's return-invoice types 21 / 23. */
export const CREDIT_NOTE_JOURNAL_TYPES = { sales: [20, 21], purchase: [22, 23] } as const
/** The entry Type Exact gives a credit note (TransactionLines / SalesEntries Type 21, PurchaseEntries 31). */
export const CREDIT_NOTE_ENTRY_TYPE = { sales: 21, purchase: 31 } as const

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

export type PercentScale = 'fraction' | 'percent'

/**
 * In which scale Exact stores PaymentConditions.DiscountPercentage. Its page documents it as
 * "Discount percentage" while the sibling Percentage is "(stored as fraction)" (exact-reality #4), and
 * no live sample is known. A known scale (the conformance probe's finding for the tenant) decides;
 * otherwise any value of 1 or more means percent (as a fraction, 1 would be a 100 % discount), and
 * only values below 1 are read as fractions. Pure, so the probe and the chart reader agree.
 */
export function discountPercentScale(
  values: ReadonlyArray<number | string | null | undefined>,
  known?: PercentScale,
): PercentScale {
  if (known !== undefined) return known
  return values.some((v) => v !== null && v !== undefined && v !== '' && new Big(v).gte(1)) ? 'percent' : 'fraction'
}

/**
 * A chart stored before a field was added lacks it, and a missing field is not "Exact said null":
 * a payment condition without `discountCalculation` would be refused as not computing on the amount
 * excluding VAT. Such a copy is stale whatever its age: read the chart again.
 */
export function chartHasCurrentShape(chart: ChartOfAccounts): boolean {
  return (
    chart.journals.every((j) => 'allowVariableCurrency' in j) &&
    chart.vatCodes.every((v) => 'type' in v) &&
    chart.paymentConditions.every((c) => 'discountCalculation' in c && 'vatCalculation' in c)
  )
}
