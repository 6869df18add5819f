import type { Db } from '../db/database'
import { findConnection, lockConnection, markReauthorizeNeeded, storeRefreshedTokens } from '../db/connections-repository'
import { AppError } from '../domain/app-error'
import { ExactAuthError } from '../exact/errors'
import { refreshTokens, tokenIsDue, tokenIsExpired, type OAuthClient } from '../exact/oauth'
import type { TokenSource } from '../exact/tokens'
import type { TokenCipher } from './token-cipher'

/**
 * A tenant's Exact tokens, kept in Postgres. Exact's refresh tokens are single-use, so a refresh
 * happens only under the connection row's lock, and only after re-reading the row once the lock is
 * held: of twenty requests (or two replicas) arriving at expiry, one refreshes and the rest reuse
 * its token.
 */
export interface CachedToken {
  accessToken: string
  expiresAt: Date
  issuedAt: Date
}

export class DbTokenSource implements TokenSource {
  constructor(
    /** Per-process memory of each tenant's current access token: most calls need no query. */
    private readonly cache: Map<string, CachedToken>,
    private readonly db: Db,
    private readonly tenantId: string,
    private readonly cipher: TokenCipher,
    private readonly oauth: OAuthClient,
    private readonly clock: () => Date,
  ) {}

  async getAccessToken(): Promise<string> {
    const cached = this.cache.get(this.tenantId)
    if (cached && !tokenIsDue(cached, this.clock()) && !tokenIsExpired(cached, this.clock())) return cached.accessToken
    const row = await findConnection(this.db, this.tenantId)
    if (!row) throw notConnected()
    if (row.status !== 'connected') throw reauthorizeNeeded(row.lastError)
    const tokens = { expiresAt: row.accessTokenExpiresAt, issuedAt: row.tokensIssuedAt }
    if (!tokenIsDue(tokens, this.clock()) && !tokenIsExpired(tokens, this.clock())) {
      const accessToken = this.cipher.decrypt(row.accessToken)
      this.cache.set(this.tenantId, { accessToken, ...tokens })
      return accessToken
    }
    return this.refresh((fresh) => tokenIsDue(fresh, this.clock()) || tokenIsExpired(fresh, this.clock()))
  }

  /** Exact said 401 to `rejected`: refresh unless another request already replaced it. */
  async onUnauthorized(rejected: string): Promise<string> {
    this.cache.delete(this.tenantId)
    return this.refresh((_fresh, current) => current === rejected)
  }

  private async refresh(stillNeeded: (tokens: { expiresAt: Date; issuedAt: Date }, currentAccessToken: string) => boolean): Promise<string> {
    let dead: string | undefined
    const token = await this.db.transaction().execute(async (trx) => {
      const row = await lockConnection(trx, this.tenantId)
      if (!row) throw notConnected()
      if (row.status !== 'connected') throw reauthorizeNeeded(row.lastError)
      const current = this.cipher.decrypt(row.accessToken)
      if (!stillNeeded({ expiresAt: row.accessTokenExpiresAt, issuedAt: row.tokensIssuedAt }, current)) return current
      try {
        const fresh = await refreshTokens({ ...this.oauth, refreshToken: this.cipher.decrypt(row.refreshToken) })
        await storeRefreshedTokens(trx, this.tenantId, {
          accessToken: this.cipher.encrypt(fresh.accessToken),
          refreshToken: this.cipher.encrypt(fresh.refreshToken),
          accessTokenExpiresAt: fresh.expiresAt,
          tokensIssuedAt: fresh.issuedAt,
        })
        this.cache.set(this.tenantId, { accessToken: fresh.accessToken, expiresAt: fresh.expiresAt, issuedAt: fresh.issuedAt })
        return fresh.accessToken
      } catch (error) {
        if (error instanceof ExactAuthError && error.kind === 'too_early') return current
        if (error instanceof ExactAuthError && (error.kind === 'refresh_token_dead' || error.kind === 'invalid_grant')) {
          dead = error.message
          await markReauthorizeNeeded(trx, this.tenantId, `Exact refused the refresh token: ${error.message}`)
          return ''
        }
        throw error
      }
    })
    if (dead !== undefined) throw reauthorizeNeeded(dead)
    return token
  }
}

const notConnected = () => new AppError('not_connected', 'This tenant is not connected to Exact Online; start with POST /connection/authorize.')
const reauthorizeNeeded = (reason: string | null) =>
  new AppError('reauthorize_needed', `The Exact Online connection must be authorized again (POST /connection/authorize)${reason ? `: ${reason}` : ''}.`)
