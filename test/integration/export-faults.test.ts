import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'

/**
 * The sandbox loses 30 % of its answers after committing the write and fails 10 % of calls
 * outright. A client that simply retries on 5xx must still end with each invoice booked once.
 */
describe('exactly once under lost answers', () => {
  let h: Harness
  let tenant: TenantApi
  const auth = () => ({ authorization: `Bearer ${tenant.apiKey}` })

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => {
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })
    await h.close()
  })

  it('200 invoices exported through retries: 200 live entries, none twice, none missing', async () => {
    const invoices = Array.from({ length: 200 }, (_, i) =>
      makeInvoice({ party: makeInvoice().party, number: `F-${i}` }),
    )
    for (const [i, invoice] of invoices.entries()) {
      expect(
        (await h.app.inject({ method: 'PUT', url: `/invoices/f-${i}`, headers: auth(), payload: invoice })).statusCode,
      ).toBe(201)
    }
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0.1, timeoutAfterCommitRate: 0.3, latencyMs: 0, seed: 42, retryAfterSeconds: 1 },
    })

    let retries = 0
    const exportWithRetries = async (i: number) => {
      for (let attempt = 0; attempt < 30; attempt++) {
        const res = await h.app.inject({ method: 'POST', url: `/invoices/f-${i}/export`, headers: auth() })
        if (res.statusCode === 200 || res.statusCode === 201) return res.json()
        if (res.statusCode < 500) throw new Error(`invoice ${i}: ${res.statusCode} ${res.body}`)
        retries++
      }
      throw new Error(`invoice ${i} never exported`)
    }
    const exported = []
    for (let i = 0; i < invoices.length; i += 10) {
      exported.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => exportWithRetries(i + j)))))
      if (process.env.EB_TRACE) console.log(i, Date.now())
    }
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })

    expect(retries).toBeGreaterThan(20)
    const ledger = (await tenant.entries()).filter((e) => !e.deleted && e.YourRef.startsWith('F-'))
    expect(ledger).toHaveLength(200)
    expect(new Set(ledger.map((e) => e.YourRef)).size).toBe(200)
    const byNumber = new Map(ledger.map((e) => [e.YourRef, e.EntryNumber]))
    for (const [i, e] of exported.entries()) {
      expect(e.status).toBe('exported')
      expect(e.entryNumber).toBe(byNumber.get(`F-${i}`))
    }
  }, 300_000)
})
