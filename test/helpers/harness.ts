import { request } from 'undici'
import { Writable } from 'node:stream'
import { createLogger } from '../../src/logger'
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime'
import type { ExactSessions } from '../../src/services/exact-session/exact-sessions'
import type { Services } from '../../src/services'
import { DEFAULT_WEBHOOK_SECRET, startSandbox } from '../../src/sandbox/server'
import { opened } from './leak-guard'
import { createTestDatabase, type TestDatabase } from './postgres'

export const ADMIN_KEY = 'test-admin-key-0123456789'

export interface Harness {
  app: Runtime['app']
  url: string
  sandboxUrl: string
  database: TestDatabase
  services: Services
  exact: ExactSessions
  /** Every log line the service wrote, for the "no secrets in logs" test. */
  logs: string[]
  /** Moves the service's clock (the sandbox has its own: POST /_sandbox/clock). */
  advanceClock(ms: number): void
  close(): Promise<void>
}

export interface HarnessOptions {
  /** Use this sandbox instead of starting one. */
  sandboxUrl?: string
  /** Lift the sandbox's rate limits (100,000/min, 1,000,000/day) so set-up and tests never wait on them. */
  unlimited?: boolean
  /** Use this database (a Postgres the test stops and starts) instead of a fresh clone; close() drops it. */
  database?: TestDatabase
  /** Exact webhooks on: the service's secret is the sandbox's default one and its callback this service's port. */
  exactWebhooks?: boolean | { debounceMs?: number; gatherMs?: number }
}

/** The real service on a real port, a fresh database and its own sandbox over HTTP. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = options.database ?? (await createTestDatabase())
  const sandbox = options.sandboxUrl ? undefined : await startSandbox({ port: 0, host: '127.0.0.1', logger: false })
  const sandboxUrl = options.sandboxUrl ?? sandbox!.url
  const logs: string[] = []
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk))
        done()
      },
    }) as never,
  )
  let offset = 0
  const clock = () => new Date(Date.now() + offset)
  const runtime = await createRuntime({
    db: database.db,
    logger,
    clock,
    adminApiKey: ADMIN_KEY,
    tokenEncryptionKey: Buffer.alloc(32, 7),
    allowPrivateWebhooks: true,
    exactApp: { baseUrl: sandboxUrl, clientId: 'test-client', clientSecret: 'test-secret' },
    // Exact webhooks on: the service's secret is the sandbox's default one and its callback this service's port.
    exactWebhooks: options.exactWebhooks ? { secret: DEFAULT_WEBHOOK_SECRET } : undefined,
    exactWebhookTiming: typeof options.exactWebhooks === 'object' ? options.exactWebhooks : undefined,
  })
  const url = await runtime.listen(0, '127.0.0.1')
  const { app, services, exact } = runtime
  const closed = opened(`harness on ${url} (its Fastify app and sandbox)`)
  const harness: Harness = {
    app,
    url,
    sandboxUrl,
    database,
    services,
    exact,
    logs,
    advanceClock: (ms) => {
      offset += ms
    },
    async close() {
      await runtime.close()
      await sandbox?.close()
      await database.drop()
      closed()
    },
  }
  if (options.unlimited) {
    await sandboxJson(harness, '/_sandbox/limits', {
      method: 'PUT',
      body: { perMinute: 100_000, perDay: 1_000_000 },
    }).catch(async (error) => {
      await harness.close()
      throw error
    })
  }
  return harness
}

/**
 * Moves the sandbox's clock and the service's together (the rate limiter reads Exact's reset times
 * on the sandbox clock): a test reaches a fresh minute window or the next day at once, not by waiting.
 */
export async function advanceClocks(h: Harness, ms: number): Promise<void> {
  await sandboxJson(h, '/_sandbox/clock', { method: 'POST', body: { advanceMs: ms } })
  h.advanceClock(ms)
}

/** The sandbox clock's now, in epoch ms. */
/** The harness's Exact app, for another runtime (a replica) on the same sandbox and callback. */
export function exactAppOf(h: Harness): RuntimeOptions['exactApp'] {
  return {
    baseUrl: h.sandboxUrl,
    clientId: 'test-client',
    clientSecret: 'test-secret',
    redirectUri: `${h.url}/oauth/callback`,
  }
}

export async function sandboxNow(h: Harness): Promise<number> {
  return (await sandboxJson<{ now: number }>(h, '/_sandbox/clock')).now
}

export async function createTenant(h: Harness, name = 'Acme'): Promise<{ id: string; apiKey: string }> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    payload: { name },
  })
  if (res.statusCode !== 201) throw new Error(`create tenant: ${res.statusCode} ${res.body}`)
  return res.json()
}

export interface ConnectOptions {
  region?: string
  /** Sandbox-only authorize parameters, e.g. `{ divisions: '100001,100002' }` or `{ division: '100003' }`. */
  consent?: Record<string, string>
}

/** The browser's part of OAuth: open the consent URL, follow Exact's redirect to our callback. */
export async function connectTenant(
  h: Harness,
  apiKey: string,
  options: ConnectOptions = {},
): Promise<{ status: string; division: number }> {
  const start = await h.app.inject({
    method: 'POST',
    url: '/connection/authorize',
    headers: { authorization: `Bearer ${apiKey}` },
    ...(options.region ? { payload: { region: options.region } } : {}),
  })
  if (start.statusCode !== 200) throw new Error(`authorize: ${start.statusCode} ${start.body}`)
  const consentUrl = new URL(start.json().authorizeUrl)
  for (const [k, v] of Object.entries(options.consent ?? {})) consentUrl.searchParams.set(k, v)
  const consent = await request(consentUrl)
  await consent.body.dump()
  const callback = await request(String(consent.headers.location))
  const body = (await callback.body.json()) as { status: string; division: number }
  if (callback.statusCode !== 200) throw new Error(`callback: ${callback.statusCode} ${JSON.stringify(body)}`)
  return body
}

export async function sandboxJson<T = any>(
  h: Harness,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const res = await request(`${h.sandboxUrl}${path}`, {
    method: (init.method ?? 'GET') as never,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const text = await res.body.text()
  if (res.statusCode >= 400) throw new Error(`sandbox ${path}: ${res.statusCode} ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

export interface Replica {
  app: Runtime['app']
  services: Services
  /** The replica's clock stands still until moved: what it caches expires only when the test says. */
  advanceClock(ms: number): void
  close(): Promise<void>
}

/** A second replica of the service on the harness's database: its own services, caches and clock. */
export async function startReplica(h: Harness): Promise<Replica> {
  let now = Date.now()
  const clock = () => new Date(now)
  const logger = createLogger('silent')
  const runtime = await createRuntime({
    db: h.database.db,
    logger,
    clock,
    adminApiKey: ADMIN_KEY,
    tokenEncryptionKey: Buffer.alloc(32, 7),
    allowPrivateWebhooks: true,
    exactApp: exactAppOf(h),
  })
  const { app, services } = runtime
  const closed = opened('a replica (startReplica)')
  return {
    app,
    services,
    advanceClock: (ms) => {
      now += ms
    },
    async close() {
      await runtime.close()
      closed()
    },
  }
}
