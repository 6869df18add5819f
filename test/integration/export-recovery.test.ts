import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import { recoverPendingExports } from '../../src/jobs/export-recovery'
import { createLogger } from '../../src/logger'

describe('recovery pass for pending exports', () => {
  let h: Harness
  let tenant: TenantApi
  const auth = () => ({ authorization: `Bearer ${tenant.apiKey}` })

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => h.close())

  it('adopts the entry whose answer was lost instead of booking it again', async () => {
    const known = makeInvoice()
    // The party is known already, so the lost answer is the entry's own POST.
    expect(
      (await h.app.inject({ method: 'POST', url: '/invoices/known-1/export', headers: auth(), payload: known }))
        .statusCode,
    ).toBe(201)
    const invoice = makeInvoice({ party: known.party })
    await h.app.inject({ method: 'PUT', url: '/invoices/lost-1', headers: auth(), payload: invoice })
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 1, latencyMs: 0, seed: 1 },
    })
    const lost = await h.app.inject({ method: 'POST', url: '/invoices/lost-1/export', headers: auth() })
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })
    expect(lost.statusCode).toBe(503)
    expect(lost.json().code).toBe('exact_unavailable')
    const pending = await h.app.inject({ method: 'GET', url: '/invoices/lost-1/export', headers: auth() })
    expect(pending.json().status).toBe('pending')

    const summary = await recoverPendingExports({ exports: h.services.exports, logger: createLogger('silent') })
    expect(summary).toEqual({ examined: 1, recovered: 1, failed: 0, backedOff: 0, needsAttention: 0 })

    const booked = (await tenant.entries()).filter((e) => e.YourRef === invoice.number)
    expect(booked).toHaveLength(1)
    const after = (await h.app.inject({ method: 'GET', url: `/exports/${pending.json().id}`, headers: auth() })).json()
    expect(after.status).toBe('exported')
    expect(after.entryNumber).toBe(booked[0].EntryNumber)
    expect(after.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['sending', 'uncertain', 'found'])
  })
})
