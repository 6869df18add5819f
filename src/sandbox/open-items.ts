import { sum, ZERO, type Decimal } from './decimal'
import { entryAmount } from './ledger'
import { nextTimestamp, type Division, type Entry, type Payment } from './model'

/**
 * One payment term (open item) per entry; its id is the entry's EntryID. Payments booked through the
 * control API match against it; `discount` is the payment discount granted at matching.
 */
export function activePayments(division: Division, entry: Entry): Payment[] {
  return (division.paymentsByEntry.get(entry.EntryID) ?? []).filter((p) => p.active)
}

export interface TermState {
  total: Decimal
  paid: Decimal
  discount: Decimal
  outstanding: Decimal
  fullyPaid: boolean
  status: 20 | 50
  lastPaymentDate: number | null
  matched: boolean
}

export function termState(division: Division, entry: Entry): TermState {
  const payments = activePayments(division, entry)
  const total = entryAmount(entry)
  const paid = sum(payments.map((p) => p.amount))
  const discount = sum(payments.map((p) => p.discount))
  const outstanding = total.minus(paid).minus(discount)
  const fullyPaid = outstanding.eq(0) && (payments.length > 0 || total.eq(0))
  const lastPaymentDate = payments.length ? Math.max(...payments.map((p) => p.date)) : null
  return { total, paid, discount, outstanding, fullyPaid, status: fullyPaid ? 50 : 20, lastPaymentDate, matched: payments.length > 0 }
}

export type PaymentProblem = 'entry_not_found' | 'overpayment' | 'wrong_sign'

export function bookPayment(division: Division, entry: Entry, id: string, amount: Decimal, discount: Decimal,
  date: number, now: number): Payment | PaymentProblem {
  const state = termState(division, entry)
  const applied = amount.plus(discount)
  const sign = state.total.gte(0) ? 1 : -1
  if ((sign > 0 && (amount.lt(0) || discount.lt(0))) || (sign < 0 && (amount.gt(0) || discount.gt(0)))) return 'wrong_sign'
  if (applied.abs().gt(state.outstanding.abs())) return 'overpayment'
  const payment: Payment = { id, entryId: entry.EntryID, amount, discount: discount ?? ZERO, date, created: now, active: true }
  division.payments.set(id, payment)
  division.paymentsByEntry.set(entry.EntryID, [...(division.paymentsByEntry.get(entry.EntryID) ?? []), payment])
  entry.termTimestamp = nextTimestamp(division)
  return payment
}

export function unmatchPayment(division: Division, payment: Payment): void {
  payment.active = false
  const entry = division.entries.get(payment.entryId)
  if (entry) entry.termTimestamp = nextTimestamp(division)
}
