import closeWithGrace from 'close-with-grace'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfigFromProcess, type Config } from './config'
import { startEmbeddedPostgres } from './db/embedded-postgres'
import { createDb } from './db/database'
import { migrateToLatest } from './db/migrate'
import { createLogger, type Logger } from './logger'
import { throttled } from './jobs/outage'
import { createRuntime, type RuntimeOptions } from './runtime'
import { ensureDemoTenant } from './services/demo-tenant'
import { generateApiKey } from './services/tenant-service'
import { DEFAULT_WEBHOOK_SECRET, startSandbox } from './sandbox/server'

async function main(): Promise<void> {
  const startedAt = Date.now()
  const config = loadConfigOrExit()
  const logger = createLogger(config.logLevel)
  const closers: Array<() => Promise<unknown>> = []
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((err) => logger.error({ err }, 'shutdown step failed'))
  }

  try {
    let databaseUrl = config.databaseUrl
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort })
      closers.push(() => embedded.stop())
      databaseUrl = embedded.url
      logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started')
    }
    const connectionLost = throttled(30_000, (err, unsaid) =>
      logger.warn({ err, unsaid }, 'database connections dropped; queries connect anew once the database answers'),
    )
    const db = createDb(databaseUrl, { onConnectionError: connectionLost })
    closers.push(() => db.destroy())
    const applied = await migrateToLatest(db)
    if (applied.length > 0) logger.info({ applied }, 'migrations applied')

    let exactApp: RuntimeOptions['exactApp']
    // Exact webhooks (issue 13): in sandbox mode always on, with the sandbox signing by the same secret
    // and calling this service back at the URL it listens on.
    const exactWebhooks = config.exactWebhooks ?? (config.sandboxMode ? { secret: DEFAULT_WEBHOOK_SECRET } : undefined)
    let sandboxUrl: string | undefined
    if (config.sandboxMode) {
      const sandbox = await startSandbox({
        port: config.sandboxPort,
        host: config.host,
        logger: false,
        webhookSecret: exactWebhooks!.secret,
      })
      closers.push(() => sandbox.close())
      sandboxUrl = sandbox.url
      logger.warn(
        { sandboxUrl },
        'SANDBOX MODE: nothing reaches the real Exact Online; entries are booked in the in-memory sandbox',
      )
      // Every region's host points at the sandbox; it sends the browser back to this service's own callback.
      exactApp = {
        baseUrl: sandbox.url,
        defaultRegion: config.exact.defaultRegion,
        clientId: 'exact-bridge-sandbox',
        clientSecret: 'sandbox-secret',
      }
    } else {
      exactApp = {
        baseUrl: config.exact.baseUrl,
        defaultRegion: config.exact.defaultRegion,
        clientId: config.exact.clientId!,
        clientSecret: config.exact.clientSecret!,
        redirectUri: config.exact.redirectUri!,
      }
    }

    const adminApiKey = config.adminApiKey ?? persistentSecret(config, 'admin-api-key', generateApiKey)
    const tokenKey =
      config.tokenEncryptionKey ??
      Buffer.from(
        persistentSecret(config, 'token-encryption-key', () => randomBytes(32).toString('hex')),
        'hex',
      )
    const runtime = await createRuntime({
      db,
      logger,
      adminApiKey,
      tokenEncryptionKey: tokenKey,
      exactApp,
      exactWebhooks,
      allowPrivateWebhooks: config.env !== 'production' || config.sandboxMode,
      paymentSyncCron: config.paymentSyncCron,
      documentMaxBytes: config.documentMaxBytes,
    })
    closers.push(() => runtime.close())
    // PORT=0 picks a free port: report (and, in sandbox mode, redirect to) the one actually bound.
    const publicUrl = await runtime.listen(config.port, config.host)
    runtime.startWorkers()
    const { services } = runtime

    if (config.sandboxMode) {
      const demoKey = config.demoApiKey ?? persistentSecret(config, 'demo-api-key', generateApiKey)
      const demo = await ensureDemoTenant(db, services, demoKey)
      printSandboxBlock(logger, {
        publicUrl,
        sandboxUrl: sandboxUrl!,
        demoKey,
        adminApiKey,
        division: demo.division,
        seconds: (Date.now() - startedAt) / 1000,
      })
    } else {
      logger.info({ url: publicUrl, docs: `${publicUrl}/docs` }, 'exact-bridge listening')
    }
  } catch (err) {
    logger.fatal({ err }, 'start failed')
    await close()
    process.exit(1)
  }

  closeWithGrace({ delay: 15_000, logger: false }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an error')
    else logger.info({ signal }, 'shutting down: finishing in-flight work')
    await close()
  })
}

function loadConfigOrExit(): Config {
  try {
    return loadConfigFromProcess()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`exact-bridge: invalid configuration: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
}

/** Development secrets that must survive a restart (keys, the token key) live under DATA_DIR. */
function persistentSecret(config: Config, name: string, generate: () => string): string {
  const file = join(config.dataDir, name)
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(config.dataDir, { recursive: true })
  const value = generate()
  writeFileSync(file, `${value}\n`, { mode: 0o600 })
  return value
}

/** Exported by the curl in the start-up block; its number changes per run so it books anew. */
const SAMPLE_INVOICE = {
  type: 'sales',
  number: 'DEMO-0001',
  issueDate: '2026-11-20',
  currency: 'EUR',
  description: 'Consulting November',
  party: {
    id: 'demo-customer',
    name: 'Acme BV',
    vatNumber: 'BE0123456789',
    address: { postcode: '2000', city: 'Antwerpen', country: 'BE' },
  },
  lines: [{ description: 'Consulting', netAmount: '1000.00', vatRate: '21' }],
  totals: { net: '1000.00', vat: '210.00', gross: '1210.00' },
}

function printSandboxBlock(
  logger: Logger,
  v: { publicUrl: string; sandboxUrl: string; demoKey: string; adminApiKey: string; division: number; seconds: number },
): void {
  logger.info({ url: v.publicUrl, division: v.division, startSeconds: v.seconds }, 'sandbox mode ready')
  const lines = [
    '',
    '  exact-bridge is running in SANDBOX MODE (nothing reaches the real Exact Online)',
    '',
    `  Service      ${v.publicUrl}`,
    `  API docs     ${v.publicUrl}/docs`,
    `  Sandbox      ${v.sandboxUrl}   (Exact-compatible; division ${v.division})`,
    `  Demo API key ${v.demoKey}`,
    `  Admin key    ${v.adminApiKey}`,
    '',
    '  Book a sample invoice in the sandbox and see its Exact entry number:',
    `    curl -s -X POST ${v.publicUrl}/invoices/demo-$RANDOM/export \\`,
    `      -H "Authorization: Bearer ${v.demoKey}" -H "Content-Type: application/json" \\`,
    `      -d '${JSON.stringify(SAMPLE_INVOICE)}' | grep -o '"entryNumber":[0-9]*'`,
    '',
    `  Ready in ${v.seconds.toFixed(1)} s`,
    '',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

void main()
