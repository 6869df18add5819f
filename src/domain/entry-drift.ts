import Big from 'big.js'
import type { Entry } from './entry'

/** An entry as Exact holds it now, in our vocabulary (codes, decimal strings, YYYY-MM-DD). */
export interface EntrySnapshot {
  relationId: string | null
  entryDate: string | null
  total: string | null
  vatTotal: string | null
  lines: Array<{ glAccount: string; amount: string; vatCode: string; vatAmount: string }>
}

export type DriftField = 'total' | 'vatTotal' | 'lines' | 'relation' | 'entryDate'

const same = (a: string | null, b: string | null) => (a !== null && b !== null ? new Big(a).eq(new Big(b)) : a === b)
const lineKey = (l: { glAccount: string; amount: string; vatCode: string; vatAmount: string }) =>
  [l.glAccount.trim(), new Big(l.amount).toFixed(2), l.vatCode.trim(), new Big(l.vatAmount).toFixed(2)].join('|')

/**
 * What a bookkeeper changed in Exact against what we booked: amounts, lines, relation, date. Lines
 * compare as a multiset (Exact may order them otherwise); descriptions and references are the
 * bookkeeper's to edit and do not count.
 */
export function entryDrift(booked: { entry: Entry; relationId: string }, now: EntrySnapshot): DriftField[] {
  const fields: DriftField[] = []
  if (!same(booked.entry.total, now.total)) fields.push('total')
  if (!same(booked.entry.vatTotal, now.vatTotal)) fields.push('vatTotal')
  const a = booked.entry.lines.map(lineKey).sort()
  const b = now.lines.map(lineKey).sort()
  if (a.length !== b.length || a.some((k, i) => k !== b[i])) fields.push('lines')
  if ((now.relationId ?? '').toLowerCase() !== booked.relationId.toLowerCase()) fields.push('relation')
  if (now.entryDate !== booked.entry.entryDate) fields.push('entryDate')
  return fields
}
