/**
 * What every benchmark stands on: a fresh Postgres database, an in-process sandbox, the service on
 * a real port, a tenant connected through the real OAuth flow, and a markdown table for the result.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from 'pg'
import { request } from 'undici'
import { createDb } from '../src/db/database'
import { startEmbeddedPostgres } from '../src/db/embedded-postgres'
import { migrateToLatest } from '../src/db/migrate'
import { createLogger } from '../src/logger'
import { DEFAULT_WEBHOOK_SECRET, startSandbox } from '../src/sandbox/server'
import { createRuntime } from '../src/runtime'
import { sandboxSettings } from '../test/helpers/factories'
import { freePort } from '../test/helpers/free-port'

export const UNLIMITED = 1_000_000

/**
 * Database (named `bench_<name>_…`), sandbox and service, listening. `close()` stops them in
 * reverse; stop your own workers (or drain the services) before calling it.
 */
export async function startBench(
  name: string,
  opts: { exactWebhooks?: { debounceMs?: number; gatherMs?: number } } = {},
) {
  const { url: dbUrl, stop: stopPg } = await startDatabase(name)
  const db = createDb(dbUrl, { max: 20 })
  await migrateToLatest(db)
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', logger: false })
  const logger = createLogger('error')
  const adminApiKey = randomBytes(16).toString('hex')
  const runtime = await createRuntime({
    db,
    logger,
    adminApiKey,
    tokenEncryptionKey: randomBytes(32),
    exactApp: { baseUrl: sandbox.url, clientId: 'bench-client', clientSecret: 'bench-secret' },
    // Exact's webhooks on: the sandbox's secret, and this service's own URL as the callback.
    ...(opts.exactWebhooks
      ? {
          exactWebhooks: { secret: DEFAULT_WEBHOOK_SECRET },
          exactWebhookTiming: opts.exactWebhooks,
          allowPrivateWebhooks: true,
        }
      : {}),
  })
  const baseUrl = await runtime.listen(0, '127.0.0.1')
  const { services, exact, app } = runtime
  return {
    db,
    sandbox,
    logger,
    services,
    exact,
    app,
    baseUrl,
    adminApiKey,
    async close() {
      await runtime.close()
      await sandbox.close()
      await db.destroy()
      await stopPg()
    },
  }
}

/** A new tenant, connected to a new sandbox division through the OAuth flow, with the sandbox settings saved. */
export async function connectBenchTenant(
  baseUrl: string,
  adminKey: string,
  name: string,
): Promise<{ tenantId: string; apiKey: string; division: number }> {
  const created = await json<{ id: string; apiKey: string }>(`${baseUrl}/admin/tenants`, 'POST', { name }, adminKey)
  const authorize = await json<{ authorizeUrl: string }>(
    `${baseUrl}/connection/authorize`,
    'POST',
    undefined,
    created.apiKey,
  )
  const consent = await request(authorize.authorizeUrl)
  await consent.body.dump()
  const callback = await request(String(consent.headers.location))
  const text = await callback.body.text()
  if (callback.statusCode !== 200) throw new Error(`OAuth callback: ${callback.statusCode} ${text}`)
  await json(`${baseUrl}/settings`, 'PUT', sandboxSettings(), created.apiKey)
  return { tenantId: created.id, apiKey: created.apiKey, division: (JSON.parse(text) as { division: number }).division }
}

/** The lines of a markdown table, columns padded to their widest cell. */
export function markdownTable(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)]
}

/** DATABASE_URL: a fresh database made in that Postgres; else an embedded Postgres of our own. */
export async function startDatabase(name: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const database = `bench_${name}_${randomBytes(4).toString('hex')}`
  let adminUrl = process.env.DATABASE_URL
  let stopServer = async () => {}
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'eb-bench-pg-'))
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort() })
    adminUrl = pg.url
    stopServer = async () => {
      await pg.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  const admin = new Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return {
    url: url.toString(),
    async stop() {
      const c = new Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
      await c.end()
      await stopServer()
    },
  }
}

export async function json<T = any>(url: string, method: string, body?: unknown, bearer?: string): Promise<T> {
  const res = await request(url, {
    method: method as never,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.body.text()
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

/** The benchmark's entry point: a failure prints its stack and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  })
}
