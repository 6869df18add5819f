import type { Behaviour } from './behaviour'
import { addDays, amsterdamWallClock, endOfMonthPlus, startOfDay } from './dates'
import { ZERO } from './decimal'
import { documentRef } from './documents'
import { entryAmount } from './entry-amounts'
import { currencyProblem, entryTypeOf, journalFits, yourRefOf } from './entry-rules'
import { amountOrThrow, buildLine, dayOrThrow, text } from './entry-lines'
import { badRequest, label, message, MALFORMED_BODY, refusal, type Lang } from './errors'
import type { IdFactory } from './ids'
import { nextTimestamp, type Division, type Entry, type EntryKind, type EntryLine } from './model'
import { findAccount } from './resources/accounts'
import { sameCode } from './resources/padding'
import { newTermRow, offeredDiscount, touchTerms } from './terms'
import { entryEvents, type Emit } from './webhooks/topics'

/**
 * What booking needs: the division, ids, the user's language, the sandbox time and the behaviour settings;
 * `emit` sends the webhooks of each change (history loads pass none, so they stay silent).
 */
export interface Ledger {
  division: Division
  ids: IdFactory
  lang: Lang
  now: number
  behaviour: Behaviour
  emit?: Emit
}

export const LINES_FIELD: Record<EntryKind, string> = { sales: 'SalesEntryLines', purchase: 'PurchaseEntryLines' }
export const ACCOUNT_FIELD: Record<EntryKind, string> = { sales: 'Customer', purchase: 'Supplier' }

export function dueDate(division: Division, entryDate: number, conditionCode: string | null): number {
  const condition = conditionCode ? division.paymentConditions.find((p) => sameCode(p.Code, conditionCode)) : undefined
  if (!condition) return entryDate
  const base =
    condition.PaymentEndOfMonths > 0 ? endOfMonthPlus(entryDate, condition.PaymentEndOfMonths - 1) : entryDate
  return addDays(base, condition.PaymentDays)
}

function nextEntryNumber(division: Division, journalCode: string, entryDate: number): number {
  const seq = (division.journalSeq.get(journalCode) ?? 0) + 1
  division.journalSeq.set(journalCode, seq)
  const yy = new Date(entryDate).getUTCFullYear() % 100
  return Number(`${yy}${journalCode}0000`) + seq
}

/** Creates a sales or purchase entry the way Exact does, or throws Exact's refusal. */
export function createEntry(l: Ledger, kind: EntryKind, body: Record<string, unknown>): Entry {
  const { division, ids, lang, now } = l
  const headerLineId = ids.next()
  const errors: string[] = []
  const journalCode = text(body.Journal)?.trim() ?? ''
  const journal = journalCode ? division.journals.find((j) => j.Code === journalCode) : undefined
  if (!journalCode) errors.push(message(lang, 'mandatory', label(lang, 'journal')))
  else if (!journal) errors.push(message(lang, 'invalidReference', label(lang, 'journals')))
  else if (!journalFits(kind, journal)) {
    errors.push(message(lang, 'wrongJournal', label(lang, kind === 'sales' ? 'salesJournal' : 'purchaseJournal')))
  }
  const accountId = body[ACCOUNT_FIELD[kind]]
  const account = findAccount(division, accountId)
  if (accountId === undefined || accountId === null || accountId === '') {
    errors.push(message(lang, 'mandatory', label(lang, kind === 'sales' ? 'customer' : 'supplier')))
  } else if (!account) {
    errors.push(message(lang, 'invalidReference', label(lang, kind === 'sales' ? 'customer' : 'supplier')))
  }
  const rawLines = body[LINES_FIELD[kind]]
  if (rawLines !== undefined && rawLines !== null && !Array.isArray(rawLines)) throw badRequest(MALFORMED_BODY)
  const lineList = (rawLines ?? []) as unknown[]
  if (lineList.length === 0) errors.push(message(lang, 'mandatory', label(lang, 'lines')))
  const lines = lineList.map((raw, i) => buildLine(division, ids, raw, i + 1, lang, errors))
  const entryDate = dayOrThrow(body.EntryDate, 'EntryDate') ?? startOfDay(amsterdamWallClock(now))
  const sentDue = dayOrThrow(body.DueDate, 'DueDate')
  const conditionCode =
    text(body.PaymentCondition)?.trim() ||
    (kind === 'sales' ? account?.text.PaymentConditionSales : account?.text.PaymentConditionPurchase) ||
    '30'
  if (!division.paymentConditions.some((p) => sameCode(p.Code, conditionCode))) {
    errors.push(message(lang, 'invalidReference', label(lang, 'paymentCondition')))
  }
  const currency = (text(body.Currency)?.trim() || journal?.Currency || division.currency).toUpperCase()
  if (!/^[A-Z]{3}$/.test(currency)) errors.push(message(lang, 'invalidReference', label(lang, 'currency')))
  else if (journal) errors.push(...[currencyProblem(journal, currency, lang)].filter((m): m is string => m !== null))
  const yourRef = yourRefOf(text(body.YourRef), l.behaviour, lang, errors)
  const invoiceNumber = amountOrThrow(body.InvoiceNumber, 'InvoiceNumber')
  const document = documentRef(division, body, lang, errors) ?? null
  if (errors.length) throw refusal([...new Set(errors)])
  const entryNumber = nextEntryNumber(division, journalCode, entryDate)
  const date = new Date(entryDate)
  const entry: Entry = {
    EntryID: ids.next(),
    kind,
    Journal: journalCode,
    Account: (account as { ID: string }).ID,
    EntryDate: entryDate,
    DueDate: sentDue ?? dueDate(division, entryDate, conditionCode),
    YourRef: yourRef,
    Description: text(body.Description),
    InvoiceNumber: invoiceNumber ? Number(invoiceNumber.toFixed(0)) : entryNumber,
    EntryNumber: entryNumber,
    Currency: currency,
    PaymentCondition: conditionCode,
    PaymentReference: text(body.PaymentReference),
    ReportingYear: Number(body.ReportingYear ?? date.getUTCFullYear()),
    ReportingPeriod: Number(body.ReportingPeriod ?? date.getUTCMonth() + 1),
    ExternalLinkReference: text(body.ExternalLinkReference),
    OrderNumber: body.OrderNumber === undefined || body.OrderNumber === null ? null : Number(body.OrderNumber),
    Document: document,
    Status: 20,
    lines: lines as EntryLine[],
    Type: 0,
    Created: now,
    Modified: now,
    Timestamp: nextTimestamp(division, 'TransactionLines', now),
    terms: [],
    discountOffered: ZERO,
    hid: (division.hidSeq += 1),
    headerLineId,
    deleted: false,
  }
  entry.Type = entryTypeOf(kind, journal, entryAmount(entry).lt(0), l.behaviour.creditNoteType)
  entry.discountOffered = offeredDiscount(division, entry)
  entry.terms = [newTermRow(division, ids, true, now)]
  division.entries.set(entry.EntryID, entry)
  linkDocument(division, entry)
  l.emit?.(entryEvents(entry, 'Create'))
  return entry
}

