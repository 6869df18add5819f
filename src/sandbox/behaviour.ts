/**
 * Settings for behaviour exact-online.md marks as unconfirmed [U] or tenant-specific, so tests can
 * probe a client against either variant. Defaults are the sandbox's documented choices (README).
 */
export interface Behaviour {
  /** Status of a call to an endpoint blocked for too many error answers. */
  errorBlockStatus: 429 | 403
  /** Error answers per endpoint and hour before the block; 0 turns the block off. */
  errorLimit: number
  /** Status for a superseded refresh token (invantive reports 400). */
  oldRefreshTokenStatus: 401 | 400
  /** Adds `Retry-After` (seconds to the window's reset) to rate-limit 429s. */
  retryAfterOn429: boolean
  /** Mandatory filtering on crm/Accounts. */
  mandatoryFiltering: boolean
  /** PaymentConditions.DiscountPercentage served as 0.02 or as 2 for 2 %. */
  discountPercentScale: 'fraction' | 'percent'
  /** AmountDiscountFC on open items: the discount on offer from booking, or the discount taken at matching. */
  discountOnOpenItem: 'offered' | 'taken'
  /** A $filter on Sales/PurchaseEntries naming Description: answered, or 400 (picqer #532). */
  entryDescriptionFilter: 'supported' | 'refused'
  /** A $filter on Receivables/PayablesList naming EntryNumber or JournalCode: answered, or 400. */
  receivablesListFilter: 'supported' | 'refused'
  /** DELETE or GET by key of an already deleted entry or line (picqer #434 saw 403 Forbidden). */
  deletedEntryStatus: 404 | 403
  /** Header totals in the 201 of an entry POST: computed, or 0/null as in the nango recording. */
  postAnswerTotals: 'computed' | 'zero'
  /** Why a DELETE of an entry is refused besides a matched payment (500). */
  deleteRefusal: 'none' | 'period_closed' | 'vat_return_processed'
  /** Type 21/31 derived from a negative total, or kept 20/30 (credit-note journals always give 21/31). */
  creditNoteType: 'derived' | 'entry'
  /** Longest YourRef kept; 0 = unlimited. */
  yourRefMaxLength: number
  /** A longer YourRef is cut silently or refused with a 500. */
  yourRefOverflow: 'truncate' | 'refuse'
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  errorBlockStatus: 429,
  errorLimit: 10,
  oldRefreshTokenStatus: 401,
  retryAfterOn429: false,
  mandatoryFiltering: true,
  discountPercentScale: 'fraction',
  discountOnOpenItem: 'offered',
  entryDescriptionFilter: 'supported',
  receivablesListFilter: 'supported',
  deletedEntryStatus: 403,
  postAnswerTotals: 'computed',
  deleteRefusal: 'none',
  creditNoteType: 'derived',
  yourRefMaxLength: 30,
  yourRefOverflow: 'truncate',
}

type ChoiceKey = Exclude<keyof Behaviour, 'errorLimit' | 'yourRefMaxLength'>

const CHOICES: { [K in ChoiceKey]: ReadonlyArray<Behaviour[K]> } = {
  errorBlockStatus: [429, 403],
  oldRefreshTokenStatus: [401, 400],
  retryAfterOn429: [false, true],
  mandatoryFiltering: [true, false],
  discountPercentScale: ['fraction', 'percent'],
  discountOnOpenItem: ['offered', 'taken'],
  entryDescriptionFilter: ['supported', 'refused'],
  receivablesListFilter: ['supported', 'refused'],
  deletedEntryStatus: [404, 403],
  postAnswerTotals: ['computed', 'zero'],
  deleteRefusal: ['none', 'period_closed', 'vat_return_processed'],
  creditNoteType: ['derived', 'entry'],
  yourRefOverflow: ['truncate', 'refuse'],
}

const COUNTS = new Set<keyof Behaviour>(['errorLimit', 'yourRefMaxLength'])

/** Applies `input` as a whole or not at all; returns an error text naming the first bad key. */
export function updateBehaviour(current: Behaviour, input: Record<string, unknown>): string | null {
  for (const [key, value] of Object.entries(input)) {
    if (COUNTS.has(key as keyof Behaviour)) {
      if (!Number.isInteger(value) || (value as number) < 0) return `${key} must be a non-negative integer.`
      continue
    }
    const allowed = CHOICES[key as ChoiceKey] as ReadonlyArray<unknown> | undefined
    if (!allowed) return `${key} is not a behaviour setting.`
    if (!allowed.includes(value)) return `${key} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`
  }
  Object.assign(current, input)
  return null
}
