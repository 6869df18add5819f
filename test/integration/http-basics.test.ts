import { Agent, request } from 'undici'
import { findConnection } from '../../src/db/connections-repository'
import { TokenCipher } from '../../src/services/exact-session/token-cipher'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import { ADMIN_KEY, createTenant, sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { createTestDatabase } from '../helpers/postgres'
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process'
import { waitUntil } from '../helpers/wait'

/** The HTTP surface every capability stands on: keys and isolation, 400s, logs, health, docs, shutdown. */

const cipher = new TokenCipher(Buffer.alloc(32, 7))
let h: Harness
let a: { id: string; apiKey: string; division: number; exportId: string; entryId: string }
let b: { id: string; apiKey: string }
/** Every secret the service handled in this file; none may reach its log. */
const secrets = new Map<string, string>()

const auth = (key: string) => ({ authorization: `Bearer ${key}` })
const as = (key: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
  h.app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload: payload as object }) })

async function rememberTokens(label: string, tenantId: string): Promise<void> {
  const row = await findConnection(h.database.db, tenantId)
  secrets.set(`${label} access token`, cipher.decrypt(row!.accessToken))
  secrets.set(`${label} refresh token`, cipher.decrypt(row!.refreshToken))
}

/** The OAuth flow as the browser runs it, keeping the code and state it carried. */
async function connectCapturing(apiKey: string): Promise<number> {
  const start = await as(apiKey, 'POST', '/connection/authorize')
  const consent = await request(start.json().authorizeUrl)
  await consent.body.dump()
  const callbackUrl = new URL(String(consent.headers.location))
  secrets.set('OAuth code', callbackUrl.searchParams.get('code')!)
  secrets.set('OAuth state', callbackUrl.searchParams.get('state')!)
  const callback = await request(callbackUrl)
  const body = (await callback.body.json()) as { division: number }
  expect(callback.statusCode).toBe(200)
  return body.division
}

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
  const tenantA = await createTenant(h, 'Alpha BV')
  const division = await connectCapturing(tenantA.apiKey)
  await rememberTokens('first', tenantA.id)
  expect((await as(tenantA.apiKey, 'PUT', '/settings', sandboxSettings())).statusCode).toBe(200)
  const exported = await as(tenantA.apiKey, 'POST', '/invoices/inv-a/export', makeInvoice())
  expect(exported.statusCode).toBe(201)
  a = { ...tenantA, division, exportId: exported.json().id, entryId: exported.json().entryId }
  // A party Exact has not seen: its preview looks it up in Exact every time (a call needing the token).
  expect((await as(a.apiKey, 'PUT', '/invoices/inv-new', makeInvoice())).statusCode).toBe(201)
  b = await createTenant(h, 'Beta BV')
  secrets.set('tenant A key', a.apiKey)
  secrets.set('tenant B key', b.apiKey)
  secrets.set('admin key', ADMIN_KEY)
  secrets.set('client secret', h.exact.app.clientSecret)
})
afterAll(async () => h?.close())

