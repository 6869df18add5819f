import { round2, sum, ZERO, type Decimal } from './decimal'
import type { IdFactory } from './ids'
import { entryAmount } from './entry-amounts'
import { addTombstone, nextTimestamp, type Division, type Entry, type Payment, type TermRow } from './model'
import { sameCode } from './resources/padding'

/**
 * An entry's payment terms. It is booked with one open row; a payment for less than what is open
 * splits off a matched row with its own ID, a payment for the rest matches the open row itself, and
 * unmatching a payment merges its row back (README "Open items and payment terms").
 */
export function newTermRow(division: Division, ids: IdFactory, original: boolean, now: number): TermRow {
  return {
    ID: ids.next(),
    payment: null,
    amount: null,
    original,
    Timestamp: nextTimestamp(division, 'PaymentTerms', now),
    Modified: now,
  }
}

export function openRow(entry: Entry): TermRow | undefined {
  return entry.terms.find((t) => t.payment === null)
}

/** A matched row's amount, or what is still open for the open row. */
export function rowAmount(entry: Entry, row: TermRow): Decimal {
  return row.amount ?? entryAmount(entry).minus(sum(entry.terms.map((t) => t.amount ?? ZERO)))
}

/**
 * The settlement discount (B) or credit surcharge (K) the payment condition offers: DiscountPercentage
 * of the net amount (DiscountCalculation E) or of the amount incl. VAT (I) (picqer PaymentCondition.php).
 */
export function offeredDiscount(division: Division, entry: Entry): Decimal {
  const condition = division.paymentConditions.find((p) => sameCode(p.Code, entry.PaymentCondition))
  if (!condition?.PaymentDiscountType) return ZERO
  const base = condition.DiscountCalculation === 'I' ? entryAmount(entry) : sum(entry.lines.map((l) => l.AmountFC))
  return round2(base.times(condition.DiscountPercentage))
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

export function termState(entry: Entry): TermState {
  const payments = entry.terms.flatMap((t) => (t.payment ? [t.payment] : []))
  const total = entryAmount(entry)
  const open = openRow(entry)
  const outstanding = open ? rowAmount(entry, open) : ZERO
  const fullyPaid = outstanding.eq(0) && (payments.length > 0 || total.eq(0))
  return {
    total,
    outstanding,
    fullyPaid,
    status: fullyPaid ? 50 : 20,
    matched: payments.length > 0,
    paid: sum(payments.map((p) => p.amount)),
    discount: sum(payments.map((p) => p.discount)),
    lastPaymentDate: payments.length ? Math.max(...payments.map((p) => p.date)) : null,
  }
}

/** Every row changed with the entry (header PUT, line changes): new row versions. */
export function touchTerms(division: Division, entry: Entry, now: number): void {
  for (const row of entry.terms)
    Object.assign(row, { Timestamp: nextTimestamp(division, 'PaymentTerms', now), Modified: now })
}

export type PaymentProblem = 'overpayment' | 'wrong_sign'

export function bookPayment(
  division: Division,
  ids: IdFactory,
  entry: Entry,
  amount: Decimal,
  discount: Decimal,
  date: number,
  now: number,
  via: Payment['via'] = 'bank',
): Payment | PaymentProblem {
  const open = openRow(entry)
  const outstanding = open ? rowAmount(entry, open) : ZERO
  const applied = amount.plus(discount)
  const positive = entryAmount(entry).gte(0)
  if ((positive && (amount.lt(0) || discount.lt(0))) || (!positive && (amount.gt(0) || discount.gt(0))))
    return 'wrong_sign'
  if (!open || applied.abs().gt(outstanding.abs())) return 'overpayment'
  const payment: Payment = {
    id: ids.next(),
    entryId: entry.EntryID,
    amount,
    discount,
    date,
    created: now,
    active: true,
    via,
  }
  division.payments.set(payment.id, payment)
  const matched = applied.eq(outstanding) ? open : newTermRow(division, ids, false, now)
  if (matched !== open) entry.terms.push(matched)
  Object.assign(matched, { payment, amount: applied })
  for (const row of new Set([open, matched]))
    Object.assign(row, { Timestamp: nextTimestamp(division, 'PaymentTerms', now), Modified: now })
  return payment
}

/** Its row merges into the open row (and is tombstoned, EntityType 10), or becomes the open row again. */
export function unmatchPayment(division: Division, ids: IdFactory, payment: Payment, now: number): void {
  payment.active = false
  const entry = division.entries.get(payment.entryId)
  const row = entry?.terms.find((t) => t.payment === payment)
  if (!entry || !row) return
  const open = openRow(entry)
  if (open) {
    entry.terms = entry.terms.filter((t) => t !== row)
    if (row.original) open.original = true
    Object.assign(open, { Timestamp: nextTimestamp(division, 'PaymentTerms', now), Modified: now })
    addTombstone(division, ids, row.ID, 10, now)
  } else {
    Object.assign(row, {
      payment: null,
      amount: null,
      Timestamp: nextTimestamp(division, 'PaymentTerms', now),
      Modified: now,
    })
  }
}
