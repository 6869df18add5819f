/**
 * Payment sync benchmark: 10,000 exported invoices, 100 of them paid in Exact since the last sync.
 * One incremental cycle (sync/Cashflow/PaymentTerms + sync/Deleted from the stored cursors) beside
 * the naive cost of one look-up per open invoice; then the scheduler's spread of 1,000 tenants
 * over a 4-hour window, as a histogram per minute.
 *
 *   npm run bench:payments
 *   npm run bench:payments -- --invoices 2000 --paid 50 --tenants 1000
 *
 * The entries are booked in the sandbox through the connector (fast, no relation matching) and the
 * matching invoices/exports rows written straight into the database: what an export would leave.
 * Calls are counted by the sandbox itself (GET /_sandbox/stats). DATABASE_URL: use that Postgres
 * (a fresh database is made in it); else an embedded one.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { Db } from '../src/db/database'
import { invoiceContentHash } from '../src/domain/content-hash'
import { invoiceToEntry } from '../src/domain/invoice-to-entry'
import { newMarker } from '../src/domain/marker'
import type { Settings } from '../src/domain/settings'
import { slotHistogram, spreadOffsets } from '../src/domain/sync-spread'
import { createAccount } from '../src/exact/accounts'
import { createEntry } from '../src/exact/entries'
import { readOpenItem } from '../src/exact/payments'
import type { ExactSessions } from '../src/services/exact-session/exact-sessions'
import { paymentSyncSchedule } from '../src/jobs/cron'
import { makeInvoice, sandboxSettings } from '../test/helpers/factories'
import { UNLIMITED, connectBenchTenant, json, markdownTable, runMain, startBench } from './support'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

async function main(): Promise<void> {
  const opts = {
    invoices: arg('invoices', 10_000),
    paid: arg('paid', 100),
    tenants: arg('tenants', 1000),
    sample: arg('sample', 200),
  }
  const { db, sandbox, services, exact, baseUrl, adminApiKey, close } = await startBench('payments')
  const stats = () =>
    json<{ calls: number; byResource: Record<string, number> }>(`${sandbox.url}/_sandbox/stats`, 'GET')
  const out: string[] = []
  const say = (line: string) => {
    out.push(line)
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`)

  try {
    await json(`${sandbox.url}/_sandbox/limits`, 'PUT', { perMinute: UNLIMITED, perDay: UNLIMITED })
    const { tenantId, division } = await connectBenchTenant(baseUrl, adminApiKey, 'bench payments')
    let t = Date.now()
    const seeded = await seed(db, exact, tenantId, opts.invoices)
    progress(
      `seeded ${seeded.length} exported invoices (entries booked in the sandbox, exports in Postgres) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    )

    // The sync before: it reads every term once and stores the cursor ("the last sync").
    t = Date.now()
    const firstRun = await syncOnce(services.paymentSync, tenantId)
    const first = {
      line: `the sync before (first ever, from Timestamp 1L: every term once): ${firstRun.exactCalls} Exact calls, ${firstRun.changed} changed, ${((Date.now() - t) / 1000).toFixed(1)} s`,
    }
    progress(first.line)

    // 100 payments booked in Exact since then: 70 paid in full, 30 partly.
    const paidSet = pick(seeded, opts.paid)
    for (const [i, inv] of paidSet.entries()) {
      await json(`${sandbox.url}/_sandbox/divisions/${division}/payments`, 'POST', {
        entryNumber: inv.entryNumber,
        amount: i % 10 < 7 ? '1210.00' : '400.00',
        date: '2026-11-25',
      })
    }

    const before = await stats()
    t = Date.now()
    const cycle = await syncOnce(services.paymentSync, tenantId)
    const cycleMs = Date.now() - t
    const after = await stats()
    const sandboxCalls = after.calls - before.calls
    const byResource = Object.entries(after.byResource)
      .map(([k, v]) => [k, v - (before.byResource[k] ?? 0)] as const)
      .filter(([, v]) => v > 0)
    const states = await db.selectFrom('payment_states').select(['status']).where('tenant_id', '=', tenantId).execute()
    const moved = states.filter((s) => s.status !== 'unpaid').length
    const open = opts.invoices

    // The naive way, measured on a sample: one Receivables look-up per open invoice.
    const client = await exact.clientFor(tenantId, 'background')
    const sample = seeded.slice(0, opts.sample)
    const s0 = await stats()
    t = Date.now()
    for (const inv of sample)
      await readOpenItem(client, 'sales', { entryId: inv.entryId, entryNumber: inv.entryNumber, journal: '70' })
    const naiveSampleMs = Date.now() - t
    const naiveSampleCalls = (await stats()).calls - s0.calls
    const perCallMs = naiveSampleMs / Math.max(1, naiveSampleCalls)

    say(
      `payment sync benchmark: ${opts.invoices} exported invoices, ${opts.paid} paid in Exact since the last sync, node ${process.version}`,
    )
    say(first.line)
    markdownTable(
      ['way', 'Exact calls', 'invoices updated', 'wall time', "at Exact's 60/min, 5000/day"],
      [
        [
          'incremental sync cycle',
          `${cycle.exactCalls} (sandbox counted ${sandboxCalls})`,
          `${cycle.changed} (payment_states not unpaid: ${moved})`,
          `${(cycleMs / 1000).toFixed(2)} s`,
          `${cycle.exactCalls} min of budget at most; ${pct(cycle.exactCalls)} of a day`,
        ],
        [
          'naive: 1 call per open invoice',
          `${open} (>= 1 per open invoice)`,
          `${opts.paid}`,
          `~${((perCallMs * open) / 1000).toFixed(1)} s unthrottled (measured ${perCallMs.toFixed(2)} ms/call on ${sample.length})`,
          `${(open / 60 / 60).toFixed(1)} h; ${pct(open)} of a day's budget`,
        ],
      ],
    ).forEach((line) => say(line))
    say(`cycle calls by resource: ${byResource.map(([k, v]) => `${k} x${v}`).join(', ')}`)

    // The scheduler's spread of many tenants over the PAYMENT_SYNC_CRON window.
    const schedule = paymentSyncSchedule('0 */4 * * *')
    const window = schedule.window(new Date('2026-11-26T01:30:00Z'))
    const windowMs = window.end.getTime() - window.start.getTime()
    const ids = Array.from({ length: opts.tenants }, () => randomUUID())
    const histogram = slotHistogram(spreadOffsets(ids, windowMs), windowMs)
    const usable = histogram.filter((_, i) => i < Math.floor((windowMs * 0.9) / 60_000))
    say('')
    say(
      `scheduler spread: ${opts.tenants} tenants over the window ${window.start.toISOString()} .. ${window.end.toISOString()} (cron "0 */4 * * *")`,
    )
    say(
      `  per-minute max ${Math.max(...histogram)} (fair share ceil(${opts.tenants}/${usable.length} usable minutes) = ${Math.ceil(opts.tenants / usable.length)}), min ${Math.min(...usable)}, minutes used ${histogram.filter((c) => c > 0).length}/${histogram.length}`,
    )
    say('  tenants starting per minute (one row per hour, one digit per minute; the last 24 minutes stay free):')
    for (let h = 0; h < histogram.length / 60; h++) {
      say(`  +${String(h).padStart(2)}h ${histogram.slice(h * 60, h * 60 + 60).join('')}`)
    }
    process.stdout.write(`${out.join('\n')}\n`)
  } finally {
    await services.paymentSync.drain()
    await close()
  }
}

