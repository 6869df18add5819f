import type { Dispatcher } from '../exact/client'
import type { Db } from '../db/database'
import { RateLimiterRegistry } from '../exact/rate-limiter'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import { BulkService } from './bulk-service'
import { ConnectionService } from './connection-service'
import { PaymentSyncSchedule } from './payment-schedule'
import { PaymentService } from './payment-service'
import { PaymentStatusReads } from './payment-status-reads'
import { PaymentSync } from './payment-sync'
import { SettingsService } from './settings-service'
import { WebhookService } from './webhook-service'
import { ExportQueries } from './export-queries'
import { ExportService } from './export-service'
import { DocumentService } from './document-service'
import { EXACT_DOCUMENT_LIMIT_NL_BE } from '../domain/invoice-document'
import { InvoiceService } from './invoice-service'
import { RelationService } from './relation-service'
import { ExactContext, type ExactApp } from './exact-context'
import { ProbeService } from './exact-probe'
import { EntryChangeCheck } from './entry-change-check'
import { ExactWebhookService, type ExactWebhookConfig } from './exact-webhook-service'
import type { Services } from './index'
import { TenantService } from './tenant-service'
import { TokenCipher } from './token-cipher'

export interface ServiceDeps {
  db: Db
  exactApp: ExactApp
  tokenEncryptionKey: Buffer
  logger: Logger
  metrics: Metrics
  clock?: () => Date
  dispatcher?: Dispatcher
  /** PAYMENT_SYNC_CRON: the windows the scheduled payment sync spreads tenants over. Default every 4 hours. */
  paymentSyncCron?: string
  /** Development and sandbox mode: webhooks may go to any http(s) URL, localhost included. Default false: production rules. */
  allowPrivateWebhooks?: boolean
  /** EXACT_WEBHOOK_SECRET + EXACT_WEBHOOK_URL; absent: no subscriptions, the callback answers 404. */
  exactWebhooks?: ExactWebhookConfig
  /** Exact webhook debounce (default 30 s) and burst gathering (default 1 s). */
  exactWebhookTiming?: { debounceMs?: number; gatherMs?: number }
  /** DOCUMENT_MAX_BYTES: the largest invoice PDF taken (default 25,000,000, Exact's limit for NL/BE). */
  documentMaxBytes?: number
}

/** Wires the use cases; main.ts and the integration tests build the service the same way. */
export function buildServices(deps: ServiceDeps): { services: Services; exact: ExactContext } {
  const cipher = new TokenCipher(deps.tokenEncryptionKey)
  const limiter = new RateLimiterRegistry({
    onWait: (event) => deps.metrics.rateLimitWait.observe(event.waitMs / 1000),
    // The service clock, so waits for a reset follow the clock tests move (and the bulk job's resumeAt).
    ...(deps.clock ? { now: () => deps.clock!().getTime() } : {}),
  })
  const exact = new ExactContext(deps.db, cipher, deps.exactApp, limiter, deps.logger, deps.clock, deps.dispatcher, (call) => {
    deps.metrics.exactCalls.labels(call.method, call.resource, String(call.status ?? 'none')).inc()
    deps.metrics.exactCallDuration.observe(call.durationMs / 1000)
  })
  const settings = new SettingsService({ db: deps.db, exact, logger: deps.logger, allowPrivateWebhooks: deps.allowPrivateWebhooks ?? false })
  const settingsOf = (tenantId: string) => settings.get(tenantId)
  // A fresh connection gets settings proposed from its chart; failing that must not fail the connection.
  const proposeSettings = (tenantId: string, opts: { changed: boolean }) =>
    settings.proposeFromExact(tenantId, { fresh: opts.changed }).then(
      () => undefined,
      (err: unknown) => deps.logger.warn({ err, tenantId }, 'could not propose settings from Exact; the tenant can PUT /settings'),
    )
  const relations = new RelationService(deps.db)
  const documents = new DocumentService(deps.db, exact, deps.logger, deps.documentMaxBytes ?? EXACT_DOCUMENT_LIMIT_NL_BE)
  const exportService = new ExportService(deps.db, exact, relations, settingsOf, documents)
  const paymentReads = new PaymentStatusReads(deps.db)
  const paymentSync = new PaymentSync(deps.db, exact, new PaymentSyncSchedule(deps.paymentSyncCron ?? '0 */4 * * *'), deps.logger, deps.clock, {
    // Up to 100 booked entries a run get the figures and line IDs a bulk job left to read (5 calls at most).
    readBack: async (tenantId, client) => (await exportService.readBackPending(tenantId, client, 100)).calls,
  })
  const entryCheck = new EntryChangeCheck(deps.db, exact, deps.logger)
  const exactWebhooks = new ExactWebhookService({
    db: deps.db, exact, logger: deps.logger, config: deps.exactWebhooks ?? null,
    startSync: (tenantId) => paymentSync.startTriggered(tenantId),
    checkEntry: async (tenantId, entryId) => { await entryCheck.check(tenantId, entryId) },
    onOutcome: (outcome) => deps.metrics.exactWebhookCalls.labels(outcome).inc(),
    ...deps.exactWebhookTiming,
  })
  const divisionChosen = async (tenantId: string, opts: { changed: boolean }) => {
    await proposeSettings(tenantId, opts)
    await exactWebhooks.subscribe(tenantId)
  }
  const services: Services = {
    tenants: new TenantService(deps.db, { clock: deps.clock }),
    connections: new ConnectionService(deps.db, exact, cipher, { onDivisionChosen: divisionChosen, onDisconnecting: (tenantId) => exactWebhooks.unsubscribe(tenantId) }),
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
