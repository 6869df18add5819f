import {
  discountPercentScale,
  type ChartOfAccounts,
  type ChartPaymentCondition,
  type PercentScale,
  type VatCodeType,
} from '../domain/chart'
import type { ExactClient } from './client'
import { numberOr, optionalString, percentFromFraction, percentFromPercent, trimCode, type WireRecord } from './wire'

export interface FetchChartOptions {
  /**
   * The scale of PaymentConditions.DiscountPercentage when the conformance probe has found it for
   * this tenant; without it the values themselves decide (domain/chart.ts discountPercentScale).
   */
  discountPercentScale?: PercentScale
}

/** The fields read per resource; the parsers below read nothing else. */
export const CHART_SELECT = {
  journals: 'Code,Type,Description,Currency,AllowVariableCurrency',
  glAccounts: 'ID,Code,Type,Description',
  vatCodes: 'Code,Description,Percentage,VATTransactionType,Type',
  paymentConditions:
    'Code,Description,PaymentDays,PaymentDiscountType,DiscountPercentage,DiscountPaymentDays,DiscountCalculation,VATCalculation',
} as const

/**
 * The division's chart (journals, GL accounts, VAT codes, payment conditions) in our vocabulary.
 * Percentages: VATCodes.Percentage is a fraction (0.21 -> "21"). PaymentConditions.DiscountPercentage
 * is read in whichever scale Exact stores it (exact-reality #4): see discountPercentScale.
 */
export async function fetchChart(client: ExactClient, opts: FetchChartOptions = {}): Promise<ChartOfAccounts> {
  // Sequential on purpose: the limiter runs one call per division at a time anyway.
  const journals = await client.list('financial/Journals', { $select: CHART_SELECT.journals })
  // The bulk endpoint pages by 1000 where financial/GLAccounts pages by 60: one call for most charts.
  const glAccounts = await client.list('bulk/Financial/GLAccounts', { $select: CHART_SELECT.glAccounts })
  const vatCodes = await client.list('vat/VATCodes', { $select: CHART_SELECT.vatCodes })
  const conditions = await client.list('cashflow/PaymentConditions', { $select: CHART_SELECT.paymentConditions })
  return chartFromWire({ journals, glAccounts, vatCodes, conditions }, opts)
}

/** Exact's rows of the four resources in our vocabulary (pure: the probe and tests feed it rows). */
export function chartFromWire(
  rows: { journals: WireRecord[]; glAccounts: WireRecord[]; vatCodes: WireRecord[]; conditions: WireRecord[] },
  opts: FetchChartOptions = {},
): ChartOfAccounts {
  const scale = discountPercentScale(
    rows.conditions.map((p) => p.DiscountPercentage as number | string | null | undefined),
    opts.discountPercentScale,
  )
  return {
    journals: rows.journals.map((j) => ({
      code: trimCode(j.Code),
      type: numberOr(j.Type, 0),
      description: String(j.Description ?? ''),
      currency: optionalString(j.Currency),
      allowVariableCurrency: typeof j.AllowVariableCurrency === 'boolean' ? j.AllowVariableCurrency : null,
    })),
    glAccounts: rows.glAccounts.map((g) => ({
      id: String(g.ID),
      code: trimCode(g.Code),
      type: numberOr(g.Type, 0),
      description: String(g.Description ?? ''),
    })),
    vatCodes: rows.vatCodes.map((v) => ({
      code: trimCode(v.Code),
      percentage: percentFromFraction(v.Percentage),
      transactionType: trimCode(v.VATTransactionType),
      description: String(v.Description ?? ''),
      type: vatCodeType(v.Type),
    })),
    paymentConditions: rows.conditions.map((p) => paymentCondition(p, scale)),
  }
}

function vatCodeType(value: unknown): VatCodeType | null {
  const t = optionalString(value)
  return t === 'B' || t === 'E' || t === 'I' || t === 'N' ? t : null
}

function eOrI(value: unknown): 'E' | 'I' | null {
  const v = optionalString(value)
  return v === 'E' || v === 'I' ? v : null
}

function paymentCondition(p: WireRecord, scale: PercentScale): ChartPaymentCondition {
  const type = optionalString(p.PaymentDiscountType)
  return {
    code: trimCode(p.Code),
    description: String(p.Description ?? ''),
    paymentDays: numberOr(p.PaymentDays, 0),
    discountType: type === 'B' || type === 'K' ? type : null,
    discountPercentage:
      scale === 'percent' ? percentFromPercent(p.DiscountPercentage) : percentFromFraction(p.DiscountPercentage),
    discountDays: numberOr(p.DiscountPaymentDays, 0),
    discountCalculation: eOrI(p.DiscountCalculation),
    vatCalculation: eOrI(p.VATCalculation),
  }
}
