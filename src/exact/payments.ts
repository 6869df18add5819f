import Big from 'big.js'
import { toMoney, type Money } from '../domain/money'
import { needsOutstandingList, type TermFacts } from '../domain/payment-status'
import type { ExactClient } from './client'
import type { EntryType } from './entries'
import { ExactRefusedError } from './errors'
import { syncPages, type SyncPage } from './sync'
import {
  amountFromWire,
  guidLiteral,
  numberOr,
  odataString,
  parseDate,
  parseInt64,
  trimCode,
  type WireRecord,
} from './wire'

/** cashflow Status 50: the item is matched (settled). */
const MATCHED = 50

/** Whether Exact accepts a filter on EntryNumber / JournalCode on ReceivablesList / PayablesList (exact-reality #14). */
export type ListFilterCapability = 'unknown' | 'supported' | 'refused'

/** What one live look-up learned about an entry's open item, in our vocabulary, before the domain's reading of it. */
export interface OpenItemReading {
  terms: TermFacts[]
  /** The outstanding amount from ReceivablesList / PayablesList, when it was read. */
  listOutstanding?: Money
  currency: string
  /** What this look-up found out about the list's filter, for the caller to remember per connection. */
  listFilter?: 'supported' | 'refused'
  /** Exact calls this reading cost (1 or 2). */
  calls: number
}

const TERM_SELECT = 'ID,AmountFC,TransactionAmountFC,AmountDiscountFC,Status,LastPaymentDate,DiscountDueDate,Currency'
const OPEN_ITEMS = {
  sales: { path: 'cashflow/Receivables', list: 'read/financial/ReceivablesList', select: `${TERM_SELECT},IsFullyPaid` },
  purchase: { path: 'cashflow/Payments', list: 'read/financial/PayablesList', select: TERM_SELECT },
} as const

const amountOrZero = (v: unknown): Money => (v === null || v === undefined ? '0.00' : amountFromWire(v))
const amountOrNull = (v: unknown): Money | null => (v === null || v === undefined ? null : amountFromWire(v))

function termFromWire(r: WireRecord): TermFacts {
  return {
    amount: amountOrZero(r.AmountFC),
    total: amountOrNull(r.TransactionAmountFC),
    discount: amountOrZero(r.AmountDiscountFC),
    matched: numberOr(r.Status, 0) === MATCHED || r.IsFullyPaid === true,
    lastPaymentDate: parseDate(r.LastPaymentDate),
    discountDueDate: parseDate(r.DiscountDueDate),
  }
}

/**
 * The terms of a booked entry's open item, in one call (two at most). cashflow/Receivables
 * (Payments on the AP side) has a row per term; a part-paid term is split into a matched part and
 * an open remainder carrying what is left. Only when the rows cannot tell what is left (something
 * paid, nothing split: needsOutstandingList) is ReceivablesList / PayablesList asked, filtered on
 * the entry number and journal, and only while that filter is not known to be refused: a 400 to it
 * is remembered (`listFilter`) and the terms answer instead, now and from then on.
 * null: Exact has no open item for the entry (it was deleted, or never reached the ledger).
 */
export async function readOpenItem(
  client: ExactClient,
  type: EntryType,
  entry: { entryId: string; entryNumber: number | null; journal: string | null },
  opts: { listFilter?: ListFilterCapability } = {},
): Promise<OpenItemReading | null> {
  const def = OPEN_ITEMS[type]
  const rows = await client.list(
    def.path,
    { $filter: `TransactionEntryID eq ${guidLiteral(entry.entryId)}`, $select: def.select },
    5,
  )
  if (rows.length === 0) return null
  const terms = rows.map(termFromWire)
  const base = { terms, currency: trimCode(rows[0]!.Currency), calls: 1 }
  if (!needsOutstandingList(terms) || entry.entryNumber === null || opts.listFilter === 'refused') return base
  const filter = `EntryNumber eq ${entry.entryNumber}${entry.journal ? ` and JournalCode eq ${odataString(entry.journal)}` : ''}`
  let open: WireRecord[]
  try {
    open = await client.list(def.list, { $filter: filter, $select: 'Amount,EntryNumber,JournalCode' }, 5)
  } catch (err) {
    if (err instanceof ExactRefusedError && err.status === 400) return { ...base, calls: 2, listFilter: 'refused' }
    throw err
  }
  // A filter Exact ignored silently would list every open item: keep only this entry's.
  const own = open.filter(
    (r) =>
      numberOr(r.EntryNumber, -1) === entry.entryNumber &&
      (!entry.journal || trimCode(r.JournalCode) === entry.journal),
  )
  const listOutstanding =
    own.length === 0
      ? undefined
      : toMoney(own.reduce((acc, r) => acc.plus(new Big(amountFromWire(r.Amount ?? 0))), new Big(0)))
  return { ...base, calls: 2, listFilter: 'supported', ...(listOutstanding !== undefined ? { listOutstanding } : {}) }
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
  discountDueDate: string | null
  currency: string
  timestamp: string
}

const TERM_ROW_SELECT =
  'ID,Timestamp,TransactionEntryID,AmountFC,TransactionAmountFC,AmountDiscountFC,Status,LastPaymentDate,DiscountDueDate,Currency'

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
    discountDueDate: parseDate(r.DiscountDueDate),
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
