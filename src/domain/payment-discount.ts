import Big from 'big.js'
import { roundCents } from './allocation'
import { assertNever } from './types'

/**
 * Belgian payment conditions (exact-online.md §7), as the maths needs them.
 *
 * - discount_for_cash (korting contant / betalingskorting, Exact PaymentDiscountType B): the customer
 *   may deduct `percent` of the amount excluding VAT when paying within the discount days. Belgian
 *   VAT (art. 28, 1° W.BTW) is computed on the amount AFTER the discount, even if the customer pays
 *   late. So: discount D = net × percent, VAT base = net − D, VAT = base × rate, and the invoice
 *   total (what a late payer owes) = net + VAT; paid in time: net − D + VAT.
 *
 * - credit_limitation (kredietbeperking, type K): a surcharge S = net × percent is ADDED to the
 *   invoice and may be deducted when paying in time; VAT is computed on the amount without it. So:
 *   VAT base = net, VAT = net × rate, invoice total = net + S + VAT; paid in time: net + VAT.
 *   (The same economics as a net price of net + S with a discount S, written the way Belgian
 *   invoices show it: the lines are the price, the surcharge is a separate amount.)
 *
 * Rounding: D is computed per VAT group (it reduces that group's VAT base) and rounded half away
 * from zero to cents; the invoice's discount is the sum of the groups', which can differ by a cent
 * from rounding net × percent once. S does not touch any VAT base, so it is computed once on the
 * whole net. DiscountCalculation in Exact must be E (on the amount excluding VAT) to agree.
 */
export type DiscountKind = 'none' | 'discount_for_cash' | 'credit_limitation'

/** A payment condition from the tenant's settings, resolved for one invoice type. */
export interface ResolvedPaymentCondition {
  /** settings.paymentConditions[].id (the app's name for it). */
  id: string
  /** The Exact payment condition code the entry carries. */
  exactCode: string
  kind: DiscountKind
  /** Percent as a decimal string, "2" = 2 %. "0" when kind is none. */
  percent: string
  /** Where the discount / surcharge line goes (separate_line, and the credit-limitation surcharge). */
  glAccount: string | null
}

/**
 * Where the discount or surcharge sits in the entry (settings.paymentDiscountBooking):
 *
 * - payment_condition: revenue/cost lines at their net amounts, each with its VAT on the discounted
 *   base; the entry carries the condition's code and Exact applies the discount when the payment is
 *   matched. Simplest for the bookkeeper; relies on Exact's condition for the discount.
 * - separate_line: revenue/cost lines reduced to the VAT base (net − their share of D), plus one
 *   line of +D on the condition's GL account at 0 % VAT: revenue shows what VAT was charged on and
 *   the discount account holds the amount the customer may still deduct (a late payer's D stays
 *   there as income; an in-time payer's is written off against it at matching).
 *
 * Both keep sum(lines) + VAT = invoice total (gross), so the receivable in Exact equals the
 * invoice. Credit limitation books the same in both modes: lines at net, VAT on net, plus a line
 * of +S on the credit-limitation GL account at 0 % VAT: the surcharge is owed but carries no VAT,
 * and it must be in the entry or the receivable would be S short of the invoice.
 *
 * The entry carries the Exact condition code in both modes: it drives the due date and lets Exact
 * match an in-time payment (total − D) without leaving D open. Nothing is discounted twice: the
 * receivable is the same gross total either way.
 */
export type PaymentDiscountBooking = 'payment_condition' | 'separate_line'

export const NO_CONDITION: ResolvedPaymentCondition = Object.freeze({
  id: '',
  exactCode: '',
  kind: 'none',
  percent: '0',
  glAccount: null,
})

export function fractionOf(condition: ResolvedPaymentCondition): Big {
  switch (condition.kind) {
    case 'none':
      return new Big(0)
    case 'discount_for_cash':
    case 'credit_limitation':
      return new Big(condition.percent).div(100)
    default:
      return assertNever(condition.kind)
  }
}

/** The discount for cash of one VAT group: what the customer may deduct; 0 for other kinds. */
export function groupDiscount(groupNet: Big, condition: ResolvedPaymentCondition): Big {
  return condition.kind === 'discount_for_cash' ? roundCents(groupNet.times(fractionOf(condition))) : new Big(0)
}

/** The credit-limitation surcharge of the whole invoice; 0 for other kinds. */
export function creditSurcharge(net: Big, condition: ResolvedPaymentCondition): Big {
  return condition.kind === 'credit_limitation' ? roundCents(net.times(fractionOf(condition))) : new Big(0)
}
