import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Client } from 'pg'
import { createDb } from '../../src/db/database'
import { migrateToLatest } from '../../src/db/migrate'
import { freePort } from './free-port'
import { opened } from './leak-guard'
import type { TestDatabase } from './postgres'

/**
 * A Postgres of the test's own that it may stop and start, on a fixed port and data directory:
 * a stop is Postgres' fast shutdown (every backend gets 57P01 "terminating connection due to
 * administrator command", then the port refuses connections), a start brings the same data back.
 * That is what a managed Postgres' maintenance restart or a failover does to its clients.
 */
export interface RestartablePostgres {
  /** The migrated application database, as the harness takes it; its drop() destroys the server. */
  database: TestDatabase
  stop(): Promise<void>
  start(): Promise<void>
}

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eb-restart-pg-'))
  const port = await freePort()
  const child: ChildProcess = fork(resolve(__dirname, 'postgres-server.ts'), [dataDir, String(port)], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  let exitCode: string | undefined
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exitCode = `${code ?? signal}`
      done()
    }),
  )
  let nextId = 0
  const command = (cmd: 'start' | 'stop') =>
    new Promise<string | undefined>((done, fail) => {
      if (exitCode !== undefined) return fail(new Error(`postgres ${cmd}: the server process exited (${exitCode})`))
      const id = ++nextId
      const onMessage = (m: { id: number; ok: boolean; url?: string; error?: string }) => {
        if (m.id !== id) return
        child.off('message', onMessage)
        if (m.ok) done(m.url)
        else fail(new Error(`postgres ${cmd}: ${m.error}`))
      }
      child.on('message', onMessage)
      void exited.then(() => fail(new Error(`postgres ${cmd}: the server process exited (${exitCode})`)))
      child.send({ id, cmd })
    })

  const serverUrl = (await command('start'))!
  const admin = new Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query('CREATE DATABASE exact_bridge')
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = '/exact_bridge'
  const db = createDb(url.toString(), { max: 20 })
  await migrateToLatest(db)

  const closed = opened(`restartable Postgres on port ${port} (database.drop() it)`)
  return {
    database: {
      name: 'exact_bridge',
      url: url.toString(),
      db,
      async drop() {
        await db.destroy()
        await command('stop').catch(() => undefined)
        if (child.connected) child.disconnect()
        await exited
        closed()
        rmSync(dataDir, { recursive: true, force: true })
      },
    },
    stop: async () => {
      await command('stop')
    },
    start: async () => {
      await command('start')
    },
  }
}
