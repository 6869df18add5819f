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
  /** Events sent once, silently not sent, or each sent twice (at-least-once delivery, exact-online.md §6). */
  webhookDelivery: 'normal' | 'drop' | 'repeat'
  /** Further attempts after a non-2xx or no answer; Exact's real policy is unknown [U]. */
  webhookRetries: number
  /** Delay before the first retry, doubled for each next one (real time). */
  webhookRetryDelayMs: number
  /** '/' in the Content JSON as is, or escaped '\/' the .NET way [U]. */
  webhookSlashes: 'plain' | 'escaped'
  /** Which topics a payment booked or unmatched fires: its bank/cash entry, also the invoice, only the invoice, or none [U]. */
  paymentEvents: 'payment_entry' | 'payment_entry_and_invoice' | 'invoice' | 'none'
  /** Deleting an entry keeps its linked document (as far as known) or deletes it with its attachments [U]. */
  documentOnEntryDelete: 'kept' | 'deleted'
  /** Largest attachment in bytes; 0 = by the division's country (25 MiB NL/BE, 7 MiB elsewhere) [L]. */
  attachmentMaxBytes: number
  /** A larger attachment: a 500 refusal in Exact's style, or a bare 413 as a web server in front would give [U]. */
  attachmentTooLarge: 'refusal' | 'http_413'
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
  webhookDelivery: 'normal',
  webhookRetries: 3,
  webhookRetryDelayMs: 200,
  webhookSlashes: 'plain',
  paymentEvents: 'payment_entry',
  documentOnEntryDelete: 'kept',
  attachmentMaxBytes: 0,
  attachmentTooLarge: 'refusal',
}

const COUNT_KEYS = [
  'errorLimit',
  'yourRefMaxLength',
  'webhookRetries',
  'webhookRetryDelayMs',
  'attachmentMaxBytes',
] as const
type ChoiceKey = Exclude<keyof Behaviour, (typeof COUNT_KEYS)[number]>

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
  webhookDelivery: ['normal', 'drop', 'repeat'],
  webhookSlashes: ['plain', 'escaped'],
  paymentEvents: ['payment_entry', 'payment_entry_and_invoice', 'invoice', 'none'],
  documentOnEntryDelete: ['kept', 'deleted'],
  attachmentTooLarge: ['refusal', 'http_413'],
}

const COUNTS = new Set<keyof Behaviour>(COUNT_KEYS)

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
