import { Agent, request, type Dispatcher } from 'undici'
import { createDb } from '../../src/db/database'
import { findConnection } from '../../src/db/connections-repository'
import { createLogger } from '../../src/logger'
import { createRuntime } from '../../src/runtime'
import { TokenCipher } from '../../src/services/exact-session/token-cipher'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import {
  ADMIN_KEY,
  connectTenant,
  createTenant,
  sandboxJson,
  startHarness,
  type Harness,
  exactAppOf,
} from '../helpers/harness'

/**
 * Exact's OAuth against the sandbox over HTTP, judged by the sandbox's token log (what Exact saw),
 * not by what the service says: the code exchange, refresh timing, one refresh token spent per
 * expiry however many requests or replicas ask, and a dead refresh token.
 */

interface TokenLogEntry {
  grantType: string
  outcome: string
  division: number | null
}
interface Tenant {
  id: string
  apiKey: string
  division: number
}

const cipher = new TokenCipher(Buffer.alloc(32, 7))
let h: Harness

const auth = (key: string) => ({ authorization: `Bearer ${key}` })
const tokenLog = async (division: number) =>
  (await sandboxJson<TokenLogEntry[]>(h, '/_sandbox/tokens')).filter((t) => t.division === division)
const grants = async (division: number) => (await tokenLog(division)).map((t) => `${t.grantType}:${t.outcome}`)
const callsTo = async (resource: string) =>
  (await sandboxJson<{ byResource: Record<string, number> }>(h, '/_sandbox/stats')).byResource[resource] ?? 0
const connectionStatus = async (key: string) =>
  (await h.app.inject({ method: 'GET', url: '/connection', headers: auth(key) })).json()

/** Both clocks move together, as real time would: the service's and Exact's. */
async function advanceBoth(ms: number): Promise<void> {
  h.advanceClock(ms)
  await sandboxJson(h, '/_sandbox/clock', { method: 'POST', body: { advanceMs: ms } })
}

/** A connected tenant with settings and one stored invoice whose preview looks its party up in Exact. */
async function connectedTenant(name: string): Promise<Tenant> {
  const tenant = await createTenant(h, name)
  const { division } = await connectTenant(h, tenant.apiKey)
  expect(
    (await h.app.inject({ method: 'PUT', url: '/settings', headers: auth(tenant.apiKey), payload: sandboxSettings() }))
      .statusCode,
  ).toBe(200)
  expect(
    (
      await h.app.inject({
        method: 'PUT',
        url: '/invoices/inv-1',
        headers: auth(tenant.apiKey),
        payload: makeInvoice(),
      })
    ).statusCode,
  ).toBe(201)
  return { ...tenant, division }
}

/**
 * Another service instance on the harness's database and clock (a replica: its own pool and token
 * memory). Exact's token endpoint answers in `tokenDelayMs` here, as the real one takes its time: every
 * request arriving meanwhile finds the token due, so the lock and the re-read are what keep it to one.
 */
async function startInstance(tokenDelayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new Agent()
  const slowTokens: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    if (!String(opts.path).includes('/oauth2/token')) return dispatch(opts, handler)
    setTimeout(() => dispatch(opts, handler), tokenDelayMs)
    return true
  }
  const db = createDb(h.database.url, { max: 20 })
  const logger = createLogger('silent')
  const runtime = await createRuntime({
    db,
    exactApp: exactAppOf(h),
    tokenEncryptionKey: Buffer.alloc(32, 7),
    logger,
    adminApiKey: ADMIN_KEY,
    clock: h.exact.clock,
    dispatcher: agent.compose(slowTokens),
  })
  return {
    url: await runtime.listen(0, '127.0.0.1'),
    async close() {
      await runtime.close()
      await db.destroy()
      await agent.close()
    },
  }
}

