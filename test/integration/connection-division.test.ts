import { createDb } from '../../src/db/database'
import { createLogger } from '../../src/logger'
import { createRuntime } from '../../src/runtime'
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
 * The administration a tenant books in is the one it chose among those its grant reaches, not
 * current/Me.CurrentDivision, on the host of its country. Judged by the sandbox ledger of each division.
 */

let h: Harness
const auth = (key: string) => ({ authorization: `Bearer ${key}` })
const call = (key: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
  h.app.inject({ method, url, headers: auth(key), ...(payload ? { payload } : {}) })
const liveEntries = async (division: number) =>
  (
    await sandboxJson<Array<{ deleted: boolean; YourRef: string }>>(h, `/_sandbox/divisions/${division}/entries`)
  ).filter((e) => !e.deleted)

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
})
afterAll(async () => h.close())

describe('a grant that reaches two administrations', () => {
  const A = 100501
  const B = 100502
  let key: string

  beforeAll(async () => {
    await sandboxJson(h, '/_sandbox/divisions', {
      method: 'POST',
      body: { division: A, description: 'Acme BV', country: 'BE' },
    })
    await sandboxJson(h, '/_sandbox/divisions', {
      method: 'POST',
      body: { division: B, description: 'Acme Holding', country: 'NL' },
    })
    key = (await createTenant(h, 'two-divisions')).apiKey
  })

  it('waits for the tenant to choose, books only in the chosen one, and refuses one the grant cannot reach', async () => {
    const connected = await connectTenant(h, key, { consent: { divisions: `${A},${B}` } })
    expect(connected).toEqual({ status: 'division_required', division: null })
    expect((await call(key, 'GET', '/connection')).json()).toMatchObject({
      status: 'division_required',
      division: null,
    })

    const divisions = (await call(key, 'GET', '/connection/divisions')).json().divisions
    expect(divisions).toEqual([
      { division: A, name: 'Acme BV', country: 'BE', current: false },
      { division: B, name: 'Acme Holding', country: 'NL', current: true },
    ])

    const early = await call(key, 'POST', '/invoices/inv-1/export', makeInvoice({ number: 'DIV-0001' }))
    expect(early.statusCode).toBe(409)
    expect(early.json().code).toBe('division_required')
    const sync = await call(key, 'POST', '/payment-sync')
    expect(sync.json().code).toBe('division_required')

    const unreachable = await call(key, 'PUT', '/connection/division', { division: 100999 })
    expect(unreachable.statusCode).toBe(422)
    expect(unreachable.json()).toMatchObject({ code: 'division_unreachable', field: 'body/division' })

    const chosen = await call(key, 'PUT', '/connection/division', { division: A })
    expect(chosen.statusCode).toBe(200)
    expect(chosen.json()).toMatchObject({ status: 'connected', division: A })
    // Settings were proposed from the chosen administration's chart.
    expect((await call(key, 'GET', '/settings')).statusCode).toBe(200)

    expect((await call(key, 'PUT', '/settings', sandboxSettings())).statusCode).toBe(200)
    const booked = await call(key, 'POST', '/invoices/inv-1/export', makeInvoice({ number: 'DIV-0001' }))
    expect(booked.statusCode).toBe(201)
    expect((await liveEntries(A)).map((e) => e.YourRef)).toEqual(['DIV-0001'])
    expect(await liveEntries(B)).toEqual([])

    // Moving would orphan the booked entry: refused, naming how many.
    const move = await call(key, 'PUT', '/connection/division', { division: B })
    expect(move.statusCode).toBe(409)
    expect(move.json()).toMatchObject({ code: 'division_has_exports', details: { liveExports: 1, division: A } })

    expect((await call(key, 'DELETE', `/exports/${booked.json().id}`)).statusCode).toBe(200)
    const moved = await call(key, 'PUT', '/connection/division', { division: B })
    expect(moved.json()).toMatchObject({ status: 'connected', division: B })
    expect((await call(key, 'PUT', '/settings', sandboxSettings())).statusCode).toBe(200)
    const again = await call(key, 'POST', '/invoices/inv-2/export', makeInvoice({ number: 'DIV-0002' }))
    expect(again.statusCode).toBe(201)
    expect((await liveEntries(B)).map((e) => e.YourRef)).toEqual(['DIV-0002'])
    expect(await liveEntries(A)).toEqual([])
  })

  it('connects at once when the grant reaches one administration', async () => {
    const one = await createTenant(h, 'one-division')
    const connected = await connectTenant(h, one.apiKey, { consent: { divisions: `${A}` } })
    expect(connected).toEqual({ status: 'connected', division: A })
  })
})

