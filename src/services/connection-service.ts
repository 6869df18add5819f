import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/database'
import {
  consumeOauthState,
  deleteConnection,
  findConnection,
  insertOauthState,
  listIdleConnections,
  lockConnection,
  saveConnection,
  setDivision,
  type ConnectionRow,
  type DivisionRow,
} from '../db/connections-repository'
import { countLiveExports } from '../db/exports-repository'
import { restartPaymentSync } from '../db/payment-sync-repository'
import { AppError, ERRORS } from '../domain/app-error'
import type { ExactClient } from '../exact/client'
import { listDivisions } from '../exact/divisions'
import { ExactAuthError } from '../exact/errors'
import { getCurrentDivision } from '../exact/me'
import { buildAuthorizeUrl, exchangeCode } from '../exact/oauth'
import type { Region } from '../domain/region'
import { syncTimestampAt } from '../exact/sync'
import type { ExactSessions } from './exact-session/exact-sessions'
import { toAppError } from './exact-session/exact-errors'

const STATE_TTL_MS = 10 * 60_000
const DAY_MS = 86_400_000
/** Exact's refresh token dies 30 days after it was issued unless it is spent (exact-online.md §2.2). */
export const REFRESH_TOKEN_LIFETIME_MS = 30 * DAY_MS
/** The keep-alive job spends refresh tokens older than this, well inside the 30 days. */
export const KEEP_ALIVE_AFTER_MS = 20 * DAY_MS
/** The first payment sync of an administration reads what changed since this long before the connection. */
const FIRST_SYNC_LOOKBACK_MS = 3 * DAY_MS

/** A tenant's connection as the service knows it; `disconnected` when no tokens are kept. */
export type ConnectionState =
  | { status: 'disconnected' }
  | (Pick<
      ConnectionRow,
      'status' | 'region' | 'division' | 'baseUrl' | 'accessTokenExpiresAt' | 'connectedAt' | 'lastError'
    > & { refreshTokenExpiresAt: Date })

export interface ConnectionHooks {
  /** A division was chosen (at consent or later): propose settings from its chart. Must not throw. */
  onDivisionChosen?: (tenantId: string, opts: { changed: boolean }) => Promise<void>
  /** Before the tokens are forgotten (unsubscribe Exact's webhooks while they still work). Must not throw. */
  onDisconnecting?: (tenantId: string) => Promise<void>
}

const hashState = (state: string) => createHash('sha256').update(state).digest('hex')

/** Connecting a tenant to one of its Exact administrations: the OAuth authorization-code flow, then the division. */
export class ConnectionService {
  constructor(
    private readonly db: Db,
    private readonly exact: ExactSessions,
    private readonly cipher: { encrypt(plain: string): string },
    private readonly hooks: ConnectionHooks = {},
  ) {}

  async startAuthorization(
    tenantId: string,
    region: Region = this.exact.defaultRegion,
  ): Promise<{ authorizeUrl: string; region: Region; expiresAt: Date }> {
    const state = randomBytes(24).toString('base64url')
    const expiresAt = new Date(this.exact.clock().getTime() + STATE_TTL_MS)
    await insertOauthState(this.db, hashState(state), tenantId, region, expiresAt)
    const app = this.exact.app
    const authorizeUrl = buildAuthorizeUrl({
      baseUrl: this.exact.baseUrlFor(region),
      clientId: app.clientId,
      redirectUri: app.redirectUri(),
      state,
    })
    return { authorizeUrl, region, expiresAt }
  }

  /**
   * The OAuth callback: the state names the tenant and its region (once, within 10 minutes). The
   * grant may reach several administrations; with one it is connected, with more the tenant picks.
   */
  async completeAuthorization(
    state: string,
    code: string,
  ): Promise<{ tenantId: string; status: 'connected' | 'division_required'; division: number | null }> {
    const consumed = await consumeOauthState(this.db, hashState(state), this.exact.clock())
    if (!consumed)
      throw new AppError(
        'oauth_state_invalid',
        'This authorization link is unknown, used or expired; start again with POST /connection/authorize.',
        { field: 'query/state' },
      )
    const { tenantId, region } = consumed
    const baseUrl = this.exact.baseUrlFor(region)
    let tokens
    try {
      tokens = await exchangeCode({
        ...this.exact.app,
        redirectUri: this.exact.app.redirectUri(),
        baseUrl,
        code,
        dispatcher: this.exact.dispatcher,
        now: () => this.exact.clock().getTime(),
      })
    } catch (error) {
      if (error instanceof ExactAuthError) {
        throw new AppError('oauth_code_refused', `Exact refused the authorization code: ${error.message}`, {
          field: 'query/code',
          cause: error,
        })
      }
      throw toAppError(error)
    }
    const divisions = await this.reachableDivisions(baseUrl, tokens.accessToken).catch((e) => {
      throw toAppError(e)
    })
    if (divisions.length === 0) {
      throw new AppError(
        'division_unreachable',
        'The consent gave this app no Exact administration: authorize again and tick at least one administration.',
        { field: 'query/code' },
      )
    }
    const division = divisions.length === 1 ? divisions[0]!.division : null
    await saveConnection(this.db, {
      tenantId,
      region,
      baseUrl,
      division,
      divisions,
      accessToken: this.cipher.encrypt(tokens.accessToken),
      refreshToken: this.cipher.encrypt(tokens.refreshToken),
      accessTokenExpiresAt: tokens.expiresAt,
      tokensIssuedAt: tokens.issuedAt,
    })
    if (division !== null) await this.divisionChosen(tenantId, false)
    return { tenantId, status: division === null ? 'division_required' : 'connected', division }
  }

