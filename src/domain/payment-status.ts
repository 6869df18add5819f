import { Type, type Static } from '@sinclair/typebox'
import { money, MoneySchema, toMoney, type Money } from './money'
import { Nullable, StringEnum } from './schema-shapes'

/**
 * An exported invoice's payment state, worked out from its open item in Exact. Pure: the service
 * feeds it what Exact said (amount, outstanding, discount granted, matched flag).
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
  /** The invoice total as booked in Exact (negative for a credit note). */
  amount: Money
  /** What is still open on the item, same sign as amount (or zero). */
  outstanding: Money
  /** Payment discount granted when the item was matched (same sign as amount, or zero). */
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
 * - matched or nothing outstanding -> paid; outstanding is 0 and paid is the amount less the
 *   discount taken (a remainder Exact closed as a payment difference counts as settled);
 * - outstanding covers the whole amount (or more) -> unpaid, paid 0;
 * - otherwise partially_paid with paid = amount - outstanding - discount.
 */
export function paymentFigures(facts: OpenItemFacts): PaymentFigures {
  const amount = money(facts.amount)
  const discount = money(facts.discount)
  const outstanding = money(facts.outstanding)
  const sign = amount.lt(0) ? -1 : 1
  // Outstanding on the amount's own side; an item that flipped sign (over-payment) has nothing open.
  const open = outstanding.times(sign).lt(0) ? money('0') : outstanding
  if (facts.matched || open.eq(0)) {
    return { status: 'paid', amount: toMoney(amount), paid: toMoney(amount.minus(discount)), discount: toMoney(discount), outstanding: '0.00' }
  }
  if (open.abs().gte(amount.abs())) {
    return { status: 'unpaid', amount: toMoney(amount), paid: '0.00', discount: '0.00', outstanding: toMoney(amount) }
  }
  return {
    status: 'partially_paid',
    amount: toMoney(amount),
    paid: toMoney(amount.minus(open).minus(discount)),
    discount: toMoney(discount),
    outstanding: toMoney(open),
  }
}

/** One of an entry's payment terms as Exact's sync reports it. */
export interface TermFacts {
  /** AmountFC: the term's amount; on an open term, what is still open of it. */
  amount: Money
  /** TransactionAmountFC: the whole invoice's total (the same on every term). */
  total: Money
  discount: Money
  matched: boolean
  lastPaymentDate: string | null
}

/**
 * An entry's open item from all its terms. Exact splits a term when part of it is paid on another
 * date (the paid part matched, the rest open), so what is open is the sum over the terms not
 * matched; the invoice is matched only when every term is.
 */
export function factsFromTerms(terms: readonly TermFacts[]): OpenItemFacts & { lastPaymentDate: string | null } {
  if (terms.length === 0) throw new RangeError('an open item has at least one term')
  const open = terms.filter((t) => !t.matched).reduce((acc, t) => acc.plus(money(t.amount)), money('0'))
  const discount = terms.reduce((acc, t) => acc.plus(money(t.discount)), money('0'))
  const dates = terms.map((t) => t.lastPaymentDate).filter((d): d is string => d !== null).sort()
  return {
    amount: toMoney(money(terms[0]!.total)),
    outstanding: toMoney(open),
    discount: toMoney(discount),
    matched: terms.every((t) => t.matched),
    lastPaymentDate: dates.at(-1) ?? null,
  }
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

/** GET /invoices/:id/payment-status: what the app shows; `source` says whether Exact was asked just now. */
export const PaymentStatusSchema = Type.Object(
  {
    invoiceId: Type.String(),
    status: StringEnum(['not_exported', 'unpaid', 'partially_paid', 'paid'], {
      description: 'not_exported: no booked entry in Exact (never exported, undone, failed or deleted in Exact)',
    }),
    amount: Nullable(MoneySchema),
    paid: Nullable(MoneySchema),
    discount: Nullable(Type.String({ ...MoneySchema, description: 'Payment discount granted when the invoice was settled' })),
    outstanding: Nullable(MoneySchema),
    currency: Nullable(Type.String({ minLength: 3, maxLength: 3 })),
    lastPaymentDate: Nullable(Type.String({ format: 'date' })),
    checkedAt: Nullable(Type.String({ format: 'date-time', description: 'When Exact was last read for this invoice' })),
    source: StringEnum(['live', 'stored'], {
      description: 'live: Exact was asked during this request; stored: answered from the last reading (paid invoices, not exported ones)',
    }),
  },
  // Nullable and StringEnum, not unions: Fastify serializes this on every read (schema-shapes.ts).
  { $id: 'PaymentStatus', additionalProperties: false },
)
export type PaymentStatus = Static<typeof PaymentStatusSchema>
