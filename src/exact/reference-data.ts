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
  const glAccounts = await client.list('financial/GLAccounts', { $select: 'ID,Code,Type,Description' })
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

/**
 * Charts per (base URL, division), kept `ttlMs` (default 1 h). One per process, passed to every
 * connector; concurrent misses share one fetch. `invalidate` after a settings change or a
 * refusal that names a code ("Invalid reference").
 */
export class ChartCache {
  private readonly entries = new Map<string, { at: number; chart: Promise<ChartOfAccounts> }>()

  constructor(private readonly opts: { ttlMs?: number; now?: () => number } = {}) {}

  get(key: string, load: () => Promise<ChartOfAccounts>): Promise<ChartOfAccounts> {
    const now = (this.opts.now ?? Date.now)()
    const hit = this.entries.get(key)
    if (hit && now - hit.at < (this.opts.ttlMs ?? 3_600_000)) return hit.chart
    const chart = load()
    this.entries.set(key, { at: now, chart })
    // A failed fetch must not be cached.
    chart.catch(() => {
      if (this.entries.get(key)?.chart === chart) this.entries.delete(key)
    })
    return chart
  }

  invalidate(key?: string): void {
    if (key === undefined) this.entries.clear()
    else this.entries.delete(key)
  }
}
