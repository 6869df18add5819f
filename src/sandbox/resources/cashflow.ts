import type { Behaviour } from '../behaviour'
import { addDays, amsterdamWallClock } from '../dates'
import { ZERO } from '../decimal'
import { entryAmount } from '../entry-amounts'
import type { Division, Entry, EntryKind, TermRow } from '../model'
import { rowAmount } from '../terms'
import { RowCache } from './memo'
import { padCode } from './padding'
import type { ResourceContext, ResourceDef, ResourceKind, Row } from './types'

function liveEntries(division: Division, kind: EntryKind | null): Entry[] {
  return [...division.entries.values()].filter((e) => !e.deleted && (kind === null || e.kind === kind))
}

function date(ms: number | null | undefined): Date | null {
  return ms === null || ms === undefined ? null : new Date(ms)
}

/**
 * `offered`: the discount the payment condition offers sits on the entry's original row from booking on;
 * `taken`: each matched row shows the discount its payment took (exact-reality #3) [U].
 */
function rowDiscount(entry: Entry, row: TermRow, mode: Behaviour['discountOnOpenItem']): TermRow['amount'] {
  if (mode === 'offered') return row.original ? entry.discountOffered : ZERO
  return row.payment?.discount ?? ZERO
}

/** One term row as Receivables, Payments and PaymentTerms show it; AmountFC is the row's amount (the open row: what is open). */
function termRow(division: Division, entry: Entry, row: TermRow, behaviour: Behaviour): Row {
  const account = division.accounts.get(entry.Account)
  const condition = division.paymentConditions.find((p) => p.Code === entry.PaymentCondition)
  const journal = division.journals.find((j) => j.Code === entry.Journal)
  const hasDiscount = !!condition?.PaymentDiscountType
  const amount = rowAmount(entry, row)
  const discount = rowDiscount(entry, row, behaviour.discountOnOpenItem)
  const total = entryAmount(entry)
  const settled = row.payment !== null || amount.eq(0)
  return {
    ID: row.ID,
    EntryID: row.ID,
    TransactionEntryID: entry.EntryID,
    TransactionID: entry.headerLineId,
    EntryNumber: entry.EntryNumber,
    InvoiceNumber: entry.InvoiceNumber,
    YourRef: entry.YourRef,
    Description: entry.Description,
    EntryDate: new Date(entry.EntryDate),
    InvoiceDate: new Date(entry.EntryDate),
    DueDate: new Date(entry.DueDate),
    TransactionDueDate: new Date(entry.DueDate),
    DiscountDueDate:
      hasDiscount && condition ? new Date(addDays(entry.EntryDate, condition.DiscountPaymentDays)) : null,
    Journal: entry.Journal,
    JournalDescription: journal?.Description ?? null,
    Account: entry.Account,
    AccountCode: account ? padCode(account.Code) : null,
    AccountName: account?.text.Name ?? null,
    Currency: entry.Currency,
    RateFC: 1,
    PaymentCondition: entry.PaymentCondition,
    PaymentDays: condition?.PaymentDays ?? null,
    PaymentDaysDiscount: hasDiscount ? (condition?.DiscountPaymentDays ?? null) : null,
    PaymentDiscountPercentage: hasDiscount ? (condition?.DiscountPercentage ?? null) : null,
    PaymentMethod: condition?.PaymentMethod ?? 'B',
    PaymentReference: entry.PaymentReference,
    Status: settled ? 50 : 20,
    IsFullyPaid: settled,
    LastPaymentDate: date(row.payment?.date),
    EndDate: date(row.payment?.date),
    TransactionType: entry.Type,
    TransactionStatus: entry.Status,
    TransactionIsReversal: false,
    Division: division.id,
    AmountFC: amount,
    AmountDC: amount,
    AmountDiscountFC: discount,
    AmountDiscountDC: discount,
    TransactionAmountFC: total,
    TransactionAmountDC: total,
  }
}

const ROW_FIELDS = [
  'ID',
  'EntryID',
  'TransactionEntryID',
  'TransactionID',
  'EntryNumber',
  'InvoiceNumber',
  'YourRef',
  'Description',
  'EntryDate',
  'InvoiceDate',
  'DueDate',
  'TransactionDueDate',
  'DiscountDueDate',
  'Journal',
  'JournalDescription',
  'Account',
  'AccountCode',
  'AccountName',
  'Currency',
  'RateFC',
  'PaymentCondition',
  'PaymentDays',
  'PaymentDaysDiscount',
  'PaymentDiscountPercentage',
  'PaymentMethod',
  'PaymentReference',
  'Status',
  'IsFullyPaid',
  'LastPaymentDate',
  'EndDate',
  'TransactionType',
  'TransactionStatus',
  'TransactionIsReversal',
  'Division',
  'AmountFC',
  'AmountDC',
  'AmountDiscountFC',
  'AmountDiscountDC',
  'TransactionAmountFC',
  'TransactionAmountDC',
] as const

/** Every term row of the live entries of `kind`, rebuilt only when the row, its entry, the account or the discount mode changed. */
function termRows(
  kind: EntryKind | null,
  extra: (entry: Entry, row: TermRow) => Row = () => ({}),
): (ctx: ResourceContext) => Row[] {
  const cache = new RowCache<TermRow>()
  return ({ division, state }) =>
    liveEntries(division, kind).flatMap((entry) =>
      entry.terms.map((row) => {
        const version = `${row.Timestamp}|${entry.Timestamp}|${division.accounts.get(entry.Account)?.Timestamp ?? 0}|${state.behaviour.discountOnOpenItem}`
        return cache.get(row, version, () => ({
          ...termRow(division, entry, row, state.behaviour),
          ...extra(entry, row),
          __seq: state.ids.seqOf(row.ID),
        }))
      }),
    )
}

function openItemsDef(path: string, type: string, kind: EntryKind, resourceKind: ResourceKind): ResourceDef {
  return {
    path,
    type,
    key: 'ID',
    keyKind: 'guid',
    kind: resourceKind,
    order: 'seq',
    fields: ROW_FIELDS,
    list: termRows(kind),
  }
}

export const receivables = openItemsDef('cashflow/Receivables', 'Receivable', 'sales', 'crud')
export const payables = openItemsDef('cashflow/Payments', 'Payment', 'purchase', 'crud')
export const bulkReceivables = openItemsDef('bulk/Cashflow/Receivables', 'Receivable', 'sales', 'bulk')
export const bulkPayables = openItemsDef('bulk/Cashflow/Payments', 'Payment', 'purchase', 'bulk')

/** sync/Cashflow/PaymentTerms: both sides in one list (LineType 20 receivable, 22 payable), ordered by row version. */
export const paymentTerms: ResourceDef = {
  path: 'sync/Cashflow/PaymentTerms',
  type: 'PaymentTerm',
  key: 'ID',
  keyKind: 'guid',
  kind: 'sync',
  order: 'Timestamp',
  fields: ['Timestamp', ...ROW_FIELDS, 'LineType', 'ApprovalStatus', 'Modified'],
  list: termRows(null, (entry, row) => ({
    Timestamp: row.Timestamp,
    LineType: entry.kind === 'sales' ? 20 : 22,
    ApprovalStatus: entry.kind === 'purchase' ? 1 : null,
    Modified: new Date(amsterdamWallClock(row.Modified)),
  })),
}