  async status(tenantId: string): Promise<ConnectionState> {
    const row = await findConnection(this.db, tenantId)
    if (!row) return { status: 'disconnected' }
    return {
      status: row.status,
      region: row.region,
      division: row.division,
      baseUrl: row.baseUrl,
      accessTokenExpiresAt: row.accessTokenExpiresAt,
      refreshTokenExpiresAt: new Date(row.tokensIssuedAt.getTime() + REFRESH_TOKEN_LIFETIME_MS),
      connectedAt: row.connectedAt,
      lastError: row.lastError,
    }
  }

  async divisions(tenantId: string): Promise<DivisionRow[]> {
    return (await this.requireConnection(tenantId)).divisions
  }

  /**
   * PUT /connection/division. Only a division the grant reaches; a change only while nothing is
   * booked in the old one (its entries would be orphaned: undo them first). A new division gets
   * its own sync cursors and settings proposed from its own chart.
   */
  async chooseDivision(tenantId: string, division: number): Promise<ConnectionState> {
    const row = await this.requireConnection(tenantId)
    if (row.status === 'reauthorize_needed') return this.status(tenantId)
    if (!row.divisions.some((d) => d.division === division)) {
      const reachable = row.divisions.map((d) => d.division).join(', ')
      throw new AppError(
        'division_unreachable',
        `The grant does not reach administration ${division}; it reaches ${reachable}. Authorize again to widen it.`,
        { field: 'body/division' },
      )
    }
    if (row.division === division && row.status === 'connected') return this.status(tenantId)
    const changed = await this.db.transaction().execute(async (trx) => {
      const locked = await lockConnection(trx, tenantId)
      if (!locked) throw ERRORS.notConnected()
      if (locked.division !== null && locked.division !== division) {
        const live = await countLiveExports(trx, tenantId)
        if (live > 0) {
          throw new AppError(
            'division_has_exports',
            `${live} export${live === 1 ? ' is' : 's are'} booked in administration ${locked.division}; undo ${live === 1 ? 'it' : 'them'} before changing the administration.`,
            {
              field: 'body/division',
              details: { liveExports: live, division: locked.division },
            },
          )
        }
      }
      await setDivision(trx, tenantId, division)
      return locked.division !== null && locked.division !== division
    })
    await this.divisionChosen(tenantId, changed)
    return this.status(tenantId)
  }

  /** The daily keep-alive: spends every refresh token older than 20 days, so an idle tenant stays connected. */
  async keepAlive(): Promise<{ idle: number; refreshed: number; failed: number }> {
    const idle = await listIdleConnections(this.db, new Date(this.exact.clock().getTime() - KEEP_ALIVE_AFTER_MS))
    let refreshed = 0
    let failed = 0
    for (const tenantId of idle) {
      const row = await findConnection(this.db, tenantId)
      if (!row) continue
      try {
        if (await this.exact.tokenSource(row).refreshIfOlderThan(KEEP_ALIVE_AFTER_MS)) refreshed += 1
      } catch (err) {
        failed += 1
        this.exact.logger.warn({ err, tenantId }, 'keep-alive refresh failed')
      }
    }
    return { idle: idle.length, refreshed, failed }
  }

  /** Forgets the tokens. Exact has no revoke endpoint; the user removes the app in Exact if wanted. */
  async disconnect(tenantId: string): Promise<void> {
    await this.hooks.onDisconnecting?.(tenantId)
    await deleteConnection(this.db, tenantId)
  }

  /** current/Me says which administration the user last opened; system/Divisions which ones the grant reaches. */
  private async reachableDivisions(baseUrl: string, accessToken: string): Promise<DivisionRow[]> {
    const me = await getCurrentDivision(this.exact.clientForGrant(baseUrl, accessToken, null))
    const reachable = await listDivisions(this.exact.clientForGrant(baseUrl, accessToken, me.division))
    return reachable.map((d) => ({ ...d, current: d.division === me.division }))
  }

  /** Payment sync starts a few days back instead of at the administration's first row; then settings are proposed. */
  private async divisionChosen(tenantId: string, changed: boolean): Promise<void> {
    // Without SyncTimestamp the sync starts from the administration's first row: slower, never wrong.
    let cursors = { termsTimestamp: '0', deletedTimestamp: '0' }
    try {
      const client: ExactClient = await this.exact.clientFor(tenantId, 'background')
      const since = new Date(this.exact.clock().getTime() - FIRST_SYNC_LOOKBACK_MS)
      cursors = {
        termsTimestamp: await syncTimestampAt(client, 'PaymentTerms', since),
        deletedTimestamp: await syncTimestampAt(client, 'Deleted', since),
      }
    } catch (err) {
      this.exact.logger.warn(
        { err, tenantId },
        'could not place the payment sync cursors; the first sync reads the whole history',
      )
    }
    await this.db.transaction().execute((trx) => restartPaymentSync(trx, tenantId, cursors))
    await this.hooks.onDivisionChosen?.(tenantId, { changed })
  }

  private async requireConnection(tenantId: string): Promise<ConnectionRow> {
    const row = await findConnection(this.db, tenantId)
    if (!row) throw ERRORS.notConnected()
    return row
  }
}
