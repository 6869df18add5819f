import Big from 'big.js'
import { toMoney, type Money } from '../domain/money'
import type { ExactClient } from './client'
import type { EntryType } from './entries'
import { syncPages, type SyncPage } from './sync'
import { amountFromWire, guidLiteral, numberOr, odataString, parseDate, parseInt64, trimCode, type WireRecord } from './wire'

/** cashflow Status 50: the item is matched (settled). */
const MATCHED = 50

/** What one live look-up learned about an entry's open item, in our vocabulary. */
export interface OpenItemReading {
  amount: Money
  outstanding: Money
  /** Payment discount granted at matching (AmountDiscountFC). */
  discount: Money
  matched: boolean
  lastPaymentDate: string | null
  currency: string
  /** Exact calls this reading cost (1 or 2). */
  calls: number
}

const OPEN_ITEMS = {
  sales: { path: 'cashflow/Receivables', list: 'read/financial/ReceivablesList', select: 'AmountFC,TransactionAmountFC,AmountDiscountFC,Status,IsFullyPaid,LastPaymentDate,Currency' },
  purchase: { path: 'cashflow/Payments', list: 'read/financial/PayablesList', select: 'AmountFC,TransactionAmountFC,AmountDiscountFC,Status,LastPaymentDate,Currency' },
} as const

const sum = (rows: WireRecord[], field: string): Big =>
  rows.reduce((acc, r) => acc.plus(r[field] === null || r[field] === undefined ? 0 : new Big(amountFromWire(r[field]))), new Big(0))

/**
 * The open item of a booked entry, in at most two calls. cashflow/Receivables (Payments on the AP
 * side) carries the term amount, the matched status, the discount granted and the last payment
 * date, but not what is left: its AmountFC is the term amount, paid or not. Only when something
 * was paid and the item is still open does a second call read the remainder from the outstanding
 * items list (ReceivablesList / PayablesList), filtered on the entry number and journal.
 * null: Exact has no open item for the entry (it was deleted, or never reached the ledger).
 */
export async function readOpenItem(
  client: ExactClient, type: EntryType, entry: { entryId: string; entryNumber: number | null; journal: string | null },
): Promise<OpenItemReading | null> {
  const def = OPEN_ITEMS[type]
  const rows = await client.list(def.path, { $filter: `TransactionEntryID eq ${guidLiteral(entry.entryId)}`, $select: def.select }, 5)
  if (rows.length === 0) return null
  // Every term of one entry repeats the invoice total; without it, the terms add up to it.
  const first = rows[0]!.TransactionAmountFC
  const total = first === null || first === undefined ? sum(rows, 'AmountFC') : new Big(amountFromWire(first))
  const matched = rows.every((r) => numberOr(r.Status, 0) === MATCHED || r.IsFullyPaid === true)
  const dates = rows.map((r) => parseDate(r.LastPaymentDate)).filter((d): d is string => d !== null).sort()
  const lastPaymentDate = dates.at(-1) ?? null
  const base = { amount: toMoney(total), discount: toMoney(sum(rows, 'AmountDiscountFC')), matched, lastPaymentDate, currency: trimCode(rows[0]!.Currency) }
  if (matched) return { ...base, outstanding: '0.00', calls: 1 }
  if (lastPaymentDate === null || entry.entryNumber === null) return { ...base, outstanding: toMoney(total), calls: 1 }
  const filter = `EntryNumber eq ${entry.entryNumber}${entry.journal ? ` and JournalCode eq ${odataString(entry.journal)}` : ''}`
  const open = await client.list(def.list, { $filter: filter, $select: 'Amount,EntryNumber,JournalCode' }, 5)
  return { ...base, outstanding: toMoney(sum(open, 'Amount')), calls: 2 }
}

/** Is the entry still in Exact? (one call, a filter rather than a key, so a miss is no 404 error.) */
export async function entryExists(client: ExactClient, type: EntryType, entryId: string): Promise<boolean> {
  const path = type === 'sales' ? 'salesentry/SalesEntries' : 'purchaseentry/PurchaseEntries'
  const row = await client.get(path, { $filter: `EntryID eq ${guidLiteral(entryId)}`, $select: 'EntryID', $top: 1 })
  return row !== null
}

/** One row of sync/Cashflow/PaymentTerms with its own key (a split term is a row of its own). */
export interface SyncedTerm {
  termId: string
  entryId: string
  amount: Money
  total: Money
  discount: Money
  matched: boolean
  lastPaymentDate: string | null
  currency: string
  timestamp: string
}

const TERM_ROW_SELECT = 'ID,Timestamp,TransactionEntryID,AmountFC,TransactionAmountFC,AmountDiscountFC,Status,LastPaymentDate,Currency'

function termRow(r: WireRecord): SyncedTerm {
  const amount = (v: unknown): Money => (v === null || v === undefined ? '0.00' : amountFromWire(v))
  return {
    termId: String(r.ID).toLowerCase(),
    entryId: String(r.TransactionEntryID).toLowerCase(),
    amount: amount(r.AmountFC),
    total: amount(r.TransactionAmountFC),
    discount: amount(r.AmountDiscountFC),
    matched: numberOr(r.Status, 0) === MATCHED,
    lastPaymentDate: parseDate(r.LastPaymentDate),
    currency: trimCode(r.Currency),
    timestamp: parseInt64(r.Timestamp),
  }
}

/**
 * Changed payment terms since `since`, page by page, each row keyed by its own ID (a split term's
 * rows must be told apart).
 */
export function syncTermRows(client: ExactClient, since: string): AsyncGenerator<SyncPage<SyncedTerm>> {
  return syncPages(client, 'sync/Cashflow/PaymentTerms', TERM_ROW_SELECT, since, termRow)
}
