import { deleteEntry, deleteLine } from '../entry-delete'
import { buildLine } from '../entry-lines'
import { ExactError, message, notFound, refusal } from '../errors'
import {
  ACCOUNT_FIELD,
  LINES_FIELD,
  createEntry,
  findEntry,
  touchEntry,
  updateEntryHeader,
  type Ledger,
} from '../ledger'
import type { Division, Entry, EntryKind, EntryLine } from '../model'
import { termState } from '../terms'
import { entryFields, entryRow, LINE_FIELDS, lineRow } from './entry-rows'
import { RowCache } from './memo'
import type { ResourceContext, ResourceDef } from './types'

const SERVICE: Record<EntryKind, string> = { sales: 'salesentry', purchase: 'purchaseentry' }
const ENTITY: Record<EntryKind, string> = { sales: 'SalesEntries', purchase: 'PurchaseEntries' }
const TYPE_NAME: Record<EntryKind, string> = { sales: 'SalesEntry', purchase: 'PurchaseEntry' }

export function ledgerOf({ division, state, lang, now }: ResourceContext): Ledger {
  return { division, ids: state.ids, lang, now, behaviour: state.behaviour, emit: state.emitter(division) }
}

/** A matched payment refuses every change; deleteRefusal adds a closed period or a processed VAT return [U]. */
function refuseChange(ctx: ResourceContext, entry: Entry, deleting: boolean): void {
  if (termState(entry).matched) throw new ExactError(500, message(ctx.lang, 'entryMatched'))
  const reason = ctx.state.behaviour.deleteRefusal
  if (deleting && reason !== 'none') {
    throw refusal([message(ctx.lang, reason === 'period_closed' ? 'periodClosed' : 'vatReturnProcessed')])
  }
}

function mustFindEntry(division: Division, kind: EntryKind, key: string): Entry {
  const entry = findEntry(division, kind, key)
  if (!entry) throw notFound()
  return entry
}

/** Row version: the entry, its account and its linked document (whose Subject the row shows). */
function version(entry: Entry, division: Division): string {
  const doc = entry.Document ? division.documents.get(entry.Document) : undefined
  return `${entry.Timestamp}|${division.accounts.get(entry.Account)?.Timestamp ?? 0}|${doc?.ID ?? ''}|${doc?.Modified ?? 0}`
}

function entryWasDeleted(kind: EntryKind): ResourceDef['wasDeleted'] {
  return ({ division }, key) => {
    const entry = division.entries.get(key.toLowerCase())
    return !!entry?.deleted && entry.kind === kind
  }
}

/** A line deleted on its own, or one of a deleted entry. */
function lineWasDeleted(kind: EntryKind): ResourceDef['wasDeleted'] {
  return ({ division }, key) => {
    const id = key.toLowerCase()
    if (division.deletedLines.get(id) === kind) return true
    return [...division.entries.values()].some((e) => e.deleted && e.kind === kind && e.lines.some((l) => l.ID === id))
  }
}

