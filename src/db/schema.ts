import type { ColumnType, Generated } from 'kysely'

/** Every table, declared once. Code outside src/db sees domain types made by rowToX mappers. */
export interface Database {
  tenants: TenantsTable
  api_keys: ApiKeysTable
  exact_connections: ExactConnectionsTable
  oauth_states: OauthStatesTable
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