/** GET /invoices/inv-1/export/preview over the real port: a request that needs the tenant's Exact token. */
async function preview(baseUrl: string, key: string): Promise<number> {
  const res = await request(`${baseUrl}/invoices/inv-1/export/preview`, { headers: auth(key) })
  await res.body.dump()
  return res.statusCode
}

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
})
afterAll(async () => h?.close())

describe('OAuth connection', () => {
  it('authorize -> consent -> callback connects the sandbox division; the state works once; DELETE disconnects', async () => {
    const tenant = await createTenant(h, 'OAuth BV')
    expect((await connectionStatus(tenant.apiKey)).status).toBe('disconnected')

    const start = await h.app.inject({ method: 'POST', url: '/connection/authorize', headers: auth(tenant.apiKey) })
    expect(start.statusCode).toBe(200)
    const authorizeUrl = new URL(start.json().authorizeUrl)
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${h.sandboxUrl}/api/oauth2/auth`)
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${h.url}/oauth/callback`)

    const consent = await request(authorizeUrl)
    await consent.body.dump()
    expect(consent.statusCode).toBe(302)
    const callbackUrl = String(consent.headers.location)
    const logBefore = (await sandboxJson<TokenLogEntry[]>(h, '/_sandbox/tokens')).length

    const callback = await request(callbackUrl)
    const connected = (await callback.body.json()) as { status: string; division: number }
    expect(callback.statusCode).toBe(200)
    const divisions = (await sandboxJson<Array<{ division: number }>>(h, '/_sandbox/divisions')).map((d) => d.division)
    expect(divisions).toContain(connected.division)

    const again = await request(callbackUrl)
    expect(again.statusCode).toBe(400)
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(((await again.body.json()) as { code: string }).code).toBe('oauth_state_invalid')
    // The reused state is refused before the code reaches Exact: one code exchange in the log.
    const newEntries = (await sandboxJson<TokenLogEntry[]>(h, '/_sandbox/tokens')).slice(logBefore)
    expect(newEntries.map((t) => `${t.grantType}:${t.outcome}`)).toEqual(['authorization_code:ok'])

    expect(await connectionStatus(tenant.apiKey)).toMatchObject({
      status: 'connected',
      division: connected.division,
      baseUrl: h.sandboxUrl,
    })
    const row = await findConnection(h.database.db, tenant.id)
    expect(row!.accessToken.startsWith('v1.')).toBe(true)
    const me = await request(`${h.sandboxUrl}/api/v1/current/Me`, {
      headers: { accept: 'application/json', authorization: `Bearer ${cipher.decrypt(row!.accessToken)}` },
    })
    expect(JSON.stringify(await me.body.json())).toContain(`"CurrentDivision":${connected.division}`)

    expect(
      (await h.app.inject({ method: 'DELETE', url: '/connection', headers: auth(tenant.apiKey) })).statusCode,
    ).toBe(204)
    expect((await connectionStatus(tenant.apiKey)).status).toBe('disconnected')
    expect(await findConnection(h.database.db, tenant.id)).toBeUndefined()
    const afterDisconnect = await h.app.inject({
      method: 'POST',
      url: '/connection/authorize',
      headers: auth(tenant.apiKey),
    })
    expect(afterDisconnect.statusCode).toBe(200)
  })
})

