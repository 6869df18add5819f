/**
 * The one error type the use cases throw. `code` is stable and machine-readable; the HTTP layer
 * maps it to a status in one table (src/http/problem.ts). `field` names the offending input.
 */
export type AppErrorCode =
  | 'validation_failed'
  | 'invoice_invalid'
  | 'settings_invalid'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'invoice_changed_since_export'
  | 'mapping_missing'
  | 'relation_ambiguous'
  | 'export_disabled'
  | 'exact_rejected'
  | 'exact_unavailable'
  | 'exact_rate_limited'
  | 'not_connected'
  | 'reauthorize_needed'
  | 'division_required'
  | 'division_unreachable'
  | 'division_has_exports'
  | 'oauth_state_invalid'
  | 'undo_refused'
  /** Postgres is unreachable (restart, failover, lost connection): nothing was done; ask again. */
  | 'database_unavailable'
  | 'internal'

export interface AppErrorOptions {
  field?: string
  /** Extra machine-readable detail (mapping problems, candidates, Exact's message). */
  details?: Record<string, unknown>
  retryAfterSeconds?: number
  cause?: unknown
}

export class AppError extends Error {
  readonly code: AppErrorCode
  readonly field?: string
  readonly details?: Record<string, unknown>
  readonly retryAfterSeconds?: number

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.field = options.field
    this.details = options.details
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

/** The codes at run time, for the Problem schema's `code` enum; the check below keeps it in step with the union. */
export const APP_ERROR_CODES = [
  'validation_failed', 'invoice_invalid', 'settings_invalid', 'unauthorized', 'not_found', 'conflict',
  'invoice_changed_since_export', 'mapping_missing', 'relation_ambiguous', 'export_disabled', 'exact_rejected',
  'exact_unavailable', 'exact_rate_limited', 'not_connected', 'reauthorize_needed', 'division_required',
  'division_unreachable', 'division_has_exports', 'oauth_state_invalid', 'undo_refused', 'database_unavailable', 'internal',
] as const satisfies readonly AppErrorCode[]
const everyAppErrorCodeListed: Exclude<AppErrorCode, (typeof APP_ERROR_CODES)[number]> extends never ? true : never = true
void everyAppErrorCodeListed
