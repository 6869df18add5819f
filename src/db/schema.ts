import type { DocumentStatus } from '../domain/export-record'
import type { ExportStatus } from '../domain/types'
import type { ColumnType, Generated } from 'kysely'

/** Every table, declared once. Code outside src/db sees domain types made by rowToX mappers. */
export interface Database {
  tenants: TenantsTable
  api_keys: ApiKeysTable
  exact_connections: ExactConnectionsTable
  oauth_states: OauthStatesTable
  exact_charts: ExactChartsTable
  exact_probes: ExactProbesTable
  tenant_settings: TenantSettingsTable
  invoices: InvoicesTable
  relations: RelationsTable
  exports: ExportsTable
  export_attempts: ExportAttemptsTable
  payment_states: PaymentStatesTable
  payment_sync_cursors: PaymentSyncCursorsTable
  payment_sync_runs: PaymentSyncRunsTable
  payment_terms: PaymentTermsTable
  export_entry_lines: ExportEntryLinesTable
  webhook_events: WebhookEventsTable
  bulk_jobs: BulkJobsTable
  bulk_job_items: BulkJobItemsTable
  exact_webhook_subscriptions: ExactWebhookSubscriptionsTable
  exact_webhook_state: ExactWebhookStateTable
  invoice_documents: InvoiceDocumentsTable
}

type CreatedAt = ColumnType<Date, never, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>

export interface TenantsTable {
  id: Generated<string>
  name: string
  created_at: CreatedAt
}

export interface ApiKeysTable {
  id: Generated<string>
  tenant_id: string
  key_hash: string
  created_at: CreatedAt
  /** Written by the authentication look-up, at most once a minute per key. */
  last_used_at: Date | null
}

export type RegionColumn = 'nl' | 'be' | 'de' | 'uk' | 'fr' | 'es' | 'us'

export interface ExactConnectionsTable {
  tenant_id: string
  status: 'connected' | 'division_required' | 'reauthorize_needed'
  region: RegionColumn
  base_url: string
  /** null while the tenant has not chosen among several administrations (division_required). */
  division: number | null
  /** The administrations the grant reached at consent: [{division, name, country, current}]. */
  divisions: Json
  token_version: ColumnType<number, number | undefined, number>
  access_token_rejected_at: Date | null
  /** AES-256-GCM ciphertext (see services/token-cipher.ts), never the token itself. */
  access_token: string
  refresh_token: string
  access_token_expires_at: Date
  tokens_issued_at: Date
  last_error: string | null
  connected_at: ColumnType<Date, Date | undefined, Date>
  updated_at: UpdatedAt
  /** Migration 0008: does ReceivablesList / PayablesList accept a filter on EntryNumber / JournalCode? */
  receivables_list_filter: ColumnType<
    'unknown' | 'supported' | 'refused',
    'unknown' | 'supported' | 'refused' | undefined,
    'unknown' | 'supported' | 'refused'
  >
  /** Migration 0009: the longest YourRef this Exact was seen to keep; null until one was cut. */
  your_ref_max_length: ColumnType<number | null, number | null | undefined, number | null>
}

export interface OauthStatesTable {
  state_hash: string
  tenant_id: string
  region: RegionColumn
  expires_at: Date
  used_at: Date | null
}

export interface ExactChartsTable {
  base_url: string
  division: number
  chart: Json
  fetched_at: Date
}

export interface ExactProbesTable {
  tenant_id: string
  division: number
  findings: Json
  exact_calls: number
  ran_at: Date
}

type Json = ColumnType<unknown, string, string>

export interface TenantSettingsTable {
  tenant_id: string
  settings: Json
  proposed_fields: Json
  /** Migration 0008: what the proposal left out and why (SettingsProblem[]). */
  proposal_problems: ColumnType<unknown, string | undefined, string>
  updated_at: UpdatedAt
}

