import type { ChartOfAccounts } from '../domain/chart'
import type { Entry } from '../domain/entry'
import type { Money } from '../domain/money'
import type { ExactClient } from './client'
import { ExactMappingError, ExactNotFoundError, ExactRefusedError } from './errors'
import type { EntrySnapshot } from '../domain/entry-drift'
import {
  amountToWire,
  guidLiteral,
  isGuid,
  keyPath,
  numberOr,
  odataString,
  optionalAmount,
  optionalString,
  parseDate,
  trimCode,
  type WireRecord,
} from './wire'

export type EntryType = Entry['type']

/** What Exact says it booked, read from its own answer (the service compares it with the invoice). */
export interface BookedEntry {
  entryId: string
  entryNumber: number | null
  /** Exact's header AmountFC: the total including VAT. A POST answer may carry 0 or null here (exact-reality #10). */
  total: Money | null
  vatTotal: Money | null
  description: string | null
  /** Exact's entry Type: 20 sales entry, 21 sales credit note, 30 purchase entry, 31 purchase credit note. */
  type: number | null
  yourRef: string | null
  /** The IDs of the entry's lines (sync/Deleted EntityType 1 keys); null when the answer did not list them. */
  lineIds: string[] | null
}

const ENTITY: Record<EntryType, { path: string; lines: string; relation: string }> = {
  sales: { path: 'salesentry/SalesEntries', lines: 'SalesEntryLines', relation: 'Customer' },
  purchase: { path: 'purchaseentry/PurchaseEntries', lines: 'PurchaseEntryLines', relation: 'Supplier' },
}
const DESCRIPTION_MAX = 60
const SELECT = 'EntryID,EntryNumber,Description,AmountFC,VATAmountFC,Type,YourRef'
/** Entries per read-back call: 20 `EntryID eq guid'…'` terms keep the URL near 1 kB, and 20 entries fit one 60-row page. */
export const READ_BACK_BATCH = 20
/** Pages of one YourRef the marker search reads (60 each) before it gives up; one invoice number is rarely booked more than a few times. */
const MARKER_SEARCH_PAGES = 10

/** `"<marker> <description>"`, cut to 60 characters; the marker comes first so it survives the cut. */
export function entryDescription(marker: string, description: string): string {
  // The domain already leads with the marker (domain/invoice-to-entry.ts); never write it twice.
  const text = description.startsWith(marker) ? description : `${marker} ${description}`
  return text.slice(0, DESCRIPTION_MAX).trimEnd()
}

/** Our entry in Exact's words. Throws ExactMappingError (before anything is sent) for codes the chart lacks. */
export function entryToWire(entry: Entry, relationId: string, chart: ChartOfAccounts): WireRecord {
  const e = ENTITY[entry.type]
  if (!isGuid(relationId))
    throw new ExactMappingError('relationId', relationId, `not an Exact account id: ${relationId}`)
  if (!chart.journals.some((j) => j.code === entry.journal.trim())) {
    throw new ExactMappingError('journal', entry.journal, `journal ${entry.journal} does not exist in this division`)
  }
  const lines = entry.lines.map((line, i) => {
    const gl = chart.glAccounts.find((g) => g.code === line.glAccount.trim())
    if (!gl)
      throw new ExactMappingError(
        `lines/${i}/glAccount`,
        line.glAccount,
        `GL account ${line.glAccount} does not exist in this division`,
      )
    if (!chart.vatCodes.some((v) => v.code === line.vatCode.trim())) {
      throw new ExactMappingError(
        `lines/${i}/vatCode`,
        line.vatCode,
        `VAT code ${line.vatCode} does not exist in this division`,
      )
    }
    const amount = (field: string, value: Money): number => exactAmount(`lines/${i}/${field}`, value)
    const wire: WireRecord = {
      GLAccount: gl.id,
      AmountFC: amount('amount', line.amount),
      VATCode: line.vatCode.trim(),
      VATAmountFC: amount('vatAmount', line.vatAmount),
      // Writable though Exact calls it internal (dotnet SDK: not ReadOnly); sent so the VAT return's base is ours (exact-reality #6).
      VATBaseAmountFC: amount('vatBaseAmount', line.vatBaseAmount),
      Description: line.description,
    }
    if (line.quantity !== undefined) wire.Quantity = Number(line.quantity)
    return wire
  })
  const body: WireRecord = {
    Journal: entry.journal.trim(),
    [e.relation]: relationId,
    EntryDate: entry.entryDate,
    Currency: entry.currency,
    Description: entryDescription(entry.marker, entry.description),
    YourRef: entry.yourRef,
    [e.lines]: lines,
  }
  if (entry.dueDate) body.DueDate = entry.dueDate
  if (entry.paymentConditionCode) body.PaymentCondition = entry.paymentConditionCode.trim()
  if (entry.paymentReference) body.PaymentReference = entry.paymentReference
  return body
}

/** An amount a JSON number cannot carry exactly is a mapping refusal (nothing sent), not a crash. */
function exactAmount(field: string, value: Money): number {
  try {
    return amountToWire(value)
  } catch (err) {
    if (err instanceof RangeError) throw new ExactMappingError(field, value, err.message)
    throw err
  }
}

function bookedFromWire(r: WireRecord, linesField?: string): BookedEntry {
  const lines =
    linesField === undefined ? undefined : (r[linesField] as { results?: unknown } | null | undefined)?.results
  return {
    entryId: String(r.EntryID).toLowerCase(),
    entryNumber: r.EntryNumber === null || r.EntryNumber === undefined ? null : numberOr(r.EntryNumber, 0),
    total: optionalAmount(r.AmountFC),
    vatTotal: optionalAmount(r.VATAmountFC),
    description: r.Description === undefined || r.Description === null ? null : trimCode(r.Description),
    type: r.Type === null || r.Type === undefined ? null : numberOr(r.Type, 0),
    yourRef: optionalString(r.YourRef),
    // Lines left unexpanded come as {__deferred}: then nothing is known about them.
    lineIds: Array.isArray(lines) ? lines.map((l) => String((l as WireRecord).ID).toLowerCase()) : null,
  }
}

