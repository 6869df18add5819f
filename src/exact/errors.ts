/**
 * The connector's typed errors. Services tell a definite refusal (nothing was booked, never
 * retry) from an uncertain outcome (search by marker before anything else) by class, never by
 * message text.
 */

/** Base class so a service can catch "anything the connector threw" in one place. */
export abstract class ExactError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/**
 * Exact answered and said no: an Exact error body on a 500 (business rule) or any 4xx other
 * than 401/404/429. Definite: nothing was written. `exactMessage` is Exact's text, its
 * `\r\n`-separated validation lines joined with "; ".
 */
export class ExactRefusedError extends ExactError {
  readonly status: number
  readonly exactMessage: string
  readonly resource: string
  /** Exact's `Reason` header (403: NoDivisionAccess, LicenseExpired, ...), when present. */
  readonly reason?: string

  constructor(args: { status: number; exactMessage: string; resource: string; reason?: string }) {
    super(`Exact refused ${args.resource} (${args.status}): ${args.exactMessage}`)
    this.status = args.status
    this.exactMessage = args.exactMessage
    this.resource = args.resource
    this.reason = args.reason
  }
}

/** 404 on an entity key or an endpoint. A refusal too, so `instanceof ExactRefusedError` holds. */
export class ExactNotFoundError extends ExactRefusedError {}

/** `token_rejected`: a 401 for a token too young to be replaced yet (the 570 s rule); try again later. */
export type UnavailableReason =
  'timeout' | 'connection' | 'server_error' | 'maintenance' | 'bad_response' | 'token_rejected'

/**
 * Exact is down or the outcome is unknown: a timeout, a reset connection, a 5xx without Exact's
 * error body, a 502/503/504, an HTML page. A write may or may not have happened.
 */
export class ExactUnavailableError extends ExactError {
  readonly reason: UnavailableReason
  readonly resource: string
  readonly status?: number
  readonly retryAfterMs?: number
  /**
   * False only when the request provably never reached Exact (connection refused, connect
   * timeout): then a write is safe to resend without a marker search.
   */
  readonly mayHaveReachedExact: boolean

  constructor(args: {
    reason: UnavailableReason
    resource: string
    message: string
    status?: number
    retryAfterMs?: number
    mayHaveReachedExact?: boolean
    cause?: unknown
  }) {
    super(`Exact unavailable for ${args.resource}: ${args.message}`, { cause: args.cause })
    this.reason = args.reason
    this.resource = args.resource
    this.status = args.status
    this.retryAfterMs = args.retryAfterMs
    this.mayHaveReachedExact = args.mayHaveReachedExact ?? true
  }
}

/** The daily budget (or the token endpoint's daily cap) is spent; try again after `resetAt`. */
export class ExactRateLimitedError extends ExactError {
  readonly resetAt: Date
  readonly resource: string

  constructor(args: { resetAt: Date; resource: string; message?: string }) {
    super(args.message ?? `Exact's daily call limit is spent for ${args.resource} until ${args.resetAt.toISOString()}`)
    this.resetAt = args.resetAt
    this.resource = args.resource
  }
}

export type ExactAuthErrorKind = 'too_early' | 'refresh_token_dead' | 'invalid_grant' | 'unauthorized' | 'other'

/**
 * The token endpoint refused, or the API kept answering 401 after one fresh token.
 * `refresh_token_dead` means only a new browser consent helps (reauthorize_needed).
 */
export class ExactAuthError extends ExactError {
  readonly kind: ExactAuthErrorKind
  readonly status?: number

  constructor(kind: ExactAuthErrorKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.kind = kind
    this.status = options.status
  }
}

/**
 * Our own data cannot be expressed in Exact's terms (a GL account code missing from the chart).
 * Raised before anything is sent, so it is definite like a refusal.
 */
export class ExactMappingError extends ExactError {
  readonly field: string
  readonly value: string

  constructor(field: string, value: string, message: string) {
    super(message)
    this.field = field
    this.value = value
  }
}
