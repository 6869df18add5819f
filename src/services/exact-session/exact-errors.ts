import { AppError, ERRORS } from '../../domain/app-error'
import {
  ExactAuthError,
  ExactMappingError,
  ExactRateLimitedError,
  ExactRefusedError,
  ExactUnavailableError,
} from '../../exact/errors'
import { asDatabaseUnavailable } from '../database-unavailable'

/** The connector's typed errors in the service's vocabulary (one place, matched by class). */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (error instanceof ExactRefusedError) {
    return new AppError('exact_rejected', `Exact Online refused: ${error.exactMessage}`, {
      details: { exactMessage: error.exactMessage, exactStatus: error.status, resource: error.resource },
      cause: error,
    })
  }
  if (error instanceof ExactMappingError) {
    return new AppError('mapping_missing', error.message, {
      field: error.field,
      details: { value: error.value },
      cause: error,
    })
  }
  if (error instanceof ExactRateLimitedError) {
    const seconds = Math.max(1, Math.ceil((error.resetAt.getTime() - Date.now()) / 1000))
    return new AppError(
      'exact_rate_limited',
      `Exact Online's daily call limit is spent until ${error.resetAt.toISOString()}.`,
      { retryAfterSeconds: seconds, cause: error },
    )
  }
  if (error instanceof ExactUnavailableError) {
    return new AppError(
      'exact_unavailable',
      `Exact Online did not answer in time or is down (${error.reason}); the request is safe to repeat.`,
      {
        retryAfterSeconds: Math.ceil((error.retryAfterMs ?? 10_000) / 1000),
        cause: error,
      },
    )
  }
  if (error instanceof ExactAuthError) {
    return ERRORS.reauthorizeNeeded(`Exact Online refused this connection's tokens (${error.kind})`, error)
  }
  // Anything else thrown on the way (a query of ours) that is the database being away.
  const database = asDatabaseUnavailable(error)
  if (database) return database
  return new AppError('internal', 'Unexpected failure while talking to Exact Online.', { cause: error })
}
