import { setTimeout as sleep } from 'node:timers/promises'
import { request, type Dispatcher } from 'undici'

/** Re-exported so callers can pass a dispatcher without importing undici themselves. */
export type { Dispatcher }
import { ExactAuthError, ExactNotFoundError, ExactUnavailableError } from './errors'
import type { Priority, RateLimiterRegistry } from './rate-limiter'
import type { TokenSource } from './tokens'
import { errorForStatus, header, looksLikeHtml, networkError, type Headers } from './transport'
import { parseList, parseOne, type WirePage, type WireRecord } from './wire'

/** The part of pino the connector uses. */
export interface ExactLogger {
  debug(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
}

export interface CallEvent {
  method: string
  resource: string
  /** null when no answer arrived (timeout, reset). */
  status: number | null
  durationMs: number
}

export interface ExactClientOptions {
  /** e.g. https://start.exactonline.nl */
  baseUrl: string
  /** null only for division-less calls (current/Me). */
  division: number | null
  tokens: TokenSource
  limiter: RateLimiterRegistry
  logger: ExactLogger
  dispatcher?: Dispatcher
  /** headersTimeout and bodyTimeout, default 30 s. */
  timeoutMs?: number
  priority?: Priority
  onCall?: (e: CallEvent) => void
  /**
   * Runs right before each request leaves, after any wait in the limiter; a throw stops the call
   * unsent (the export service: the caller must still hold its export's lease).
   */
  guard?: () => void
}

export type Query = Record<string, string | number | undefined>

interface Answer {
  status: number
  headers: Headers
  text: string
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/**
 * Exact's REST API for one division: bearer token, JSON envelope, paging, pacing and error
 * classification. Writes are never retried on an uncertain outcome (the service searches by
 * marker first); a GET is retried once after an outage; a refusal is never retried.
 */
export class ExactClient {
  readonly baseUrl: string
  readonly division: number | null
  private readonly origin: string

  constructor(private readonly opts: ExactClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '')
    this.division = opts.division
    this.origin = new URL(this.baseUrl).origin
  }

  /** The same client whose calls queue as `priority` (bulk jobs and syncs: 'background'). */
  withPriority(priority: Priority): ExactClient {
    return new ExactClient({ ...this.opts, priority })
  }

  /** The same client whose every call first runs `guard` (which throws to refuse the call). */
  guarded(guard: () => void): ExactClient {
    return new ExactClient({ ...this.opts, guard })
  }

  /** One entity (`Entity(guid'…')`) or the first row of a filtered query; 404 throws ExactNotFoundError. */
  async get(path: string, query?: Query): Promise<WireRecord | null> {
    return parseOne(await this.json('GET', this.url(path, query)))
  }

  /** Every row, following `__next`. */
  async list(path: string, query?: Query, maxPages = 100): Promise<WireRecord[]> {
    const rows: WireRecord[] = []
    let pages = 0
    for await (const page of this.pages(path, query)) {
      rows.push(...page.results)
      if (++pages >= maxPages) break
    }
    return rows
  }

  async *pages(path: string, query?: Query): AsyncGenerator<WirePage> {
    let url: string | undefined = this.url(path, query)
    while (url !== undefined) {
      const page = parseList(await this.json('GET', url))
      yield page
      url = page.next === undefined ? undefined : this.sameHost(page.next)
    }
  }

  /** POST with `Prefer: return=representation`; resolves with the created entity. */
  async post(path: string, body: WireRecord): Promise<WireRecord> {
    const entity = parseOne(await this.json('POST', this.url(path), body))
    if (entity === null)
      throw new ExactUnavailableError({
        reason: 'bad_response',
        resource: resourceOf(path),
        message: 'POST answer has no entity',
      })
    return entity
  }

  async put(path: string, body: WireRecord): Promise<void> {
    await this.json('PUT', this.url(path), body)
  }

  async delete(path: string): Promise<void> {
    await this.json('DELETE', this.url(path))
  }

