/**
 * Whether an error means "Postgres cannot be reached right now" (a restart, a failover, a lost
 * connection, a server that refuses connections for a moment) rather than "this query is wrong".
 * The first kind is weather: nothing was done, and the same work succeeds once the database is back.
 */

/** SQLSTATEs of a connection that ended or could not start (class 08), or a server going away. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: "terminating connection due to administrator command" (restart, failover)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: "the database system is starting up / shutting down"
  '53300', // too_many_connections
])

/** The socket-level errnos of a server that is not there (yet). */
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * pg (8.x) and kysely raise these without any code when the socket went away or never came; their
 * messages are the only handle, so they are matched here and nowhere else.
 */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Postgres connection has been discarded',
]

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>()
  const visit = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false
    seen.add(e)
    const { code, message, cause, errors } = e as {
      code?: unknown
      message?: unknown
      cause?: unknown
      errors?: unknown
    }
    if (
      typeof code === 'string' &&
      (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code))
    )
      return true
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.includes(message)) return true
    // Node reports a refused localhost (::1 and 127.0.0.1) as an AggregateError of both attempts.
    if (Array.isArray(errors) && errors.some(visit)) return true
    return visit(cause)
  }
  return visit(error)
}

/** A unique_violation (23505) of the named index or constraint: the database refused a duplicate. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null
  return !!e && typeof e === 'object' && e.code === '23505' && e.constraint === constraint
}