/**
 * One POST with the lines embedded. Never retried here: on ExactUnavailableError the entry may
 * exist, and the service must `findEntryByMarker` before sending again.
 */
export async function createEntry(
  client: ExactClient,
  entry: Entry,
  relationId: string,
  chart: ChartOfAccounts,
): Promise<BookedEntry> {
  return postEntry(client, entry.type, entryToWire(entry, relationId, chart))
}

/** The POST alone, for a body built beforehand (entryToWire), so its refusals come before the send is recorded. */
export async function postEntry(client: ExactClient, type: EntryType, body: WireRecord): Promise<BookedEntry> {
  return bookedFromWire(await client.post(ENTITY[type].path, body))
}

/**
 * The entry an earlier attempt booked: every entry with this YourRef (the one filter known to work
 * on entries, ossobv), the marker matched here at the start of Description. A filter on
 * Description (startswith) is not confirmed and Exact refuses unsupported filters per endpoint with
 * a 400 that counts toward the error block (exact-reality #8), so it is not asked for. `yourRef`
 * must be the value the entry was sent with (capYourRef).
 */
export async function findEntryByMarker(
  client: ExactClient,
  type: EntryType,
  yourRef: string,
  marker: string,
): Promise<BookedEntry | null> {
  let pages = 0
  for await (const page of client.pages(ENTITY[type].path, {
    $filter: `YourRef eq ${odataString(yourRef)}`,
    $select: SELECT,
  })) {
    const row = page.results.find((r) => typeof r.Description === 'string' && startsWithMarker(r.Description, marker))
    if (row) return bookedFromWire(row)
    if (++pages >= MARKER_SEARCH_PAGES) break
  }
  return null
}

/** The marker is the Description's first word (entryDescription); Exact may pad or trim around it. */
function startsWithMarker(description: string, marker: string): boolean {
  const text = description.trim()
  return text === marker || text.startsWith(`${marker} `)
}

/**
 * Exact's own figures for booked entries, one call for up to READ_BACK_BATCH of them: totals, Type,
 * YourRef and the line IDs. A filter, not a GET by key, so an entry deleted meanwhile is simply
 * absent instead of a 403/404 error answer. Entries not in the answer are not in the map.
 */
export async function readBackEntries(
  client: ExactClient,
  type: EntryType,
  entryIds: readonly string[],
): Promise<Map<string, BookedEntry>> {
  const e = ENTITY[type]
  const found = new Map<string, BookedEntry>()
  for (let i = 0; i < entryIds.length; i += READ_BACK_BATCH) {
    const batch = entryIds.slice(i, i + READ_BACK_BATCH)
    const rows = await client.list(
      e.path,
      {
        $filter: batch.map((id) => `EntryID eq ${guidLiteral(id)}`).join(' or '),
        $select: `${SELECT},${e.lines}/ID`,
        $expand: e.lines,
      },
      5,
    )
    for (const row of rows) {
      const booked = bookedFromWire(row, e.lines)
      found.set(booked.entryId, booked)
    }
  }
  return found
}

/**
 * Deletes the entry; a refusal (matched, paid, closed period) throws ExactRefusedError with Exact's
 * text. `maybe_gone`: Exact answered 404 or 403 to the key, which is what it answers for an entry
 * already deleted (a 403 "Forbidden" was seen for a deleted line, picqer #434) and also for other
 * reasons; the caller must look before it calls the entry gone.
 */
export async function deleteEntry(
  client: ExactClient,
  type: EntryType,
  entryId: string,
): Promise<'deleted' | 'maybe_gone'> {
  guidLiteral(entryId)
  try {
    await client.delete(keyPath(ENTITY[type].path, entryId))
    return 'deleted'
  } catch (err) {
    if (err instanceof ExactNotFoundError || (err instanceof ExactRefusedError && err.status === 403))
      return 'maybe_gone'
    throw err
  }
}

/**
 * The entry as Exact holds it now, for the check against what was booked: header amounts, date,
 * relation and every line (GL code, amount, VAT code and amount). One call; null when Exact no
 * longer has it (a filter, so a deleted entry is no error answer).
 */
export async function readEntrySnapshot(
  client: ExactClient,
  type: EntryType,
  entryId: string,
): Promise<EntrySnapshot | null> {
  const e = ENTITY[type]
  const lineFields = ['GLAccountCode', 'AmountFC', 'VATCode', 'VATAmountFC'].map((f) => `${e.lines}/${f}`).join(',')
  const row = await client.get(e.path, {
    $filter: `EntryID eq ${guidLiteral(entryId)}`,
    $select: `EntryID,EntryDate,AmountFC,VATAmountFC,${e.relation},${lineFields}`,
    $expand: e.lines,
  })
  if (!row) return null
  const lines = ((row[e.lines] as { results?: WireRecord[] } | null)?.results ?? []).map((l) => ({
    glAccount: trimCode(l.GLAccountCode),
    amount: optionalAmount(l.AmountFC) ?? '0.00',
    vatCode: trimCode(l.VATCode),
    vatAmount: optionalAmount(l.VATAmountFC) ?? '0.00',
  }))
  return {
    relationId: optionalString(row[e.relation]),
    entryDate: parseDate(row.EntryDate),
    total: optionalAmount(row.AmountFC),
    vatTotal: optionalAmount(row.VATAmountFC),
    lines,
  }
}
