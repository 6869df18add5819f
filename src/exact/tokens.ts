/**
 * Where the client gets its bearer token. The service implements it over the tenant's token row
 * (refresh under a row lock, re-read after the lock is held; see DESIGN "Tokens and limits").
 */
export interface TokenSource {
  /** A token that is valid now (refreshing first when `tokenIsDue`). */
  getAccessToken(): Promise<string>
  /**
   * Exact answered 401 to `rejectedToken` (`challenge`: its WWW-Authenticate header). Return a
   * different, fresh token (another request or replica may already have refreshed), or throw:
   * ExactAuthError when none can be had, ExactUnavailableError when one can be had only later.
   */
  onUnauthorized(rejectedToken: string, challenge?: string): Promise<string>
}

/** A fixed token, for scripts and tests. */
export function staticTokenSource(token: string): TokenSource {
  return {
    getAccessToken: async () => token,
    onUnauthorized: async () => token,
  }
}
