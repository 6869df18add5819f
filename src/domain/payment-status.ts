import { Type, type Static } from '@sinclair/typebox'
import type Big from 'big.js'
import { money, toMoney, type Money } from './money'

/**
 * An exported invoice's payment state, worked out from its open item in Exact. Pure: the service
 * feeds it what Exact said (its payment terms, the booked total).
 *
 * Signs follow the invoice: a credit note (or a purchase credit note) has a negative amount and
 * pays down towards zero from below, so every comparison is made on the amount's own side.
 */
export const PaymentStateStatusSchema = Type.Union([
  Type.Literal('unpaid'),
  Type.Literal('partially_paid'),
  Type.Literal('paid'),
])
export type PaymentStateStatus = Static<typeof PaymentStateStatusSchema>

export interface OpenItemFacts {
  /** The invoice total as booked (negative for a credit note). */
  amount: Money
  /** What is still open on the item, same sign as amount (or zero). */
  outstanding: Money
  /** Payment discount the payer actually took (same sign as amount, or zero); never the discount merely on offer. */
  discount: Money
  /** Exact says the item is closed (Status 50 matched / IsFullyPaid), whatever the remainder. */
  matched: boolean
}

export interface PaymentFigures {
  status: PaymentStateStatus
  amount: Money
  paid: Money
  discount: Money
  outstanding: Money
}

/**
 * - matched -> paid; outstanding is 0 and paid is the amount less the discount taken (a remainder
 *   Exact closed as a payment difference counts as settled);
 * - a zero amount that Exact does not call matched -> unpaid: a zero or missing entry total says
 *   nothing about payments (a POST answer can carry AmountFC 0, exact-reality #10);
 * - nothing outstanding -> paid, no discount;
 * - outstanding covers the whole amount (or more) -> unpaid, paid 0;
 * - otherwise partially_paid with paid = amount - outstanding (a discount not taken yet is never
 *   subtracted: the payer may still pay late, in full).
 */
export function paymentFigures(facts: OpenItemFacts): PaymentFigures {
  const amount = money(facts.amount)
  const sign = amount.lt(0) ? -1 : 1
  const outstanding = money(facts.outstanding)
  // Outstanding on the amount's own side; an item that flipped sign (over-payment) has nothing open.
  const open = outstanding.times(sign).lt(0) ? money('0') : outstanding
  if (facts.matched) {
    const discount = clampToSide(money(facts.discount), amount)
    return {
      status: 'paid',
      amount: toMoney(amount),
      paid: toMoney(amount.minus(discount)),
      discount: toMoney(discount),
      outstanding: '0.00',
    }
  }
  if (amount.eq(0))
    return { status: 'unpaid', amount: '0.00', paid: '0.00', discount: '0.00', outstanding: toMoney(open) }
  if (open.eq(0))
    return { status: 'paid', amount: toMoney(amount), paid: toMoney(amount), discount: '0.00', outstanding: '0.00' }
  if (open.abs().gte(amount.abs())) {
    return { status: 'unpaid', amount: toMoney(amount), paid: '0.00', discount: '0.00', outstanding: toMoney(amount) }
  }
  return {
    status: 'partially_paid',
    amount: toMoney(amount),
    paid: toMoney(amount.minus(open)),
    discount: '0.00',
    outstanding: toMoney(open),
  }
}

/** A discount on the amount's own side and never more than the amount. */
function clampToSide(discount: Big, amount: Big): Big {
  if (discount.times(amount.lt(0) ? -1 : 1).lt(0)) return money('0')
  return discount.abs().gt(amount.abs()) ? amount : discount
}

/** One of an entry's payment terms (cashflow/Receivables, cashflow/Payments or sync/Cashflow/PaymentTerms row). */
export interface TermFacts {
  /** AmountFC: on a matched term the part of the invoice it settled; on an open term what is still open of it. */
  amount: Money
  /** TransactionAmountFC: the whole invoice's total (the same on every term); null when Exact left it out. */
  total: Money | null
  /**
   * AmountDiscountFC. Its meaning is not settled (exact-reality #3): the discount on offer (filled when
   * the term is made from the payment condition) or the discount granted at matching. Read only as
   * "the most the payer may have deducted", never as a discount taken.
   */
  discount: Money
  matched: boolean
  lastPaymentDate: string | null
  /** DiscountDueDate: the last day a payment earns the discount; null when the item offers none. */
  discountDueDate: string | null
}

/**
 * Does a live reading need the outstanding-items list (ReceivablesList / PayablesList) on top of
 * the terms? Only when something was paid, the item is still open and the terms show no split:
 * Exact splits a part-paid term into a matched part and an open remainder whose AmountFC is what is
 * left (exact-support), so a split already tells the outstanding amount; one open term with a
 * payment date may still carry its whole amount.
 */
export function needsOutstandingList(terms: readonly TermFacts[]): boolean {
  if (terms.length === 0 || terms.every((t) => t.matched)) return false
  const paidSomething = terms.some((t) => t.matched || t.lastPaymentDate !== null)
  const split = terms.some((t) => t.matched)
  return paidSomething && !split
}

