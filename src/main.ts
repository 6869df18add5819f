import closeWithGrace from 'close-with-grace'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from './app'
import { ConfigError, loadConfigFromProcess, type Config } from './config'
import { createDb, pingDatabase } from './db/database'
import { startEmbeddedPostgres } from './db/embedded-postgres'
import { migrateToLatest } from './db/migrate'
import { createLogger, type Logger } from './logger'
import { createMetrics } from './metrics'
import { startBulkWorker } from './jobs/bulk-worker'
import { recoverPendingExports } from './jobs/export-recovery'
import { startWebhookDelivery } from './jobs/webhook-delivery'
import { throttled } from './jobs/outage'
import { Scheduler, schedulePaymentSync } from './jobs/scheduler'
import { scheduleTokenKeepAlive } from './jobs/token-keep-alive'
import { webhookUrlProblem } from './services/webhook-url'
import { buildServices } from './services/build-services'
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
    const connectionLost = throttled(30_000, (err, unsaid) => logger.warn({ err, unsaid }, 'database connections dropped; queries connect anew once the database answers'))
    const db = createDb(databaseUrl, { onConnectionError: connectionLost })
    closers.push(() => db.destroy())
    const applied = await migrateToLatest(db)
    if (applied.length > 0) logger.info({ applied }, 'migrations applied')

    const displayHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
    let publicUrl = `http://${displayHost}:${config.port}`
    let exactApp
    // Exact webhooks (issue 13): in sandbox mode always on, with the sandbox signing by the same secret.
    const exactWebhooks = config.exactWebhooks
      ? { ...config.exactWebhooks }
      : config.sandboxMode ? { secret: DEFAULT_WEBHOOK_SECRET, publicUrl } : undefined
    if (config.sandboxMode) {
      const sandbox = await startSandbox({ port: config.sandboxPort, host: config.host, logger: false, webhookSecret: exactWebhooks!.secret })
      closers.push(() => sandbox.close())
      logger.warn({ sandboxUrl: sandbox.url }, 'SANDBOX MODE: nothing reaches the real Exact Online; entries are booked in the in-memory sandbox')
      // Every region's host points at the sandbox.
      exactApp = { baseUrl: sandbox.url, defaultRegion: config.exact.defaultRegion, clientId: 'exact-bridge-sandbox', clientSecret: 'sandbox-secret', redirectUri: `${publicUrl}/oauth/callback` }
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
    const tokenKey = config.tokenEncryptionKey ?? Buffer.from(persistentSecret(config, 'token-encryption-key', () => randomBytes(32).toString('hex')), 'hex')
    const metrics = createMetrics()
    const allowPrivateWebhooks = config.env !== 'production' || config.sandboxMode
    const { services } = buildServices({ db, exactApp, tokenEncryptionKey: tokenKey, logger, metrics, allowPrivateWebhooks, paymentSyncCron: config.paymentSyncCron, exactWebhooks, documentMaxBytes: config.documentMaxBytes })
    const scheduler = new Scheduler(logger)
    const app = await buildApp({
      services,
      logger,
      metrics,
      adminApiKey,
      readiness: async () => ({
        database: await pingDatabase(db),
        scheduler: scheduler.isRunning(),
      }),
    })
    closers.push(() => app.close())
    await app.listen({ port: config.port, host: config.host })
    // PORT=0 picks a free port: report (and, in sandbox mode, redirect to) the one actually bound.
    publicUrl = `http://${displayHost}:${(app.server.address() as { port: number }).port}`
    if (config.sandboxMode) exactApp.redirectUri = `${publicUrl}/oauth/callback`
    if (config.sandboxMode && !config.exactWebhooks) exactWebhooks!.publicUrl = publicUrl
    // Production checks the URL again at each attempt: its DNS may point elsewhere since PUT /settings.
    const webhookDelivery = startWebhookDelivery({
      db,
      logger,
      checkUrl: allowPrivateWebhooks ? undefined : (url) => webhookUrlProblem(url, { allowPrivate: false }),
    })
    closers.push(() => webhookDelivery.stop())
    const bulkWorker = startBulkWorker({ bulk: services.bulk, logger })
    services.bulk.onJobCreated(() => bulkWorker.wake())
    closers.push(() => bulkWorker.stop())
    schedulePaymentSync(scheduler, services.paymentSync)
    scheduleTokenKeepAlive(scheduler, services.connections)
    // Syncs Exact events asked for whose replica died before its timer fired.
    scheduler.every('exact-webhook-syncs', '* * * * *', () => services.exactWebhooks.runWanted())
    // At start (a crash may have left pending exports) and every minute after.
    const recover = () => recoverPendingExports({ exports: services.exports, documents: services.documents, logger })
    scheduler.every('export-recovery', '* * * * *', recover)
    void recover().catch((err) => logger.error({ err }, 'export recovery at start failed'))
    scheduler.start()
    // Stops firing, waits for the running tick, then for manual syncs still in flight.
    closers.push(async () => { await scheduler.stop(); await services.exactWebhooks.drain(); await services.paymentSync.drain() })

    if (config.sandboxMode) {
      const demoKey = config.demoApiKey ?? persistentSecret(config, 'demo-api-key', generateApiKey)
      const demo = await ensureDemoTenant(db, services, demoKey)
      printSandboxBlock(logger, { publicUrl, sandboxUrl: exactApp.baseUrl!, demoKey, adminApiKey, division: demo.division, seconds: (Date.now() - startedAt) / 1000 })
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
  party: { id: 'demo-customer', name: 'Acme BV', vatNumber: 'BE0123456789', address: { postcode: '2000', city: 'Antwerpen', country: 'BE' } },
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
