import type { Dispatcher } from './exact/client'
import type { Db } from './db/database'
import { RateLimiterRegistry } from './exact/rate-limiter'
import type { Logger } from './logger'
import type { Metrics } from './metrics'
import { BulkService } from './services/bulk-service'
import { ConnectionService } from './services/connection-service'
import { paymentSyncSchedule } from './jobs/cron'
import { PaymentService } from './services/payment-service'
import { PaymentStatusReads } from './services/payment-status-reads'
import { PaymentSync } from './services/payment-sync'
import { SettingsService } from './services/settings-service'
import { WebhookService } from './services/webhook-service'
import { ExportQueries } from './services/export/export-queries'
import { ExportService } from './services/export/export-service'
import { DocumentService } from './services/document-service'
import { EXACT_DOCUMENT_LIMIT_NL_BE } from './domain/invoice-document'
import { InvoiceService } from './services/invoice-service'
import { RelationService } from './services/relation-service'
import { ExactSessions, type ExactApp } from './services/exact-session/exact-sessions'
import { ProbeService } from './services/exact-probe'
import { EntryChangeCheck } from './services/export/entry-change-check'
import { ExactWebhookService, type ExactWebhookConfig } from './services/exact-webhook-service'
import type { Services } from './services'
import { TenantService } from './services/tenant-service'
import { TokenCipher } from './services/exact-session/token-cipher'

import { buildApp } from './app'
import { pingDatabase } from './db/database'
import { startBulkWorker } from './jobs/bulk-worker'
import { recoverPendingExports } from './jobs/export-recovery'
import { Scheduler, schedulePaymentSync } from './jobs/scheduler'
import { scheduleTokenKeepAlive } from './jobs/token-keep-alive'
import { startWebhookDelivery } from './jobs/webhook-delivery'
import { createMetrics } from './metrics'
import { webhookUrlProblem } from './lib/webhook-url'

export interface RuntimeOptions {
  db: Db
  logger: Logger
  metrics?: Metrics
  adminApiKey?: string
  tokenEncryptionKey: Buffer
  /** The Exact app. Without `redirectUri`, Exact sends the browser back to this service's own /oauth/callback. */
  exactApp: Omit<ExactApp, 'redirectUri'> & { redirectUri?: string }
  /** EXACT_WEBHOOK_SECRET (+ EXACT_WEBHOOK_URL; without it, this service's own URL); absent: no subscriptions. */
  exactWebhooks?: { secret: string; publicUrl?: string }
  /** Exact webhook debounce (default 30 s) and burst gathering (default 1 s). */
  exactWebhookTiming?: { debounceMs?: number; gatherMs?: number }
  clock?: () => Date
  dispatcher?: Dispatcher
  /** PAYMENT_SYNC_CRON: the windows the scheduled payment sync spreads tenants over. Default every 4 hours. */
  paymentSyncCron?: string
  /** Development and sandbox mode: webhooks may go to any http(s) URL, localhost included. Default false: production rules. */
  allowPrivateWebhooks?: boolean
  /** DOCUMENT_MAX_BYTES: the largest invoice PDF taken (default 25,000,000, Exact's limit for NL/BE). */
  documentMaxBytes?: number
}

export interface Runtime {
  app: Awaited<ReturnType<typeof buildApp>>
  services: Services
  exact: ExactSessions
  /** Listens and answers the URL it is reachable at (port 0 picks a free port). */
  listen(port: number, host: string): Promise<string>
  /** The background loops: webhook delivery, the bulk worker, the scheduled ticks and export recovery. */
  startWorkers(): void
  /** Stops the workers (waiting for their work in flight), the syncs in flight and the app; the caller owns the database. */
  close(): Promise<void>
}

