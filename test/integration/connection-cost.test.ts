import { createDb } from '../../src/db/database'
import { createLogger } from '../../src/logger'
import { createRuntime } from '../../src/runtime'
import { sql } from 'kysely'
import { connectTenant, createTenant, sandboxJson, startHarness, type Harness, exactAppOf } from '../helpers/harness'
import { connectedTenant } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'

/**
 * What connecting costs in Exact calls: the first payment sync of an administration with years
 * of history, and the chart of a large administration, read once for every replica.
 */

let h: Harness
const auth = (key: string) => ({ authorization: `Bearer ${key}` })
interface Stats {
  calls: number
  byResource: Record<string, number>
}
const stats = () => sandboxJson<Stats>(h, '/_sandbox/stats')
const resetStats = () => sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
const chartCalls = (s: Stats) =>
  Object.entries(s.byResource)
    .filter(([k]) => /GLAccounts|Journals|VATCodes|PaymentConditions/.test(k))
    .reduce((n, [, v]) => n + v, 0)

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
})
afterAll(async () => h.close())

async function waitForRun(key: string, runId: string): Promise<{ status: string; exactCalls: number }> {
  for (;;) {
    const run = (await h.app.inject({ method: 'GET', url: `/payment-sync/runs/${runId}`, headers: auth(key) })).json()
    if (run.status !== 'running') return run
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('the first payment sync of an administration with history', () => {
  it('starts a few days back: at most 3 calls for a division holding 5,000 old payment terms', async () => {
    const division = 100601
    await sandboxJson(h, '/_sandbox/divisions', { method: 'POST', body: { division } })
    await sandboxJson(h, `/_sandbox/divisions/${division}/history`, {
      method: 'POST',
      body: { entries: 5000, daysAgo: 60 },
    })
    const t = await createTenant(h, 'History BV')
    await connectTenant(h, t.apiKey, { consent: { division: String(division) } })
    await resetStats()

    const started = await h.app.inject({ method: 'POST', url: '/payment-sync', headers: auth(t.apiKey) })
    const run = await waitForRun(t.apiKey, started.json().id)
    expect(run.status).toBe('completed')
    const s = await stats()
    expect(s.calls).toBeLessThanOrEqual(3)
    expect(run.exactCalls).toBe(s.calls)

    // The baseline: the same division read from the first row costs a call per 1000 terms.
    await sql`update payment_sync_cursors set terms_timestamp = 0, deleted_timestamp = 0 where tenant_id = ${t.id}`.execute(
      h.database.db,
    )
    await resetStats()
    const full = await waitForRun(
      t.apiKey,
      (await h.app.inject({ method: 'POST', url: '/payment-sync', headers: auth(t.apiKey) })).json().id,
    )
    expect(full.status).toBe('completed')
    const baseline = await stats()
    expect(baseline.byResource['GET sync/Cashflow/PaymentTerms']).toBeGreaterThanOrEqual(5)
    process.stdout.write(
      `first sync after connect: ${s.calls} calls; from Timestamp 1 (the old start): ${baseline.calls} calls\n`,
    )
    // Terms of entries this service did not book are not stored.
    const stored = await sql<{ n: string }>`select count(*) as n from payment_terms where tenant_id = ${t.id}`.execute(
      h.database.db,
    )
    expect(Number(stored.rows[0]!.n)).toBe(0)
  })
})

describe('the chart of a large administration', () => {
  it('costs at most 4 calls for 800 GL accounts, and a second replica reads it from Postgres', async () => {
    const division = 100602
    await sandboxJson(h, '/_sandbox/divisions', { method: 'POST', body: { division } })
    await sandboxJson(h, `/_sandbox/divisions/${division}/gl-accounts`, { method: 'POST', body: { count: 800 } })
    const t = await createTenant(h, 'Large BV')
    await resetStats()
    await connectTenant(h, t.apiKey, { consent: { division: String(division) } })
    const proposed = (await h.app.inject({ method: 'GET', url: '/settings', headers: auth(t.apiKey) })).json()
    expect(proposed.sales.journal).toBeTruthy()
    const connectCalls = chartCalls(await stats())
    expect(connectCalls).toBeLessThanOrEqual(4)
    process.stdout.write(`chart of 800 GL accounts: ${connectCalls} calls\n`)

    const refreshed = await h.app.inject({ method: 'POST', url: '/settings/refresh-chart', headers: auth(t.apiKey) })
    expect(refreshed.statusCode).toBe(200)
    expect(refreshed.json().glAccounts).toBeGreaterThanOrEqual(800)

    const db = createDb(h.database.url, { max: 2 })
    try {
      const replica = await createRuntime({
        db,
        exactApp: exactAppOf(h),
        tokenEncryptionKey: Buffer.alloc(32, 7),
        logger: createLogger('silent'),
        clock: h.exact.clock,
      })
      await resetStats()
      const client = await replica.exact.clientFor(t.id)
      const chart = await replica.exact.chart(client)
      expect(chart.glAccounts.length).toBeGreaterThanOrEqual(800)
      expect(chartCalls(await stats())).toBe(0)
    } finally {
      await db.destroy()
    }
  })
})

describe('a code the cached chart lacks', () => {
  it('is looked up in Exact again once: an account the bookkeeper just added books at once', async () => {
    const t = await connectedTenant(h, 'New Account BV')
    await t.put('inv-0', makeInvoice({ number: 'NEWGL-0000' }))
    expect((await t.exportIt('inv-0')).statusCode).toBe(201) // the chart is now cached
    const added = await sandboxJson<{ first: string }>(h, `/_sandbox/divisions/${t.division}/gl-accounts`, {
      method: 'POST',
      body: { count: 1, prefix: '8' },
    })
    // A code missing within a minute of a read is taken as missing in Exact (no read per request).
    h.advanceClock(61_000)
    await resetStats()
    const invoice = makeInvoice({ number: 'NEWGL-0001' })
    invoice.lines = invoice.lines.map((l) => ({ ...l, glAccount: added.first }))
    await t.put('inv-1', invoice)
    const booked = await t.exportIt('inv-1')
    expect(booked.statusCode).toBe(201)
    expect((await t.entryFor('NEWGL-0001')).deleted).toBe(false)
    expect(chartCalls(await stats())).toBeGreaterThanOrEqual(1)
    expect(chartCalls(await stats())).toBeLessThanOrEqual(4)
  })
})
