/**
 * The error catalogue: every `code` a client can receive, with its HTTP status and what it means.
 * One code is one situation, so a client can branch on it; README's error table is generated from
 * this list (npm run docs:errors) and a test fails when the two disagree.
 */
export const APP_ERRORS = {
  validation_failed: { status: 400, meaning: "the request's shape: every offending field is listed in `errors`" },
  invalid_json: {
    status: 400,
    meaning: 'the body is not JSON, or is empty while its content-type says JSON (`field: "body"`)',
  },
  invalid_url: { status: 400, meaning: 'the URL is not valid percent-encoded UTF-8 (`field: "url"`)' },
  bad_request: {
    status: 400,
    meaning: 'any other request the HTTP layer refuses before a route runs (a wrong content-length, ...)',
  },
  oauth_state_invalid: { status: 400, meaning: "the OAuth callback's state is unknown, used or expired" },
  oauth_code_refused: {
    status: 400,
    meaning: "Exact refused the OAuth callback's authorization code; start again with `POST /connection/authorize`",
  },
  unauthorized: { status: 401, meaning: "no valid key (or, for Exact's webhooks, a HashCode that does not match)" },
  not_found: { status: 404, meaning: "unknown, or another tenant's" },
  export_in_progress: {
    status: 409,
    meaning: 'another request is booking (or undoing) this export right now; `Retry-After` says when to ask again',
  },
  invoice_changed_during_export: {
    status: 409,
    meaning: 'the invoice was stored anew while this export was being decided; send the request again',
  },
  invoice_changed_since_export: {
    status: 409,
    meaning: 'the invoice changed after it was booked: undo the export, or export with `?replace=true`',
  },
  bulk_job_starting: {
    status: 409,
    meaning: 'another bulk job of this type was being created at the same moment; send the request again',
  },
  webhook_not_failed: { status: 409, meaning: 'only a failed webhook event can be sent again' },
  duplicate_invoice_number: {
    status: 409,
    meaning:
      'another invoice of this type (for a purchase invoice: of this supplier) with this number is booked; `details.invoiceId` names it; `?allowDuplicateNumber=true` books it anyway',
  },
  replace_refused: {
    status: 409,
    meaning:
      '`?replace=true` booked the new version but Exact refused to delete the old entry; the new one was removed again and the old export stays exported',
  },
  needs_attention: {
    status: 409,
    meaning:
      'the recovery pass gave up on a pending export after its retries; a person has to look (`GET /exports?status=failed&errorCode=needs_attention`)',
  },
  undo_refused: { status: 409, meaning: 'Exact refused to delete the entry; its reason is quoted' },
  not_connected: { status: 409, meaning: 'the tenant is not connected to Exact Online' },
  reauthorize_needed: { status: 409, meaning: "Exact refused the connection's tokens: authorize again" },
  division_required: {
    status: 409,
    meaning: 'the grant reaches several administrations: choose one with `PUT /connection/division`',
  },
  division_has_exports: {
    status: 409,
    meaning: 'exports are booked in the current administration: undo them before changing it',
  },
  precondition_failed: {
    status: 412,
    meaning: '`If-Match` names a version that is no longer current: GET again, re-apply the change, send it again',
  },
  payload_too_large: {
    status: 413,
    meaning: "the body is over the route's limit: 10 MB of JSON, or Exact's limit for an invoice PDF (`details.limit`)",
  },
  uri_too_long: { status: 414, meaning: 'a path segment is too long (`field: "url"`)' },
  unsupported_media_type: {
    status: 415,
    meaning:
      'a body in a media type the route does not take, or a PDF without its `%PDF-` header (`field: "header/content-type"`)',
  },
  invoice_invalid: {
    status: 422,
    meaning: 'the invoice cannot be booked as it is: its arithmetic, dates, or a value Exact needs (`field` names it)',
  },
  settings_invalid: {
    status: 422,
    meaning: 'the settings contradict themselves or the Exact administration; `errors` names each value',
  },
  mapping_missing: {
    status: 422,
    meaning: 'the settings map nothing for a value the booking needs (a VAT rate, a journal, no settings at all)',
  },
  relation_not_found: {
    status: 422,
    meaning: "the party's pinned `exactAccountId` is not an account in the Exact administration",
  },
  relation_ambiguous: {
    status: 422,
    meaning: 'several Exact accounts match the party: pin one with `party.exactAccountId`',
  },
  export_disabled: { status: 422, meaning: 'export of this invoice type is switched off in the settings' },
  division_unreachable: { status: 422, meaning: 'the grant does not reach that administration (or none at all)' },
  internal: { status: 500, meaning: 'the service failed; the error is logged, the body says nothing more' },
  exact_rejected: { status: 502, meaning: 'Exact refused the booking; its own message is quoted' },
  exact_unavailable: {
    status: 503,
    meaning: 'Exact did not answer in time or is down; `Retry-After` says when to try again',
  },
  exact_rate_limited: { status: 503, meaning: "Exact's call limit is spent; `Retry-After` says when to try again" },
  database_unavailable: {
    status: 503,
    meaning:
      'PostgreSQL is not reachable (a restart, a failover); nothing was changed; `Retry-After` says when to try again',
  },
} as const satisfies Record<string, { status: number; meaning: string }>

export type AppErrorCode = keyof typeof APP_ERRORS
/** The catalogue's codes in its order, for an OpenAPI enum and the README table. */
export const APP_ERROR_CODES = Object.keys(APP_ERRORS) as readonly AppErrorCode[]

export const statusOf = (code: AppErrorCode): number => APP_ERRORS[code].status

export interface AppErrorOptions {
  field?: string
  /** Extra machine-readable detail (mapping problems, candidates, Exact's message). */
  details?: Record<string, unknown>
  retryAfterSeconds?: number
  cause?: unknown
}

/** The one error type the use cases throw; `field` names the offending input. */
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

/** A lease another caller holds is renewed every few seconds: this is how long to wait before asking again. */
const LEASE_RETRY_SECONDS = 5

/** The errors raised in more than one place, so each says the same thing wherever it is raised. */
export const ERRORS = {
  notConnected: () =>
    new AppError(
      'not_connected',
      'This tenant is not connected to Exact Online; start with POST /connection/authorize.',
    ),
  reauthorizeNeeded: (reason: string | null, cause?: unknown) =>
    new AppError(
      'reauthorize_needed',
      `The Exact Online connection must be authorized again (POST /connection/authorize)${reason ? `: ${reason}` : ''}.`,
      { cause },
    ),
  noSettings: () =>
    new AppError(
      'mapping_missing',
      'This tenant has no settings (journals, GL accounts, VAT codes): connect to Exact Online to get them proposed, or PUT /settings.',
      { field: '/settings' },
    ),
  exportInProgress: (exportId: string, cause?: unknown) =>
    new AppError(
      'export_in_progress',
      `Export ${exportId} is being booked or undone by another request right now; ask again shortly.`,
      {
        details: { exportId },
        retryAfterSeconds: LEASE_RETRY_SECONDS,
        cause,
      },
    ),
  invalidCursor: (field: string, accepted = 'nextCursor from the previous page') =>
    new AppError(
      'validation_failed',
      `${field.replace(/^querystring\//, '')} is not a cursor this service handed out; use ${accepted}.`,
      { field },
    ),
}
