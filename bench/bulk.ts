/**
 * Bulk export benchmark: 1,000 invoices over 200 parties (50 of them new to Exact), booked by the
 * bulk job and, beside it, by a naive loop that looks the party up and posts the entry per invoice.
 * Each run gets its own tenant and division in one in-process sandbox; figures come from the
 * sandbox's own stats (GET /_sandbox/stats), not from the service.
 *
 *   npm run bench:bulk                    # 60/min time-scaled x10 (600/min) and unlimited
 *   npm run bench:bulk -- --scale 1       # Exact's real 60/min (about 18 minutes for the bulk run)
 *   npm run bench:bulk -- --invoices 300 --parties 60 --new 15 --skip-naive   (also --skip-limited, --skip-unlimited)
 *
 * "Time-scaled" means the sandbox allows 60 x scale calls a minute, so a minute of the run stands
 * for `scale` minutes at Exact's 60/min; the bound is calls / (60 x scale) minutes either way.
 * DATABASE_URL: use that Postgres (a fresh database is made in it); else an embedded one.
 */
import { randomBytes } from 'node:crypto'
import type { Invoice } from '../src/domain/invoice'
import { invoiceToEntry } from '../src/domain/invoice-to-entry'
import { newMarker } from '../src/domain/marker'
import type { Settings } from '../src/domain/settings'
import { createAccount, findAccounts } from '../src/exact/accounts'
import { createEntry } from '../src/exact/entries'
import { startBulkWorker } from '../src/jobs/bulk-worker'
import type { ExactSessions } from '../src/services/exact-session/exact-sessions'
import {
  api,
  makeBulkInvoices,
  makeParties,
  putInvoices,
  seedAccounts,
  waitForJob,
} from '../test/helpers/bulk-fixtures'
import { sandboxSettings } from '../test/helpers/factories'
import { UNLIMITED, connectBenchTenant, json, markdownTable, runMain, startBench } from './support'

interface Options {
  scale: number
  invoices: number
  parties: number
  newParties: number
  naive: boolean
  unlimited: boolean
  limited: boolean
}
interface Row {
  run: string
  limit: string
  invoices: number
  calls: number
  rateLimited: number
  wallS: number
  boundS: number | null
  booked: number
}

function parseArgs(argv: string[]): Options {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? Number(argv[i + 1]) : fallback
  }
  return {
    scale: value('scale', 10),
    invoices: value('invoices', 1000),
    parties: value('parties', 200),
    newParties: value('new', 50),
    naive: !argv.includes('--skip-naive'),
    unlimited: !argv.includes('--skip-unlimited'),
    limited: !argv.includes('--skip-limited'),
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const { sandbox, logger, services, exact, baseUrl, adminApiKey, close } = await startBench('bulk')
  const worker = startBulkWorker({ bulk: services.bulk, logger, pollMs: 100 })
  const stats = () => json<{ calls: number; rateLimited: number }>(`${sandbox.url}/_sandbox/stats`, 'GET')
  const setLimits = (perMinute: number) =>
    json(`${sandbox.url}/_sandbox/limits`, 'PUT', { perMinute, perDay: UNLIMITED })

  const rows: Row[] = []
  const limited = 60 * opts.scale
  const runs: Array<{ kind: 'bulk' | 'naive'; perMinute: number }> = [
    ...(opts.limited ? [{ kind: 'bulk' as const, perMinute: limited }] : []),
    ...(opts.unlimited ? [{ kind: 'bulk' as const, perMinute: UNLIMITED }] : []),
    ...(opts.naive && opts.limited ? [{ kind: 'naive' as const, perMinute: limited }] : []),
    ...(opts.naive && opts.unlimited ? [{ kind: 'naive' as const, perMinute: UNLIMITED }] : []),
  ]
  try {
    for (const [n, run] of runs.entries()) {
      const prefix = `S${n + 1}`
      await setLimits(UNLIMITED)
      const t = await setUpTenant(baseUrl, adminApiKey, exact, opts, prefix)
      await setLimits(run.perMinute)
      // Start on a fresh minute window so the set-up's calls do not eat the run's budget.
      if (run.perMinute !== UNLIMITED) await sleep(60_000 - (Date.now() % 60_000) + 50)
      const before = await stats()
      const started = Date.now()
      const booked =
        run.kind === 'bulk' ? await runBulk(baseUrl, t.apiKey) : await runNaive(exact, t.tenantId, t.invoices)
      const wallS = (Date.now() - started) / 1000
      const after = await stats()
      const calls = after.calls - before.calls
      const limit =
        run.perMinute === UNLIMITED
          ? 'unlimited'
          : opts.scale === 1
            ? '60/min'
            : `60/min, time x${opts.scale} (${run.perMinute}/min)`
      const row = {
        run: run.kind === 'bulk' ? 'bulk job' : 'naive baseline',
        limit,
        invoices: t.invoices.length,
        calls,
        rateLimited: after.rateLimited - before.rateLimited,
        wallS,
        boundS: run.perMinute === UNLIMITED ? null : (calls / run.perMinute) * 60,
        booked,
      }
      rows.push(row)
      process.stderr.write(`done: ${JSON.stringify(row)}\n`)
    }
    printTable(rows, opts)
  } finally {
    await worker.stop()
    await close()
  }
}

