import { sql, type Selectable } from 'kysely'
import type { Executor } from './database'
import type { ExactConnectionsTable, RegionColumn } from './schema'

export interface DivisionRow {
  division: number
  name: string
  country: string | null
  /** current/Me.CurrentDivision at consent: the administration the user last opened in Exact. */
  current: boolean
}

export interface ConnectionRow {
  tenantId: string
  status: 'connected' | 'division_required' | 'reauthorize_needed'
  region: RegionColumn
  baseUrl: string
  division: number | null
  divisions: DivisionRow[]
  tokenVersion: number
  accessToken: string
  refreshToken: string
  accessTokenExpiresAt: Date
  tokensIssuedAt: Date
  accessTokenRejectedAt: Date | null
  lastError: string | null
  connectedAt: Date
}

function rowToConnection(row: Selectable<ExactConnectionsTable>): ConnectionRow {
  return {
    tenantId: row.tenant_id,
    status: row.status,
    region: row.region,
    baseUrl: row.base_url,
    division: row.division,
    divisions: (row.divisions ?? []) as DivisionRow[],
    tokenVersion: row.token_version,
    accessToken: row.access_token,
    refreshToken: row.refresh_token,
    accessTokenExpiresAt: row.access_token_expires_at,
    tokensIssuedAt: row.tokens_issued_at,
    accessTokenRejectedAt: row.access_token_rejected_at,
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
  const row = await trx
    .selectFrom('exact_connections')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .forUpdate()
    .executeTakeFirst()
  return row && rowToConnection(row)
}

/** Connections whose tokens were last issued before `before` (the keep-alive job's work list). */
export async function listIdleConnections(db: Executor, before: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('exact_connections')
    .select('tenant_id')
    .where('status', '<>', 'reauthorize_needed')
    .where('tokens_issued_at', '<', before)
    .orderBy('tokens_issued_at')
    .execute()
  return rows.map((r) => r.tenant_id)
}

/** A new consent: new tokens, new version (every replica's cached token of this tenant is now stale). */
export async function saveConnection(
  db: Executor,
  c: Pick<
    ConnectionRow,
    | 'tenantId'
    | 'region'
    | 'baseUrl'
    | 'division'
    | 'divisions'
    | 'accessToken'
    | 'refreshToken'
    | 'accessTokenExpiresAt'
    | 'tokensIssuedAt'
  >,
): Promise<void> {
  const values = {
    status: c.division === null ? ('division_required' as const) : ('connected' as const),
    region: c.region,
    base_url: c.baseUrl,
    division: c.division,
    divisions: JSON.stringify(c.divisions),
    access_token: c.accessToken,
    refresh_token: c.refreshToken,
    access_token_expires_at: c.accessTokenExpiresAt,
    tokens_issued_at: c.tokensIssuedAt,
    access_token_rejected_at: null,
    last_error: null,
  }
  await db
    .insertInto('exact_connections')
    .values({ tenant_id: c.tenantId, ...values })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        ...values,
        token_version: sql`exact_connections.token_version + 1`,
        connected_at: sql`now()`,
        updated_at: sql`now()`,
      }),
    )
    .execute()
}

export async function setDivision(db: Executor, tenantId: string, division: number): Promise<void> {
  await db
    .updateTable('exact_connections')
    .set({ division, status: 'connected', updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('status', '<>', 'reauthorize_needed')
    .execute()
}

/** Returns the new token_version. */
export async function storeRefreshedTokens(
  db: Executor,
  tenantId: string,
  t: { accessToken: string; refreshToken: string; accessTokenExpiresAt: Date; tokensIssuedAt: Date },
): Promise<number> {
  const row = await db
    .updateTable('exact_connections')
    .set({
      access_token: t.accessToken,
      refresh_token: t.refreshToken,
      access_token_expires_at: t.accessTokenExpiresAt,
      tokens_issued_at: t.tokensIssuedAt,
      access_token_rejected_at: null,
      token_version: sql`token_version + 1`,
      last_error: null,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', tenantId)
    .returning('token_version')
    .executeTakeFirstOrThrow()
  return row.token_version
}

/** Exact said 401 to a token too young to replace: the next caller refreshes once the 570 s have passed. */
export async function markAccessTokenRejected(db: Executor, tenantId: string): Promise<void> {
  await db
    .updateTable('exact_connections')
    .set({ access_token_rejected_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('access_token_rejected_at', 'is', null)
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

export async function insertOauthState(
  db: Executor,
  stateHash: string,
  tenantId: string,
  region: RegionColumn,
  expiresAt: Date,
): Promise<void> {
  await db
    .insertInto('oauth_states')
    .values({ state_hash: stateHash, tenant_id: tenantId, region, expires_at: expiresAt, used_at: null })
    .execute()
}

/** Marks the state used and returns its tenant and region, atomically: a state works once and only in time. */
export async function consumeOauthState(
  db: Executor,
  stateHash: string,
  now: Date,
): Promise<{ tenantId: string; region: RegionColumn } | undefined> {
  const row = await db
    .updateTable('oauth_states')
    .set({ used_at: now })
    .where('state_hash', '=', stateHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['tenant_id', 'region'])
    .executeTakeFirst()
  return row && { tenantId: row.tenant_id, region: row.region }
}
