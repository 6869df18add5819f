import { sql, type Selectable } from 'kysely'
import type { Executor } from './database'
import type { ExactConnectionsTable } from './schema'

export interface ConnectionRow {
  tenantId: string
  status: 'connected' | 'reauthorize_needed'
  baseUrl: string
  division: number
  accessToken: string
  refreshToken: string
  accessTokenExpiresAt: Date
  tokensIssuedAt: Date
  lastError: string | null
  connectedAt: Date
}

function rowToConnection(row: Selectable<ExactConnectionsTable>): ConnectionRow {
  return {
    tenantId: row.tenant_id,
    status: row.status,
    baseUrl: row.base_url,
    division: row.division,
    accessToken: row.access_token,
    refreshToken: row.refresh_token,
    accessTokenExpiresAt: row.access_token_expires_at,
    tokensIssuedAt: row.tokens_issued_at,
    lastError: row.last_error,
    connectedAt: row.connected_at,
  }
}

export async function findConnection(db: Executor, tenantId: string): Promise<ConnectionRow | undefined> {
  const row = await db.selectFrom('exact_connections').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
  return row && rowToConnection(row)
}

/** Holds the row lock until the transaction ends: the one way to spend a refresh token. */
export async function lockConnection(trx: Executor, tenantId: string): Promise<ConnectionRow | undefined> {
  const row = await trx.selectFrom('exact_connections').selectAll().where('tenant_id', '=', tenantId).forUpdate().executeTakeFirst()
  return row && rowToConnection(row)
}

export async function saveConnection(
  db: Executor,
  c: Pick<ConnectionRow, 'tenantId' | 'baseUrl' | 'division' | 'accessToken' | 'refreshToken' | 'accessTokenExpiresAt' | 'tokensIssuedAt'>,
): Promise<void> {
  const values = {
    status: 'connected' as const,
    base_url: c.baseUrl,
    division: c.division,
    access_token: c.accessToken,
    refresh_token: c.refreshToken,
    access_token_expires_at: c.accessTokenExpiresAt,
    tokens_issued_at: c.tokensIssuedAt,
    last_error: null,
  }
  await db
    .insertInto('exact_connections')
    .values({ tenant_id: c.tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, connected_at: sql`now()`, updated_at: sql`now()` }))
    .execute()
}

export async function storeRefreshedTokens(
  db: Executor,
  tenantId: string,
  t: { accessToken: string; refreshToken: string; accessTokenExpiresAt: Date; tokensIssuedAt: Date },
): Promise<void> {
  await db
    .updateTable('exact_connections')
    .set({
      access_token: t.accessToken,
      refresh_token: t.refreshToken,
      access_token_expires_at: t.accessTokenExpiresAt,
      tokens_issued_at: t.tokensIssuedAt,
      last_error: null,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', tenantId)
    .execute()
}

export async function markReauthorizeNeeded(db: Executor, tenantId: string, reason: string): Promise<void> {
  await db
    .updateTable('exact_connections')
    .set({ status: 'reauthorize_needed', last_error: reason, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .execute()
}

export async function deleteConnection(db: Executor, tenantId: string): Promise<void> {
  await db.deleteFrom('exact_connections').where('tenant_id', '=', tenantId).execute()
}

export async function insertOauthState(db: Executor, stateHash: string, tenantId: string, expiresAt: Date): Promise<void> {
  await db.insertInto('oauth_states').values({ state_hash: stateHash, tenant_id: tenantId, expires_at: expiresAt, used_at: null }).execute()
}

/** Marks the state used and returns its tenant, atomically: a state works once and only in time. */
export async function consumeOauthState(db: Executor, stateHash: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('oauth_states')
    .set({ used_at: now })
    .where('state_hash', '=', stateHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('tenant_id')
    .executeTakeFirst()
  return row?.tenant_id
}
