import { addDays, amsterdamWallClock, endOfMonthPlus, parseInputDay, startOfDay } from './dates'
import { Big, parseAmount, round2, sum, ZERO } from './decimal'
import { badRequest, label, message, MALFORMED_BODY, refusal, type Lang } from './errors'
import type { IdFactory } from './ids'
import { nextTimestamp, type Division, type Entry, type EntryKind, type EntryLine } from './model'
import { findAccount } from './resources/accounts'
import { sameCode } from './resources/padding'

export const LINES_FIELD: Record<EntryKind, string> = { sales: 'SalesEntryLines', purchase: 'PurchaseEntryLines' }
export const ACCOUNT_FIELD: Record<EntryKind, string> = { sales: 'Customer', purchase: 'Supplier' }
const JOURNAL_TYPE: Record<EntryKind, number> = { sales: 20, purchase: 22 }
/** Receivable, payable and VAT accounts cannot carry entry lines ("Ongeldig: Grootboekrekeningtype"). */
const FORBIDDEN_LINE_GL_TYPES = new Set([20, 22, 24])

export function entryAmount(entry: Entry): Big {
  return sum(entry.lines.map((l) => l.AmountFC.plus(l.VATAmountFC)))
}

export function entryVat(entry: Entry): Big {
  return sum(entry.lines.map((l) => l.VATAmountFC))
}

export function entryType(entry: Entry): number {
  const credit = entryAmount(entry).lt(0)
  return entry.kind === 'sales' ? (credit ? 21 : 20) : (credit ? 31 : 30)
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return String(value)
}

function amountOrThrow(value: unknown, field: string): Big | null {
  if (value === null || value === undefined) return null
  const amount = parseAmount(value)
  if (!amount) throw badRequest(`Error processing request stream. The property '${field}' cannot be converted to a number.`)
  return amount
}

function dayOrThrow(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null
  const day = parseInputDay(value)
  if (day === null) throw badRequest(`Error processing request stream. The property '${field}' has an invalid date value.`)
  return day
}

/** Validates one line and derives its VAT; messages go to `errors`, malformed values throw 400. */
export function buildLine(division: Division, ids: IdFactory, raw: unknown, lineNumber: number,
  lang: Lang, errors: string[]): EntryLine | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest(MALFORMED_BODY)
  const body = raw as Record<string, unknown>
  const amount = amountOrThrow(body.AmountFC, 'AmountFC')
  const sentVat = amountOrThrow(body.VATAmountFC, 'VATAmountFC')
  if (amount === null) errors.push(message(lang, 'mandatory', label(lang, 'amount')))
  let gl = undefined
  if (body.GLAccount === null || body.GLAccount === undefined || body.GLAccount === '') {
    errors.push(message(lang, 'mandatory', label(lang, 'glAccount')))
  } else {
    gl = division.glAccounts.find((g) => g.ID === String(body.GLAccount).toLowerCase())
    if (!gl) errors.push(message(lang, 'invalidReference', label(lang, 'glAccount')))
    else if (FORBIDDEN_LINE_GL_TYPES.has(gl.Type)) errors.push(message(lang, 'invalid', label(lang, 'glAccountType')))
  }
  const vatCodeText = text(body.VATCode)?.trim() || (gl ? gl.VATCode : null)
  const vat = vatCodeText ? division.vatCodes.find((v) => sameCode(v.Code, vatCodeText)) : undefined
  if (vatCodeText && !vat) errors.push(message(lang, 'invalidReference', label(lang, 'vatCode')))
  if (!gl || amount === null) return null
  const percentage = vat?.Percentage ?? ZERO
  return {
    ID: ids.next(), LineNumber: lineNumber, GLAccount: gl.ID, AmountFC: amount,
    VATCode: vat?.Code ?? null, VATPercentage: percentage,
    VATAmountFC: sentVat ?? round2(amount.times(percentage)),
    Description: text(body.Description), Quantity: body.Quantity === undefined || body.Quantity === null ? null : Number(body.Quantity),
    CostCenter: text(body.CostCenter), CostUnit: text(body.CostUnit), Project: text(body.Project), Notes: text(body.Notes),
  }
}

function dueDate(division: Division, entryDate: number, conditionCode: string | null): number {
  const condition = conditionCode ? division.paymentConditions.find((p) => sameCode(p.Code, conditionCode)) : undefined
  if (!condition) return entryDate
  const base = condition.PaymentEndOfMonths > 0 ? endOfMonthPlus(entryDate, condition.PaymentEndOfMonths - 1) : entryDate
  return addDays(base, condition.PaymentDays)
}

function nextEntryNumber(division: Division, journalCode: string, entryDate: number): number {
  const seq = (division.journalSeq.get(journalCode) ?? 0) + 1
  division.journalSeq.set(journalCode, seq)
  const yy = new Date(entryDate).getUTCFullYear() % 100
  return Number(`${yy}${journalCode}0000`) + seq
}

