/**
 * HTTP benchmark: the compiled service (node dist/src/main.js, as the Dockerfile runs it) beside a
 * bare Fastify + pg server (bench/bare-server.ts) on the same Postgres with the same pool size,
 * each in its own process, loaded by autocannon from this one. The stored payment-status read and
 * the bare look-up alternate (A B A B ...) so both see the same noise from a shared machine; the
 * ratio is printed per round and as the median. Then the batch read, the other routes, the
 * service's RSS before and after, the service's own time per export with Exact at 0 ms latency,
 * and `npm start` (sandbox mode) under the same stored-read load.
 *
 *   npm run bench:http
 *   npm run bench:http -- --duration 8 --connections 50 --rounds 5 --skip-npm-start
 *   npm run bench:http -- --profile      # one stored-read run under --cpu-prof, top entries printed
 *
 * DATABASE_URL: use that Postgres (a fresh database is made in it); else an embedded one.
 */
import autocannon from 'autocannon'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from 'pg'
import { startSandbox } from '../src/sandbox/server'
import { sandboxSettings } from '../test/helpers/factories'
import { freePort } from '../test/helpers/free-port'
import { profileDir, ROOT, startProcess, summariseProfile, type NodeProcess } from './processes'
import { seedInvoices, type Seeded } from './http-seed'
import { UNLIMITED, connectBenchTenant, json, markdownTable, runMain, startDatabase } from './support'

interface Options {
  nodeFlags: string[]
  duration: number
  connections: number
  rounds: number
  invoices: number
  paid: number
  profile: boolean
  npmStart: boolean
}

function parseArgs(argv: string[]): Options {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? Number(argv[i + 1]) : fallback
  }
  const flags = argv.indexOf('--node-flags')
  return {
    nodeFlags: flags >= 0 ? argv[flags + 1]!.split(' ').filter(Boolean) : [],
    duration: value('duration', 8),
    connections: value('connections', 50),
    rounds: value('rounds', 5),
    invoices: value('invoices', 100),
    paid: value('paid', 20),
    profile: argv.includes('--profile'),
    npmStart: !argv.includes('--skip-npm-start'),
  }
}

interface Load {
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
}