describe('access token refresh', () => {
  it('uses the fresh token as is, does not refresh 40 s before expiry, refreshes once inside the last 30 s', async () => {
    const t = await connectedTenant('Refresh BV')
    const lookups = await callsTo('GET crm/Accounts')
    expect(await preview(h.url, t.apiKey)).toBe(200)
    expect(await callsTo('GET crm/Accounts')).toBeGreaterThan(lookups)
    expect(await grants(t.division)).toEqual(['authorization_code:ok'])

    await advanceBoth(560_000)
    expect(await preview(h.url, t.apiKey)).toBe(200)
    expect(await grants(t.division)).toEqual(['authorization_code:ok'])

    const before = await findConnection(h.database.db, t.id)
    await advanceBoth(15_000)
    expect(await preview(h.url, t.apiKey)).toBe(200)
    expect(await preview(h.url, t.apiKey)).toBe(200)
    expect(await grants(t.division)).toEqual(['authorization_code:ok', 'refresh_token:ok'])
    const after = await findConnection(h.database.db, t.id)
    expect(cipher.decrypt(after!.refreshToken)).not.toBe(cipher.decrypt(before!.refreshToken))
    expect(after!.accessTokenExpiresAt.getTime()).toBeGreaterThan(before!.accessTokenExpiresAt.getTime())
  })

  it('20 concurrent requests at expiry spend one refresh token', async () => {
    const t = await connectedTenant('Twenty BV')
    const instance = await startInstance(300)
    try {
      await advanceBoth(575_000)
      const { errorAnswers } = await sandboxJson<{ errorAnswers: number }>(h, '/_sandbox/stats')
      const lookups = await callsTo('GET crm/Accounts')

      // One process lets one read per division at a time, so its token memory serves the other 19;
      // replicas (next test) need the row lock and the re-read.
      const statuses = await Promise.all(Array.from({ length: 20 }, () => preview(instance.url, t.apiKey)))
      expect(statuses).toEqual(Array(20).fill(200))
      expect(await callsTo('GET crm/Accounts')).toBeGreaterThanOrEqual(lookups + 20)
      expect(await grants(t.division)).toEqual(['authorization_code:ok', 'refresh_token:ok'])
      expect((await sandboxJson<{ errorAnswers: number }>(h, '/_sandbox/stats')).errorAnswers).toBe(errorAnswers)
    } finally {
      await instance.close()
    }
  })

  it('two service instances on one database, each with the old token in memory, spend one refresh token at expiry', async () => {
    const t = await connectedTenant('Replicas BV')
    const instances = [await startInstance(300), await startInstance(300)]
    try {
      for (const instance of instances) expect(await preview(instance.url, t.apiKey)).toBe(200)
      await advanceBoth(605_000)
      const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => preview(instances[i % 2]!.url, t.apiKey)))
      expect(statuses).toEqual(Array(20).fill(200))
      expect(await grants(t.division)).toEqual(['authorization_code:ok', 'refresh_token:ok'])
    } finally {
      for (const instance of instances) await instance.close()
    }
  })
})

describe('a dead refresh token', () => {
  it('marks the connection reauthorize_needed; a new consent connects again', async () => {
    const t = await connectedTenant('Stolen BV')
    await advanceBoth(575_000)
    // Someone else spends the stored refresh token (a restored backup, a second install).
    const row = await findConnection(h.database.db, t.id)
    const stolen = await request(`${h.sandboxUrl}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: cipher.decrypt(row!.refreshToken),
        client_id: 'test-client',
        client_secret: 'test-secret',
      }).toString(),
    })
    await stolen.body.dump()
    expect(stolen.statusCode).toBe(200)
    await advanceBoth(575_000)

    const res = await h.app.inject({ method: 'GET', url: '/invoices/inv-1/export/preview', headers: auth(t.apiKey) })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('reauthorize_needed')
    expect(await grants(t.division)).toEqual([
      'authorization_code:ok',
      'refresh_token:ok',
      'refresh_token:old_refresh_token',
    ])
    const status = await connectionStatus(t.apiKey)
    expect(status.status).toBe('reauthorize_needed')
    expect(status.lastError).toMatch(/Old refresh token used/)
    expect((await findConnection(h.database.db, t.id))!.status).toBe('reauthorize_needed')

    // No further attempts with the dead token: Exact would count every one.
    expect(
      (await h.app.inject({ method: 'GET', url: '/invoices/inv-1/export/preview', headers: auth(t.apiKey) }))
        .statusCode,
    ).toBe(409)
    expect(await tokenLog(t.division)).toHaveLength(3)

    await connectTenant(h, t.apiKey)
    expect((await connectionStatus(t.apiKey)).status).toBe('connected')
  })
})
