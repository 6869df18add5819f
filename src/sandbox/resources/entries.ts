import { amsterdamWallClock } from '../dates'
import { ExactError, message, notFound, refusal, type Lang } from '../errors'
import { ACCOUNT_FIELD, LINES_FIELD, buildLine, createEntry, deleteEntry, entryAmount, entryType, entryVat,
  findEntry, updateEntryHeader } from '../ledger'
import { nextTimestamp, type Division, type Entry, type EntryKind, type EntryLine } from '../model'
import { termState } from '../open-items'
import { RowCache } from './memo'
import { pad3 } from './padding'
import type { ResourceContext, ResourceDef, Row } from './types'

const SERVICE: Record<EntryKind, string> = { sales: 'salesentry', purchase: 'purchaseentry' }
const ENTITY: Record<EntryKind, string> = { sales: 'SalesEntries', purchase: 'PurchaseEntries' }
const TYPE_NAME: Record<EntryKind, string> = { sales: 'SalesEntry', purchase: 'PurchaseEntry' }
const TYPE_DESCRIPTION: Record<number, string> = {
  20: 'Verkoopboeking', 21: 'Creditnota verkoop', 30: 'Inkoopboeking', 31: 'Creditnota inkoop',
}

export function lineRow(entry: Entry, line: EntryLine, division: Division): Row {
  const gl = division.glAccounts.find((g) => g.ID === line.GLAccount)
  return {
    ID: line.ID, EntryID: entry.EntryID, LineNumber: line.LineNumber, GLAccount: line.GLAccount,
    GLAccountCode: gl?.Code ?? null, GLAccountDescription: gl?.Description ?? null,
    AmountFC: line.AmountFC, AmountDC: line.AmountFC, VATCode: pad3(line.VATCode), VATPercentage: line.VATPercentage,
    VATAmountFC: line.VATAmountFC, VATAmountDC: line.VATAmountFC, VATBaseAmountFC: line.AmountFC,
    VATBaseAmountDC: line.AmountFC, Description: line.Description, Quantity: line.Quantity,
    CostCenter: line.CostCenter, CostUnit: line.CostUnit, Project: line.Project, Notes: line.Notes, Division: division.id,
  }
}

export function entryRow(entry: Entry, division: Division): Row {
  const account = division.accounts.get(entry.Account)
  const journal = division.journals.find((j) => j.Code === entry.Journal)
  const condition = division.paymentConditions.find((p) => p.Code === entry.PaymentCondition)
  const amount = entryAmount(entry)
  const vat = entryVat(entry)
  const type = entryType(entry)
  const accountField = ACCOUNT_FIELD[entry.kind]
  return {
    EntryID: entry.EntryID, EntryNumber: entry.EntryNumber, InvoiceNumber: entry.InvoiceNumber,
    Journal: entry.Journal, JournalDescription: journal?.Description ?? null,
    [accountField]: entry.Account, [`${accountField}Name`]: account?.text.Name ?? null,
    EntryDate: new Date(entry.EntryDate), DueDate: new Date(entry.DueDate), YourRef: entry.YourRef,
    Description: entry.Description, Currency: entry.Currency, Rate: 1, PaymentCondition: entry.PaymentCondition,
    PaymentConditionDescription: condition?.Description ?? null, PaymentReference: entry.PaymentReference,
    ReportingYear: entry.ReportingYear, ReportingPeriod: entry.ReportingPeriod,
    AmountFC: amount, AmountDC: amount, VATAmountFC: vat, VATAmountDC: vat,
    Status: entry.Status, StatusDescription: 'Open', Type: type, TypeDescription: TYPE_DESCRIPTION[type],
    ExternalLinkReference: entry.ExternalLinkReference, OrderNumber: entry.OrderNumber,
    Created: new Date(amsterdamWallClock(entry.Created)), Modified: new Date(amsterdamWallClock(entry.Modified)),
    Creator: division.userId, Division: division.id,
  }
}

function refuseIfMatched(division: Division, entry: Entry, lang: Lang): void {
  if (termState(division, entry).matched) throw new ExactError(500, message(lang, 'entryMatched'))
}

function mustFindEntry(division: Division, kind: EntryKind, key: string): Entry {
  const entry = findEntry(division, kind, key)
  if (!entry) throw notFound()
  return entry
}

function touch(division: Division, entry: Entry, now: number): void {
  entry.Modified = now
  entry.Timestamp = nextTimestamp(division)
  entry.termTimestamp = nextTimestamp(division)
}

function version(entry: Entry, division: Division): string {
  return `${entry.Timestamp}|${division.accounts.get(entry.Account)?.Timestamp ?? 0}`
}

