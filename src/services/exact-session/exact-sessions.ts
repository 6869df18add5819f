import type { Db } from '../../db/database'
import { findChart, forgetChart, saveChart } from '../../db/charts-repository'
import { findProbedDiscountScale } from '../../db/probes-repository'
import { findConnection, type ConnectionRow } from '../../db/connections-repository'
import { AppError, ERRORS } from '../../domain/app-error'
import { ExactClient, type CallEvent, type Dispatcher } from '../../exact/client'
import { fetchChart } from '../../exact/reference-data'
import type { Region } from '../../domain/region'
import { baseUrlFor } from '../../exact/regions'
import { chartHasCurrentShape, type ChartOfAccounts } from '../../domain/chart'
import { staticTokenSource } from '../../exact/tokens'
import type { Priority, RateLimiterRegistry } from '../../exact/rate-limiter'
import type { Logger } from '../../logger'
import { DbTokenSource, type CachedToken } from './db-token-source'
import type { TokenCipher } from './token-cipher'

export interface ExactApp {
  /** EXACT_BASE_URL: when set, every region's calls go here (the sandbox, a proxy). */
  baseUrl?: string
  /** The region of a tenant that names none when it connects (EXACT_DEFAULT_REGION). */
  defaultRegion?: Region
  clientId: string
  clientSecret: string
  /** Where Exact sends the browser back to: read when a tenant connects (the service's own URL is known once it listens). */
  redirectUri: () => string
}

export type ExactCall = CallEvent

/** Exact's chart changes when a bookkeeper adds an account: read it again daily, or at once when a code is missing. */
const CHART_TTL_MS = 24 * 3_600_000
/** How long a replica trusts its in-memory copy before looking at the shared row again. */
const CHART_MEMO_MS = 60_000
/** A code still missing right after a fetch is missing in Exact too: do not fetch again for it. */
const CHART_REFETCH_AFTER_MS = 60_000

interface ChartMemo {
  chart: ChartOfAccounts
  fetchedAt: number
  checkedAt: number
}

export interface ExactSessionsOptions {
  db: Db
  cipher: TokenCipher
  app: ExactApp
  /** One registry for the whole process: Exact's limits are per app and division, not per request. */
  limiter: RateLimiterRegistry
  logger: Logger
  clock?: () => Date
  /** undici's dispatcher for every call (tests slow or break it); default the global one. */
  dispatcher?: Dispatcher
  /** Every call Exact answered (or did not): the metrics. */
  onCall?: (call: ExactCall) => void
}

/**
 * Everything a use case needs to talk to a tenant's Exact administration: the app registration,
 * one HTTP dispatcher and one rate-limiter registry for the whole process, and the clock.
 */
export class ExactSessions {
  private readonly charts = new Map<string, ChartMemo>()
  private readonly chartLoads = new Map<string, Promise<ChartOfAccounts>>()
  private readonly tokens = new Map<string, CachedToken>()

  private readonly db: Db
  private readonly cipher: TokenCipher
  private readonly onCall?: (call: ExactCall) => void
  readonly app: ExactApp
  readonly limiter: RateLimiterRegistry
  readonly logger: Logger
  readonly clock: () => Date
  readonly dispatcher?: Dispatcher

  constructor(options: ExactSessionsOptions) {
    this.db = options.db
    this.cipher = options.cipher
    this.app = options.app
    this.limiter = options.limiter
    this.logger = options.logger
    this.clock = options.clock ?? (() => new Date())
    this.dispatcher = options.dispatcher
    this.onCall = options.onCall
  }

  get defaultRegion(): Region {
    return this.app.defaultRegion ?? 'nl'
  }

  baseUrlFor(region: Region): string {
    return baseUrlFor(region, this.app.baseUrl)
  }

  /** A connector for the tenant's division; throws not_connected / reauthorize_needed / division_required first. */
  async clientFor(
    tenantId: string,
    priority: Priority = 'interactive',
    observe?: (call: ExactCall) => void,
  ): Promise<ExactClient> {
    const connection = await findConnection(this.db, tenantId)
    if (!connection) throw ERRORS.notConnected()
    if (connection.status === 'reauthorize_needed')
      throw ERRORS.reauthorizeNeeded(connection.lastError ?? 'refresh token refused')
    if (connection.status === 'division_required' || connection.division === null) {
      throw new AppError(
        'division_required',
        `The grant reaches ${connection.divisions.length} Exact administrations: choose one with PUT /connection/division (GET /connection/divisions lists them).`,
      )
    }
    return this.clientForRow(connection, connection.division, priority, observe)
  }

