import Big from 'big.js'
import { toMoney, type Money } from '../domain/money'
import type { ExactClient } from './client'
import type { EntryType } from './entries'
import { syncPages, type SyncPage } from './sync'
import { amountFromWire, guidLiteral, numberOr, parseDate, parseInt64, trimCode, type WireRecord } from './wire'

/** Exact cashflow Status: 20 open, 30 selected, 40 processed, 50 matched (fully settled). */
const MATCHED = 50

/** The open item of one booked entry: what is owed, what is still outstanding. */
export interface OpenItem {
  /** The term amounts summed: the invoice total. */
  amount: Money
  /** Still to be paid, from the outstanding-items list (0 once matched). */
  outstanding: Money
  /** Payment discount allowed when paid in time (AmountDiscountFC). */
  discount: Money
  status: 'open' | 'matched'
  isFullyPaid: boolean
  lastPaymentDate: string | null
  currency: string
}

const OPEN_ITEM = {
  sales: {
    path: 'cashflow/Receivables',
    list: 'read/financial/ReceivablesList',
    select: 'Account,EntryNumber,Journal,AmountFC,AmountDiscountFC,Status,IsFullyPaid,LastPaymentDate,Currency',
  },
  // Payments has no IsFullyPaid: derived from Status.
  purchase: {
    path: 'cashflow/Payments',
    list: 'read/financial/PayablesList',
    select: 'Account,EntryNumber,Journal,AmountFC,AmountDiscountFC,Status,LastPaymentDate,Currency',
  },
} as const

const sum = (rows: WireRecord[], field: string): Money =>
  toMoney(rows.reduce((acc, r) => acc.plus(r[field] === null || r[field] === undefined ? 0 : new Big(amountFromWire(r[field]))), new Big(0)))

/**
 * The receivable (sales) or payable (purchase) of an entry; null when Exact has none (deleted
 * entry). Receivables/Payments carry the term amount whatever was paid, so the outstanding part
 * comes from Receivables/PayablesList (outstanding items only; filtered on AccountId, the filter
 * known to work there), matched by entry number and journal. An entry split into terms has
 * several rows: amounts are summed, and it is matched only when every term is. Two calls only
 * when partly paid.
 */
export async function getOpenItem(client: ExactClient, type: EntryType, entryId: string): Promise<OpenItem | null> {
  const def = OPEN_ITEM[type]
  const rows = await client.list(def.path, { $filter: `TransactionEntryID eq ${guidLiteral(entryId)}`, $select: def.select })
  if (rows.length === 0) return null
  const first = rows[0]!
  const matched = rows.every((r) => numberOr(r.Status, 0) === MATCHED)
  const dates = rows.map((r) => parseDate(r.LastPaymentDate)).filter((d): d is string => d !== null).sort()
  const amount = sum(rows, 'AmountFC')
  // Nothing paid yet: all of it is outstanding, no second call needed.
  let outstanding: Money = matched ? '0.00' : amount
  if (!matched && dates.length > 0 && typeof first.Account === 'string') {
    const listed = await client.list(def.list, { $filter: `AccountId eq ${guidLiteral(first.Account)}`, $select: 'Amount,EntryNumber,JournalCode' })
    const mine = listed.filter((r) => String(r.EntryNumber) === String(first.EntryNumber) && trimCode(r.JournalCode) === trimCode(first.Journal))
    outstanding = sum(mine, 'Amount')
  }
  return {
    amount,
    outstanding,
    discount: sum(rows, 'AmountDiscountFC'),
    status: matched ? 'matched' : 'open',
    isFullyPaid: type === 'sales' ? rows.every((r) => r.IsFullyPaid === true) : matched,
    lastPaymentDate: dates.at(-1) ?? null,
    currency: trimCode(first.Currency),
  }
}

/** One row of sync/Cashflow/PaymentTerms: receivables (LineType 20) and payables (22) together. */
export interface PaymentTerm {
  timestamp: string
  transactionEntryId: string
  entryNumber: number | null
  lineType: 20 | 22
  amountOutstanding: Money
  total: Money
  discount: Money
  status: 'open' | 'matched'
  isFullyPaid: boolean
  lastPaymentDate: string | null
  currency: string
}

const TERM_SELECT =
  'Timestamp,TransactionEntryID,EntryNumber,LineType,AmountFC,TransactionAmountFC,AmountDiscountFC,Status,IsFullyPaid,LastPaymentDate,Currency'

function termFromWire(r: WireRecord): PaymentTerm {
  const matched = numberOr(r.Status, 0) === MATCHED
  const money = (v: unknown): Money => (v === null || v === undefined ? '0.00' : amountFromWire(v))
  return {
    timestamp: parseInt64(r.Timestamp),
    transactionEntryId: String(r.TransactionEntryID),
    entryNumber: r.EntryNumber === null || r.EntryNumber === undefined ? null : numberOr(r.EntryNumber, 0),
    lineType: numberOr(r.LineType, 20) === 22 ? 22 : 20,
    amountOutstanding: money(r.AmountFC),
    total: money(r.TransactionAmountFC),
    discount: money(r.AmountDiscountFC),
    status: matched ? 'matched' : 'open',
    isFullyPaid: r.IsFullyPaid === true || matched,
    lastPaymentDate: parseDate(r.LastPaymentDate),
    currency: trimCode(r.Currency),
  }
}

/** Changed payment terms since `since` (a stored Timestamp; 1 on the first run), page by page. */
export function syncPaymentTerms(client: ExactClient, since: bigint | string): AsyncGenerator<SyncPage<PaymentTerm>> {
  return syncPages(client, 'sync/Cashflow/PaymentTerms', TERM_SELECT, since, termFromWire)
}