function entriesDef(kind: EntryKind): ResourceDef {
  const accountField = ACCOUNT_FIELD[kind]
  const cache = new RowCache<Entry>()
  return {
    path: `${SERVICE[kind]}/${ENTITY[kind]}`, type: TYPE_NAME[kind], key: 'EntryID', keyKind: 'guid', kind: 'crud', order: 'seq',
    navigation: { [LINES_FIELD[kind]]: { resource: `${SERVICE[kind]}/${LINES_FIELD[kind]}`, parentField: 'EntryID' } },
    fields: ['EntryID', 'EntryNumber', 'InvoiceNumber', 'Journal', 'JournalDescription', accountField, `${accountField}Name`,
      'EntryDate', 'DueDate', 'YourRef', 'Description', 'Currency', 'Rate', 'PaymentCondition',
      'PaymentConditionDescription', 'PaymentReference', 'ReportingYear', 'ReportingPeriod', 'AmountFC', 'AmountDC',
      'VATAmountFC', 'VATAmountDC', 'Status', 'StatusDescription', 'Type', 'TypeDescription', 'ExternalLinkReference',
      'OrderNumber', 'Created', 'Modified', 'Creator', 'Division'],
    list: ({ division, state }) => [...division.entries.values()].filter((e) => !e.deleted && e.kind === kind)
      .map((e) => cache.get(e, version(e, division), () => ({ ...entryRow(e, division), __seq: state.ids.seqOf(e.EntryID) }))),
    create: ({ division, state, lang, now }: ResourceContext, body) => {
      const entry = createEntry(division, state.ids, kind, body, lang, now)
      return { ...entryRow(entry, division), __seq: state.ids.seqOf(entry.EntryID) }
    },
    update: ({ division, lang, now }, key, body) => {
      updateEntryHeader(division, mustFindEntry(division, kind, key), body, lang, now)
    },
    remove: ({ division, state, lang, now }, key) => {
      const entry = mustFindEntry(division, kind, key)
      refuseIfMatched(division, entry, lang)
      deleteEntry(division, state.ids, entry, now)
    },
  }
}

/** `SalesEntryLines` / `PurchaseEntryLines`: list, add to an entry, change, delete (the last line takes the entry). */
function linesDef(kind: EntryKind): ResourceDef {
  const cache = new RowCache<EntryLine>()
  const find = (division: Division, key: string): { entry: Entry; line: EntryLine } => {
    for (const entry of division.entries.values()) {
      if (entry.deleted || entry.kind !== kind) continue
      const line = entry.lines.find((l) => l.ID === key.toLowerCase())
      if (line) return { entry, line }
    }
    throw notFound()
  }
  return {
    path: `${SERVICE[kind]}/${LINES_FIELD[kind]}`, type: `${TYPE_NAME[kind]}Line`, key: 'ID', keyKind: 'guid',
    kind: 'crud', order: 'seq',
    fields: ['ID', 'EntryID', 'LineNumber', 'GLAccount', 'GLAccountCode', 'GLAccountDescription', 'AmountFC', 'AmountDC',
      'VATCode', 'VATPercentage', 'VATAmountFC', 'VATAmountDC', 'VATBaseAmountFC', 'VATBaseAmountDC', 'Description',
      'Quantity', 'CostCenter', 'CostUnit', 'Project', 'Notes', 'Division'],
    list: ({ division, state }) => [...division.entries.values()].filter((e) => !e.deleted && e.kind === kind)
      .flatMap((e) => e.lines.map((l) => cache.get(l, version(e, division),
        () => ({ ...lineRow(e, l, division), __seq: state.ids.seqOf(l.ID) })))),
    create: ({ division, state, lang, now }, body) => {
      const entry = findEntry(division, kind, body.EntryID)
      if (!entry) {
        const missing = body.EntryID === undefined || body.EntryID === null
        throw refusal([message(lang, missing ? 'mandatory' : 'invalidReference', 'EntryID')])
      }
      refuseIfMatched(division, entry, lang)
      const errors: string[] = []
      const nextNumber = Math.max(0, ...entry.lines.map((l) => l.LineNumber)) + 1
      const line = buildLine(division, state.ids, body, nextNumber, lang, errors)
      if (errors.length || !line) throw refusal([...new Set(errors)])
      entry.lines.push(line)
      touch(division, entry, now)
      return { ...lineRow(entry, line, division), __seq: state.ids.seqOf(line.ID) }
    },
    update: ({ division, state, lang, now }, key, body) => {
      const { entry, line } = find(division, key)
      refuseIfMatched(division, entry, lang)
      const merged = {
        GLAccount: line.GLAccount, AmountFC: line.AmountFC.toString(), VATCode: line.VATCode,
        Description: line.Description, Quantity: line.Quantity, CostCenter: line.CostCenter, CostUnit: line.CostUnit,
        Project: line.Project, Notes: line.Notes, ...body,
      }
      const errors: string[] = []
      const rebuilt = buildLine(division, state.ids, merged, line.LineNumber, lang, errors)
      if (errors.length || !rebuilt) throw refusal([...new Set(errors)])
      Object.assign(line, { ...rebuilt, ID: line.ID })
      touch(division, entry, now)
    },
    remove: ({ division, state, lang, now }, key) => {
      const { entry, line } = find(division, key)
      refuseIfMatched(division, entry, lang)
      entry.lines = entry.lines.filter((l) => l !== line)
      if (entry.lines.length === 0) deleteEntry(division, state.ids, entry, now)
      else touch(division, entry, now)
    },
  }
}

export const salesEntries = entriesDef('sales')
export const purchaseEntries = entriesDef('purchase')
export const salesEntryLines = linesDef('sales')
export const purchaseEntryLines = linesDef('purchase')
