import { CREDIT_NOTE_ENTRY_TYPE } from './chart'
import { money, type Money } from './money'
import type { InvoiceType } from './types'

/**
 * How to read the figures Exact gives back for a booked entry (POST answer, read-back, marker search).
 *
 * A zero or missing header total is no total: a live PurchaseEntries POST answer came back with
 * AmountFC 0 and VATAmountFC null (exact-reality #10), and a zero stored as Exact's total would make
 * the invoice's payment target 0.
 */
export function knownTotal(total: Money | null): Money | null {
  return total === null || money(total).eq(0) ? null : total
}

/** Exact's total differs from ours (its rounding, a line it changed); unknown totals do not differ. */
export function totalDiffers(ours: Money | null, exact: Money | null): boolean {
  const theirs = knownTotal(exact)
  return ours !== null && theirs !== null && !money(ours).eq(money(theirs))
}

/**
 * Exact derives an entry's Type (read-only on SalesEntries/PurchaseEntries); nobody documents from
 * what (exact-reality #17). A negative total must be a credit note (21 sales, 31 purchase), or the
 * Belgian VAT return misses its credit-note grids; a positive one must not be. Unknown: no flag.
 */
export function entryTypeMismatch(side: InvoiceType, total: Money | null, exactType: number | null): boolean {
  if (exactType === null || total === null || money(total).eq(0)) return false
  const creditNote = money(total).lt(0)
  return creditNote !== (exactType === CREDIT_NOTE_ENTRY_TYPE[side])
}
