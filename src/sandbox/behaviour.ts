/**
 * Settings for behaviour exact-online.md marks as unconfirmed [U] or tenant-specific, so tests can
 * probe a client against either variant. Defaults are the sandbox's documented choices.
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
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  errorBlockStatus: 429,
  errorLimit: 10,
  oldRefreshTokenStatus: 401,
  retryAfterOn429: false,
  mandatoryFiltering: true,
}

/** Applies the known keys of `input`; returns an error text for a bad value. */
export function updateBehaviour(current: Behaviour, input: Record<string, unknown>): string | null {
  const next = { ...current }
  if (input.errorBlockStatus !== undefined) {
    if (input.errorBlockStatus !== 429 && input.errorBlockStatus !== 403) return 'errorBlockStatus must be 429 or 403.'
    next.errorBlockStatus = input.errorBlockStatus
  }
  if (input.errorLimit !== undefined) {
    if (!Number.isInteger(input.errorLimit) || (input.errorLimit as number) < 0) return 'errorLimit must be a non-negative integer.'
    next.errorLimit = input.errorLimit as number
  }
  if (input.oldRefreshTokenStatus !== undefined) {
    if (input.oldRefreshTokenStatus !== 401 && input.oldRefreshTokenStatus !== 400) return 'oldRefreshTokenStatus must be 401 or 400.'
    next.oldRefreshTokenStatus = input.oldRefreshTokenStatus
  }
  for (const key of ['retryAfterOn429', 'mandatoryFiltering'] as const) {
    if (input[key] !== undefined) {
      if (typeof input[key] !== 'boolean') return `${key} must be a boolean.`
      next[key] = input[key] as boolean
    }
  }
  Object.assign(current, next)
  return null
}