describe('API keys and tenant isolation', () => {
  it("tenant B gets 404 for tenant A's invoice and export, and changes nothing of A's", async () => {
    expect((await as(a.apiKey, 'GET', `/exports/${a.exportId}`)).statusCode).toBe(200)
    const attempts = [
      await as(b.apiKey, 'GET', '/invoices/inv-a'),
      await as(b.apiKey, 'GET', '/invoices/inv-a/export'),
      await as(b.apiKey, 'GET', `/exports/${a.exportId}`),
      await as(b.apiKey, 'DELETE', `/exports/${a.exportId}`),
    ]
    expect(attempts.map((r) => [r.statusCode, r.json().code])).toEqual(Array(4).fill([404, 'not_found']))
    expect((await as(b.apiKey, 'GET', '/exports')).json().items).toEqual([])

    // The same invoice id is B's own invoice, not A's.
    expect((await as(b.apiKey, 'PUT', '/invoices/inv-a', makeInvoice({ number: 'B-1' }))).statusCode).toBe(201)
    expect((await as(a.apiKey, 'GET', '/invoices/inv-a')).json().invoice.number).not.toBe('B-1')
    const ledger = await sandboxJson<Array<{ EntryID: string; deleted: boolean }>>(
      h,
      `/_sandbox/divisions/${a.division}/entries`,
    )
    expect(ledger.find((e) => e.EntryID === a.entryId)?.deleted).toBe(false)
    expect((await as(a.apiKey, 'GET', `/exports/${a.exportId}`)).json().status).toBe('exported')
  })

  it('no key, an unknown key, the admin key or another scheme -> 401 problem+json; a tenant key is not an admin key', async () => {
    const answers = [
      await h.app.inject({ method: 'GET', url: '/exports' }),
      await h.app.inject({ method: 'GET', url: '/exports', headers: auth('eb_not-a-key') }),
      await h.app.inject({ method: 'GET', url: '/exports', headers: auth(ADMIN_KEY) }),
      await h.app.inject({
        method: 'GET',
        url: '/exports',
        headers: { authorization: `Basic ${Buffer.from(`${a.apiKey}:`).toString('base64')}` },
      }),
      await h.app.inject({
        method: 'POST',
        url: '/admin/tenants',
        headers: auth(a.apiKey),
        payload: { name: 'Mallory' },
      }),
    ]
    for (const res of answers) {
      expect([res.statusCode, res.headers['content-type'], res.json().code]).toEqual([
        401,
        expect.stringMatching(/^application\/problem\+json/),
        'unauthorized',
      ])
    }
  })
})

describe('request validation', () => {
  it('bad JSON -> 400 invalid_json; a missing field and a JSON number for money -> 400 naming the field; nothing stored', async () => {
    const badJson = await h.app.inject({
      method: 'PUT',
      url: '/invoices/v-1',
      headers: { ...auth(a.apiKey), 'content-type': 'application/json' },
      payload: '{"type": "sales",',
    })
    expect([badJson.statusCode, badJson.headers['content-type'], badJson.json().code]).toEqual([
      400,
      expect.stringMatching(/^application\/problem\+json/),
      'invalid_json',
    ])

    const { number: _number, ...withoutNumber } = makeInvoice()
    const missing = await as(a.apiKey, 'PUT', '/invoices/v-1', withoutNumber)
    expect(missing.statusCode).toBe(400)
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(missing.json()).toMatchObject({
      code: 'validation_failed',
      field: 'body/number',
      detail: expect.stringContaining('body/number'),
    })

    const numeric = makeInvoice() as any
    numeric.lines[0].netAmount = 1000
    const money = await as(a.apiKey, 'PUT', '/invoices/v-1', numeric)
    expect(money.statusCode).toBe(400)
    expect(money.json()).toMatchObject({ code: 'validation_failed', field: 'body/lines/0/netAmount' })

    expect((await as(a.apiKey, 'GET', '/invoices/v-1')).statusCode).toBe(404)
  })
})

describe('health, metrics and docs', () => {
  it('/healthz, /metrics with HTTP latency and Exact calls, /openapi.json, /docs', async () => {
    const get = async (path: string) => {
      const res = await request(`${h.url}${path}`)
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
    }
    expect(await get('/healthz')).toMatchObject({ status: 200, text: JSON.stringify({ status: 'ok' }) })

    const metrics = await get('/metrics')
    expect(metrics.status).toBe(200)
    expect(metrics.text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/m,
    )
    expect(metrics.text).toMatch(
      /^exact_api_calls_total\{method="POST",resource="salesentry\/SalesEntries",status="201"\} 1$/m,
    )
    expect(metrics.text).toMatch(/^exact_api_calls_total\{method="GET",resource="[^"]+",status="200"\} [1-9]/m)

    const spec = await get('/openapi.json')
    expect(spec.status).toBe(200)
    const openapi = JSON.parse(spec.text)
    expect(openapi.openapi).toMatch(/^3\./)
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/invoices/{id}/export', '/connection', '/oauth/callback', '/healthz']),
    )

    let docs = await get('/docs')
    if (docs.status >= 300 && docs.status < 400)
      docs = await get(new URL(String(docs.headers.location), `${h.url}/docs`).pathname)
    expect(docs.status).toBe(200)
    expect(docs.text).toMatch(/swagger/i)
  })
})

