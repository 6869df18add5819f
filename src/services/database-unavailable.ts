import { isDatabaseUnavailable } from '../db/database-errors'
import { AppError } from '../domain/app-error'

/** How long a caller is asked to wait: a restart or failover is over in seconds. */
const RETRY_AFTER_SECONDS = 5

/** A lost or refused database connection in the service's vocabulary; undefined for anything else. */
export function asDatabaseUnavailable(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error.code === 'database_unavailable' ? error : undefined
  if (!isDatabaseUnavailable(error)) return undefined
  return new AppError(
    'database_unavailable',
    'The database is not reachable right now (a restart or failover); nothing was changed. Send the request again.',
    {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      cause: error,
    },
  )
}

/** For the background loops (jobs/), which reach the database only through the use cases. */
export { isDatabaseUnavailable }
