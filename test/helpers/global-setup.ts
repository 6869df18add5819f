import { Client } from 'pg'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port'
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres'
import { createDb } from '../../src/db/database'
import { migrateToLatest } from '../../src/db/migrate'
import { TEMPLATE_DB } from './postgres'

/**
 * One Postgres for the whole run: TEST_DATABASE_URL when set, else a Postgres in Docker via
 * testcontainers when TESTCONTAINERS=1, else an embedded one (our machines and CI have no Docker).
 * A migrated template database is made once; each test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  const adminUrl = await startServer()
  process.env.EB_TEST_ADMIN_URL = adminUrl
  const admin = new Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${TEMPLATE_DB}`
  const db = createDb(url.toString(), { max: 1 })
  await migrateToLatest(db)
  await db.destroy()
}

async function startServer(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL
  if (process.env.TESTCONTAINERS === '1') {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
    const container = await new PostgreSqlContainer('postgres:17-alpine').start()
    ;(globalThis as any).__EB_TEST_PG__ = { stop: () => container.stop() }
    return container.getConnectionUri()
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'eb-test-pg-'))
  const port = await freePort()
  const pg = await startEmbeddedPostgres({ dataDir, port })
  // global-teardown runs in this process: it reads this to stop the server (keeping its data for KEEP_TEST_DB).
  ;(globalThis as any).__EB_TEST_PG__ = {
    dataDir,
    port,
    async stop(keepData: boolean) {
      await pg.stop()
      if (!keepData) rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return pg.url
}
