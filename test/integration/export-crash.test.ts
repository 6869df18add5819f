import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import { api } from '../helpers/bulk-fixtures'
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process'
import { waitUntil } from '../helpers/wait'

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
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })
    for (const p of procs) await p.kill()
    await h?.close()
  })

  it('200 invoices, faults, one SIGKILL and a restart: 200 live entries, each export exported', async () => {
    const invoices = Array.from({ length: 200 }, (_, i) =>
      makeInvoice({ party: makeInvoice().party, number: `K-${i}` }),
    )
    for (const [i, invoice] of invoices.entries()) {
      expect((await api(h.url, tenant.apiKey, 'PUT', `/invoices/k-${i}`, invoice)).status).toBe(201)
    }
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0.1, timeoutAfterCommitRate: 0.3, latencyMs: 5, seed: 7, retryAfterSeconds: 1 },
    })
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
    const faults = { errorRate: 0.1, timeoutAfterCommitRate: 0.3, seed: 7, retryAfterSeconds: 1 }
    /** Exports whose last attempt is a POST recorded as being sent, with no answer recorded. */
    const cutOff = async () => {
      const rows = await sql<{ n: string }>`
        select count(*)::text as n from exports e
        where e.status = 'pending' and (select a.outcome from export_attempts a where a.export_id = e.id order by a.id desc limit 1) = 'sending'`.execute(
        h.database.db,
      )
      return Number(rows.rows[0]!.n)
    }
    const entryPosts = async () =>
      (await sandboxJson<{ byResource: Record<string, number> }>(h, '/_sandbox/stats')).byResource[
        'POST salesentry/SalesEntries'
      ] ?? 0
    const exported: any[] = []
    for (let i = 0; i < invoices.length; i += 10) {
      const killHere = i === 80
      // This batch's calls take 300 ms, so the kill finds POSTs in flight rather than between them.
      if (killHere) await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { ...faults, latencyMs: 300 } })
      const postsBefore = killHere ? await entryPosts() : 0
      const batch = Promise.all(Array.from({ length: 10 }, (_, j) => exportWithRetries(i + j)))
      if (killHere) {
        // Killed while a POST of an entry has reached Exact and its answer is not recorded.
        await waitUntil(async () => (await entryPosts()) > postsBefore && (await cutOff()) > 0, {
          intervalMs: 5,
          what: 'a POST of an entry in flight',
        })
        await service.kill('SIGKILL')
        // The kill landed mid-call: an attempt is left at 'sending', for the restarted process to search by marker.
        expect(await cutOff()).toBeGreaterThan(0)
        await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { ...faults, latencyMs: 5 } })
        service = await startServiceProcess({ databaseUrl: h.database.url, sandboxUrl: h.sandboxUrl })
        procs.push(service)
      }
      exported.push(...(await batch))
    }
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })

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
