import type { BulkService } from './bulk-service'
import type { ConnectionService } from './connection-service'
import type { SettingsService } from './settings-service'
import type { WebhookService } from './webhook-service'
import type { ExportQueries } from './export/export-queries'
import type { ExportService } from './export/export-service'
import type { DocumentService } from './document-service'
import type { InvoiceService } from './invoice-service'
import type { RelationService } from './relation-service'
import type { TenantService } from './tenant-service'
import type { PaymentService } from './payment-service'
import type { PaymentStatusReads } from './payment-status-reads'
import type { PaymentSync } from './payment-sync'
import type { ProbeService } from './exact-probe'
import type { ExactWebhookService } from './exact-webhook-service'

/** The use cases the HTTP layer and the jobs call; built in one place (src/runtime.ts). */
export interface Services {
  bulk: BulkService
  tenants: TenantService
  connections: ConnectionService
  invoices: InvoiceService
  exports: ExportService
  documents: DocumentService
  exportQueries: ExportQueries
  relations: RelationService
  settings: SettingsService
  webhooks: WebhookService
  payments: PaymentService
  paymentReads: PaymentStatusReads
  paymentSync: PaymentSync
  probes: ProbeService
  exactWebhooks: ExactWebhookService
}
