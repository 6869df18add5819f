import { addDays, amsterdamWallClock } from '../dates'
import { entryType } from '../ledger'
import type { Division, Entry, EntryKind } from '../model'
import { termState, type TermState } from '../open-items'
import { RowCache } from './memo'
import { padCode } from './padding'
import type { ResourceContext, ResourceDef, ResourceKind, Row } from './types'

/** Term rows change with payments (termTimestamp), header edits (Timestamp) and the account's name. */
function termVersion(division: Division, entry: Entry): string {
  return `${entry.Timestamp}|${entry.termTimestamp}|${division.accounts.get(entry.Account)?.Timestamp ?? 0}`
}

function liveEntries(division: Division, kind: EntryKind | null): Entry[] {
  return [...division.entries.values()].filter((e) => !e.deleted && (kind === null || e.kind === kind))
}

function date(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms)
}

/** Fields shared by Receivables, Payments and PaymentTerms; the amount fields differ per resource. */
function termCommon(division: Division, entry: Entry, term: TermState): Row {
  const account = division.accounts.get(entry.Account)
  const condition = division.paymentConditions.find((p) => p.Code === entry.PaymentCondition)
  const journal = division.journals.find((j) => j.Code === entry.Journal)
  const hasDiscount = !!condition?.PaymentDiscountType
  return {
    ID: entry.EntryID, EntryID: entry.EntryID, TransactionEntryID: entry.EntryID, TransactionID: entry.EntryID,
    EntryNumber: entry.EntryNumber, InvoiceNumber: entry.InvoiceNumber, YourRef: entry.YourRef,
    Description: entry.Description, EntryDate: new Date(entry.EntryDate), InvoiceDate: new Date(entry.EntryDate),
    DueDate: new Date(entry.DueDate), TransactionDueDate: new Date(entry.DueDate),
    DiscountDueDate: hasDiscount && condition ? new Date(addDays(entry.EntryDate, condition.DiscountPaymentDays)) : null,
    Journal: entry.Journal, JournalDescription: journal?.Description ?? null,
    Account: entry.Account, AccountCode: account ? padCode(account.Code) : null, AccountName: account?.text.Name ?? null,
    Currency: entry.Currency, RateFC: 1, PaymentCondition: entry.PaymentCondition,
    PaymentDays: condition?.PaymentDays ?? null, PaymentDaysDiscount: hasDiscount ? condition?.DiscountPaymentDays ?? null : null,
    PaymentDiscountPercentage: hasDiscount ? condition?.DiscountPercentage ?? null : null,
    PaymentMethod: condition?.PaymentMethod ?? 'B', PaymentReference: entry.PaymentReference,
    Status: term.status, IsFullyPaid: term.fullyPaid, LastPaymentDate: date(term.lastPaymentDate),
    EndDate: term.fullyPaid ? date(term.lastPaymentDate) : null,
    TransactionType: entryType(entry), TransactionStatus: entry.Status, TransactionIsReversal: false,
    Division: division.id,
  }
}

const COMMON_FIELDS = ['ID', 'EntryID', 'TransactionEntryID', 'TransactionID', 'EntryNumber', 'InvoiceNumber', 'YourRef',
  'Description', 'EntryDate', 'InvoiceDate', 'DueDate', 'TransactionDueDate', 'DiscountDueDate', 'Journal',
  'JournalDescription', 'Account', 'AccountCode', 'AccountName', 'Currency', 'RateFC', 'PaymentCondition', 'PaymentDays',
  'PaymentDaysDiscount', 'PaymentDiscountPercentage', 'PaymentMethod', 'PaymentReference', 'Status', 'IsFullyPaid',
  'LastPaymentDate', 'EndDate', 'TransactionType', 'TransactionStatus', 'TransactionIsReversal', 'Division'] as const