export interface InvoicesTable {
  tenant_id: string
  id: string
  type: 'sales' | 'purchase'
  number: string
  /** The invoice as the app sent it (domain Invoice). */
  content: Json
  content_hash: string
  version: Generated<number>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface RelationsTable {
  tenant_id: string
  party_id: string
  exact_account_id: string
  exact_code: string | null
  is_customer: boolean
  is_supplier: boolean
  matched_by: string
  updated_at: UpdatedAt
}

export type ExportStatusColumn = ExportStatus

export interface ExportsTable {
  id: Generated<string>
  tenant_id: string
  invoice_id: string
  type: 'sales' | 'purchase'
  status: ExportStatusColumn
  marker: string
  content_hash: string
  invoice_number: string
  journal: string | null
  entry_id: string | null
  entry_number: number | null
  relation_id: string | null
  relation_code: string | null
  relation_created: Generated<boolean>
  /** numeric(15,2): pg hands it over as a string, and it stays one. */
  total: string | null
  exact_total: string | null
  total_mismatch: Generated<boolean>
  changed_since_export: Generated<boolean>
  lease_until: Date | null
  /** Who holds the lease (a random id per claim); only the holder may renew, release or settle it. */
  lease_holder: string | null
  error_code: string | null
  error_detail: string | null
  exported_at: Date | null
  undone_at: Date | null
  created_at: CreatedAt
  updated_at: UpdatedAt
  /** Migration 0008: when Exact's own figures were read back (null: not yet). */
  read_back_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  exact_type: ColumnType<number | null, number | null | undefined, number | null>
  type_mismatch: Generated<boolean>
  payment_reference: ColumnType<string | null, string | null | undefined, string | null>
  /** Migration 0014: a bookkeeper changed the booked entry in Exact (issue 13). */
  modified_in_exact: Generated<boolean>
  modified_fields: ColumnType<Json | null, Json | null | undefined, Json | null>
  modified_checked_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** Migration 0016: recovery passes that left the export pending, and when the next may try it (null: now). */
  recovery_attempts: Generated<number>
  next_recovery_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** Migration 0016: the duplicate-number guard's key (type-scoped number, supplier-prefixed for purchase); null: a duplicate was allowed. */
  number_key: ColumnType<string | null, string | null | undefined, string | null>
  /** Migration 0015: the invoice's document in Exact; null when the invoice had none to attach. */
  document_status: ColumnType<
    DocumentStatusColumn | null,
    DocumentStatusColumn | null | undefined,
    DocumentStatusColumn | null
  >
  document_marker: ColumnType<string | null, string | null | undefined, string | null>
  /** The content hash of the PDF the Exact document carries (or is being given). */
  document_hash: ColumnType<string | null, string | null | undefined, string | null>
  exact_document_id: ColumnType<string | null, string | null | undefined, string | null>
  exact_attachment_id: ColumnType<string | null, string | null | undefined, string | null>
  document_error: ColumnType<string | null, string | null | undefined, string | null>
  document_attached_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export type DocumentStatusColumn = DocumentStatus

/** The invoice's PDF (migration 0015): one per invoice, the latest put, with the invoice version it was put at. */
export interface InvoiceDocumentsTable {
  tenant_id: string
  invoice_id: string
  invoice_version: number
  file_name: string
  content: Buffer
  size: number
  /** sha256 hex of content. */
  content_hash: string
  created_at: CreatedAt
  updated_at: UpdatedAt
}

/** The line IDs of a booked entry (migration 0008): sync/Deleted EntityType 1 tombstones carry them. */
export interface ExportEntryLinesTable {
  tenant_id: string
  line_id: string
  export_id: string
}

export interface ExportAttemptsTable {
  id: Generated<string>
  export_id: string
  action: 'create' | 'recover' | 'delete' | 'relation' | 'document'
  outcome: string
  request: Json | null
  response: Json | null
  created_at: CreatedAt
}

export type WebhookEventTypeColumn =
  | 'export.succeeded'
  | 'export.failed'
  | 'export.undone'
  | 'invoice.payment_updated'
  | 'bulk.completed'
  | 'export.modified_in_exact'
export type WebhookStatusColumn = 'pending' | 'delivered' | 'failed'

/** The outbound webhook outbox (migration 0003): an event and its delivery state in one row. */
export interface WebhookEventsTable {
  id: Generated<string>
  tenant_id: string
  type: WebhookEventTypeColumn
  payload: Json
  /** The URL configured when the event was recorded, then the one its last attempt went to. */
  url: string
  status: ColumnType<WebhookStatusColumn, WebhookStatusColumn | undefined, WebhookStatusColumn>
  attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: ColumnType<Date, Date | undefined, Date>
  last_attempt_at: Date | null
  last_status: number | null
  last_error: string | null
  delivered_at: Date | null
  created_at: CreatedAt
}

export type PaymentStatusColumn = 'unpaid' | 'partially_paid' | 'paid'

/** What Exact last said about an export's open item (migration 0004). Money columns stay strings. */
export interface PaymentStatesTable {
  export_id: string
  tenant_id: string
  invoice_id: string
  status: PaymentStatusColumn
  amount: string
  paid: string
  discount: string
  outstanding: string
  currency: string
  /** `date`: pg hands it over as 'YYYY-MM-DD' (see database.ts). */
  last_payment_date: string | null
  checked_at: Date
  source: 'live' | 'sync' | 'webhook'
  updated_at: UpdatedAt
  /** xid8 of the last writing transaction, set by a trigger (0013): the change feed's cursor. */
  change_xid: ColumnType<string, never, never>
}

/** Highest Exact row version (Int64, kept as a decimal string) applied per sync endpoint. */
export interface PaymentSyncCursorsTable {
  tenant_id: string
  terms_timestamp: ColumnType<string, string | undefined, string>
  deleted_timestamp: ColumnType<string, string | undefined, string>
  updated_at: UpdatedAt
}

/** One synced Exact payment term (migration 0006); an invoice's entry may have several. */
export interface PaymentTermsTable {
  tenant_id: string
  term_id: string
  entry_id: string
  /** AmountFC: what this term is for (open terms: what is still open). */
  amount: string
  /** TransactionAmountFC: the invoice total. */
  total: string
  discount: string
  matched: boolean
  last_payment_date: string | null
  currency: string
  exact_timestamp: string
  /** Migration 0008: DiscountDueDate ('YYYY-MM-DD'); null for terms synced before it or without a discount. */
  discount_due_date: ColumnType<string | null, string | null | undefined, string | null>
}

export interface PaymentSyncRunsTable {
  id: Generated<string>
  tenant_id: string
  trigger: 'schedule' | 'manual' | 'webhook'
  status: ColumnType<
    'running' | 'completed' | 'failed' | 'abandoned',
    'running' | undefined,
    'running' | 'completed' | 'failed' | 'abandoned'
  >
  started_at: ColumnType<Date, Date | undefined, Date>
  heartbeat_at: ColumnType<Date, Date | undefined, Date>
  finished_at: Date | null
  exact_calls: ColumnType<number, number | undefined, number>
  changed: ColumnType<number, number | undefined, number>
  deleted: ColumnType<number, number | undefined, number>
  errors: ColumnType<number, number | undefined, number>
  error_detail: string | null
}

export type BulkJobTypeColumn = 'all' | 'sales' | 'purchase'
export type BulkJobStatusColumn = 'queued' | 'running' | 'waiting_for_rate_limit' | 'completed' | 'cancelled'
export type BulkItemStatusColumn = 'pending' | 'exported' | 'skipped' | 'failed'

export interface BulkJobsTable {
  id: Generated<string>
  tenant_id: string
  type: BulkJobTypeColumn
  status: ColumnType<BulkJobStatusColumn, BulkJobStatusColumn | undefined, BulkJobStatusColumn>
  total: ColumnType<number, number | undefined, number>
  exported: ColumnType<number, number | undefined, number>
  skipped: ColumnType<number, number | undefined, number>
  failed: ColumnType<number, number | undefined, number>
  resume_at: Date | null
  last_error: string | null
  created_at: CreatedAt
  started_at: Date | null
  finished_at: Date | null
  updated_at: UpdatedAt
}

export interface BulkJobItemsTable {
  job_id: string
  seq: number
  tenant_id: string
  invoice_id: string
  status: ColumnType<BulkItemStatusColumn, BulkItemStatusColumn | undefined, BulkItemStatusColumn>
  code: string | null
  detail: string | null
  export_id: string | null
  attempts: ColumnType<number, number | undefined, number>
  not_before: Date | null
  /** Which process booked it (host:pid), so a test can see that two replicas shared a job. */
  worked_by: string | null
  finished_at: Date | null
  /** Who works on it right now (a random id per claim), and until when unless renewed. */
  claimed_by: string | null
  claimed_until: Date | null
}

/** Migration 0014: the Exact webhook subscriptions the service made for a tenant. */
export interface ExactWebhookSubscriptionsTable {
  tenant_id: string
  topic: string
  division: number
  /** Exact's WebhookSubscriptions ID; null when the subscription could not be made or is another tenant's. */
  exact_id: string | null
  callback_url: string
  status: 'subscribed' | 'shared' | 'failed'
  error: string | null
  created_at: ColumnType<Date, never, never>
}

/** Migration 0014: the last Exact webhook event of a tenant and the debounce of the sync it triggers. */
export interface ExactWebhookStateTable {
  tenant_id: string
  events_received: ColumnType<number, number | undefined, number>
  last_event_at: Date | null
  last_event_topic: string | null
  last_event_action: string | null
  last_event_key: string | null
  sync_pending: ColumnType<boolean, boolean | undefined, boolean>
  next_sync_after: Date | null
}
