import { deleteDocument } from './documents'
import { touchEntry, type Ledger } from './ledger'
import { addTombstone, type Entry, type EntryLine } from './model'
import { entryEvents } from './webhooks/topics'

/**
 * A deleted entry leaves a tombstone per transaction line (EntityType 1: the AR/AP line and each entry
 * line, whose IDs are the TransactionLines IDs) and per payment-term row (EntityType 10) (fretje ModelInfo.cs).
 * Its linked document stays (documentOnEntryDelete: kept) or goes with its attachments (deleted) [U].
 */
export function deleteEntry(l: Ledger, entry: Entry): void {
  entry.deleted = true
  entry.Modified = l.now
  for (const id of [entry.headerLineId, ...entry.lines.map((line) => line.ID)])
    addTombstone(l.division, l.ids, id, 1, l.now)
  for (const row of entry.terms) addTombstone(l.division, l.ids, row.ID, 10, l.now)
  l.emit?.(entryEvents(entry, 'Delete'))
  const doc = entry.Document ? l.division.documents.get(entry.Document) : undefined
  if (doc && l.behaviour.documentOnEntryDelete === 'deleted') {
    const events = deleteDocument(l.division, l.ids, doc, l.now)
    l.emit?.(events)
  }
}

/** Deleting the last line deletes the entry (ossobv); otherwise only that transaction line is tombstoned. */
export function deleteLine(l: Ledger, entry: Entry, line: EntryLine): void {
  if (entry.lines.length === 1) {
    deleteEntry(l, entry)
    return
  }
  entry.lines = entry.lines.filter((x) => x !== line)
  l.division.deletedLines.set(line.ID, entry.kind)
  addTombstone(l.division, l.ids, line.ID, 1, l.now)
  touchEntry(l, entry)
}
