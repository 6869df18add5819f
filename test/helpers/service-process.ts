import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { freePort } from './free-port'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { request } from 'undici'
import { ADMIN_KEY } from './harness'
import { opened } from './leak-guard'

/** The harness's token key (Buffer.alloc(32, 7)): a child process reads the tokens the harness stored. */
export const HARNESS_TOKEN_KEY_HEX = '07'.repeat(32)

export interface ServiceProcess {
  url: string
  pid: number
  /** Everything the process wrote, for a failing test's message. */
  output(): string
  /** Sends `signal` (default SIGKILL) and resolves with how the process ended. */
  kill(signal?: NodeJS.Signals): Promise<ProcessExit>
}

export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * The real service as a child process (src/main.ts), in live mode against a sandbox the test
 * started, on the test's database: what a deployment is, so a test can SIGKILL it.
 */
export async function startServiceProcess(opts: {
  databaseUrl: string
  sandboxUrl: string
  env?: Record<string, string>
  readyTimeoutMs?: number
}): Promise<ServiceProcess> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'eb-proc-'))
  const url = `http://127.0.0.1:${port}`
  const root = resolve(__dirname, '../..')
  const child: ChildProcess = spawn(process.execPath, ['-r', 'sucrase/register/ts', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      // jest.config.js pins a non-UTC zone; the service must behave the same in it.
      TZ: process.env.TZ ?? 'UTC',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: opts.databaseUrl,
      DATA_DIR: dataDir,
      SANDBOX: 'false',
      EXACT_CLIENT_ID: 'test-client',
      EXACT_CLIENT_SECRET: 'test-secret',
      EXACT_REDIRECT_URI: `${url}/oauth/callback`,
      EXACT_BASE_URL: opts.sandboxUrl,
      TOKEN_ENCRYPTION_KEY: HARNESS_TOKEN_KEY_HEX,
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Everything but Fastify's two lines per request (at info they would push the rest out).
  let out = ''
  const keep = (stream: NodeJS.ReadableStream | null) => {
    let partial = ''
    stream?.on('data', (c) => {
      const lines = (partial + String(c)).split('\n')
      partial = lines.pop()!
      const kept = lines.filter((l) => !/"msg":"(incoming request|request completed)"/.test(l))
      if (kept.length > 0) out = (out + kept.join('\n') + '\n').slice(-200_000)
    })
  }
  keep(child.stdout)
  keep(child.stderr)
  const exited = new Promise<ProcessExit>((done) => child.once('exit', (code, signal) => done({ code, signal })))
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true })

  // A deadline, not a wait: on a loaded machine ts-node's start alone can take half a minute.
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000
  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (child.exitCode !== null) {
      cleanup()
      throw new Error(`service exited with ${child.exitCode} before it was ready:\n${out}`)
    }
    const ok = await request(`${url}/healthz`).then(
      async (r) => {
        await r.body.dump()
        return r.statusCode === 200
      },
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      await exited
      cleanup()
      throw new Error(`service not ready after ${readyTimeoutMs} ms:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  const closed = opened(`service process ${child.pid} on ${url} (kill() it)`)
  return {
    url,
    pid: child.pid!,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const exit = await exited
      closed()
      cleanup()
      return exit
    },
  }
}