async function setUpTenant(baseUrl: string, adminKey: string, exact: ExactSessions, opts: Options, prefix: string) {
  const { tenantId, apiKey } = await connectBenchTenant(baseUrl, adminKey, `bench ${prefix}`)
  const parties = makeParties(opts.parties, prefix)
  await seedAccounts(exact, tenantId, parties.slice(0, opts.parties - opts.newParties))
  const invoices = makeBulkInvoices(opts.invoices, parties, prefix)
  await putInvoices(baseUrl, apiKey, invoices, 16)
  return { tenantId, apiKey, invoices }
}

/** POST /exports/bulk, then follow it as the app would, printing progress. */
async function runBulk(baseUrl: string, apiKey: string): Promise<number> {
  const started = await api(baseUrl, apiKey, 'POST', '/exports/bulk', { type: 'all' })
  if (started.status !== 202) throw new Error(`POST /exports/bulk: ${started.status} ${JSON.stringify(started.body)}`)
  let lastPrint = 0
  const job = await waitForJob(baseUrl, apiKey, started.body.id, {
    timeoutMs: 6 * 3_600_000,
    onPoll: (j) => {
      if (Date.now() - lastPrint < 5000) return
      lastPrint = Date.now()
      process.stderr.write(
        `  progress: ${j.status} ${j.exported}/${j.total} exported, ${j.failed} failed${j.resumeAt ? `, resumes ${j.resumeAt}` : ''}\n`,
      )
    },
  })
  if (job.failed > 0) process.stderr.write(`  failures: ${JSON.stringify(job.failures.slice(0, 3))}\n`)
  return job.exported
}

/** What a first integration would do: per invoice, find the party by code (create it if absent), post the entry. */
async function runNaive(
  exact: ExactSessions,
  tenantId: string,
  invoices: Array<{ id: string; invoice: Invoice }>,
): Promise<number> {
  const client = await exact.clientFor(tenantId, 'background')
  const chart = await exact.chart(client)
  const settings = sandboxSettings() as Settings
  let booked = 0
  for (const { invoice } of invoices) {
    const party = invoice.party
    const found = await findAccounts(client, { codes: [party.code!] })
    const accountId =
      found[0]?.id ??
      (
        await createAccount(
          client,
          { code: party.code, name: party.name!, vatNumber: party.vatNumber, address: party.address },
          { customer: true },
        )
      ).id
    const mapped = invoiceToEntry({ invoice, settings, marker: newMarker(randomBytes(5)) })
    if (!mapped.ok) throw new Error(`naive: ${mapped.problems[0]?.message}`)
    await createEntry(client, mapped.entry, accountId, chart)
    booked++
    if (booked % 200 === 0) process.stderr.write(`  progress: naive ${booked}/${invoices.length}\n`)
  }
  return booked
}

function printTable(rows: Row[], opts: Options): void {
  const head = [
    'run',
    'rate limit',
    'invoices',
    'booked',
    'Exact calls',
    'calls/invoice',
    '429s',
    'wall time',
    'bound (calls/limit)',
    'wall/bound',
  ]
  const body = rows.map((r) => [
    r.run,
    r.limit,
    String(r.invoices),
    String(r.booked),
    String(r.calls),
    (r.calls / r.invoices).toFixed(3),
    String(r.rateLimited),
    `${r.wallS.toFixed(1)} s`,
    r.boundS === null ? '-' : `${r.boundS.toFixed(1)} s`,
    r.boundS === null ? '-' : (r.wallS / r.boundS).toFixed(3),
  ])
  const out = [
    `bulk export benchmark: ${opts.invoices} invoices over ${opts.parties} parties (${opts.newParties} new), node ${process.version}`,
    ...markdownTable(head, body),
  ]
  process.stdout.write(`${out.join('\n')}\n`)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

runMain(main)
