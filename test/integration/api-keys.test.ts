import { API_KEY_CACHE_MS } from '../../src/services/tenant-service'
import { ADMIN_KEY, createTenant, startHarness, startReplica, type Harness, type Replica } from '../helpers/harness'

/**
 * Key rotation, and the bound on the key cache: a deleted key is refused at once by the replica
 * that deleted it and by every other replica within API_KEY_CACHE_MS (5 s), read on a replica
 * whose clock the test moves, so nothing here waits.
 */
let h: Harness
let replica: Replica

const admin = { authorization: `Bearer ${ADMIN_KEY}` }
const read = (app: Harness['app'], key: string) =>
  app.inject({ method: 'GET', url: '/connection', headers: { authorization: `Bearer ${key}` } })

beforeAll(async () => {
  h = await startHarness()
  replica = await startReplica(h)
})
afterAll(async () => {
  await replica?.close()
  await h?.close()
})

async function newKey(tenantId: string): Promise<{ id: string; apiKey: string; createdAt: string }> {
  const res = await h.app.inject({ method: 'POST', url: `/admin/tenants/${tenantId}/api-keys`, headers: admin })
  expect(res.statusCode).toBe(201)
  return res.json()
}

/** The key made with the tenant: the oldest one listed. */
async function keyIdOf(tenantId: string): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url: `/admin/tenants/${tenantId}/api-keys`, headers: admin })
  return res.json().items[0].id
}

test('a tenant can have a second key, listed with when it was made and last used, never the key itself', async () => {
  const tenant = await createTenant(h, 'Rotating')
  const second = await newKey(tenant.id)
  expect(second.apiKey).toMatch(/^eb_/)
  expect((await read(h.app, second.apiKey)).statusCode).toBe(200)
  expect((await read(h.app, tenant.apiKey)).statusCode).toBe(200)

  const list = await h.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}/api-keys`, headers: admin })
  expect(list.statusCode).toBe(200)
  const items = list.json().items as Array<Record<string, unknown>>
  expect(items.map((k) => k.id)).toEqual([expect.any(String), second.id])
  for (const k of items) {
    expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'lastUsedAt'])
    expect(k.lastUsedAt).toEqual(expect.any(String))
  }
  expect(list.body).not.toContain(second.apiKey)
  expect(list.body).not.toContain(tenant.apiKey)
  const hashes = await h.database.db
    .selectFrom('api_keys')
    .select('key_hash')
    .where('tenant_id', '=', tenant.id)
    .execute()
  for (const { key_hash } of hashes) expect(list.body).not.toContain(key_hash)
})

test('a deleted key is refused at once by the replica that deleted it', async () => {
  const tenant = await createTenant(h, 'Revoked here')
  expect((await read(h.app, tenant.apiKey)).statusCode).toBe(200)
  const keyId = await keyIdOf(tenant.id)
  const del = await h.app.inject({
    method: 'DELETE',
    url: `/admin/tenants/${tenant.id}/api-keys/${keyId}`,
    headers: admin,
  })
  expect(del.statusCode).toBe(204)
  expect((await read(h.app, tenant.apiKey)).statusCode).toBe(401)
  const again = await h.app.inject({
    method: 'DELETE',
    url: `/admin/tenants/${tenant.id}/api-keys/${keyId}`,
    headers: admin,
  })
  expect(again.statusCode).toBe(404)
})

test('a key replaced through one replica is refused by another within the cache bound, and its replacement works there at once', async () => {
  const tenant = await createTenant(h, 'Replaced')
  // The other replica has the old key in its cache.
  expect((await read(replica.app, tenant.apiKey)).statusCode).toBe(200)
  const replacement = await newKey(tenant.id)
  const oldId = await keyIdOf(tenant.id)
  expect(
    (await h.app.inject({ method: 'DELETE', url: `/admin/tenants/${tenant.id}/api-keys/${oldId}`, headers: admin }))
      .statusCode,
  ).toBe(204)

  expect((await read(replica.app, replacement.apiKey)).statusCode).toBe(200)
  // Inside the bound the other replica may still answer from its cache (it does: this proves the cache is used) ...
  replica.advanceClock(API_KEY_CACHE_MS - 1)
  expect((await read(replica.app, tenant.apiKey)).statusCode).toBe(200)
  // ... and from the bound on it refuses the deleted key.
  replica.advanceClock(1)
  expect((await read(replica.app, tenant.apiKey)).statusCode).toBe(401)
  expect((await read(replica.app, replacement.apiKey)).statusCode).toBe(200)
  expect((await read(h.app, tenant.apiKey)).statusCode).toBe(401)
})

test('a key deleted while the other replica has never seen it is refused there at once', async () => {
  const tenant = await createTenant(h, 'Never cached')
  const keyId = await keyIdOf(tenant.id)
  await h.app.inject({ method: 'DELETE', url: `/admin/tenants/${tenant.id}/api-keys/${keyId}`, headers: admin })
  expect((await read(replica.app, tenant.apiKey)).statusCode).toBe(401)
})

test("key routes: admin key only, unknown tenants and other tenants' keys are 404", async () => {
  const a = await createTenant(h, 'A keys')
  const b = await createTenant(h, 'B keys')
  const bKeyId = await keyIdOf(b.id)
  expect(
    (
      await h.app.inject({
        method: 'GET',
        url: `/admin/tenants/${a.id}/api-keys`,
        headers: { authorization: `Bearer ${a.apiKey}` },
      })
    ).statusCode,
  ).toBe(401)
  expect(
    (
      await h.app.inject({
        method: 'POST',
        url: '/admin/tenants/00000000-0000-4000-8000-000000000000/api-keys',
        headers: admin,
      })
    ).statusCode,
  ).toBe(404)
  expect(
    (
      await h.app.inject({
        method: 'GET',
        url: '/admin/tenants/00000000-0000-4000-8000-000000000000/api-keys',
        headers: admin,
      })
    ).statusCode,
  ).toBe(404)
  const cross = await h.app.inject({
    method: 'DELETE',
    url: `/admin/tenants/${a.id}/api-keys/${bKeyId}`,
    headers: admin,
  })
  expect(cross.statusCode).toBe(404)
  expect(cross.headers['content-type']).toContain('application/problem+json')
  expect((await read(h.app, b.apiKey)).statusCode).toBe(200)
  const bad = await h.app.inject({
    method: 'DELETE',
    url: `/admin/tenants/${a.id}/api-keys/not-a-uuid`,
    headers: admin,
  })
  expect(bad.statusCode).toBe(400)
  expect(bad.json().field).toBe('params/keyId')
})
