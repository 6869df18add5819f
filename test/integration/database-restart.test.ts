import { request } from 'undici'
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
import { startRestartablePostgres, type RestartablePostgres } from '../helpers/restartable-postgres'
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process'
import { waitUntil } from '../helpers/wait'

const OUTAGE_MS = 4_000

interface Answer {
  at: number
  path: string
  status: number
  contentType: string
  code?: string
  retryAfter?: string
  database?: boolean
}

/**
 * An app reading the service while it works: three streams of GETs (an invoice, the bulk job,
 * /readyz), every answer kept. A connection the service refused or dropped is status -1.
 */
function startReads(baseUrl: string, apiKey: string, paths: string[]) {
  const answers: Answer[] = []
  let stopped = false
  const stream = async (path: string) => {
    while (!stopped) {
      const answer = await request(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${apiKey}` } }).then(
        async (res) => {
          const text = await res.body.text()
          const body = text ? JSON.parse(text) : {}
          return {
            at: Date.now(),
            path,
            status: res.statusCode,
            contentType: String(res.headers['content-type'] ?? ''),
            code: body.code,
            retryAfter: res.headers['retry-after'] as string | undefined,
            database: body.database,
          }
        },
        () => ({ at: Date.now(), path, status: -1, contentType: '' }),
      )
      answers.push(answer)
      await new Promise((r) => setTimeout(r, 25))
    }
  }
  const running = Promise.all(paths.map(stream))
  return {
    answers,
    since: (t: number) => answers.filter((a) => a.at >= t),
    async stop() {
      stopped = true
      await running
    },
  }
}

/** The service's log lines as `time level msg loop err.code`, for a failure message or the summary. */
function digest(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      const line = JSON.parse(l) as { time: number; level: number; msg: string; loop?: string; err?: { code?: string } }
      return `${new Date(line.time).toISOString().slice(11, 23)} ${line.level} ${line.msg}${line.err?.code ? ` [${line.err.code}]` : ''}`
    })
}

/**
 * A managed Postgres restarts for maintenance, or fails over: the service as a deployment runs it
 * (a child process, DATABASE_URL) rides out two such restarts in the middle of a 200-invoice bulk
 * export while an app keeps reading. The database here is a real Postgres of the test's own, shut
 * down fast (57P01 to every backend, then connection refused) and started again on the same data.
 */
describe('PostgreSQL restarts during a bulk export', () => {
  let pg: RestartablePostgres
  let h: Harness
  let tenant: TenantApi
  let proc: ServiceProcess | undefined
  let reads: ReturnType<typeof startReads> | undefined

  beforeAll(async () => {
    pg = await startRestartablePostgres()
    h = await startHarness({ unlimited: true, database: pg.database })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => {
    await reads?.stop()
    await proc?.kill()
    await pg?.start()
    await h?.close()
  })

  it('stopped and started twice: the process lives on, no 500, reads answer 503 database_unavailable meanwhile, 200 entries', async () => {
    const parties = makeParties(20, 'R')
    await seedAccounts(h.exact, tenant.id, parties.slice(0, 10))
    const invoices = makeBulkInvoices(200, parties, 'R')
    await putInvoices(h.url, tenant.apiKey, invoices)
    // Slow enough that both restarts land while the job runs.
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: { latencyMs: 20 } })

    proc = await startServiceProcess({
      databaseUrl: pg.database.url,
      sandboxUrl: h.sandboxUrl,
      env: { LOG_LEVEL: 'info' },
    })
    const service = proc
    const started = await api(service.url, tenant.apiKey, 'POST', '/exports/bulk', { type: 'sales' })
    expect(started.status).toBe(202)
    const jobId = started.body.id as string
    reads = startReads(service.url, tenant.apiKey, ['/invoices/R-00001', `/exports/bulk/${jobId}`, '/readyz'])
    const t0 = Date.now()
    const outages: Array<{ stoppedAt: number; startedAt: number; answeredAgainAt: number; exportedBefore: number }> = []

    const restart = async (exportedAtLeast: number) => {
      const before = await waitForJob(service.url, tenant.apiKey, jobId, {
        until: (j) => j.exported >= exportedAtLeast,
        timeoutMs: 120_000,
      })
      const stoppedAt = Date.now()
      const logBefore = service.output().length
      await pg.stop()
      // Down until the service has visibly noticed: /readyz and API reads answered 503 a few times
      // each, and the bulk worker has said (once) that it backs off.
      await waitUntil(
        () => {
          const seen = reads!.since(stoppedAt)
          if (seen.some((a) => a.status === -1))
            throw new Error(`the service stopped answering:\n${service.output().slice(-3000)}`)
          return (
            seen.filter((a) => a.path === '/readyz' && a.status === 503).length >= 5 &&
            seen.filter((a) => a.path !== '/readyz' && a.status === 503).length >= 10 &&
            service.output().slice(logBefore).includes('bulk worker: the database is unavailable')
          )
        },
        { timeoutMs: 30_000, what: 'the service to answer 503 and the bulk worker to back off while Postgres is down' },
      )
      // The outage itself lasts OUTAGE_MS at least (a scenario parameter, as a real restart takes
      // seconds): long enough that every loop fails more than once and backs off.
      await waitUntil(() => Date.now() - stoppedAt >= OUTAGE_MS, {
        timeoutMs: OUTAGE_MS + 1000,
        what: 'the outage to last',
      })
      await pg.start()
      const startedAt = Date.now()
      await waitUntil(() => reads!.since(startedAt).some((a) => a.path !== '/readyz' && a.status === 200), {
        timeoutMs: 30_000,
        what: 'reads answered again',
      })
      outages.push({ stoppedAt, startedAt, answeredAgainAt: Date.now(), exportedBefore: before.exported })
    }
    try {
      await restart(40)
      await restart(110)
    } catch (error) {
      const seen = reads!.answers
        .slice(-30)
        .map((a) => `${new Date(a.at).toISOString().slice(11, 23)} ${a.path} ${a.status} ${a.code ?? ''}`)
      throw new Error(
        `${(error as Error).message}\nlast answers:\n${seen.join('\n')}\nservice log:\n${digest(service.output()).join('\n')}`,
      )
    }
    const done = await waitForJob(service.url, tenant.apiKey, jobId, { timeoutMs: 180_000 })
    const wallMs = Date.now() - t0
    // Reads go on until they are answered 200 again.
    const back = Date.now()
    await waitUntil(() => reads!.since(back).filter((a) => a.status === 200).length >= 6, {
      timeoutMs: 30_000,
      what: 'reads answered again',
    })
    await reads.stop()
    const answers = reads.answers
    reads = undefined

    expect(done).toMatchObject({ status: 'completed', total: 200, exported: 200, skipped: 0, failed: 0 })
    const entries = await tenant.entries()
    const counts = countByRef(entries)
    expect(invoices.filter(({ id }) => counts.get(id) !== 1).map(({ id }) => [id, counts.get(id) ?? 0])).toEqual([])
    expect(entries.filter((e) => e.YourRef.startsWith('R-'))).toHaveLength(200)

    // The process never went away and never answered 500; every refusal was a 503 problem with Retry-After.
    expect(answers.filter((a) => a.status === -1 || (a.status >= 500 && a.status !== 503))).toEqual([])
    const refused = answers.filter((a) => a.status === 503)
    for (const a of refused.filter((r) => r.path !== '/readyz')) {
      expect(a).toMatchObject({
        contentType: expect.stringMatching(/^application\/problem\+json/),
        code: 'database_unavailable',
        retryAfter: expect.stringMatching(/^[1-9][0-9]*$/),
      })
    }
    for (const a of refused.filter((r) => r.path === '/readyz')) expect(a.database).toBe(false)
    for (const o of outages) expect(refused.some((a) => a.at >= o.stoppedAt && a.at <= o.startedAt + 1000)).toBe(true)

    const summary = {
      wallMs,
      outages: outages.map((o) => ({
        downMs: o.startedAt - o.stoppedAt,
        answeredAgainMs: o.answeredAgainAt - o.startedAt,
        exportedBefore: o.exportedBefore,
      })),
      answers: Object.fromEntries(
        [
          ...new Set(answers.map((a) => `${a.path.replace(jobId, ':job')} ${a.status}${a.code ? ` ${a.code}` : ''}`)),
        ].map((k) => [
          k,
          answers.filter((a) => `${a.path.replace(jobId, ':job')} ${a.status}${a.code ? ` ${a.code}` : ''}` === k)
            .length,
        ]),
      ),
      log: digest(service.output()),
    }
    process.stdout.write(`database-restart: ${JSON.stringify(summary, null, 2)}\n`)
    // Each loop said so once per outage (not once per retry), and nothing was logged as an error.
    const lines = service
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; loop?: string })
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([])
    const warnsPerLoop = new Map<string, number>()
    for (const l of lines) if (l.loop && l.level === 40) warnsPerLoop.set(l.loop, (warnsPerLoop.get(l.loop) ?? 0) + 1)
    expect(warnsPerLoop.get('bulk worker')).toBeGreaterThanOrEqual(1)
    for (const [loop, n] of warnsPerLoop) expect([loop, n <= outages.length]).toEqual([loop, true])
    expect(await service.kill('SIGTERM')).toEqual({ code: 0, signal: null })
    proc = undefined
  }, 420_000)
})