async function load(
  opts: Options,
  target: { url: string; paths: string[]; key?: string },
  duration = opts.duration,
): Promise<Load> {
  const headers = target.key ? { authorization: `Bearer ${target.key}` } : {}
  const result = await autocannon({
    url: target.url,
    connections: opts.connections,
    duration,
    requests: target.paths.map((path) => ({ method: 'GET' as const, path, headers })),
  })
  const r = {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${target.paths[0]}: ${r.non2xx} non-2xx answers, ${r.errors} errors under load`)
  return r
}

const row = (name: string, l: Load, extra = '') => [
  name,
  Math.round(l.rps).toLocaleString('en'),
  `${l.p50} ms`,
  `${l.p99} ms`,
  extra,
]
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const mb = (x: number) => `${x.toFixed(0)} MB`

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  if (!existsSync(join(ROOT, 'dist/src/main.js')))
    throw new Error('dist/src/main.js is missing: npm run bench:http builds it first (npm run build)')
  const progress = (line: string) => process.stderr.write(`${line}\n`)
  const out: string[] = []
  const say = (line = '') => {
    out.push(line)
  }
  const database = await startDatabase('http')
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', logger: false })
  const running: NodeProcess[] = []
  const dataDirs: string[] = []
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'eb-bench-http-'))
    dataDirs.push(d)
    return d
  }
  try {
    await json(`${sandbox.url}/_sandbox/limits`, 'PUT', { perMinute: UNLIMITED, perDay: UNLIMITED })
    const adminKey = randomBytes(16).toString('hex')
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const cpuProfDir = opts.profile ? profileDir() : undefined
    const service = await startProcess({
      command: process.execPath,
      args: [...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), 'dist/src/main.js'],
      url,
      env: {
        NODE_OPTIONS: opts.nodeFlags.length > 0 ? opts.nodeFlags.join(' ') : dockerNodeOptions(),
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: database.url,
        DATA_DIR: dataDir(),
        EXACT_CLIENT_ID: 'bench-client',
        EXACT_CLIENT_SECRET: 'bench-secret',
        EXACT_REDIRECT_URI: `${url}/oauth/callback`,
        EXACT_BASE_URL: sandbox.url,
        ADMIN_API_KEY: adminKey,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      },
    })
    running.push(service)
    const barePort = await freePort()
    const bare = await startProcess({
      command: process.execPath,
      args: [...loaderArgs(), 'bench/bare-server.ts'],
      url: `http://127.0.0.1:${barePort}`,
      env: { DATABASE_URL: database.url, PORT: String(barePort) },
    })
    running.push(bare)
    progress(`service (compiled) ready in ${service.startSeconds.toFixed(1)} s, bare baseline ready`)

    const tenant = await connectBenchTenant(url, adminKey, 'bench http')
    const other = await connectBenchTenant(url, adminKey, 'bench http other')
    const seeded = await seedInvoices({
      url,
      apiKey: tenant.apiKey,
      sandboxUrl: sandbox.url,
      division: tenant.division,
      count: opts.invoices,
      paid: opts.paid,
    })
    await checkTenancy(url, other.apiKey, seeded)
    const idle = service.memory()
    progress(`idle: ${await heapOf(url)}`)
    progress(
      `seeded ${seeded.invoices.length} exported invoices (${seeded.paid.length} paid); service RSS ${mb(idle.rssMb)}`,
    )

    const statusTarget = {
      url,
      key: tenant.apiKey,
      paths: seeded.paid.map((s) => `/invoices/${s.invoiceId}/payment-status`),
    }
    const bareTarget = { url: bare.url, paths: seeded.paid.map((s) => `/payment-states/${s.exportId}`) }

    if (opts.profile) {
      await load(opts, statusTarget, 2)
      const l = await load(opts, statusTarget)
      const stopped = performance.now()
      await service.stop()
      const stopSeconds = (performance.now() - stopped) / 1000
      running.splice(running.indexOf(service), 1)
      say(
        `profile of the compiled service under ${opts.duration} s of GET /invoices/:id/payment-status (stored, paid), ${opts.connections} connections: ${Math.round(l.rps)} req/s, p50 ${l.p50} ms`,
      )
      summariseProfile(cpuProfDir!, { lastSeconds: opts.duration + stopSeconds }).forEach((line) => say(line))
      process.stdout.write(`${out.join('\n')}\n`)
      return
    }

    // Warm both up (JIT, pools, Postgres's plan and buffer caches) for a full run before anything is measured.
    await load(opts, bareTarget)
    await load(opts, statusTarget)
    const rows: string[][] = []
    const ratios: number[] = []
    for (let round = 1; round <= opts.rounds; round++) {
      const a = await load(opts, bareTarget)
      const b = await load(opts, statusTarget)
      const ratio = b.rps / a.rps
      ratios.push(ratio)
      rows.push(row(`bare Fastify + pg (round ${round})`, a))
      rows.push(row(`GET /invoices/:id/payment-status, stored, paid (round ${round})`, b, `ratio ${ratio.toFixed(2)}`))
      progress(
        `round ${round}: bare ${Math.round(a.rps)} req/s, stored read ${Math.round(b.rps)} req/s, ratio ${ratio.toFixed(2)}`,
      )
    }
    const batchIds = seeded.invoices.slice(0, 100).map((s) => s.invoiceId)
    const batchPath = `/payment-statuses?${batchIds.map((id) => `invoiceId=${encodeURIComponent(id)}`).join('&')}`
    const batch = await load(opts, { url, key: tenant.apiKey, paths: [batchPath] })
    rows.push(
      row(
        `GET /payment-statuses (${batchIds.length} invoiceIds)`,
        batch,
        `${Math.round(batch.rps * batchIds.length).toLocaleString('en')} invoice statuses/s`,
      ),
    )
    rows.push(
      row('GET /connection (auth + one query)', await load(opts, { url, key: tenant.apiKey, paths: ['/connection'] })),
    )
    rows.push(row('GET /readyz (one query, no auth)', await load(opts, { url, paths: ['/readyz'] })))
    rows.push(row('GET /healthz', await load(opts, { url, paths: ['/healthz'] })))
    const after = service.memory()
    const heap = await heapOf(url)

    say(
      `HTTP benchmark: ${opts.connections} connections, ${opts.duration} s per run, ${opts.rounds} rounds (bare and stored read alternated), node ${process.version}`,
    )
    say(
      `${seeded.paid.length} paid invoices for the stored read, ${batchIds.length} exported for the batch read; the service is node dist/src/main.js as the Dockerfile runs it (NODE_ENV=production, LOG_LEVEL info, NODE_OPTIONS=${opts.nodeFlags.join(' ') || dockerNodeOptions()})`,
    )
    say()
    markdownTable(['', 'req/s', 'p50', 'p99', ''], rows).forEach((line) => say(line))
    say()
    say(
      `stored read / bare look-up, median of ${ratios.length} rounds: ${median(ratios).toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
    )
    say(`batch read: ${Math.round(batch.rps * batchIds.length).toLocaleString('en')} invoice statuses per second`)
    say(
      `compiled service RSS: ${mb(idle.rssMb)} before the load, ${mb(after.rssMb)} after it, peak ${mb(after.peakMb)} (after: ${heap})`,
    )
    say(
      `the service's own time per export, Exact (sandbox) at 0 ms latency: p50 ${seeded.overheadMs.p50.toFixed(1)} ms ` +
        `(request p50 ${seeded.requestMs.p50.toFixed(1)} ms less its Exact calls, ${seeded.invoices.length} exports, ${seeded.callsPerExport.toFixed(1)} Exact calls each)`,
    )

    if (opts.npmStart) {
      await service.stop()
      await bare.stop()
      running.length = 0
      say(await npmStartFigures(opts, database.url, dataDir(), progress))
    }
    process.stdout.write(`${out.join('\n')}\n`)
  } finally {
    for (const p of running.reverse()) await p.stop().catch(() => undefined)
    await sandbox.close()
    await database.stop()
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true })
  }
}

