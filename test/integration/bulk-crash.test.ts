import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import {
  api,
  countByRef,
  makeBulkInvoices,
  makeParties,
  putInvoices,
  seedAccounts,
  waitForJob,
} from '../helpers/bulk-fixtures'
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process'

/**
 * The service as a child process, SIGKILLed twice in the middle of a 300-invoice job: each restart
 * resumes the job from Postgres, and the sandbox ledger ends with every invoice booked exactly once.
 */
describe('bulk export survives SIGKILL', () => {
  let h: Harness
  let tenant: TenantApi
  const procs: ServiceProcess[] = []

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => {
    for (const p of procs) await p.kill()
    await h?.close()
  })

  it('completes with exactly 300 live entries after two SIGKILLs and restarts', async () => {
    const parties = makeParties(30, 'X')
    await seedAccounts(h.exact, tenant.id, parties.slice(0, 20))
    const invoices = makeBulkInvoices(300, parties, 'X')
    await putInvoices(h.url, tenant.apiKey, invoices)
    // Slow enough to be killed mid-job, and mid-call: the kill often lands while a POST is in flight.
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 15, seed: 1 },
    })

    const start = async () => {
      const p = await startServiceProcess({ databaseUrl: h.database.url, sandboxUrl: h.sandboxUrl })
      procs.push(p)
      return p
    }
    const first = await start()
    const started = await api(first.url, tenant.apiKey, 'POST', '/exports/bulk', { type: 'sales' })
    expect(started.status).toBe(202)
    const jobId = started.body.id as string

    await waitForJob(h.url, tenant.apiKey, jobId, { until: (j) => j.exported >= 60, timeoutMs: 60_000 })
    await first.kill('SIGKILL')
    const second = await start()
    await waitForJob(h.url, tenant.apiKey, jobId, { until: (j) => j.exported >= 170, timeoutMs: 60_000 })
    await second.kill('SIGKILL')
    const third = await start()

    // A POST cut off by a kill keeps its export's lease and its item's claim (30 s each): that invoice is adopted by its marker after.
    const done = await waitForJob(h.url, tenant.apiKey, jobId, { timeoutMs: 240_000 })
    expect(done).toMatchObject({ status: 'completed', total: 300, exported: 300, skipped: 0, failed: 0 })

    const all = await tenant.entries()
    const counts = countByRef(all)
    expect(invoices.filter(({ id }) => counts.get(id) !== 1).map(({ id }) => [id, counts.get(id) ?? 0])).toEqual([])
    expect(all.filter((e) => e.YourRef.startsWith('X-'))).toHaveLength(300) // none deleted, none twice
    await third.kill('SIGTERM')
  }, 420_000)
})
