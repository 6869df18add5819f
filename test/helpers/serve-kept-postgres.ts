import { startEmbeddedPostgres } from '../../src/db/embedded-postgres'

/**
 * Starts the embedded Postgres of a test run again on the data it kept (KEEP_TEST_DB=1, printed by
 * global-teardown) and waits; Ctrl-C stops it. Run with ts-node: argv data directory, port.
 */
async function main(): Promise<void> {
  const [dataDir, port] = [process.argv[2], Number(process.argv[3])]
  if (!dataDir || !Number.isInteger(port)) throw new Error('usage: serve-kept-postgres.ts <data dir> <port>')
  const pg = await startEmbeddedPostgres({ dataDir, port })
  console.log(
    `Postgres is up: psql '${pg.url.replace(/\/postgres$/, '/<database>')}' (Ctrl-C stops it; rm -r ${dataDir} when done)`,
  )
  process.once('SIGINT', () => {
    void pg.stop().then(() => process.exit(0))
  })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
