import { setTimeout as sleep } from 'node:timers/promises'
import type { Db } from '../../db/database'
import {
  findConnection,
  lockConnection,
  markAccessTokenRejected,
  markReauthorizeNeeded,
  storeRefreshedTokens,
  type ConnectionRow,
} from '../../db/connections-repository'
import { ERRORS } from '../../domain/app-error'
import { ExactAuthError, ExactUnavailableError } from '../../exact/errors'
import { MIN_TOKEN_AGE_MS, refreshTokens, tokenIsDue, tokenIsExpired, type OAuthClient } from '../../exact/oauth'
import type { TokenSource } from '../../exact/tokens'
import type { TokenCipher } from './token-cipher'

/**
 * A tenant's Exact tokens, kept in Postgres. Exact's refresh tokens are single-use, so a refresh
 * happens only under the connection row's lock, and only after re-reading the row once the lock is
 * held: of twenty requests (or two replicas) arriving at expiry, one refreshes and the rest reuse
 * its token.
 */
export interface CachedToken {
  /** The row's token_version this token came from: a re-consent or refresh elsewhere bumps it. */
  version: number
  accessToken: string
  expiresAt: Date
  issuedAt: Date
}

/** A 401 this close to the 570 s mark is waited out; further away it is answered "try later". */
const MAX_WAIT_FOR_REFRESH_MS = 30_000

type Tokens = { expiresAt: Date; issuedAt: Date }
type Outcome = { token: string } | { waitMs: number }

export class DbTokenSource implements TokenSource {
  constructor(
    /** Per-process memory of each tenant's current access token: most calls need no query. */
    private readonly cache: Map<string, CachedToken>,
    private readonly db: Db,
    private readonly tenantId: string,
    /** The token_version of the row the caller read; a cached token of another version is stale. */
    private readonly version: number,
    private readonly cipher: TokenCipher,
    private readonly oauth: OAuthClient,
    private readonly clock: () => Date,
  ) {}

  async getAccessToken(): Promise<string> {
    const cached = this.cache.get(this.tenantId)
    if (cached && cached.version === this.version && this.usable(cached)) return cached.accessToken
    const row = await findConnection(this.db, this.tenantId)
    if (!row) throw ERRORS.notConnected()
    if (row.status === 'reauthorize_needed') throw ERRORS.reauthorizeNeeded(row.lastError)
    const rejected = row.accessTokenRejectedAt !== null
    if (!rejected && this.usable(tokensOf(row))) {
      const accessToken = this.cipher.decrypt(row.accessToken)
      this.cache.set(this.tenantId, { version: row.tokenVersion, accessToken, ...tokensOf(row) })
      return accessToken
    }
    const outcome = await this.refresh(
      (fresh, current) => current.accessTokenRejectedAt !== null || !this.usable(fresh),
    )
    if ('token' in outcome) return outcome.token
    throw tokenRejected(outcome.waitMs, 'Exact refused the access token; a new one may be asked for')
  }

  /**
   * Exact said 401 to `rejected`: refresh unless another request already replaced it. A token
   * younger than 570 s cannot be replaced yet (Exact answers TooEarlyToRefreshTokens): wait
   * when the mark is seconds away, else say when to try again. Neither is a dead connection.
   */
  async onUnauthorized(rejected: string, challenge?: string): Promise<string> {
    this.cache.delete(this.tenantId)
    const reason = `Exact refused a young access token${challenge ? ` (${challenge})` : ''}`
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.refresh((_fresh, current) => this.cipher.decrypt(current.accessToken) === rejected, {
        rejected: true,
      })
      if ('token' in outcome) return outcome.token
      if (outcome.waitMs > MAX_WAIT_FOR_REFRESH_MS || attempt >= 2) throw tokenRejected(outcome.waitMs, reason)
      await sleep(outcome.waitMs)
    }
  }

  /** The keep-alive job: spends the refresh token when it was last issued more than `maxAgeMs` ago. */
  async refreshIfOlderThan(maxAgeMs: number): Promise<boolean> {
    let refreshed = false
    const outcome = await this.refresh((fresh) => (refreshed = this.age(fresh) > maxAgeMs))
    return refreshed && 'token' in outcome
  }

  private usable(t: Tokens): boolean {
    return !tokenIsDue(t, this.clock()) && !tokenIsExpired(t, this.clock())
  }

  private age(t: Tokens): number {
    return this.clock().getTime() - t.issuedAt.getTime()
  }

  private async refresh(
    stillNeeded: (tokens: Tokens, row: ConnectionRow) => boolean,
    opts: { rejected?: boolean } = {},
  ): Promise<Outcome> {
    let dead: string | undefined
    const outcome = await this.db.transaction().execute(async (trx): Promise<Outcome> => {
      const row = await lockConnection(trx, this.tenantId)
      if (!row) throw ERRORS.notConnected()
      if (row.status === 'reauthorize_needed') throw ERRORS.reauthorizeNeeded(row.lastError)
      const current = this.cipher.decrypt(row.accessToken)
      if (!stillNeeded(tokensOf(row), row)) return { token: current }
      const tooYoungMs = MIN_TOKEN_AGE_MS - this.age(tokensOf(row))
      if (tooYoungMs > 0) {
        if (opts.rejected) await markAccessTokenRejected(trx, this.tenantId)
        return { waitMs: tooYoungMs }
      }
      try {
        const fresh = await refreshTokens({
          ...this.oauth,
          baseUrl: row.baseUrl,
          refreshToken: this.cipher.decrypt(row.refreshToken),
        })
        const version = await storeRefreshedTokens(trx, this.tenantId, {
          accessToken: this.cipher.encrypt(fresh.accessToken),
          refreshToken: this.cipher.encrypt(fresh.refreshToken),
          accessTokenExpiresAt: fresh.expiresAt,
          tokensIssuedAt: fresh.issuedAt,
        })
        this.cache.set(this.tenantId, {
          version,
          accessToken: fresh.accessToken,
          expiresAt: fresh.expiresAt,
          issuedAt: fresh.issuedAt,
        })
        return { token: fresh.accessToken }
      } catch (error) {
        // Our clock said 570 s had passed, Exact's did not: a matter of seconds.
        if (error instanceof ExactAuthError && error.kind === 'too_early')
          return opts.rejected ? { waitMs: 5_000 } : { token: current }
        if (
          error instanceof ExactAuthError &&
          (error.kind === 'refresh_token_dead' || error.kind === 'invalid_grant')
        ) {
          dead = error.message
          await markReauthorizeNeeded(trx, this.tenantId, `Exact refused the refresh token: ${error.message}`)
          return { token: '' }
        }
        throw error
      }
    })
    if (dead !== undefined) throw ERRORS.reauthorizeNeeded(dead)
    return outcome
  }
}

const tokensOf = (row: ConnectionRow): Tokens => ({ expiresAt: row.accessTokenExpiresAt, issuedAt: row.tokensIssuedAt })

const tokenRejected = (waitMs: number, message: string) =>
  new ExactUnavailableError({
    reason: 'token_rejected',
    resource: 'oauth2/token',
    message,
    retryAfterMs: waitMs,
    mayHaveReachedExact: false,
  })