/** The service runs as the Dockerfile runs it, V8 settings (its NODE_OPTIONS) included. */
function dockerNodeOptions(): string {
  const match = /^ENV NODE_OPTIONS="([^"]*)"/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
  if (!match) throw new Error('Dockerfile: no ENV NODE_OPTIONS="..." line')
  return match[1]!
}

/** The V8 heap and what lives outside it, from the service's own /metrics (prom-client's default metrics). */
async function heapOf(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const read = (name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN) / 1048576
  const spaces = [...text.matchAll(/^nodejs_heap_space_size_total_bytes\{space="(\w+)"\} ([0-9.e+]+)/gm)].map(
    (m) => `${m[1]} ${(Number(m[2]) / 1048576).toFixed(0)}`,
  )
  return `heap ${read('nodejs_heap_size_used_bytes').toFixed(0)} of ${read('nodejs_heap_size_total_bytes').toFixed(0)} MB [${spaces.join(', ')}], external ${read('nodejs_external_memory_bytes').toFixed(0)} MB`
}

/** The same loader `npm start` uses, for the bare server (a .ts file). */
function loaderArgs(): string[] {
  return ['-r', 'ts-node/register/transpile-only']
}

/** Another tenant's key sees none of these invoices: the reads under load are tenant-scoped. */
async function checkTenancy(url: string, otherKey: string, seeded: Seeded): Promise<void> {
  const res = await fetch(`${url}/invoices/${seeded.paid[0]!.invoiceId}/payment-status`, {
    headers: { authorization: `Bearer ${otherKey}` },
  })
  await res.text()
  if (res.status !== 404) throw new Error(`another tenant's key read this tenant's invoice: ${res.status}`)
}

/** `npm start` in sandbox mode, as a newcomer runs it: start time, and RSS under the stored-read load. */
async function npmStartFigures(
  opts: Options,
  databaseUrl: string,
  dataDir: string,
  progress: (l: string) => void,
): Promise<string> {
  const port = await freePort()
  const sandboxPort = await freePort()
  const url = `http://127.0.0.1:${port}`
  const demoKey = `eb_bench_${randomBytes(12).toString('hex')}`
  const db = new URL(databaseUrl)
  // Its own database, so the demo tenant and its migrations start from nothing.
  const name = `${db.pathname.slice(1)}_npmstart`
  db.pathname = `/${name}`
  const admin = new Client({ connectionString: databaseUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const proc = await startProcess({
    command: 'npm',
    args: ['start', '--silent'],
    url,
    findNode: true,
    env: {
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      DATABASE_URL: db.toString(),
      DATA_DIR: dataDir,
      DEMO_API_KEY: demoKey,
    },
  })
  try {
    // Listening comes before the demo tenant: ready is when it is connected (the banner's moment).
    const waitStarted = performance.now()
    let connection: { division: number } | undefined
    while (!connection) {
      const seen = await json<{ status: string; division: number }>(
        `${url}/connection`,
        'GET',
        undefined,
        demoKey,
      ).catch(() => undefined)
      connection = seen?.status === 'connected' ? seen : undefined
      if (!connection && performance.now() - waitStarted > 60_000)
        throw new Error(`npm start: the demo tenant never got connected:\n${proc.output()}`)
      if (!connection) await new Promise((r) => setTimeout(r, 50))
    }
    const readySeconds = proc.startSeconds + (performance.now() - waitStarted) / 1000
    await json(`${url}/settings`, 'PUT', sandboxSettings(), demoKey)
    const seeded = await seedInvoices({
      url,
      apiKey: demoKey,
      sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
      division: connection.division,
      count: 20,
      paid: 20,
    })
    const idle = proc.memory()
    const l = await load(opts, {
      url,
      key: demoKey,
      paths: seeded.paid.map((s) => `/invoices/${s.invoiceId}/payment-status`),
    })
    const after = proc.memory()
    progress(`npm start: ${Math.round(l.rps)} req/s stored read`)
    return (
      `npm start (sandbox mode, in-process sandbox): ready in ${readySeconds.toFixed(1)} s (migrations on an empty database included); ` +
      `RSS ${mb(idle.rssMb)} idle, ${mb(after.rssMb)} after ${opts.duration} s of stored reads (${Math.round(l.rps).toLocaleString('en')} req/s), peak ${mb(after.peakMb)}`
    )
  } finally {
    await proc.stop()
    const c = new Client({ connectionString: databaseUrl })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await c.end()
  }
}

runMain(main)