/** Creates a sales or purchase entry the way Exact does, or throws Exact's refusal. */
export function createEntry(division: Division, ids: IdFactory, kind: EntryKind, body: Record<string, unknown>,
  lang: Lang, now: number): Entry {
  const headerLineId = ids.next()
  const errors: string[] = []
  const journalCode = text(body.Journal)?.trim() ?? ''
  const journal = journalCode ? division.journals.find((j) => j.Code === journalCode) : undefined
  if (!journalCode) errors.push(message(lang, 'mandatory', label(lang, 'journal')))
  else if (!journal) errors.push(message(lang, 'invalidReference', label(lang, 'journals')))
  else if (journal.Type !== JOURNAL_TYPE[kind]) {
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
  const conditionCode = text(body.PaymentCondition)?.trim() ||
    (kind === 'sales' ? account?.text.PaymentConditionSales : account?.text.PaymentConditionPurchase) || '30'
  if (!division.paymentConditions.some((p) => sameCode(p.Code, conditionCode))) {
    errors.push(message(lang, 'invalidReference', label(lang, 'paymentCondition')))
  }
  const currency = (text(body.Currency)?.trim() || 'EUR').toUpperCase()
  if (!/^[A-Z]{3}$/.test(currency)) errors.push(message(lang, 'invalidReference', label(lang, 'currency')))
  const invoiceNumber = amountOrThrow(body.InvoiceNumber, 'InvoiceNumber')
  if (errors.length) throw refusal([...new Set(errors)])
  const entryNumber = nextEntryNumber(division, journalCode, entryDate)
  const date = new Date(entryDate)
  const entry: Entry = {
    EntryID: ids.next(), kind, Journal: journalCode, Account: (account as { ID: string }).ID,
    EntryDate: entryDate, DueDate: sentDue ?? dueDate(division, entryDate, conditionCode),
    YourRef: text(body.YourRef), Description: text(body.Description),
    InvoiceNumber: invoiceNumber ? Number(invoiceNumber.toFixed(0)) : entryNumber, EntryNumber: entryNumber,
    Currency: currency, PaymentCondition: conditionCode, PaymentReference: text(body.PaymentReference),
    ReportingYear: Number(body.ReportingYear ?? date.getUTCFullYear()),
    ReportingPeriod: Number(body.ReportingPeriod ?? date.getUTCMonth() + 1),
    ExternalLinkReference: text(body.ExternalLinkReference),
    OrderNumber: body.OrderNumber === undefined || body.OrderNumber === null ? null : Number(body.OrderNumber),
    Status: 20, lines: lines as EntryLine[], Created: now, Modified: now,
    Timestamp: nextTimestamp(division), termTimestamp: 0, hid: (division.hidSeq += 1), headerLineId, deleted: false,
  }
  entry.termTimestamp = nextTimestamp(division)
  division.entries.set(entry.EntryID, entry)
  return entry
}

/** Header fields a PUT may change; lines are changed through the *EntryLines resources. */
export function updateEntryHeader(division: Division, entry: Entry, body: Record<string, unknown>, lang: Lang, now: number): void {
  const errors: string[] = []
  for (const f of ['YourRef', 'Description', 'PaymentReference', 'ExternalLinkReference'] as const) {
    if (f in body) entry[f] = text(body[f])
  }
  if ('EntryDate' in body) entry.EntryDate = dayOrThrow(body.EntryDate, 'EntryDate') ?? entry.EntryDate
  if ('DueDate' in body) entry.DueDate = dayOrThrow(body.DueDate, 'DueDate') ?? entry.DueDate
  if ('PaymentCondition' in body) {
    const code = text(body.PaymentCondition)?.trim() ?? ''
    if (!division.paymentConditions.some((p) => sameCode(p.Code, code))) {
      errors.push(message(lang, 'invalidReference', label(lang, 'paymentCondition')))
    } else entry.PaymentCondition = code
  }
  if (errors.length) throw refusal(errors)
  entry.Modified = now
  entry.Timestamp = nextTimestamp(division)
  entry.termTimestamp = nextTimestamp(division)
}

export function deleteEntry(division: Division, ids: IdFactory, entry: Entry, now: number): void {
  entry.deleted = true
  entry.Modified = now
  for (const entityType of [1, 10]) {
    division.tombstones.push({
      ID: ids.next(), EntityKey: entry.EntryID, EntityType: entityType, Timestamp: nextTimestamp(division),
      DeletedDate: now, DeletedBy: division.userId,
    })
  }
}

export function findEntry(division: Division, kind: EntryKind | null, key: unknown): Entry | undefined {
  if (typeof key !== 'string') return undefined
  const entry = division.entries.get(key.toLowerCase())
  return entry && !entry.deleted && (kind === null || entry.kind === kind) ? entry : undefined
}