  private url(path: string, query?: Query): string {
    const prefix = this.division === null || path.startsWith('current/') ? '' : `${this.division}/`
    const qs = Object.entries(query ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join('&')
    return `${this.baseUrl}/api/v1/${prefix}${path}${qs ? `?${qs}` : ''}`
  }

  /** `__next` is absolute; keep its path and query but our host, so the token never travels elsewhere. */
  private sameHost(next: string): string {
    const u = new URL(next, this.origin)
    return `${this.origin}${u.pathname}${u.search}`
  }

  private async json(method: Method, url: string, body?: WireRecord): Promise<unknown> {
    const resource = resourceOf(new URL(url).pathname)
    try {
      return decode(await this.authorized(method, url, resource, body), resource)
    } catch (err) {
      if (method !== 'GET' || !(err instanceof ExactUnavailableError) || err.reason === 'token_rejected') throw err
      this.opts.logger.warn({ err, resource }, 'Exact unavailable, retrying the GET once')
      await sleep(Math.min(err.retryAfterMs ?? 500, 5000))
      return decode(await this.authorized(method, url, resource, body), resource)
    }
  }

  /** One call through the limiter; a 401 gets one fresh token and one more try (nothing was written). */
  private async authorized(method: Method, url: string, resource: string, body?: WireRecord): Promise<Answer> {
    const limiter = this.opts.limiter.forDivision(this.baseUrl, this.division)
    const call = {
      priority: this.opts.priority ?? 'interactive',
      kind: method === 'GET' ? 'read' : 'write',
      resource,
    } as const
    let used = ''
    const first = await limiter.schedule(call, async () => {
      used = await this.opts.tokens.getAccessToken()
      return this.send(method, url, resource, used, body)
    })
    if (first.status !== 401) return first
    const fresh = await this.opts.tokens.onUnauthorized(used, header(first.headers, 'www-authenticate'))
    const second = await limiter.schedule(call, () => this.send(method, url, resource, fresh, body))
    if (second.status !== 401) return second
    throw new ExactAuthError('unauthorized', `Exact answered 401 to ${method} ${resource} with a fresh token`, {
      status: 401,
    })
  }

  private async send(method: Method, url: string, resource: string, token: string, body?: WireRecord): Promise<Answer> {
    this.opts.guard?.()
    const started = performance.now()
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (method === 'POST') headers.prefer = 'return=representation'
    const timeout = this.opts.timeoutMs ?? 30_000
    let status: number | null = null
    try {
      const res = await request(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.opts.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      })
      status = res.statusCode
      const text = await res.body.text()
      return { status: res.statusCode, headers: res.headers as Headers, text }
    } catch (err) {
      throw networkError(err, resource)
    } finally {
      const e = { method, resource, status, durationMs: performance.now() - started }
      this.opts.logger.debug(e, 'exact call')
      this.opts.onCall?.(e)
    }
  }
}

function decode({ status, headers, text }: Answer, resource: string): unknown {
  if (status >= 200 && status < 300) {
    if (text.trim() === '') return null
    if (looksLikeHtml(headers, text)) {
      throw new ExactUnavailableError({ reason: 'maintenance', resource, status, message: 'HTML page instead of JSON' })
    }
    try {
      return JSON.parse(text)
    } catch (cause) {
      throw new ExactUnavailableError({
        reason: 'bad_response',
        resource,
        status,
        message: 'answer is not JSON',
        cause,
      })
    }
  }
  throw errorForStatus(status, headers, text, resource, (a) => new ExactNotFoundError(a))
}

/** `/api/v1/123/salesentry/SalesEntries(guid'…')` -> `salesentry/SalesEntries`. */
export function resourceOf(path: string): string {
  return path
    .replace(/^\/?api\/v1\/(\d+\/)?/, '')
    .replace(/^\//, '')
    .replace(/\(.*\)$/, '')
}
