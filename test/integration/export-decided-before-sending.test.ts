import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import { recoverPendingExports } from '../../src/jobs/export-recovery'
import { createLogger } from '../../src/logger'

/** Review H1/H2: a definite local refusal fails the export at once; nothing is sent, nothing spins. */
describe('decided before sending', () => {
  let h: Harness
  let tenant: TenantApi
  const entryPosts = async () =>
    (await sandboxJson<{ byResource: Record<string, number> }>(h, '/_sandbox/stats')).byResource[
      'POST salesentry/SalesEntries'
    ] ?? 0

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => h.close())

  it('an override GL code missing from the chart: failed at once with its reason, no entry POST, no recovery', async () => {
    const invoice = makeInvoice({
      lines: [{ description: 'Consulting', netAmount: '1000.00', vatRate: '21', glAccount: '8999' }],
    })
    expect((await tenant.put('gl-missing', invoice)).statusCode).toBe(201)
    const postsBefore = await entryPosts()

    const res = await tenant.exportIt('gl-missing')
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('mapping_missing')

    const exp = (await tenant.call('GET', '/invoices/gl-missing/export')).json()
    expect(exp.status).toBe('failed')
    expect(exp.error.code).toBe('mapping_missing')
    expect(exp.error.detail).toMatch(/8999/)
    expect(await entryPosts()).toBe(postsBefore)
    const attempts = (await tenant.call('GET', `/exports/${exp.id}`)).json().attempts
    expect(attempts.filter((a: { outcome: string }) => a.outcome === 'sending')).toHaveLength(0)

    // Nothing is left for the recovery pass to spin on.
    h.advanceClock(60_000)
    const summary = await recoverPendingExports({ exports: h.services.exports, logger: createLogger('silent') })
    expect(summary.examined).toBe(0)
    expect(await entryPosts()).toBe(postsBefore)
    expect((await tenant.entries()).filter((e) => e.YourRef === invoice.number)).toHaveLength(0)
  })

  it('a pinned exactAccountId that is no GUID: 422 naming the field, nothing stored, nothing sent', async () => {
    const invoice = makeInvoice()
    const callsBefore = (await sandboxJson<{ calls: number }>(h, '/_sandbox/stats')).calls
    const res = await tenant.put('bad-pin', { ...invoice, party: { ...invoice.party, exactAccountId: 'not-a-guid' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('invoice_invalid')
    expect(res.json().field).toBe('/party/exactAccountId')
    expect((await tenant.call('GET', '/invoices/bad-pin')).statusCode).toBe(404)
    expect((await sandboxJson<{ calls: number }>(h, '/_sandbox/stats')).calls).toBe(callsBefore)
  })
})
