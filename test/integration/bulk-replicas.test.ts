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
import { sql } from 'kysely'

/** Two service processes on one database share one job item by item: both book, nothing twice. */
describe('bulk export on two replicas', () => {
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

  it('books 300 invoices once each with both processes doing part of the work', async () => {
    const parties = makeParties(40, 'R')
    await seedAccounts(h.exact, tenant.id, parties.slice(0, 30))
    const invoices = makeBulkInvoices(300, parties, 'R')
    await putInvoices(h.url, tenant.apiKey, invoices)
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 10, seed: 1 },
    })

    const [a, b] = await Promise.all(
      [0, 1].map(() => startServiceProcess({ databaseUrl: h.database.url, sandboxUrl: h.sandboxUrl })),
    )
    procs.push(a!, b!)
    // Both are asked at once: one creates the job, the other answers with it.
    const [ra, rb] = await Promise.all(
      [a!, b!].map((p) => api(p.url, tenant.apiKey, 'POST', '/exports/bulk', { type: 'sales' })),
    )
    expect([ra!.status, rb!.status].sort()).toEqual([200, 202])
    expect(ra!.body.id).toBe(rb!.body.id)

    const done = await waitForJob(h.url, tenant.apiKey, ra!.body.id, { timeoutMs: 120_000 })
    expect(done).toMatchObject({ status: 'completed', total: 300, exported: 300, failed: 0, skipped: 0 })

    // bulk_job_items.worked_by names the process that finished each item.
    const workers = await h.database.db
      .selectFrom('bulk_job_items')
      .select(['worked_by', sql<string>`count(*)`.as('n')])
      .where('job_id', '=', ra!.body.id)
      .groupBy('worked_by')
      .execute()
    expect(workers).toHaveLength(2)
    for (const { worked_by, n } of workers) {
      expect(worked_by).not.toBeNull()
      expect(Number(n)).toBeGreaterThan(20)
    }

    const all = await tenant.entries()
    const counts = countByRef(all)
    expect(invoices.filter(({ id }) => counts.get(id) !== 1)).toEqual([])
    expect(all.filter((e) => e.YourRef.startsWith('R-'))).toHaveLength(300)
    // Each new party created once, although both processes met them.
    const accounts = await tenant.accounts()
    for (const p of parties)
      expect([p.code, accounts.filter((x) => x.Code.trim() === p.code).length]).toEqual([p.code, 1])
  }, 180_000)
})
