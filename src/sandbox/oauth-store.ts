import { randomBytes } from 'node:crypto'
import { opaqueToken } from './ids'
import type { SandboxState } from './state'

const CODE_TTL_MS = 3 * 60_000
const ACCESS_TTL_MS = 600_000
const TOO_EARLY_MS = 570_000
const REFRESH_IDLE_MS = 30 * 86_400_000

export interface Grant {
  id: string
  clientId: string
  languageCode: string
  /** The divisions the user consented to; any other division in a path answers 403 NoDivisionAccess. */
  divisions: number[]
  /** current/Me.CurrentDivision: the last one listed, "the division used most recently" (picqer #214). */
  division: number
  lastIssueAt: number
  currentRefresh: string
}

interface CodeRecord {
  clientId: string
  redirectUri: string
  divisions: number[]
  languageCode: string
  createdAt: number
  used: boolean
}

export type TokenOutcome =
  | 'ok'
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_code'
  | 'code_used'
  | 'code_expired'
  | 'redirect_uri_mismatch'
  | 'invalid_refresh_token'
  | 'old_refresh_token'
  | 'refresh_token_expired'
  | 'too_early'

export interface TokenLogEntry {
  at: string
  atMs: number
  grantType: string
  outcome: TokenOutcome
  status: number
  clientId: string | null
  grantId: string | null
  division: number | null
}

export interface TokenAnswer {
  status: number
  body: object
  headers: Record<string, string>
}

export type AuthResult =
  { ok: true; grant: Grant } | { ok: false; reason: 'missing' | 'invalid' | 'expired'; grant?: Grant }

/** OAuth grants, codes and tokens with Exact's lifetimes (exact-online.md §2), on the sandbox clock. */
export class OAuthStore {
  private readonly codes = new Map<string, CodeRecord>()
  private readonly grants = new Map<string, Grant>()
  private readonly refreshTokens = new Map<string, { grantId: string; issuedAt: number; superseded: boolean }>()
  private readonly accessTokens = new Map<string, { grantId: string; expiresAt: number }>()
  log: TokenLogEntry[] = []

  constructor(private readonly state: SandboxState) {}

  /** Approves at once for the named divisions (each created seeded when missing), or for one new division. */
  issueCode(clientId: string, redirectUri: string, divisions: number[], languageCode: string): string {
    const reached = divisions.length
      ? divisions.map((d) => this.state.divisionOrCreate(d).id)
      : [this.state.createDivision().id]
    const code = `stampNL001.${randomBytes(24).toString('base64')}`
    this.codes.set(code, {
      clientId,
      redirectUri,
      divisions: [...new Set(reached)],
      languageCode,
      createdAt: this.state.clock.now(),
      used: false,
    })
    return code
  }

  clientAllowed(clientId: string | undefined, clientSecret: string | undefined, checkSecret: boolean): boolean {
    const { clientId: expectedId, clientSecret: expectedSecret } = this.state.config
    if (!clientId) return false
    if (expectedId !== undefined && clientId !== expectedId) return false
    if (checkSecret && expectedSecret !== undefined && clientSecret !== expectedSecret) return false
    return true
  }

