import { ConfigError, loadConfigFromProcess } from '../config'
import { createDb } from './database'
import { startEmbeddedPostgres } from './embedded-postgres'
import { migrateToLatest } from './migrate'

/** `npm run migrate`: the same migrations the service runs at start, against DATABASE_URL or the embedded Postgres. */
async function run(): Promise<void> {
  const config = loadConfigFromProcess()
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort })
  const db = createDb(config.databaseUrl ?? embedded!.url, { max: 1 })
  try {
    const applied = await migrateToLatest(db)
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n')
  } finally {
    await db.destroy()
    await embedded?.stop()
  }
}

run().catch((error: unknown) => {
  process.stderr.write(
    `migrate failed: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`,
  )
  process.exit(1)
})