function entriesDef(kind: EntryKind): ResourceDef {
  const cache = new RowCache<Entry>()
  return {
    path: `${SERVICE[kind]}/${ENTITY[kind]}`,
    type: TYPE_NAME[kind],
    key: 'EntryID',
    keyKind: 'guid',
    kind: 'crud',
    order: 'seq',
    navigation: { [LINES_FIELD[kind]]: { resource: `${SERVICE[kind]}/${LINES_FIELD[kind]}`, parentField: 'EntryID' } },
    fields: entryFields(ACCOUNT_FIELD[kind]),
    refusedFilter: (b) => (b.entryDescriptionFilter === 'refused' ? ['Description'] : []),
    list: ({ division, state }) =>
      [...division.entries.values()]
        .filter((e) => !e.deleted && e.kind === kind)
        .map((e) =>
          cache.get(e, version(e, division), () => ({ ...entryRow(e, division), __seq: state.ids.seqOf(e.EntryID) })),
        ),
    create: (ctx, body) => {
      const entry = createEntry(ledgerOf(ctx), kind, body)
      const row = { ...entryRow(entry, ctx.division), __seq: ctx.state.ids.seqOf(entry.EntryID) }
      // The nango recording of a live POST answer carried these totals; a GET by key has the real ones.
      if (ctx.state.behaviour.postAnswerTotals === 'zero')
        Object.assign(row, { AmountFC: 0, AmountDC: 0, VATAmountFC: null, VATAmountDC: null })
      return row
    },
    update: (ctx, key, body) => updateEntryHeader(ledgerOf(ctx), mustFindEntry(ctx.division, kind, key), body),
    remove: (ctx, key) => {
      const entry = mustFindEntry(ctx.division, kind, key)
      refuseChange(ctx, entry, true)
      deleteEntry(ledgerOf(ctx), entry)
    },
    wasDeleted: entryWasDeleted(kind),
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
    path: `${SERVICE[kind]}/${LINES_FIELD[kind]}`,
    type: `${TYPE_NAME[kind]}Line`,
    key: 'ID',
    keyKind: 'guid',
    kind: 'crud',
    order: 'seq',
    fields: LINE_FIELDS,
    list: ({ division, state }) =>
      [...division.entries.values()]
        .filter((e) => !e.deleted && e.kind === kind)
        .flatMap((e) =>
          e.lines.map((l) =>
            cache.get(l, version(e, division), () => ({ ...lineRow(e, l, division), __seq: state.ids.seqOf(l.ID) })),
          ),
        ),
    create: (ctx, body) => {
      const entry = findEntry(ctx.division, kind, body.EntryID)
      if (!entry) {
        const missing = body.EntryID === undefined || body.EntryID === null
        throw refusal([message(ctx.lang, missing ? 'mandatory' : 'invalidReference', 'EntryID')])
      }
      refuseChange(ctx, entry, false)
      const errors: string[] = []
      const nextNumber = Math.max(0, ...entry.lines.map((l) => l.LineNumber)) + 1
      const line = buildLine(ctx.division, ctx.state.ids, body, nextNumber, ctx.lang, errors)
      if (errors.length || !line) throw refusal([...new Set(errors)])
      entry.lines.push(line)
      touchEntry(ledgerOf(ctx), entry)
      return { ...lineRow(entry, line, ctx.division), __seq: ctx.state.ids.seqOf(line.ID) }
    },
    update: (ctx, key, body) => {
      const { entry, line } = find(ctx.division, key)
      refuseChange(ctx, entry, false)
      const merged = {
        GLAccount: line.GLAccount,
        AmountFC: line.AmountFC.toString(),
        VATCode: line.VATCode,
        VATBaseAmountFC: line.VATBaseAmountFC?.toString(),
        Description: line.Description,
        Quantity: line.Quantity,
        CostCenter: line.CostCenter,
        CostUnit: line.CostUnit,
        Project: line.Project,
        Notes: line.Notes,
        ...body,
      }
      const errors: string[] = []
      const rebuilt = buildLine(ctx.division, ctx.state.ids, merged, line.LineNumber, ctx.lang, errors)
      if (errors.length || !rebuilt) throw refusal([...new Set(errors)])
      Object.assign(line, { ...rebuilt, ID: line.ID })
      touchEntry(ledgerOf(ctx), entry)
    },
    remove: (ctx, key) => {
      const { entry, line } = find(ctx.division, key)
      refuseChange(ctx, entry, true)
      deleteLine(ledgerOf(ctx), entry, line)
    },
    wasDeleted: lineWasDeleted(kind),
  }
}

export const salesEntries = entriesDef('sales')
export const purchaseEntries = entriesDef('purchase')
export const salesEntryLines = linesDef('sales')
export const purchaseEntryLines = linesDef('purchase')
