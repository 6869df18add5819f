import { sql } from 'kysely'
import { TokenCipher } from '../../src/services/exact-session/token-cipher'
import { makeInvoice } from '../helpers/factories'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'

/**
 * A connection stays alive for months without bookings, and a 401 for a young token is weather,
 * not a dead connection. Judged by the sandbox's token log: what Exact saw.
 */

const DAY = 86_400_000
const cipher = new TokenCipher(Buffer.alloc(32, 7))
let h: Harness

interface TokenLogEntry {
  grantType: string
  outcome: string
  grantId: string | null
  division: number | null
}
const tokenLog = async (division: number) =>
  (await sandboxJson<TokenLogEntry[]>(h, '/_sandbox/tokens')).filter((t) => t.division === division)
const outcomes = async (division: number) => (await tokenLog(division)).map((t) => `${t.grantType}:${t.outcome}`)

async function advanceBoth(ms: number): Promise<void> {
  h.advanceClock(ms)
  await sandboxJson(h, '/_sandbox/clock', { method: 'POST', body: { advanceMs: ms } })
}

/** The stored access token is one Exact no longer accepts (revoked, or issued by a clock that lies). */
async function spoilAccessToken(tenantId: string): Promise<void> {
  await sql`update exact_connections set access_token = ${cipher.encrypt('AAEAAspoiled')}, token_version = token_version + 1
            where tenant_id = ${tenantId}`.execute(h.database.db)
}

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
})
afterAll(async () => h.close())

describe('keep-alive', () => {
  it("a tenant idle 31 days without the job is reauthorize_needed with Exact's reason; one idle 25 days with it is refreshed once and books", async () => {
    const forgotten = await connectedTenant(h, 'Forgotten BV')
    await advanceBoth(31 * DAY)
    await forgotten.put('inv-1', makeInvoice())
    const refused = await forgotten.exportIt('inv-1')
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('reauthorize_needed')
    const status = (await forgotten.call('GET', '/connection')).json()
    expect(status.status).toBe('reauthorize_needed')
    expect(status.lastError).toMatch(/refresh token expired at/i)
    expect(await outcomes(forgotten.division)).toEqual(['authorization_code:ok', 'refresh_token:refresh_token_expired'])

    const idle: TenantApi = await connectedTenant(h, 'Idle BV')
    const issued = (await idle.call('GET', '/connection')).json()
    expect(Date.parse(issued.refreshTokenExpiresAt) - Date.parse(issued.connectedAt)).toBeGreaterThan(29.9 * DAY)
    await advanceBoth(25 * DAY)
    expect(await h.services.connections.keepAlive()).toEqual({ idle: 1, refreshed: 1, failed: 0 })
    // The job runs daily on every replica: a second run the same day spends nothing.
    expect(await h.services.connections.keepAlive()).toEqual({ idle: 0, refreshed: 0, failed: 0 })
    expect(await outcomes(idle.division)).toEqual(['authorization_code:ok', 'refresh_token:ok'])
    const after = (await idle.call('GET', '/connection')).json()
    expect(Date.parse(after.refreshTokenExpiresAt)).toBeGreaterThan(Date.parse(issued.refreshTokenExpiresAt) + 24 * DAY)

    await idle.put('inv-1', makeInvoice({ number: 'IDLE-0001' }))
    expect((await idle.exportIt('inv-1')).statusCode).toBe(201)
    expect((await idle.entryFor('IDLE-0001')).deleted).toBe(false)
  })
})

describe('a 401 for a young access token', () => {
  it('far from the 570 s mark: exact_unavailable with Retry-After, still connected; after the mark one refresh and the export books', async () => {
    const t = await connectedTenant(h, 'Young BV')
    await t.put('inv-1', makeInvoice({ number: 'YOUNG-0001' }))
    await advanceBoth(60_000)
    await spoilAccessToken(t.id)

    const refused = await t.exportIt('inv-1')
    expect(refused.statusCode).toBe(503)
    expect(refused.json().code).toBe('exact_unavailable')
    const retryAfter = Number(refused.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(490)
    expect(retryAfter).toBeLessThanOrEqual(511)
    expect((await t.call('GET', '/connection')).json().status).toBe('connected')

    await advanceBoth(retryAfter * 1000)
    // The first request left the export pending (nothing reached Exact); this one books it.
    const booked = await t.exportIt('inv-1')
    expect(booked.statusCode).toBe(200)
    expect(booked.json().status).toBe('exported')
    expect((await t.entryFor('YOUNG-0001')).deleted).toBe(false)
    expect(await outcomes(t.division)).toEqual(['authorization_code:ok', 'refresh_token:ok'])
  })

  it('seconds from the mark: waits it out, refreshes once and books in the same request', async () => {
    const t = await connectedTenant(h, 'Almost BV')
    await t.put('inv-1', makeInvoice({ number: 'ALMOST-0001' }))
    await advanceBoth(567_000)
    await spoilAccessToken(t.id)

    const started = Date.now()
    const booked = await t.exportIt('inv-1')
    expect(booked.statusCode).toBe(201)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000)
    expect(await outcomes(t.division)).toEqual(['authorization_code:ok', 'refresh_token:ok'])
  })
})
