import { request, type Dispatcher } from 'undici'
import { ExactAuthError, ExactRateLimitedError, ExactUnavailableError } from './errors'
import { header, looksLikeHtml, networkError, retryAfterMs, type Headers } from './transport'

/** Exact's OAuth2 authorization-code flow (exact-online.md §2). */

export interface TokenSet {
  accessToken: string
  refreshToken: string
  expiresAt: Date
  issuedAt: Date
}

export interface OAuthClient {
  baseUrl: string
  clientId: string
  clientSecret: string
  dispatcher?: Dispatcher
  timeoutMs?: number
  /** Injected clock for tests; defaults to Date.now. */
  now?: () => number
}

export function buildAuthorizeUrl(args: {
  baseUrl: string
  clientId: string
  redirectUri: string
  state: string
  forceLogin?: boolean
}): string {
  const url = new URL('/api/oauth2/auth', args.baseUrl)
  url.searchParams.set('client_id', args.clientId)
  url.searchParams.set('redirect_uri', args.redirectUri)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('state', args.state)
  if (args.forceLogin) url.searchParams.set('force_login', '1')
  return url.toString()
}

export function exchangeCode(args: OAuthClient & { redirectUri: string; code: string }): Promise<TokenSet> {
  return tokenRequest(args, 'authorization_code', {
    grant_type: 'authorization_code',
    code: args.code,
    redirect_uri: args.redirectUri,
    client_id: args.clientId,
    client_secret: args.clientSecret,
  })
}

/**
 * Spends `refreshToken` (single-use; Exact rotates it). Callers must hold the tenant's token lock.
 * A timeout here is an ExactUnavailableError and the refresh token's fate is unknown: retry with
 * the same token (Exact keeps a superseded token valid until the new pair is used) or re-consent.
 */
export function refreshTokens(args: OAuthClient & { refreshToken: string }): Promise<TokenSet> {
  return tokenRequest(args, 'refresh_token', {
    grant_type: 'refresh_token',
    refresh_token: args.refreshToken,
    client_id: args.clientId,
    client_secret: args.clientSecret,
  })
}

/** Refresh only in the last REFRESH_WINDOW_MS of a token's life ... */
export const REFRESH_WINDOW_MS = 30_000
/** ... and never before Exact's 570 s rule allows a new token (400 TooEarlyToRefreshTokens). */
export const MIN_TOKEN_AGE_MS = 570_000

/**
 * True when the access token should be refreshed now. Both conditions are needed: refreshing
 * early earns a TooEarlyToRefreshTokens error that also counts towards the hourly error cap.
 * `expiresAt` is measured from when we sent the request and `issuedAt` from when the answer
 * arrived, so both err on the safe side of Exact's clock.
 */
export function tokenIsDue(tokens: Pick<TokenSet, 'expiresAt' | 'issuedAt'>, now: Date): boolean {
  const remaining = tokens.expiresAt.getTime() - now.getTime()
  const age = now.getTime() - tokens.issuedAt.getTime()
  return remaining < REFRESH_WINDOW_MS && age >= MIN_TOKEN_AGE_MS
}

/** True when the token can no longer be used at all (then a caller must wait for tokenIsDue or refresh). */
export function tokenIsExpired(tokens: Pick<TokenSet, 'expiresAt'>, now: Date): boolean {
  return tokens.expiresAt.getTime() <= now.getTime()
}

async function tokenRequest(args: OAuthClient, grant: string, form: Record<string, string>): Promise<TokenSet> {
  const now = args.now ?? Date.now
  const resource = `oauth2/token (${grant})`
  const sentAt = now()
  let status: number
  let headers: Headers
  let text: string
  try {
    const res = await request(new URL('/api/oauth2/token', args.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      dispatcher: args.dispatcher,
      headersTimeout: args.timeoutMs ?? 30_000,
      bodyTimeout: args.timeoutMs ?? 30_000,
    })
    status = res.statusCode
    headers = res.headers as Headers
    text = await res.body.text()
  } catch (err) {
    throw networkError(err, resource)
  }
  if (status === 200) return parseTokenAnswer(text, sentAt, now(), resource)
  throw tokenError(status, headers, text, grant, resource, now())
}

function parseTokenAnswer(text: string, sentAt: number, receivedAt: number, resource: string): TokenSet {
  let body: Record<string, unknown>
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch (cause) {
    throw new ExactUnavailableError({
      reason: 'bad_response',
      resource,
      status: 200,
      message: 'token answer is not JSON',
      cause,
    })
  }
  const expiresIn = Number(body.expires_in) // Exact sends the string "600"
  const tokenType = String(body.token_type ?? 'bearer').toLowerCase()
  if (
    typeof body.access_token !== 'string' ||
    typeof body.refresh_token !== 'string' ||
    !Number.isFinite(expiresIn) ||
    tokenType !== 'bearer'
  ) {
    throw new ExactUnavailableError({
      reason: 'bad_response',
      resource,
      status: 200,
      message: 'token answer lacks access_token, refresh_token or expires_in',
    })
  }
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(sentAt + expiresIn * 1000),
    issuedAt: new Date(receivedAt),
  }
}

function tokenError(
  status: number,
  headers: Headers,
  text: string,
  grant: string,
  resource: string,
  now: number,
): Error {
  if (status >= 500 || looksLikeHtml(headers, text)) {
    return new ExactUnavailableError({
      reason: status >= 500 ? 'server_error' : 'maintenance',
      resource,
      status,
      message: `HTTP ${status}`,
      retryAfterMs: retryAfterMs(headers, now),
    })
  }
  if (status === 429) {
    // The token endpoint's 200-a-day cap; without a reset header, assume the next UTC midnight.
    const reset = Number(header(headers, 'x-ratelimit-reset'))
    const midnight = new Date(now)
    midnight.setUTCHours(24, 0, 0, 0)
    return new ExactRateLimitedError({
      resetAt: Number.isFinite(reset) && reset > 0 ? new Date(reset) : midnight,
      resource,
    })
  }
  let error = ''
  let description = ''
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown }
    error = typeof body.error === 'string' ? body.error : ''
    description = typeof body.error_description === 'string' ? body.error_description : ''
  } catch {
    description = text.slice(0, 200)
  }
  const message = `Exact token endpoint ${status}: ${[error, description].filter(Boolean).join(' - ') || 'no detail'}`
  const reason = header(headers, 'reason') ?? ''
  if (reason === 'TooEarlyToRefreshTokens' || /access_token not expired/i.test(description)) {
    return new ExactAuthError('too_early', message, { status })
  }
  if (
    /old refresh token/i.test(description) ||
    /refresh token (is )?(expired|invalid)|refresh token expired/i.test(description)
  ) {
    return new ExactAuthError('refresh_token_dead', message, { status })
  }
  if (error === 'invalid_grant') {
    // A dead refresh token on refresh; an expired, reused or foreign code on the code exchange.
    return new ExactAuthError(grant === 'refresh_token' ? 'refresh_token_dead' : 'invalid_grant', message, { status })
  }
  if (status === 401 || error === 'invalid_client' || error === 'unauthorized_client') {
    return new ExactAuthError('unauthorized', message, { status })
  }
  return new ExactAuthError('other', message, { status })
}
