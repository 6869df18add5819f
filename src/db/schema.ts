import type { ColumnType, Generated } from 'kysely'

/** Every table, declared once. Code outside src/db sees domain types made by rowToX mappers. */
export interface Database {
  tenants: TenantsTable
  api_keys: ApiKeysTable
  exact_connections: ExactConnectionsTable
  oauth_states: OauthStatesTable
  tenant_settings: TenantSettingsTable
  invoices: InvoicesTable
  relations: RelationsTable
  exports: ExportsTable
  export_attempts: ExportAttemptsTable
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
}

export interface ExactConnectionsTable {
  tenant_id: string
  status: 'connected' | 'reauthorize_needed'
  base_url: string
  division: number
  /** AES-256-GCM ciphertext (see services/token-cipher.ts), never the token itself. */
  access_token: string
  refresh_token: string
  access_token_expires_at: Date
  tokens_issued_at: Date
  last_error: string | null
  connected_at: ColumnType<Date, Date | undefined, Date>
  updated_at: UpdatedAt
}

export interface OauthStatesTable {
  state_hash: string
  tenant_id: string
  expires_at: Date
  used_at: Date | null
}

type Json = ColumnType<unknown, string, string>

export interface TenantSettingsTable {
  tenant_id: string
  settings: Json
  proposed_fields: Json
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

export type ExportStatusColumn = 'pending' | 'exported' | 'failed' | 'undone' | 'deleted_in_exact'

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
  error_code: string | null
  error_detail: string | null
  exported_at: Date | null
  undone_at: Date | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface ExportAttemptsTable {
  id: Generated<string>
  export_id: string
  action: 'create' | 'recover' | 'delete' | 'relation'
  outcome: string
  request: Json | null
  response: Json | null
  created_at: CreatedAt
}
