import type { Executor } from './database'

export async function insertTenant(db: Executor, name: string): Promise<{ id: string; name: string }> {
  return db.insertInto('tenants').values({ name }).returning(['id', 'name']).executeTakeFirstOrThrow()
}

export async function insertApiKey(db: Executor, tenantId: string, keyHash: string): Promise<void> {
  await db.insertInto('api_keys').values({ tenant_id: tenantId, key_hash: keyHash }).execute()
}

export async function findTenantByName(db: Executor, name: string): Promise<{ id: string; name: string } | undefined> {
  return db
    .selectFrom('tenants')
    .select(['id', 'name'])
    .where('name', '=', name)
    .orderBy('created_at')
    .executeTakeFirst()
}
