import Big from 'big.js'
import type { InvoiceAmounts } from './invoice-amounts'
import type { PaymentDiscountBooking, ResolvedPaymentCondition } from './payment-discount'
import { assertNever } from './types'

/**
 * The amounts of the entry's lines for one invoice, before codes are attached (see the layout
 * decisions on PaymentDiscountBooking in payment-discount.ts). Invariants, for every mode and
 * condition: sum(amount) + sum(vatAmount) = amounts.gross, and the invoice lines' vatBase adds up to
 * amounts.vatBase (what the VAT return reports). An adjustment line's base is its own amount: its
 * VAT code (type N) keeps it out of every reported base, as the VAT return needs.
 */
export type LayoutLine =
  | { kind: 'invoice_line'; lineIndex: number; amount: Big; vatAmount: Big; vatBase: Big }
  | { kind: 'discount_for_cash' | 'credit_limitation'; amount: Big; vatAmount: Big; vatBase: Big }

export function layoutEntryLines(
  amounts: InvoiceAmounts,
  condition: ResolvedPaymentCondition,
  booking: PaymentDiscountBooking,
): LayoutLine[] {
  const atNet = amounts.lines.map((line, lineIndex): LayoutLine => ({
    kind: 'invoice_line',
    lineIndex,
    amount: line.net,
    vatAmount: line.vat,
    vatBase: line.vatBase,
  }))
  switch (condition.kind) {
    case 'none':
      return atNet
    case 'credit_limitation':
      return amounts.surcharge.eq(0) ? atNet : [...atNet, adjustment('credit_limitation', amounts.surcharge)]
    case 'discount_for_cash':
      return discountForCash(amounts, booking, atNet)
    default:
      return assertNever(condition.kind)
  }
}

function discountForCash(amounts: InvoiceAmounts, booking: PaymentDiscountBooking, atNet: LayoutLine[]): LayoutLine[] {
  switch (booking) {
    case 'payment_condition':
      return atNet
    case 'separate_line': {
      if (amounts.discount.eq(0)) return atNet
      const atBase = amounts.lines.map((line, lineIndex): LayoutLine => ({
        kind: 'invoice_line',
        lineIndex,
        amount: line.vatBase,
        vatAmount: line.vat,
        vatBase: line.vatBase,
      }))
      return [...atBase, adjustment('discount_for_cash', amounts.discount)]
    }
    default:
      return assertNever(booking)
  }
}

function adjustment(kind: 'discount_for_cash' | 'credit_limitation', amount: Big): LayoutLine {
  return { kind, amount, vatAmount: new Big(0), vatBase: amount }
}
