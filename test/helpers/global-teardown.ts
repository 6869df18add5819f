import { Client } from 'pg'

export default async function globalTeardown(): Promise<void> {
  const kept = process.env.KEEP_TEST_DB === '1' ? await keptDatabases() : []
  const server = (globalThis as any).__EB_TEST_PG__ as
    { stop(keepData: boolean): Promise<void>; dataDir?: string; port?: number } | undefined
  await server?.stop(kept.length > 0)
  if (kept.length === 0) return
  const lines = [`KEEP_TEST_DB: kept ${kept.length} database(s) of failed test files: ${kept.join(', ')}`]
  if (server?.dataDir) {
    lines.push(
      `The embedded Postgres is stopped; its data is kept in ${server.dataDir}. Start it again with`,
      `  npx ts-node --transpile-only test/helpers/serve-kept-postgres.ts ${server.dataDir} ${server.port}`,
    )
  } else {
    lines.push(
      `They are on ${process.env.EB_TEST_ADMIN_URL?.replace(/\/[^/]*$/, '/<name>')}; DROP DATABASE them when done.`,
    )
  }
  console.warn(lines.join('\n'))
}

/** Test databases still there at the end: the ones postgres.ts kept (a file that passed drops its own). */
async function keptDatabases(): Promise<string[]> {
  const admin = new Client({ connectionString: process.env.EB_TEST_ADMIN_URL })
  await admin.connect()
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%' ORDER BY datname`,
    )
    return rows.map((r) => r.datname)
  } finally {
    await admin.end()
  }
}
