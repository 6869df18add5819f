import { Client } from 'pg'
import { randomBytes } from 'node:crypto'
import { createDb, type Db } from '../../src/db/database'
import { opened } from './leak-guard'

export const TEMPLATE_DB = 'exact_bridge_template'

/** Admin URL of the test server, set by global-setup (TEST_DATABASE_URL or an embedded Postgres). */
export function adminUrl(): string {
  const url = process.env.EB_TEST_ADMIN_URL
  if (!url) throw new Error('EB_TEST_ADMIN_URL is not set: run tests through jest (global-setup)')
  return url
}

export function urlFor(database: string): string {
  const url = new URL(adminUrl())
  url.pathname = `/${database}`
  return url.toString()
}

export interface TestDatabase {
  name: string
  url: string
  db: Db
  drop(): Promise<void>
}

/** A fresh database cloned from the migrated template: each test file gets its own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`))
  const url = urlFor(name)
  const db = createDb(url, { max: 20 })
  const closed = opened(`database ${name} and its pool (drop() it)`)
  return {
    name,
    url,
    db,
    async drop() {
      await db.destroy()
      closed()
      if (keepFailedDatabase()) {
        console.warn(`KEEP_TEST_DB: kept the database of this failed test file: psql '${url}'`)
        return
      }
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}

/**
 * KEEP_TEST_DB=1 keeps a failed test file's database for a look. The embedded server stops with the
 * run; global-teardown keeps its data directory then and prints how to start it again.
 */
export function keepFailedDatabase(): boolean {
  const failed = (globalThis as { __ebTestFileFailed?: () => boolean }).__ebTestFileFailed
  return process.env.KEEP_TEST_DB === '1' && failed?.() === true
}

export async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}