/**
 * The one composition root: main.ts, the test harness and the benchmarks build the service here,
 * so what they run is wired the same way. Nothing is patched after it is built: the service's own
 * URL, known once it listens, is read through a function when a tenant connects.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  let ownUrl: string | undefined
  const ownUrlNow = () => {
    if (!ownUrl) throw new Error('the service does not listen yet: its URL is unknown')
    return ownUrl
  }
  const { redirectUri, ...exactApp } = options.exactApp
  const metrics = options.metrics ?? createMetrics()
  const exactWebhooks = options.exactWebhooks
  const { services, exact } = wireServices({
    ...options,
    metrics,
    exactApp: { ...exactApp, redirectUri: redirectUri ? () => redirectUri : () => `${ownUrlNow()}/oauth/callback` },
    exactWebhooks: exactWebhooks && {
      secret: exactWebhooks.secret,
      publicUrl: exactWebhooks.publicUrl ? () => exactWebhooks.publicUrl! : ownUrlNow,
    },
  })
  const scheduler = new Scheduler(options.logger)
  const stops: Array<() => Promise<unknown>> = []
  let workersStarted = false
  const app = await buildApp({
    services,
    logger: options.logger,
    metrics,
    adminApiKey: options.adminApiKey,
    readiness: async () => ({
      database: await pingDatabase(options.db),
      scheduler: !workersStarted || scheduler.isRunning(),
    }),
  })
  return {
    app,
    services,
    exact,
    async listen(port, host) {
      await app.listen({ port, host })
      const shown = host === '0.0.0.0' ? '127.0.0.1' : host
      ownUrl = `http://${shown}:${(app.server.address() as { port: number }).port}`
      return ownUrl
    },
    startWorkers() {
      if (workersStarted) return
      workersStarted = true
      const allowPrivate = options.allowPrivateWebhooks ?? false
      // Production checks the URL again at each attempt: its DNS may point elsewhere since PUT /settings.
      const delivery = startWebhookDelivery({
        db: options.db,
        logger: options.logger,
        checkUrl: allowPrivate ? undefined : (url) => webhookUrlProblem(url, { allowPrivate: false }),
      })
      const bulkWorker = startBulkWorker({ bulk: services.bulk, logger: options.logger })
      services.bulk.onJobCreated(() => bulkWorker.wake())
      schedulePaymentSync(scheduler, services.paymentSync)
      scheduleTokenKeepAlive(scheduler, services.connections)
      // Syncs Exact events asked for whose replica died before its timer fired.
      scheduler.every('exact-webhook-syncs', '* * * * *', () => services.exactWebhooks.runWanted())
      // At start (a crash may have left pending exports) and every minute after.
      const recover = () =>
        recoverPendingExports({ exports: services.exports, documents: services.documents, logger: options.logger })
      scheduler.every('export-recovery', '* * * * *', recover)
      void recover().catch((err) => options.logger.error({ err }, 'export recovery at start failed'))
      scheduler.start()
      stops.push(
        () => delivery.stop(),
        () => bulkWorker.stop(),
        () => scheduler.stop(),
      )
    },
    async close() {
      // Stops firing, waits for the running tick, then for syncs still in flight, then the app.
      for (const stop of stops.reverse()) await stop()
      await services.exactWebhooks.drain()
      await services.paymentSync.drain()
      await app.close()
    },
  }
}

interface WiringDeps extends Omit<RuntimeOptions, 'exactApp' | 'exactWebhooks' | 'metrics'> {
  metrics: Metrics
  exactApp: ExactApp
  exactWebhooks?: ExactWebhookConfig
}

function wireServices(deps: WiringDeps): { services: Services; exact: ExactSessions } {
  const cipher = new TokenCipher(deps.tokenEncryptionKey)
  const limiter = new RateLimiterRegistry({
    onWait: (event) => deps.metrics.rateLimitWait.observe(event.waitMs / 1000),
    // The service clock, so waits for a reset follow the clock tests move (and the bulk job's resumeAt).
    ...(deps.clock ? { now: () => deps.clock!().getTime() } : {}),
  })
  const exact = new ExactSessions({
    db: deps.db,
    cipher,
    app: deps.exactApp,
    limiter,
    logger: deps.logger,
    clock: deps.clock,
    dispatcher: deps.dispatcher,
    onCall: (call) => {
      deps.metrics.exactCalls.labels(call.method, call.resource, String(call.status ?? 'none')).inc()
      deps.metrics.exactCallDuration.observe(call.durationMs / 1000)
    },
  })
  const settings = new SettingsService({
    db: deps.db,
    exact,
    logger: deps.logger,
    allowPrivateWebhooks: deps.allowPrivateWebhooks ?? false,
  })
  const settingsOf = (tenantId: string) => settings.get(tenantId)
  // A fresh connection gets settings proposed from its chart; failing that must not fail the connection.
  const proposeSettings = (tenantId: string, opts: { changed: boolean }) =>
    settings.proposeFromExact(tenantId, { fresh: opts.changed }).then(
      () => undefined,
      (err: unknown) =>
        deps.logger.warn({ err, tenantId }, 'could not propose settings from Exact; the tenant can PUT /settings'),
    )
  const relations = new RelationService(deps.db)
  const documents = new DocumentService(
    deps.db,
    exact,
    deps.logger,
    deps.documentMaxBytes ?? EXACT_DOCUMENT_LIMIT_NL_BE,
  )
  const exportService = new ExportService(deps.db, exact, relations, settingsOf, documents, deps.clock)
  const paymentReads = new PaymentStatusReads(deps.db)
  const paymentSync = new PaymentSync(
    deps.db,
    exact,
    paymentSyncSchedule(deps.paymentSyncCron ?? '0 */4 * * *'),
    deps.logger,
    deps.clock,
    {
      // Up to 100 booked entries a run get the figures and line IDs a bulk job left to read (5 calls at most).
      readBack: async (tenantId, client) => (await exportService.readBackPending(tenantId, client, 100)).calls,
    },
  )
  const entryCheck = new EntryChangeCheck(deps.db, exact, deps.logger)
  const exactWebhooks = new ExactWebhookService({
    db: deps.db,
    exact,
    logger: deps.logger,
    config: deps.exactWebhooks ?? null,
    startSync: (tenantId) => paymentSync.startTriggered(tenantId),
    checkEntry: async (tenantId, entryId) => {
      await entryCheck.check(tenantId, entryId)
    },
    onOutcome: (outcome) => deps.metrics.exactWebhookCalls.labels(outcome).inc(),
    ...deps.exactWebhookTiming,
  })
  const divisionChosen = async (tenantId: string, opts: { changed: boolean }) => {
    await proposeSettings(tenantId, opts)
    await exactWebhooks.subscribe(tenantId)
  }
  const services: Services = {
    tenants: new TenantService(deps.db, { clock: deps.clock }),
    connections: new ConnectionService(deps.db, exact, cipher, {
      onDivisionChosen: divisionChosen,
      onDisconnecting: (tenantId) => exactWebhooks.unsubscribe(tenantId),
    }),
    invoices: new InvoiceService(deps.db, settingsOf),
    exports: exportService,
    documents,
    bulk: new BulkService({ db: deps.db, exact, exports: exportService, relations, logger: deps.logger }),
    exportQueries: new ExportQueries(deps.db),
    relations,
    settings,
    webhooks: new WebhookService(deps.db, deps.clock),
    payments: new PaymentService(deps.db, exact, deps.logger, deps.clock, paymentReads),
    paymentReads,
    probes: new ProbeService(deps.db, exact, settingsOf),
    paymentSync,
    exactWebhooks,
  }
  return { services, exact }
}