describe('secrets in logs', () => {
  it('the debug log holds no API key, admin key, client secret, access or refresh token, OAuth code or state', async () => {
    // Refresh once more so a rotated pair has passed through the service too.
    h.advanceClock(575_000)
    await sandboxJson(h, '/_sandbox/clock', { method: 'POST', body: { advanceMs: 575_000 } })
    expect((await as(a.apiKey, 'GET', '/invoices/inv-new/export/preview')).statusCode).toBe(200)
    await rememberTokens('rotated', a.id)
    expect(secrets.get('rotated refresh token')).not.toBe(secrets.get('first refresh token'))
    await h.app.inject({ method: 'GET', url: '/exports', headers: auth(`${a.apiKey}x`) })

    // The log did see this traffic, at debug level, with the callback URL's secrets redacted.
    const lines = h.logs.map((l) => JSON.parse(l) as { level: number; req?: { url: string } })
    expect(lines.some((l) => l.level === 20)).toBe(true)
    expect(lines.some((l) => l.req?.url.startsWith('/oauth/callback?code=[redacted]'))).toBe(true)
    expect(lines.some((l) => l.req?.url === '/invoices/inv-a/export')).toBe(true)

    const leaks = [...secrets].filter(([, value]) => h.logs.some((line) => line.includes(value))).map(([name]) => name)
    expect(leaks).toEqual([])
    expect(secrets.size).toBe(10)
  })
})

describe('a service process', () => {
  const procs: ServiceProcess[] = []
  afterAll(async () => {
    for (const p of procs) await p.kill()
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: {} })
  })

  it('/readyz answers 503 database false once its database is gone, and the process lives on', async () => {
    const own = await createTestDatabase()
    await own.db.destroy()
    const proc = await startServiceProcess({ databaseUrl: own.url, sandboxUrl: h.sandboxUrl })
    procs.push(proc)
    const readyz = async () => {
      const res = await request(`${proc.url}/readyz`)
      return [res.statusCode, await res.body.json()]
    }
    expect(await readyz()).toEqual([200, { status: 'ready', database: true, scheduler: true }])
    await own.drop()
    expect(await readyz()).toEqual([503, { status: 'not_ready', database: false, scheduler: true }])
    expect(await proc.kill('SIGTERM')).toEqual({ code: 0, signal: null })
  }, 60_000)

  it('SIGTERM: new requests refused, the in-flight one answered on its keep-alive connection, exit 0', async () => {
    const proc = await startServiceProcess({ databaseUrl: h.database.url, sandboxUrl: h.sandboxUrl })
    procs.push(proc)
    // Each Exact call now takes 1 s: the preview is still in flight when SIGTERM arrives.
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { latencyMs: 1_000 } })
    const callsBefore = (await sandboxJson<{ calls: number }>(h, '/_sandbox/stats')).calls
    const inFlight = request(`${proc.url}/invoices/inv-new/export/preview`, { headers: auth(a.apiKey) }).then(
      async (res) => ({ status: res.statusCode, at: Date.now(), body: await res.body.text() }),
      (err: unknown) => ({ status: -1, at: Date.now(), body: String(err) }),
    )
    // In flight for sure: the sandbox has received the preview's call (it counts a call on arrival,
    // before its 1 s latency), so the process is inside the request when the signal comes.
    await waitUntil(async () => (await sandboxJson<{ calls: number }>(h, '/_sandbox/stats')).calls > callsBefore, {
      what: "the preview's call to reach the sandbox",
    })
    const sentAt = Date.now()
    const exited = proc.kill('SIGTERM')

    const fresh = new Agent()
    let refusedAt: number | undefined
    for (let i = 0; i < 40 && refusedAt === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50))
      const ok = await request(`${proc.url}/healthz`, { dispatcher: fresh }).then(
        async (r) => {
          await r.body.dump()
          return r.statusCode === 200
        },
        () => false,
      )
      if (!ok) refusedAt = Date.now()
    }
    await fresh.close()
    const exit = await exited
    const exitedAt = Date.now()
    const answer = await inFlight

    expect(exit).toEqual({ code: 0, signal: null })
    expect(exitedAt - sentAt).toBeLessThan(10_000)
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body).relation.action).toBe('create')
    expect(refusedAt).toBeLessThan(answer.at)
  }, 60_000)
})