/** cashflow/Receivables and cashflow/Payments: AmountFC is the term amount (the invoice total), whatever was paid. */
function openItemsDef(path: string, type: string, kind: EntryKind, resourceKind: ResourceKind): ResourceDef {
  const cache = new RowCache<Entry>()
  return {
    path, type, key: 'ID', keyKind: 'guid', kind: resourceKind, order: 'seq',
    fields: [...COMMON_FIELDS, 'AmountFC', 'AmountDC', 'AmountDiscountFC', 'AmountDiscountDC', 'TransactionAmountFC',
      'TransactionAmountDC'],
    list: ({ division, state }: ResourceContext) => liveEntries(division, kind).map((entry) => cache.get(entry, termVersion(division, entry), () => {
      const term = termState(division, entry)
      return {
        ...termCommon(division, entry, term),
        AmountFC: term.total, AmountDC: term.total, AmountDiscountFC: term.discount, AmountDiscountDC: term.discount,
        TransactionAmountFC: term.total, TransactionAmountDC: term.total, __seq: state.ids.seqOf(entry.EntryID),
      }
    })),
  }
}

export const receivables = openItemsDef('cashflow/Receivables', 'Receivable', 'sales', 'crud')
export const payables = openItemsDef('cashflow/Payments', 'Payment', 'purchase', 'crud')
export const bulkReceivables = openItemsDef('bulk/Cashflow/Receivables', 'Receivable', 'sales', 'bulk')
export const bulkPayables = openItemsDef('bulk/Cashflow/Payments', 'Payment', 'purchase', 'bulk')

const termCache = new RowCache<Entry>()

/** sync/Cashflow/PaymentTerms: AmountFC is the amount still outstanding; TransactionAmountFC the invoice total. */
export const paymentTerms: ResourceDef = {
  path: 'sync/Cashflow/PaymentTerms', type: 'PaymentTerm', key: 'ID', keyKind: 'guid', kind: 'sync', order: 'Timestamp',
  fields: ['Timestamp', ...COMMON_FIELDS, 'LineType', 'AmountFC', 'AmountDC', 'AmountDiscountFC', 'AmountDiscountDC',
    'TransactionAmountFC', 'TransactionAmountDC', 'ApprovalStatus', 'Modified'],
  list: ({ division }) => liveEntries(division, null).map((entry) => termCache.get(entry, termVersion(division, entry), () => {
    const term = termState(division, entry)
    return {
      ...termCommon(division, entry, term),
      Timestamp: entry.termTimestamp, LineType: entry.kind === 'sales' ? 20 : 22,
      AmountFC: term.outstanding, AmountDC: term.outstanding, AmountDiscountFC: term.discount,
      AmountDiscountDC: term.discount, TransactionAmountFC: term.total, TransactionAmountDC: term.total,
      ApprovalStatus: entry.kind === 'purchase' ? 1 : null, Modified: new Date(amsterdamWallClock(entry.Modified)),
    }
  })),
}

function outstandingListDef(path: string, type: string, kind: EntryKind): ResourceDef {
  return {
    path, type, key: 'HID', keyKind: 'int', kind: 'read', order: 'seq',
    fields: ['HID', 'AccountId', 'AccountCode', 'AccountName', 'Amount', 'AmountInTransit', 'CurrencyCode', 'Description',
      'DueDate', 'EntryNumber', 'InvoiceDate', 'InvoiceNumber', 'JournalCode', 'JournalDescription', 'YourRef', 'Notes',
      ...(kind === 'purchase' ? ['ApprovalStatus'] : [])],
    list: ({ division }) => liveEntries(division, kind).flatMap((entry) => {
      const term = termState(division, entry)
      if (term.outstanding.eq(0)) return []
      const account = division.accounts.get(entry.Account)
      const journal = division.journals.find((j) => j.Code === entry.Journal)
      const row: Row = {
        HID: entry.hid, AccountId: entry.Account, AccountCode: account ? padCode(account.Code) : null,
        AccountName: account?.text.Name ?? null, Amount: term.outstanding, AmountInTransit: 0,
        CurrencyCode: entry.Currency, Description: entry.Description, DueDate: new Date(entry.DueDate),
        EntryNumber: entry.EntryNumber, InvoiceDate: new Date(entry.EntryDate), InvoiceNumber: entry.InvoiceNumber,
        JournalCode: entry.Journal, JournalDescription: journal?.Description ?? null, YourRef: entry.YourRef, Notes: null,
        __seq: entry.hid,
      }
      if (kind === 'purchase') row.ApprovalStatus = 1
      return [row]
    }),
  }
}

export const receivablesList = outstandingListDef('read/financial/ReceivablesList', 'ReceivablesList', 'sales')
export const payablesList = outstandingListDef('read/financial/PayablesList', 'PayablesList', 'purchase')

