import { sql } from 'kysely'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import { recoverPendingExports } from '../../src/jobs/export-recovery'
import { createLogger } from '../../src/logger'
import { MAX_RECOVERY_ATTEMPTS } from '../../src/domain/recovery-backoff'

/**
 * Review H2: 200 exports of a tenant that disconnected stay pending (not its invoices' fault); the
 * recovery pass backs each off, still reaches a newer export of another tenant, and gives up on the
 * 200 after the cap. Time moves by the service clock, never by sleeping.
 */
describe('recovery pass: back-off, due first, cap', () => {
  let h: Harness
  let stuck: TenantApi
  let other: TenantApi
  const pass = () => recoverPendingExports({ exports: h.services.exports, logger: createLogger('silent') })
  const MIN = 60_000

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    stuck = await connectedTenant(h, 'Gone BV')
    other = await connectedTenant(h, 'Live BV')
  })
  afterAll(async () => {
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })
    await h.close()
  })

  // About 2,600 recoveries of a few queries each: minutes on a loaded 2-core machine (a deadline, not a wait).
  it('200 stuck exports back off, a newer one is recovered, the cap fails them as needs_attention', async () => {
    const party = makeInvoice().party
    for (let i = 0; i < 200; i++)
      expect((await stuck.put(`s-${i}`, makeInvoice({ party, number: `S-${i}` }))).statusCode).toBe(201)
    expect((await stuck.call('DELETE', '/connection')).statusCode).toBeLessThan(300)
    for (let i = 0; i < 200; i++) expect((await stuck.exportIt(`s-${i}`)).json().code).toBe('not_connected')
    const pendingOf = async (t: TenantApi) =>
      (await t.call('GET', '/exports?status=pending&limit=200')).json().items as any[]
    expect(await pendingOf(stuck)).toHaveLength(200)

    // A newer export of a tenant that is fine, whose entry POST lost its answer.
    const known = makeInvoice()
    expect((await other.call('POST', '/invoices/k-1/export', known)).statusCode).toBe(201)
    const fresh = makeInvoice({ party: known.party })
    await other.put('fresh', fresh)
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 1, latencyMs: 0, seed: 1 },
    })
    expect((await other.exportIt('fresh')).statusCode).toBe(503)
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })

    // Oldest-first with 100 a pass would never reach it; due-first reaches it by the third pass.
    let passes = 0
    while ((await other.call('GET', '/invoices/fresh/export')).json().status === 'pending') {
      expect(++passes).toBeLessThanOrEqual(3)
      await pass()
    }
    expect((await other.call('GET', '/invoices/fresh/export')).json().status).toBe('exported')
    expect((await other.entries()).filter((e) => e.YourRef === fresh.number && !e.deleted)).toHaveLength(1)

    // Each stuck export was tried once and backed off a minute, visible in the API.
    const once = await pendingOf(stuck)
    expect(once.map((e) => e.recoveryAttempts)).toEqual(Array(200).fill(1))
    const now = Date.now()
    for (const e of once) {
      const wait = Date.parse(e.nextRecoveryAt) - now
      expect(wait).toBeGreaterThan(0)
      expect(wait).toBeLessThanOrEqual(MIN)
    }
    // Nothing is due: a pass now examines none of them.
    expect((await pass()).examined).toBe(0)

    // A minute later they are due again; the second miss doubles the wait.
    h.advanceClock(MIN)
    while ((await pass()).examined > 0) {
      /* until every due export was tried */
    }
    const twice = await pendingOf(stuck)
    expect(twice.map((e) => e.recoveryAttempts)).toEqual(Array(200).fill(2))
    const rows = await sql<{ wait_ms: number }>`
      select extract(epoch from (next_recovery_at - updated_at)) * 1000 as wait_ms from exports where tenant_id = ${stuck.id}`.execute(
      h.database.db,
    )
    // next_recovery_at is on the moved service clock, updated_at on Postgres's: compare against the move.
    for (const r of rows.rows) expect(Number(r.wait_ms)).toBeGreaterThan(MIN + 2 * MIN - 30_000)

    // Run the clock through the back-off until the cap.
    for (let round = 2; round < MAX_RECOVERY_ATTEMPTS; round++) {
      h.advanceClock(6 * 60 * MIN)
      while ((await pass()).examined > 0) {
        /* drain what is due */
      }
    }
    expect(await pendingOf(stuck)).toHaveLength(0)
    const gaveUp = (await stuck.call('GET', '/exports?status=failed&errorCode=needs_attention&limit=200')).json()
      .items as any[]
    expect(gaveUp).toHaveLength(200)
    expect(gaveUp[0].error.code).toBe('needs_attention')
    expect(gaveUp[0].error.detail).toMatch(/not_connected/)
    expect(gaveUp[0].recoveryAttempts).toBe(MAX_RECOVERY_ATTEMPTS)
    expect((await pass()).examined).toBe(0)
    // Nothing of the stuck tenant ever reached Exact's ledger.
    expect((await stuck.entries()).filter((e) => e.YourRef.startsWith('S-'))).toHaveLength(0)
  }, 1_200_000)

  it('a lost answer given up on: exporting the unchanged invoice again resumes that export, finds its entry, books nothing twice', async () => {
    const t = await connectedTenant(h, 'Lost BV')
    const known = makeInvoice()
    expect((await t.call('POST', '/invoices/lk-1/export', known)).statusCode).toBe(201)
    const invoice = makeInvoice({ party: known.party })
    await t.put('lost-1', invoice)
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 1, latencyMs: 0, seed: 1 },
    })
    expect((await t.exportIt('lost-1')).statusCode).toBe(503)
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })
    const first = (await t.call('GET', '/invoices/lost-1/export')).json()
    expect(first.status).toBe('pending')
    // The entry landed, but Exact is down (maintenance) through every pass that could look for it.
    expect((await t.entries()).filter((e) => e.YourRef === invoice.number)).toHaveLength(1)
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 1, timeoutAfterCommitRate: 0, latencyMs: 0, retryAfterSeconds: 0 },
    })
    for (let round = 0; round < MAX_RECOVERY_ATTEMPTS; round++) {
      h.advanceClock(6 * 60 * MIN)
      while ((await pass()).examined > 0) {
        /* drain what is due */
      }
    }
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })
    const gaveUp = (await t.call('GET', `/exports/${first.id}`)).json()
    expect(gaveUp.status).toBe('failed')
    expect(gaveUp.error.code).toBe('needs_attention')
    expect(gaveUp.error.detail).toMatch(/exact_unavailable/)

    const again = await t.exportIt('lost-1')
    expect(again.statusCode).toBe(201)
    expect(again.json().id).toBe(first.id)
    expect(again.json().status).toBe('exported')
    const ledger = (await t.entries()).filter((e) => e.YourRef === invoice.number && !e.deleted)
    expect(ledger).toHaveLength(1)
    expect(again.json().entryId).toBe(ledger[0].EntryID)
  }, 120_000)
})