/**
 * An entry's open item from all its terms, in the booked entry's sign.
 *
 * - amount: Exact's invoice total (TransactionAmountFC) when it gives a non-zero one, else the
 *   booked total; a zero or missing total never stands for the invoice.
 * - sign: Exact's figures are turned to the booked entry's sign (the sign of AP amounts in
 *   cashflow/Payments and PayablesList is not documented, exact-reality #18).
 * - outstanding: the list's figure when one was read (`listOutstanding`), else the sum of the terms
 *   not matched (a split's open remainder carries what is left).
 * - discount, only for a matched item: the item was closed for less than its amount by no more than
 *   the discount on offer (the matched parts add up short of the total), or it was closed on a
 *   payment made by the discount due date. Otherwise 0: a late full payment has no discount.
 *   Splits may repeat the offer on each part, so the offer is the largest AmountDiscountFC, not a sum.
 */
export function factsFromTerms(
  terms: readonly TermFacts[],
  opts: { bookedTotal: Money | null; listOutstanding?: Money } = { bookedTotal: null },
): OpenItemFacts & { lastPaymentDate: string | null } {
  if (terms.length === 0) throw new RangeError('an open item has at least one term')
  const termSum = terms.reduce((acc, t) => acc.plus(money(t.amount)), money('0'))
  const exactTotal = terms.map((t) => (t.total === null ? money('0') : money(t.total))).find((t) => !t.eq(0)) ?? termSum
  const booked = opts.bookedTotal === null ? money('0') : money(opts.bookedTotal)
  const flip = !booked.eq(0) && !exactTotal.eq(0) && booked.lt(0) !== exactTotal.lt(0) ? -1 : 1
  const amount = exactTotal.eq(0) ? booked : exactTotal.times(flip)
  const matched = terms.every((t) => t.matched)
  const openSum = terms
    .filter((t) => !t.matched)
    .reduce((acc, t) => acc.plus(money(t.amount)), money('0'))
    .times(flip)
  const outstanding = matched
    ? money('0')
    : opts.listOutstanding !== undefined
      ? money(opts.listOutstanding).times(flip)
      : openSum
  const dates = terms
    .map((t) => t.lastPaymentDate)
    .filter((d): d is string => d !== null)
    .sort()
  const lastPaymentDate = dates.at(-1) ?? null
  return {
    amount: toMoney(amount),
    outstanding: toMoney(outstanding),
    discount: toMoney(matched ? discountTaken(terms, amount, termSum.times(flip), lastPaymentDate, flip) : money('0')),
    matched,
    lastPaymentDate,
  }
}

function discountTaken(
  terms: readonly TermFacts[],
  amount: Big,
  closedFor: Big,
  lastPaymentDate: string | null,
  flip: 1 | -1,
): Big {
  const sign = amount.lt(0) ? -1 : 1
  const offer = terms.reduce((max, t) => {
    const d = money(t.discount).times(flip).times(sign)
    return d.gt(max) ? d : max
  }, money('0'))
  if (offer.eq(0)) return money('0')
  const short = amount.abs().minus(closedFor.abs())
  if (short.gt(0) && short.lte(offer)) return short.times(sign)
  const dueDates = terms
    .map((t) => t.discountDueDate)
    .filter((d): d is string => d !== null)
    .sort()
  const due = dueDates.at(-1)
  if (due !== undefined && lastPaymentDate !== null && lastPaymentDate <= due) return offer.times(sign)
  return money('0')
}

/** The state an invoice has the moment it is booked, before Exact has told us anything. */
export function unpaidFigures(amount: Money): PaymentFigures {
  return paymentFigures({ amount, outstanding: amount, discount: '0.00', matched: false })
}

/** Did anything the app cares about change? (checkedAt alone is not a change.) */
export function paymentChanged(
  before: PaymentFigures & { lastPaymentDate: string | null },
  after: PaymentFigures & { lastPaymentDate: string | null },
): boolean {
  return (
    before.status !== after.status ||
    !money(before.paid).eq(money(after.paid)) ||
    !money(before.outstanding).eq(money(after.outstanding)) ||
    !money(before.discount).eq(money(after.discount)) ||
    !money(before.amount).eq(money(after.amount)) ||
    before.lastPaymentDate !== after.lastPaymentDate
  )
}

/**
 * An invoice's payment status as the services read it: GET /invoices/:id/payment-status and the
 * items of GET /payment-statuses (the views, with checkedAt as an ISO string, are
 * http/schemas/payment-status.ts). `source` says whether Exact was asked just now.
 */
export interface PaymentStatus {
  invoiceId: string
  /** not_exported: no booked entry in Exact (never exported, undone, failed or deleted in Exact). */
  status: 'not_exported' | PaymentStateStatus
  amount: Money | null
  paid: Money | null
  /** Payment discount granted when the invoice was settled. */
  discount: Money | null
  outstanding: Money | null
  currency: string | null
  lastPaymentDate: string | null
  /** When Exact was last read for this invoice. */
  checkedAt: Date | null
  source: 'live' | 'stored'
}

/** One invoice of GET /payment-statuses: a payment status, or not_found for an id the tenant has no invoice for. */
export type PaymentStatusItem = Omit<PaymentStatus, 'status'> & { status: PaymentStatus['status'] | 'not_found' }

export interface PaymentStatuses {
  items: PaymentStatusItem[]
  nextCursor: string | null
  hasMore: boolean
}