  token(form: URLSearchParams, basic?: { id: string; secret: string }): TokenAnswer {
    const grantType = form.get('grant_type') ?? ''
    const clientId = form.get('client_id') ?? basic?.id
    const clientSecret = form.get('client_secret') ?? basic?.secret
    const fail = (
      status: number,
      outcome: TokenOutcome,
      error: string,
      description: string,
      grant?: Grant,
      headers: Record<string, string> = {},
    ): TokenAnswer => {
      this.record(grantType, outcome, status, clientId ?? null, grant)
      return { status, body: { error, error_description: description }, headers }
    }
    if (!this.clientAllowed(clientId, clientSecret, true)) {
      return fail(400, 'invalid_client', 'invalid_client', 'Client authentication failed.')
    }
    const now = this.state.clock.now()
    if (grantType === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '')
      if (!code || code.clientId !== clientId)
        return fail(400, 'invalid_code', 'invalid_grant', 'Invalid authorization code.')
      if (code.used) return fail(400, 'code_used', 'invalid_grant', 'Authorization code has already been used.')
      if (now - code.createdAt > CODE_TTL_MS)
        return fail(400, 'code_expired', 'invalid_grant', 'Authorization code has expired.')
      const redirectUri = form.get('redirect_uri')
      if (redirectUri !== null && redirectUri !== code.redirectUri) {
        return fail(
          400,
          'redirect_uri_mismatch',
          'invalid_grant',
          'redirect_uri does not match the authorization request.',
        )
      }
      code.used = true
      const grant: Grant = {
        id: `grant-${this.grants.size + 1}`,
        clientId: code.clientId,
        divisions: code.divisions,
        division: code.divisions[code.divisions.length - 1],
        languageCode: code.languageCode,
        lastIssueAt: now,
        currentRefresh: '',
      }
      this.grants.set(grant.id, grant)
      return this.issue(grant, grantType, now)
    }
    if (grantType === 'refresh_token') {
      const rt = this.refreshTokens.get(form.get('refresh_token') ?? '')
      const grant = rt && this.grants.get(rt.grantId)
      if (!rt || !grant || grant.clientId !== clientId) {
        return fail(400, 'invalid_refresh_token', 'invalid_grant', 'Refresh token is invalid.')
      }
      // Checked before "old refresh token": the loser of a refresh race sees TooEarly (exact-online.md §2.3).
      if (now - grant.lastIssueAt < TOO_EARLY_MS) {
        return fail(400, 'too_early', 'access_denied', 'Rate limit exceeded: access_token not expired', grant, {
          Reason: 'TooEarlyToRefreshTokens',
        })
      }
      if (rt.superseded)
        return fail(
          this.state.behaviour.oldRefreshTokenStatus,
          'old_refresh_token',
          'unauthorized_client',
          'Old refresh token used.',
          grant,
        )
      if (now - rt.issuedAt > REFRESH_IDLE_MS) {
        return fail(
          400,
          'refresh_token_expired',
          'invalid_request',
          `The refresh token expired at ${usDate(rt.issuedAt + REFRESH_IDLE_MS)} and it is now ${usDate(now)}.`,
          grant,
        )
      }
      rt.superseded = true
      return this.issue(grant, grantType, now)
    }
    return fail(
      400,
      'unsupported_grant_type',
      'unsupported_grant_type',
      'The authorization grant type is not supported.',
    )
  }

  authenticate(authorization: string | undefined): AuthResult {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '')
    if (!m) return { ok: false, reason: 'missing' }
    const at = this.accessTokens.get(m[1].trim())
    const grant = at && this.grants.get(at.grantId)
    if (!at || !grant) return { ok: false, reason: 'invalid' }
    if (this.state.clock.now() >= at.expiresAt) return { ok: false, reason: 'expired', grant }
    return { ok: true, grant }
  }

  clearLog(): void {
    this.log = []
  }

  private issue(grant: Grant, grantType: string, now: number): TokenAnswer {
    const accessToken = opaqueToken('AAEAA', 48)
    const refreshToken = opaqueToken('Gcp7', 48)
    this.accessTokens.set(accessToken, { grantId: grant.id, expiresAt: now + ACCESS_TTL_MS })
    this.refreshTokens.set(refreshToken, { grantId: grant.id, issuedAt: now, superseded: false })
    grant.currentRefresh = refreshToken
    grant.lastIssueAt = now
    this.record(grantType, 'ok', 200, grant.clientId, grant)
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: String(ACCESS_TTL_MS / 1000),
        refresh_token: refreshToken,
      },
      headers: {},
    }
  }

  record(grantType: string, outcome: TokenOutcome, status: number, clientId: string | null, grant?: Grant): void {
    const atMs = this.state.clock.now()
    this.state.stats.tokenRequests += 1
    this.log.push({
      at: new Date(atMs).toISOString(),
      atMs,
      grantType,
      outcome,
      status,
      clientId,
      grantId: grant?.id ?? null,
      division: grant?.division ?? null,
    })
  }
}

/** Exact's .NET-style timestamp in its refresh-expiry message, e.g. 10/11/2022 9:18:20 PM. */
function usDate(ms: number): string {
  const d = new Date(ms)
  const h = d.getUTCHours()
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
}
