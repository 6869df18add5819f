import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { sql } from 'kysely'
import { request } from 'undici'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { api } from '../helpers/bulk-fixtures'
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { waitUntil } from '../helpers/wait'

/** Long enough that the frozen process's call is still in flight at Exact when it is frozen. */
const LATENCY_MS = 1_500

interface Hook {
  id: string
  type: string
  exportId: string
}

/** The invoicing app's webhook endpoint: keeps the id, type and export of every POST. */
async function startReceiver(): Promise<{ url: string; received: Hook[]; server: Server }> {
  const received: Hook[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += String(c)
    })
    req.on('end', () => {
      const parsed = JSON.parse(body) as { type: string; data: { exportId: string } }
      received.push({ id: String(req.headers['webhook-id']), type: parsed.type, exportId: parsed.data.exportId })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`, received, server }
}

/**
 * A replica that holds an export's lease and then stops (a long GC pause, a frozen VM, SIGSTOP)
 * for longer than the lease: another replica takes the export over, and the frozen one, once it
 * runs again, neither books a second entry nor sends a second export.succeeded.
 */
describe('an export lease holder frozen past its lease', () => {
  let h: Harness
  let tenant: TenantApi
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  const procs: ServiceProcess[] = []
  const stopped = new Set<number>()

  beforeAll(async () => {
    receiver = await startReceiver()
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(
      h,
      'Acme',
      sandboxSettings({ webhook: { url: receiver.url, secret: `whsec_${randomBytes(24).toString('base64')}` } }),
    )
  })
  afterEach(async () => {
    for (const pid of stopped) process.kill(pid, 'SIGCONT')
    stopped.clear()
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: {} })
  })
  afterAll(async () => {
    for (const p of procs) await p.kill()
    await h?.close()
    await new Promise((done) => receiver?.server.close(done))
  })

  const stats = () => sandboxJson<{ calls: number; byResource: Record<string, number> }>(h, '/_sandbox/stats')
  const postsOfEntries = async () => (await stats()).byResource['POST salesentry/SalesEntries'] ?? 0
  const freeze = (p: ServiceProcess) => {
    process.kill(p.pid, 'SIGSTOP')
    stopped.add(p.pid)
  }
  const thaw = (p: ServiceProcess) => {
    process.kill(p.pid, 'SIGCONT')
    stopped.delete(p.pid)
  }
  const succeededEvents = async (exportId: string) => {
    const rows = await sql<{
      n: string
    }>`select count(*)::text as n from webhook_events where type = 'export.succeeded' and payload->>'exportId' = ${exportId}`.execute(
      h.database.db,
    )
    return Number(rows.rows[0]!.n)
  }

  /**
   * Replica A (a service process with a cold chart cache) starts the export; it is frozen the moment
   * the sandbox receives the call `freezeOn` picks out; the app then asks replica B (the harness),
   * which takes over once A's lease has lapsed. A is thawed after B answered.
   */
  async function scenario(id: string, freezeOnCallOf: string) {
    // The party is known already (its relation remembered), so nothing of A's is waiting on a lock.
    const party = makeInvoice().party
    expect(
      (await tenant.call('POST', `/invoices/${id}-warm/export`, makeInvoice({ party, number: `${id}-WARM` })))
        .statusCode,
    ).toBe(201)
    const invoice = makeInvoice({ party, number: `${id.toUpperCase()}-1` })
    expect((await tenant.put(id, invoice)).statusCode).toBe(201)

    // The chart is shared through Postgres: forget it, so A's first calls to Exact read it (a point before its POST).
    await sql`delete from exact_charts`.execute(h.database.db)
    const a = await startServiceProcess({ databaseUrl: h.database.url, sandboxUrl: h.sandboxUrl })
    procs.push(a)
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { latencyMs: LATENCY_MS } })
    const callsOf = async () => (await stats()).byResource[freezeOnCallOf] ?? 0
    const before = await callsOf()
    const fromA = api(a.url, tenant.apiKey, 'POST', `/invoices/${id}/export`)
    await waitUntil(async () => (await callsOf()) > before, {
      intervalMs: 5,
      timeoutMs: 60_000,
      what: `A to call ${freezeOnCallOf}`,
    })
    freeze(a)
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: {} })
    const frozenAt = Date.now()
    const pending = (await tenant.call('GET', `/invoices/${id}/export`)).json()
    expect(pending.status).toBe('pending')

    const fromB = await api(h.url, tenant.apiKey, 'POST', `/invoices/${id}/export`)
    const tookOverMs = Date.now() - frozenAt
    expect(fromB.status).toBe(200)
    expect(fromB.body).toMatchObject({ id: pending.id, status: 'exported' })

    thaw(a)
    const answerOfA = await fromA
    // Both replicas' work has settled: A's webhook loop has delivered what the outbox holds.
    await waitUntil(
      async () => {
        const rows = await sql<{
          n: string
        }>`select count(*)::text as n from webhook_events where payload->>'exportId' = ${pending.id} and status <> 'delivered'`.execute(
          h.database.db,
        )
        return rows.rows[0]!.n === '0'
      },
      { timeoutMs: 60_000, what: "A's webhook delivery" },
    )

    const live = (await tenant.entries()).filter((e) => e.YourRef === invoice.number && !e.deleted)
    expect(live).toHaveLength(1)
    expect(fromB.body.entryNumber).toBe(live[0].EntryNumber)
    expect(answerOfA.status === 200 || answerOfA.status === 201).toBe(true)
    expect(answerOfA.body).toMatchObject({ id: pending.id, status: 'exported', entryNumber: live[0].EntryNumber })
    expect(await succeededEvents(pending.id)).toBe(1)
    expect(
      new Set(
        receiver.received.filter((r) => r.exportId === pending.id && r.type === 'export.succeeded').map((r) => r.id),
      ).size,
    ).toBe(1)
    const row = await h.database.db
      .selectFrom('exports')
      .select(['status', 'entry_number', 'lease_holder', 'lease_until'])
      .where('id', '=', pending.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      status: 'exported',
      entry_number: live[0].EntryNumber,
      lease_holder: null,
      lease_until: null,
    })
    // A lives on and answers.
    const health = await request(`${a.url}/healthz`)
    expect(health.statusCode).toBe(200)
    await health.body.dump()
    process.stdout.write(`lease-takeover ${id}: B took over after ${tookOverMs} ms; A answered ${answerOfA.status}\n`)
  }

  it('frozen with its POST of the entry in flight: B adopts the entry by its marker; A, thawed, settles nothing', async () => {
    const postsBefore = await postsOfEntries()
    await scenario('frozen-in-flight', 'POST salesentry/SalesEntries')
    // The warm-up export's and A's: B found A's entry and sent none.
    expect(await postsOfEntries()).toBe(postsBefore + 2)
  }, 300_000)

  it('frozen before it sent the entry: B books it; A, thawed, does not send it', async () => {
    const postsBefore = await postsOfEntries()
    // A fresh process reads its chart of accounts before its first entry goes out.
    await scenario('frozen-before-send', 'GET financial/Journals')
    // The warm-up export's and B's: A's POST never left.
    expect(await postsOfEntries()).toBe(postsBefore + 2)
  }, 300_000)
})
