import type { Behaviour } from './behaviour'
import { label, message, type Lang } from './errors'
import type { EntryKind, Journal } from './model'

/** Journal types an entry may be booked in (picqer Journal.php): an invoice journal and its return-invoice journal. */
const JOURNAL_TYPES: Record<EntryKind, { invoice: number; credit: number }> = {
  sales: { invoice: 20, credit: 21 },
  purchase: { invoice: 22, credit: 23 },
}

export function journalFits(kind: EntryKind, journal: Journal): boolean {
  return journal.Type === JOURNAL_TYPES[kind].invoice || journal.Type === JOURNAL_TYPES[kind].credit
}

/**
 * Sales 20/21, purchase 30/31. A return-invoice journal always books a credit note; otherwise a negative
 * total is a credit note (`derived`) or Exact keeps the entry type (`entry`), exact-reality #17 [U].
 */
export function entryTypeOf(
  kind: EntryKind,
  journal: Journal | undefined,
  negative: boolean,
  mode: Behaviour['creditNoteType'],
): number {
  const base = kind === 'sales' ? 20 : 30
  const credit = journal?.Type === JOURNAL_TYPES[kind].credit || (mode === 'derived' && negative)
  return credit ? base + 1 : base
}

/** "If AllowVariableCurrency is false this is the only currency that can be used" (picqer Journal.php). */
export function currencyProblem(journal: Journal, currency: string, lang: Lang): string | null {
  if (journal.AllowVariableCurrency || journal.Currency === currency) return null
  return message(lang, 'currencyNotAllowed', currency, journal.Code, journal.Currency)
}

/** YourRef beyond yourRefMaxLength is cut silently or refused (no source gives Exact's length) [U]. */
export function yourRefOf(value: string | null, behaviour: Behaviour, lang: Lang, errors: string[]): string | null {
  const max = behaviour.yourRefMaxLength
  if (value === null || max === 0 || value.length <= max) return value
  if (behaviour.yourRefOverflow === 'refuse') {
    errors.push(message(lang, 'tooLong', label(lang, 'yourRef'), String(max)))
    return value
  }
  return value.slice(0, max)
}
