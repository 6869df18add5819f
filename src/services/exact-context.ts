import type { Db } from '../db/database'
import { findConnection } from '../db/connections-repository'
import { AppError } from '../domain/app-error'
import { ExactClient, type CallEvent, type Dispatcher } from '../exact/client'
import { getCurrentDivision } from '../exact/me'
import { ChartCache, fetchChart } from '../exact/reference-data'
import type { ChartOfAccounts } from '../domain/chart'
import { staticTokenSource } from '../exact/tokens'
import type { Priority, RateLimiterRegistry } from '../exact/rate-limiter'
import type { Logger } from '../logger'
import { DbTokenSource, type CachedToken } from './db-token-source'
import type { TokenCipher } from './token-cipher'

export interface ExactApp {
  baseUrl: string
  clientId: string
  clientSecret: string
  redirectUri: string
}

export type ExactCall = CallEvent

/**
 * Everything a use case needs to talk to a tenant's Exact administration: the app registration,
 * one HTTP dispatcher and one rate-limiter registry for the whole process, and the clock.
 */
export class ExactContext {
  /** Reference data per division: it rarely changes, and every export needs it. */
  private readonly charts = new ChartCache()
  private readonly tokens = new Map<string, CachedToken>()

  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    readonly app: ExactApp,
    readonly limiter: RateLimiterRegistry,
    readonly logger: Logger,
    readonly clock: () => Date = () => new Date(),
    readonly dispatcher?: Dispatcher,
    private readonly onCall?: (call: ExactCall) => void,
  ) {}

  /** A connector for the tenant's division; throws not_connected / reauthorize_needed first. */
  async clientFor(tenantId: string, priority: Priority = 'interactive'): Promise<ExactClient> {
    const connection = await findConnection(this.db, tenantId)
    if (!connection) throw new AppError('not_connected', 'This tenant is not connected to Exact Online; start with POST /connection/authorize.')
    if (connection.status !== 'connected') {
      throw new AppError('reauthorize_needed', `The Exact Online connection must be authorized again (POST /connection/authorize): ${connection.lastError ?? 'refresh token refused'}.`)
    }
    const oauth = { ...this.app, dispatcher: this.dispatcher, now: () => this.clock().getTime() }
    return new ExactClient({
      baseUrl: connection.baseUrl,
      division: connection.division,
      tokens: new DbTokenSource(this.tokens, this.db, tenantId, this.cipher, oauth, this.clock),
      dispatcher: this.dispatcher,
      limiter: this.limiter,
      logger: this.logger.child({ tenantId, division: connection.division }),
      priority,
      onCall: this.onCall,
    })
  }

  /** The division's chart of accounts, from the per-process cache. */
  chart(client: ExactClient): Promise<ChartOfAccounts> {
    return this.charts.get(chartKey(client), () => fetchChart(client))
  }

  /** After the bookkeeper changed the chart in Exact (a code we did not know yet). */
  invalidateChart(client: ExactClient): void {
    this.charts.invalidate(chartKey(client))
  }

  /** Right after the code exchange, before anything is stored: which division did the user pick? */
  async currentDivision(accessToken: string): Promise<number> {
    const client = new ExactClient({
      baseUrl: this.app.baseUrl,
      division: null,
      tokens: staticTokenSource(accessToken),
      dispatcher: this.dispatcher,
      limiter: this.limiter,
      logger: this.logger,
      onCall: this.onCall,
    })
    return (await getCurrentDivision(client)).division
  }
}

const chartKey = (client: ExactClient) => `${client.baseUrl}|${client.division}`