const pct = (calls: number) => `${((calls / 5000) * 100).toFixed(2)}%`

function pick<T>(items: T[], n: number): T[] {
  const step = Math.max(1, Math.floor(items.length / n))
  return items.filter((_, i) => i % step === 0).slice(0, n)
}

async function syncOnce(
  sync: {
    startNow(t: string): Promise<{ run: { id: string } }>
    drain(): Promise<void>
    getRun(
      t: string,
      id: string,
    ): Promise<{ exactCalls: number; changed: number; status: string; errorDetail: string | null }>
  },
  tenantId: string,
) {
  const { run } = await sync.startNow(tenantId)
  await sync.drain()
  const done = await sync.getRun(tenantId, run.id)
  if (done.status !== 'completed') throw new Error(`sync ${done.status}: ${done.errorDetail}`)
  return done
}

/** Books `count` sales entries through the connector and writes the invoices and exports an export would leave. */
async function seed(db: Db, exact: ExactSessions, tenantId: string, count: number) {
  const client = await exact.clientFor(tenantId, 'background')
  const chart = await exact.chart(client)
  const settings = sandboxSettings() as Settings
  const party = {
    id: 'bench-party',
    code: 'B0001',
    name: 'Bench Party BV',
    vatNumber: 'BE0700000001',
    address: { line1: 'Main street 1', postcode: '2000', city: 'Antwerpen', country: 'BE' },
  }
  const account = await createAccount(
    client,
    { code: party.code, name: party.name, vatNumber: party.vatNumber, address: party.address },
    { customer: true },
  )
  const seeded: Array<{ invoiceId: string; entryId: string; entryNumber: number }> = []
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      const id = `P-${String(i + 1).padStart(5, '0')}`
      const invoice = makeInvoice({ number: id, party })
      const marker = newMarker(randomBytes(5))
      const mapped = invoiceToEntry({ invoice, settings, marker })
      if (!mapped.ok) throw new Error(`mapping: ${mapped.problems[0]?.message}`)
      const booked = await createEntry(client, mapped.entry, account.id, chart)
      const hash = invoiceContentHash(invoice)
      await db
        .insertInto('invoices')
        .values({
          tenant_id: tenantId,
          id,
          type: 'sales',
          number: id,
          content: JSON.stringify(invoice),
          content_hash: hash,
        })
        .execute()
      await db
        .insertInto('exports')
        .values({
          tenant_id: tenantId,
          invoice_id: id,
          type: 'sales',
          status: 'exported',
          marker,
          content_hash: hash,
          invoice_number: id,
          journal: '70',
          entry_id: booked.entryId,
          entry_number: booked.entryNumber,
          relation_id: account.id,
          relation_code: party.code,
          total: '1210.00',
          exact_total: booked.total,
          error_code: null,
          error_detail: null,
          exported_at: new Date(),
          undone_at: null,
          lease_until: null,
          // As a single export leaves it: read back (a bulk job's read-back would cost 1 call per 20 once).
          read_back_at: new Date(),
          exact_type: booked.type,
        })
        .execute()
      seeded.push({ invoiceId: id, entryId: booked.entryId, entryNumber: booked.entryNumber! })
      if (seeded.length % 2000 === 0) process.stderr.write(`  seeded ${seeded.length}/${count}\n`)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return seeded.sort((a, b) => a.entryNumber - b.entryNumber)
}

runMain(main)
