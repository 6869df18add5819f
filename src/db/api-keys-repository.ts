import { sql } from 'kysely'
import type { Executor } from './database'

export interface ApiKeyRecord {
  id: string
  tenantId: string
  createdAt: Date
  lastUsedAt: Date | null
}

export async function insertTenantApiKey(db: Executor, tenantId: string, keyHash: string): Promise<ApiKeyRecord> {
  const r = await db
    .insertInto('api_keys')
    .values({ tenant_id: tenantId, key_hash: keyHash })
    .returning(['id', 'tenant_id', 'created_at', 'last_used_at'])
    .executeTakeFirstOrThrow()
  return { id: r.id, tenantId: r.tenant_id, createdAt: r.created_at, lastUsedAt: r.last_used_at }
}

/**
 * The key's owner, and `last_used_at` moved to now when it is older than a minute: the look-up
 * that authenticates a key is the one that records its use, so "last used" costs no write per
 * request (a replica looks a key up at most once per cache period).
 */
export async function useApiKey(
  db: Executor,
  keyHash: string,
): Promise<{ keyId: string; tenantId: string } | undefined> {
  const { rows } = await sql<{ id: string; tenant_id: string }>`
    with k as (select id, tenant_id, last_used_at from api_keys where key_hash = ${keyHash}),
    touched as (
      update api_keys set last_used_at = now() from k
      where api_keys.id = k.id and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute')
    )
    select id, tenant_id from k`.execute(db)
  const row = rows[0]
  return row && { keyId: row.id, tenantId: row.tenant_id }
}

export async function listTenantApiKeys(db: Executor, tenantId: string): Promise<ApiKeyRecord[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'created_at', 'last_used_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, createdAt: r.created_at, lastUsedAt: r.last_used_at }))
}

/** Removes the key; answers its hash (for the local cache), or undefined when the tenant has no such key. */
export async function deleteTenantApiKey(db: Executor, tenantId: string, keyId: string): Promise<string | undefined> {
  const row = await db
    .deleteFrom('api_keys')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', keyId)
    .returning('key_hash')
    .executeTakeFirst()
  return row?.key_hash
}

export async function tenantExists(db: Executor, tenantId: string): Promise<boolean> {
  return (await db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst()) !== undefined
}