/** The linked document learns its entry, as FinancialTransactionEntryID "references the financial entry" [U]. */
function linkDocument(division: Division, entry: Entry): void {
  const doc = entry.Document ? division.documents.get(entry.Document) : undefined
  if (doc && !doc.FinancialTransactionEntryID) doc.FinancialTransactionEntryID = entry.EntryID
}

/** After a change to the entry or its lines: new row versions; type and discount follow the lines. */
export function touchEntry(l: Ledger, entry: Entry): void {
  const journal = l.division.journals.find((j) => j.Code === entry.Journal)
  entry.Type = entryTypeOf(entry.kind, journal, entryAmount(entry).lt(0), l.behaviour.creditNoteType)
  entry.discountOffered = offeredDiscount(l.division, entry)
  entry.Modified = l.now
  entry.Timestamp = nextTimestamp(l.division, 'TransactionLines', l.now)
  touchTerms(l.division, entry, l.now)
  l.emit?.(entryEvents(entry, 'Update'))
}

/** Header fields a PUT may change (Document too: GET/POST/PUT per Exact's reference); lines go through *EntryLines. */
export function updateEntryHeader(l: Ledger, entry: Entry, body: Record<string, unknown>): void {
  const errors: string[] = []
  const draft = { ...entry }
  for (const f of ['Description', 'PaymentReference', 'ExternalLinkReference'] as const) {
    if (f in body) draft[f] = text(body[f])
  }
  if ('YourRef' in body) draft.YourRef = yourRefOf(text(body.YourRef), l.behaviour, l.lang, errors)
  if ('EntryDate' in body) draft.EntryDate = dayOrThrow(body.EntryDate, 'EntryDate') ?? entry.EntryDate
  if ('DueDate' in body) draft.DueDate = dayOrThrow(body.DueDate, 'DueDate') ?? entry.DueDate
  if ('PaymentCondition' in body) {
    const code = text(body.PaymentCondition)?.trim() ?? ''
    if (!l.division.paymentConditions.some((p) => sameCode(p.Code, code))) {
      errors.push(message(l.lang, 'invalidReference', label(l.lang, 'paymentCondition')))
    } else draft.PaymentCondition = code
  }
  const document = documentRef(l.division, body, l.lang, errors)
  if (document !== undefined) draft.Document = document
  if (errors.length) throw refusal(errors)
  Object.assign(entry, draft)
  linkDocument(l.division, entry)
  touchEntry(l, entry)
}

export function findEntry(division: Division, kind: EntryKind | null, key: unknown): Entry | undefined {
  if (typeof key !== 'string') return undefined
  const entry = division.entries.get(key.toLowerCase())
  return entry && !entry.deleted && (kind === null || entry.kind === kind) ? entry : undefined
}
