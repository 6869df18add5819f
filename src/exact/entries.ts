import type { ChartOfAccounts } from '../domain/chart'
import type { Entry } from '../domain/entry'
import type { Money } from '../domain/money'
import type { ExactClient } from './client'
import { ExactMappingError, ExactNotFoundError } from './errors'
import { amountToWire, guidLiteral, isGuid, keyPath, numberOr, odataString, optionalAmount, trimCode, type WireRecord } from './wire'

export type EntryType = Entry['type']

/** What Exact says it booked, read from its own answer (the service compares it with the invoice). */
export interface BookedEntry {
  entryId: string
  entryNumber: number | null
  /** Exact's header AmountFC: the total including VAT. */
  total: Money | null
  vatTotal: Money | null
  description: string | null
}

const ENTITY: Record<EntryType, { path: string; lines: string; relation: string }> = {
  sales: { path: 'salesentry/SalesEntries', lines: 'SalesEntryLines', relation: 'Customer' },
  purchase: { path: 'purchaseentry/PurchaseEntries', lines: 'PurchaseEntryLines', relation: 'Supplier' },
}
const DESCRIPTION_MAX = 60
const SELECT = 'EntryID,EntryNumber,Description,AmountFC,VATAmountFC'

/** `"<marker> <description>"`, cut to 60 characters; the marker comes first so it survives the cut. */
export function entryDescription(marker: string, description: string): string {
  // The domain already leads with the marker (domain/invoice-to-entry.ts); never write it twice.
  const text = description.startsWith(marker) ? description : `${marker} ${description}`
  return text.slice(0, DESCRIPTION_MAX).trimEnd()
}

/** Our entry in Exact's words. Throws ExactMappingError (before anything is sent) for codes the chart lacks. */
export function entryToWire(entry: Entry, relationId: string, chart: ChartOfAccounts): WireRecord {
  const e = ENTITY[entry.type]
  if (!isGuid(relationId)) throw new ExactMappingError('relationId', relationId, `not an Exact account id: ${relationId}`)
  if (!chart.journals.some((j) => j.code === entry.journal.trim())) {
    throw new ExactMappingError('journal', entry.journal, `journal ${entry.journal} does not exist in this division`)
  }
  const lines = entry.lines.map((line, i) => {
    const gl = chart.glAccounts.find((g) => g.code === line.glAccount.trim())
    if (!gl) throw new ExactMappingError(`lines/${i}/glAccount`, line.glAccount, `GL account ${line.glAccount} does not exist in this division`)
    if (!chart.vatCodes.some((v) => v.code === line.vatCode.trim())) {
      throw new ExactMappingError(`lines/${i}/vatCode`, line.vatCode, `VAT code ${line.vatCode} does not exist in this division`)
    }
    const wire: WireRecord = {
      GLAccount: gl.id,
      AmountFC: amountToWire(line.amount),
      VATCode: line.vatCode.trim(),
      VATAmountFC: amountToWire(line.vatAmount),
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
  return body
}

function bookedFromWire(r: WireRecord): BookedEntry {
  return {
    entryId: String(r.EntryID),
    entryNumber: r.EntryNumber === null || r.EntryNumber === undefined ? null : numberOr(r.EntryNumber, 0),
    total: optionalAmount(r.AmountFC),
    vatTotal: optionalAmount(r.VATAmountFC),
    description: r.Description === undefined || r.Description === null ? null : trimCode(r.Description),
  }
}

/**
 * One POST with the lines embedded. Never retried here: on ExactUnavailableError the entry may
 * exist, and the service must `findEntryByMarker` before sending again.
 */
export async function createEntry(client: ExactClient, entry: Entry, relationId: string, chart: ChartOfAccounts): Promise<BookedEntry> {
  return bookedFromWire(await client.post(ENTITY[entry.type].path, entryToWire(entry, relationId, chart)))
}

/** The entry an earlier attempt booked, found by YourRef and the marker at the start of Description. */
export async function findEntryByMarker(client: ExactClient, type: EntryType, yourRef: string, marker: string): Promise<BookedEntry | null> {
  const row = await client.get(ENTITY[type].path, {
    $filter: `YourRef eq ${odataString(yourRef)} and startswith(Description,${odataString(marker)}) eq true`,
    $select: SELECT,
    $top: 1,
  })
  return row ? bookedFromWire(row) : null
}

/** Deletes the entry; a refusal (matched, paid, closed period) throws ExactRefusedError with Exact's text. */
export async function deleteEntry(client: ExactClient, type: EntryType, entryId: string): Promise<'deleted' | 'not_found'> {
  guidLiteral(entryId)
  try {
    await client.delete(keyPath(ENTITY[type].path, entryId))
    return 'deleted'
  } catch (err) {
    if (err instanceof ExactNotFoundError) return 'not_found'
    throw err
  }
}