  /** The tenant's token source, whatever its division (the keep-alive job needs no division). */
  tokenSource(connection: ConnectionRow): DbTokenSource {
    const oauth = {
      ...this.app,
      baseUrl: connection.baseUrl,
      dispatcher: this.dispatcher,
      now: () => this.clock().getTime(),
    }
    return new DbTokenSource(
      this.tokens,
      this.db,
      connection.tenantId,
      connection.tokenVersion,
      this.cipher,
      oauth,
      this.clock,
    )
  }

  /** A connector for `division` with the tenant's stored tokens (choosing a division before it is stored). */
  clientForRow(
    connection: ConnectionRow,
    division: number,
    priority: Priority = 'interactive',
    observe?: (call: ExactCall) => void,
  ): ExactClient {
    const onCall = observe
      ? (call: ExactCall) => {
          this.onCall?.(call)
          observe(call)
        }
      : this.onCall
    return new ExactClient({
      baseUrl: connection.baseUrl,
      division,
      tokens: this.tokenSource(connection),
      dispatcher: this.dispatcher,
      limiter: this.limiter,
      logger: this.logger.child({ tenantId: connection.tenantId, division }),
      priority,
      onCall,
    })
  }

  /** Right after the code exchange, before anything is stored: a client on the fresh access token. */
  clientForGrant(baseUrl: string, accessToken: string, division: number | null): ExactClient {
    return new ExactClient({
      baseUrl,
      division,
      tokens: staticTokenSource(accessToken),
      dispatcher: this.dispatcher,
      limiter: this.limiter,
      logger: this.logger,
      onCall: this.onCall,
    })
  }

  /**
   * The division's chart: from this replica's memory, else the row every replica shares, else
   * Exact (a day at most, or sooner when `mustHave` says the copy lacks a code a booking names).
   */
  async chart(
    client: ExactClient,
    opts: { mustHave?: (chart: ChartOfAccounts) => boolean } = {},
  ): Promise<ChartOfAccounts> {
    const key = chartKey(client)
    const now = this.clock().getTime()
    const fits = (c: { chart: ChartOfAccounts; fetchedAt: number }) =>
      now - c.fetchedAt < CHART_TTL_MS &&
      chartHasCurrentShape(c.chart) &&
      (!opts.mustHave || opts.mustHave(c.chart) || now - c.fetchedAt < CHART_REFETCH_AFTER_MS)
    const memo = this.charts.get(key)
    if (memo && now - memo.checkedAt < CHART_MEMO_MS && fits(memo)) return memo.chart
    const stored = await findChart<ChartOfAccounts>(this.db, client.baseUrl, client.division!)
    if (stored && fits({ chart: stored.chart, fetchedAt: stored.fetchedAt.getTime() })) {
      this.charts.set(key, { chart: stored.chart, fetchedAt: stored.fetchedAt.getTime(), checkedAt: now })
      return stored.chart
    }
    return this.refreshChart(client)
  }

  /** Reads the chart from Exact now (POST /settings/refresh-chart, a stale or lacking copy); concurrent callers share one read. */
  refreshChart(client: ExactClient): Promise<ChartOfAccounts> {
    const key = chartKey(client)
    const running = this.chartLoads.get(key)
    if (running) return running
    const load = (async () => {
      const fetchedAt = this.clock()
      const chart = await fetchChart(client, {
        discountPercentScale: await findProbedDiscountScale(this.db, client.division!),
      })
      await saveChart(this.db, client.baseUrl, client.division!, chart, fetchedAt)
      this.charts.set(key, { chart, fetchedAt: fetchedAt.getTime(), checkedAt: fetchedAt.getTime() })
      return chart
    })().finally(() => this.chartLoads.delete(key))
    this.chartLoads.set(key, load)
    return load
  }

  /** Every replica reads this division's chart from Exact next time (a probe changed how it is read). */
  async forgetChart(client: ExactClient): Promise<void> {
    this.charts.delete(chartKey(client))
    await forgetChart(this.db, client.baseUrl, client.division!)
  }
}

const chartKey = (client: ExactClient) => `${client.baseUrl}|${client.division}`
