import { setTimeout as sleep } from 'node:timers/promises'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import { api } from '../helpers/bulk-fixtures'
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process'

/**
 * Single exports under lost answers and failures, with the service SIGKILLed in the middle and
 * started again: the app retries until each invoice answers, and the ledger has each one once.
 */
describe('exactly once across a SIGKILL', () => {
  let h: Harness
  let tenant: TenantApi
  const procs: ServiceProcess[] = []

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => {
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 } })
    for (const p of procs) await p.kill()
    await h?.close()
  })

  it('200 invoices, faults, one SIGKILL and a restart: 200 live entries, each export exported', async () => {
    const invoices = Array.from({ length: 200 }, (_, i) => makeInvoice({ party: makeInvoice().party, number: `K-${i}` }))
    for (const [i, invoice] of invoices.entries()) {
      expect((await api(h.url, tenant.apiKey, 'PUT', `/invoices/k-${i}`, invoice)).status).toBe(201)
    }
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { errorRate: 0.1, timeoutAfterCommitRate: 0.3, latencyMs: 5, seed: 7, retryAfterSeconds: 1 } })
    let service = await startServiceProcess({ databaseUrl: h.database.url, sandboxUrl: h.sandboxUrl })
    procs.push(service)

    const exportWithRetries = async (i: number) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const res = await api(service.url, tenant.apiKey, 'POST', `/invoices/k-${i}/export`).catch(() => undefined)
        if (res && (res.status === 200 || res.status === 201)) return res.body
        if (res && res.status < 500) throw new Error(`invoice ${i}: ${res.status} ${JSON.stringify(res.body)}`)
        await sleep(res ? 50 : 300)
      }
      throw new Error(`invoice ${i} never exported`)
    }
    const exported: any[] = []
    for (let i = 0; i < invoices.length; i += 10) {
      const batch = Promise.all(Array.from({ length: 10 }, (_, j) => exportWithRetries(i + j)))
      if (i === 80) {
        // Killed while this batch is in flight: some POSTs to Exact are cut off mid-call.
        await sleep(40)
        await service.kill('SIGKILL')
        service = await startServiceProcess({ databaseUrl: h.database.url, sandboxUrl: h.sandboxUrl })
        procs.push(service)
      }
      exported.push(...(await batch))
    }
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 } })

    const ledger = (await tenant.entries()).filter((e) => !e.deleted && e.YourRef.startsWith('K-'))
    expect(ledger).toHaveLength(200)
    expect(new Set(ledger.map((e) => e.YourRef)).size).toBe(200)
    const byRef = new Map(ledger.map((e) => [e.YourRef, e.EntryNumber]))
    for (const [i, e] of exported.entries()) {
      expect(e.status).toBe('exported')
      expect(e.entryNumber).toBe(byRef.get(`K-${i}`))
    }
  }, 600_000)
})
