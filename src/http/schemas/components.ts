import type { TSchema } from '@sinclair/typebox'
import { EntrySchema } from '../../domain/entry'
import { InvoiceSchema } from '../../domain/invoice'
import { SettingsSchema } from '../../domain/settings'
import { ProbeReportSchema } from '../../services/exact-probe'
import { CreatedTenantSchema } from './admin'
import { ReadinessSchema } from './health'
import { ProblemSchema } from '../problem'
import { BulkJobListSchema, BulkJobSchema, BulkJobSummarySchema } from './bulk'
import { PaymentStatusesSchema, PaymentStatusSchema } from './payment-status'
import { SyncOverviewSchema, SyncRunSchema } from './payment-sync'
import { ChartRefreshSchema, SettingsProposalSchema } from './settings'
import { ApiKeyListSchema, ApiKeySchema, CreatedApiKeySchema } from './api-key'
import { AuthorizationSchema, ConnectionSchema, DivisionSchema, OAuthCallbackSchema } from './connection'
import { AttemptSchema, ExportPageSchema, ExportSchema, ExportWithAttemptsSchema } from './export'
import { ExportPreviewSchema, StoredInvoiceSchema } from './invoice'
import { WebhookDeliveryPageSchema } from './webhook'

/**
 * The shared shapes, registered once with `app.addSchema` and referenced with `Ref`: each is one
 * named component of the spec and one type of the generated client. A schema nested with its own
 * `$id` inside one of these (Party, WebhookDelivery...) is registered by its parent:
 * listing it too would register its `$id` twice.
 */
export const COMPONENTS: readonly TSchema[] = [
  ProblemSchema,
  InvoiceSchema,
  StoredInvoiceSchema,
  EntrySchema,
  ExportPreviewSchema,
  ExportSchema,
  AttemptSchema,
  ExportWithAttemptsSchema,
  ExportPageSchema,
  BulkJobSchema,
  BulkJobSummarySchema,
  BulkJobListSchema,
  PaymentStatusSchema,
  PaymentStatusesSchema,
  SyncRunSchema,
  SyncOverviewSchema,
  SettingsSchema,
  SettingsProposalSchema,
  ChartRefreshSchema,
  AuthorizationSchema,
  ConnectionSchema,
  DivisionSchema,
  OAuthCallbackSchema,
  ProbeReportSchema,
  WebhookDeliveryPageSchema,
  ReadinessSchema,
  CreatedTenantSchema,
  ApiKeySchema,
  ApiKeyListSchema,
  CreatedApiKeySchema,
]
