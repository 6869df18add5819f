import type { ChartOfAccounts, ChartPaymentCondition } from '../domain/chart'
import type { ExactClient } from './client'
import { numberOr, optionalString, percentFromFraction, trimCode, type WireRecord } from './wire'

/**
 * The division's chart (journals, GL accounts, VAT codes, payment conditions) in our vocabulary.
 * Percentages: VATCodes.Percentage is a fraction (0.21 -> "21"). PaymentConditions.DiscountPercentage
 * is read as a fraction too (0.02 -> "2"), like every other Exact percentage field; its scale is
 * not documented (exact-online.md §7), so this is the one place to change if a tenant says otherwise.
 */
export async function fetchChart(client: ExactClient): Promise<ChartOfAccounts> {
  // Sequential on purpose: the limiter runs one call per division at a time anyway.
  const journals = await client.list('financial/Journals', { $select: 'Code,Type,Description' })
  // The bulk endpoint pages by 1000 where financial/GLAccounts pages by 60: one call for most charts.
  const glAccounts = await client.list('bulk/Financial/GLAccounts', { $select: 'ID,Code,Type,Description' })
  const vatCodes = await client.list('vat/VATCodes', { $select: 'Code,Description,Percentage,VATTransactionType' })
  const conditions = await client.list('cashflow/PaymentConditions', {
    $select: 'Code,Description,PaymentDays,PaymentDiscountType,DiscountPercentage,DiscountPaymentDays',
  })
  return {
    journals: journals.map((j) => ({ code: trimCode(j.Code), type: numberOr(j.Type, 0), description: String(j.Description ?? '') })),
    glAccounts: glAccounts.map((g) => ({
      id: String(g.ID),
      code: trimCode(g.Code),
      type: numberOr(g.Type, 0),
      description: String(g.Description ?? ''),
    })),
    vatCodes: vatCodes.map((v) => ({
      code: trimCode(v.Code),
      percentage: percentFromFraction(v.Percentage),
      transactionType: trimCode(v.VATTransactionType),
      description: String(v.Description ?? ''),
    })),
    paymentConditions: conditions.map(paymentCondition),
  }
}

function paymentCondition(p: WireRecord): ChartPaymentCondition {
  const type = optionalString(p.PaymentDiscountType)
  return {
    code: trimCode(p.Code),
    description: String(p.Description ?? ''),
    paymentDays: numberOr(p.PaymentDays, 0),
    discountType: type === 'B' || type === 'K' ? type : null,
    discountPercentage: percentFromFraction(p.DiscountPercentage),
    discountDays: numberOr(p.DiscountPaymentDays, 0),
  }
}
