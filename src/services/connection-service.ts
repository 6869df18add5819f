import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/database'
import {
  consumeOauthState,
  deleteConnection,
  findConnection,
  insertOauthState,
  saveConnection,
} from '../db/connections-repository'
import { AppError } from '../domain/app-error'
import { buildAuthorizeUrl, exchangeCode } from '../exact/oauth'
import { ExactAuthError } from '../exact/errors'
import type { ExactContext } from './exact-context'
import type { TokenCipher } from './token-cipher'

const STATE_TTL_MS = 10 * 60_000

export interface ConnectionStatus {
  status: 'connected' | 'reauthorize_needed' | 'disconnected'
  division: number | null
  baseUrl: string | null
  accessTokenExpiresAt: string | null
  connectedAt: string | null
  lastError: string | null
}

const hashState = (state: string) => createHash('sha256').update(state).digest('hex')

/** Connecting a tenant to its Exact administration: the OAuth authorization-code flow. */
export class ConnectionService {
  constructor(
    private readonly db: Db,
    private readonly exact: ExactContext,
    private readonly cipher: TokenCipher,
    /** After a successful connection (build-services: propose settings from the chart). Must not throw. */
    private readonly onConnected?: (tenantId: string) => Promise<void>,
  ) {}

  async startAuthorization(tenantId: string): Promise<{ authorizeUrl: string; expiresAt: string }> {
    const state = randomBytes(24).toString('base64url')
    const expiresAt = new Date(this.exact.clock().getTime() + STATE_TTL_MS)
    await insertOauthState(this.db, hashState(state), tenantId, expiresAt)
    const app = this.exact.app
    const authorizeUrl = buildAuthorizeUrl({ baseUrl: app.baseUrl, clientId: app.clientId, redirectUri: app.redirectUri, state })
    return { authorizeUrl, expiresAt: expiresAt.toISOString() }
  }

  /** The OAuth callback: the state names the tenant (once, within 10 minutes). */
  async completeAuthorization(state: string, code: string): Promise<{ tenantId: string; division: number }> {
    const tenantId = await consumeOauthState(this.db, hashState(state), this.exact.clock())
    if (!tenantId) throw new AppError('oauth_state_invalid', 'This authorization link is unknown, used or expired; start again with POST /connection/authorize.', { field: 'query/state' })
    const app = this.exact.app
    let tokens
    try {
      tokens = await exchangeCode({ ...app, code, dispatcher: this.exact.dispatcher, now: () => this.exact.clock().getTime() })
    } catch (error) {
      if (error instanceof ExactAuthError) {
        throw new AppError('oauth_state_invalid', `Exact refused the authorization code: ${error.message}`, { field: 'query/code', cause: error })
      }
      throw error
    }
    const division = await this.exact.currentDivision(tokens.accessToken)
    await saveConnection(this.db, {
      tenantId,
      baseUrl: app.baseUrl,
      division,
      accessToken: this.cipher.encrypt(tokens.accessToken),
      refreshToken: this.cipher.encrypt(tokens.refreshToken),
      accessTokenExpiresAt: tokens.expiresAt,
      tokensIssuedAt: tokens.issuedAt,
    })
    await this.onConnected?.(tenantId)
    return { tenantId, division }
  }

  async status(tenantId: string): Promise<ConnectionStatus> {
    const row = await findConnection(this.db, tenantId)
    if (!row) return { status: 'disconnected', division: null, baseUrl: null, accessTokenExpiresAt: null, connectedAt: null, lastError: null }
    return {
      status: row.status,
      division: row.division,
      baseUrl: row.baseUrl,
      accessTokenExpiresAt: row.accessTokenExpiresAt.toISOString(),
      connectedAt: row.connectedAt.toISOString(),
      lastError: row.lastError,
    }
  }

  /** Forgets the tokens. Exact has no revoke endpoint; the user removes the app in Exact if wanted. */
  async disconnect(tenantId: string): Promise<void> {
    await deleteConnection(this.db, tenantId)
  }
}