describe('regions', () => {
  it('refuses an unknown region, naming the field', async () => {
    const t = await createTenant(h, 'bad-region')
    const res = await call(t.apiKey, 'POST', '/connection/authorize', { region: 'xx' })
    expect(res.statusCode).toBe(400)
    expect(res.json().field).toMatch(/^body\/region/)
  })

  it('stores the region; with EXACT_BASE_URL set every region is served by it', async () => {
    const t = await createTenant(h, 'belgian')
    const start = await call(t.apiKey, 'POST', '/connection/authorize', { region: 'be' })
    expect(start.json().authorizeUrl.startsWith(`${h.sandboxUrl}/api/oauth2/auth?`)).toBe(true)
    await connectTenant(h, t.apiKey, { region: 'be' })
    expect((await call(t.apiKey, 'GET', '/connection')).json()).toMatchObject({
      status: 'connected',
      region: 'be',
      baseUrl: h.sandboxUrl,
    })
  })

  it('sends a Belgian tenant to start.exactonline.be when no EXACT_BASE_URL is set', async () => {
    const db = createDb(h.database.url, { max: 2 })
    const logger = createLogger('silent')
    const exactApp = {
      defaultRegion: 'nl' as const,
      clientId: 'c',
      clientSecret: 's',
      redirectUri: 'https://bridge.example/oauth/callback',
    }
    const { app } = await createRuntime({
      db,
      exactApp,
      tokenEncryptionKey: Buffer.alloc(32, 7),
      logger,
      adminApiKey: ADMIN_KEY,
    })
    try {
      const t = await createTenant(h, 'be-real')
      const be = await app.inject({
        method: 'POST',
        url: '/connection/authorize',
        headers: auth(t.apiKey),
        payload: { region: 'be' },
      })
      expect(new URL(be.json().authorizeUrl).origin).toBe('https://start.exactonline.be')
      const uk = await app.inject({
        method: 'POST',
        url: '/connection/authorize',
        headers: auth(t.apiKey),
        payload: { region: 'uk' },
      })
      expect(new URL(uk.json().authorizeUrl).origin).toBe('https://start.exactonline.co.uk')
      const byDefault = await app.inject({ method: 'POST', url: '/connection/authorize', headers: auth(t.apiKey) })
      expect(byDefault.json()).toMatchObject({ region: 'nl' })
      expect(new URL(byDefault.json().authorizeUrl).origin).toBe('https://start.exactonline.nl')
    } finally {
      await app.close()
      await db.destroy()
    }
  })
})

describe('tokens cached per stored version', () => {
  it('a replica drops its cached token when the tenant re-consents elsewhere, and forgets the tenant after DELETE /connection', async () => {
    const t = await createTenant(h, 'reconsent')
    const first = await connectTenant(h, t.apiKey)
    expect((await call(t.apiKey, 'PUT', '/settings', sandboxSettings())).statusCode).toBe(200)

    const db = createDb(h.database.url, { max: 4 })
    const logger = createLogger('silent')
    const { app } = await createRuntime({
      db,
      exactApp: exactAppOf(h),
      tokenEncryptionKey: Buffer.alloc(32, 7),
      logger,
      adminApiKey: ADMIN_KEY,
      clock: h.exact.clock,
    })
    try {
      const viaReplica = (url: string, method: 'GET' | 'POST' = 'GET', payload?: object) =>
        app.inject({ method, url, headers: auth(t.apiKey), ...(payload ? { payload } : {}) })
      expect((await viaReplica('/invoices/inv-1/export', 'POST', makeInvoice({ number: 'RC-0001' }))).statusCode).toBe(
        201,
      )

      // A new consent for another administration: the replica's cached access token belongs to the old grant.
      const second = await connectTenant(h, t.apiKey)
      expect(second.division).not.toBe(first.division)
      expect((await call(t.apiKey, 'PUT', '/settings', sandboxSettings())).statusCode).toBe(200)
      const before = (await sandboxJson<{ errorAnswers: number }>(h, '/_sandbox/stats')).errorAnswers
      const preview = await viaReplica('/invoices/inv-2/export/preview')
      expect(preview.statusCode).not.toBe(200) // no stored invoice yet: 404, but not an Exact error
      expect((await viaReplica('/invoices/inv-2/export', 'POST', makeInvoice({ number: 'RC-0002' }))).statusCode).toBe(
        201,
      )
      expect((await liveEntries(second.division)).map((e) => e.YourRef)).toEqual(['RC-0002'])
      expect((await sandboxJson<{ errorAnswers: number }>(h, '/_sandbox/stats')).errorAnswers).toBe(before)

      expect((await call(t.apiKey, 'DELETE', '/connection')).statusCode).toBe(204)
      const gone = await viaReplica('/invoices/inv-3/export', 'POST', makeInvoice({ number: 'RC-0003' }))
      expect(gone.json().code).toBe('not_connected')
    } finally {
      await app.close()
      await db.destroy()
    }
  })
})
