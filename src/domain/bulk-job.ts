import { Type, type Static } from '@sinclair/typebox'
import type { AppErrorCode } from './app-error'

/**
 * A bulk job books every stored invoice of a type that had no live export when the job was made.
 * Its items are the invoices; each ends exported, skipped (booked by someone else meanwhile, or
 * export switched off for its type) or failed (with the error code and a detail a person can act on).
 */

export const BulkJobTypeSchema = Type.Union([Type.Literal('all'), Type.Literal('sales'), Type.Literal('purchase')], {
  description: 'all: sales and purchase invoices',
})
export type BulkJobType = Static<typeof BulkJobTypeSchema>

/** What the worker does with an invoice whose export threw `code`. */
export type ItemDecision =
  | { kind: 'skipped' }
  | { kind: 'failed' }
  /** Try again after `delayMs`; `countsAsAttempt` false when the wait is not the invoice's fault. */
  | { kind: 'retry'; delayMs: number; countsAsAttempt: boolean }

export const MAX_ITEM_ATTEMPTS = 6

/** Exponential back-off from 15 s, at most 10 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(10 * 60_000, 15_000 * 2 ** Math.max(0, attempts - 1))
}

/**
 * Outages and "someone else is booking it right now" are retried later; refusals and mapping
 * problems are final for this job (a person must act); an export switched off is a skip.
 * `attempts` counts this one.
 */
export function decideAfterError(code: AppErrorCode, attempts: number, retryAfterMs?: number): ItemDecision {
  switch (code) {
    case 'export_disabled':
    case 'invoice_changed_since_export':
      return { kind: 'skipped' }
    case 'exact_rate_limited':
      return { kind: 'retry', delayMs: Math.max(retryAfterMs ?? 60_000, 1000), countsAsAttempt: false }
    case 'not_connected':
    case 'reauthorize_needed':
    case 'division_required':
      return { kind: 'retry', delayMs: 60_000, countsAsAttempt: false }
    // Not the invoice's fault, and over as soon as Postgres answers again.
    case 'database_unavailable':
      return { kind: 'retry', delayMs: 1000, countsAsAttempt: false }
    // Another request is on this invoice or its export right now: its turn, then ours.
    case 'export_in_progress':
    case 'invoice_changed_during_export':
    case 'exact_unavailable':
    case 'internal':
      return attempts >= MAX_ITEM_ATTEMPTS
        ? { kind: 'failed' }
        : { kind: 'retry', delayMs: Math.max(retryAfterMs ?? 0, retryDelayMs(attempts)), countsAsAttempt: true }
    // The invoice's own fault or a refusal. From replace_refused on, codes no export raises: listed so a new code has to be placed.
    case 'validation_failed':
    case 'invoice_invalid':
    case 'settings_invalid':
    case 'unauthorized':
    case 'not_found':
    case 'mapping_missing':
    case 'relation_ambiguous':
    case 'exact_rejected':
    case 'oauth_state_invalid':
    case 'undo_refused':
    case 'division_unreachable':
    case 'division_has_exports':
    case 'duplicate_invoice_number':
    case 'relation_not_found':
    case 'replace_refused':
    case 'needs_attention':
    case 'invalid_json':
    case 'invalid_url':
    case 'bad_request':
    case 'oauth_code_refused':
    case 'bulk_job_starting':
    case 'webhook_not_failed':
    case 'precondition_failed':
    case 'payload_too_large':
    case 'uri_too_long':
    case 'unsupported_media_type':
      return { kind: 'failed' }
    default: {
      const never: never = code
      throw new Error(`unexpected error code ${String(never)}`)
    }
  }
}
