import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely'
import { Pool, types, type PoolClient } from 'pg'
import type { Database } from './schema'
import { statementNames } from './prepared'

// numeric (money) stays a string; int8 (Exact sync timestamps, counters) too, so nothing is rounded.
types.setTypeParser(types.builtins.NUMERIC, (value) => value)
types.setTypeParser(types.builtins.DATE, (value) => value)

export type Db = Kysely<Database>
export type Tx = Transaction<Database>
/** Query functions take either the database or an open transaction. */
export type Executor = Db | Tx

/** For /readyz: true when the database answers a trivial query. */
export async function pingDatabase(db: Db): Promise<boolean> {
  return sql`select 1`.execute(db).then(
    () => true,
    () => false,
  )
}

export interface DbOptions {
  max?: number
  /** A connection's server side ended (Postgres restart, failover, terminated backend). */
  onConnectionError?: (err: Error) => void
}

export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = new Pool({
    connectionString,
    max: options.max ?? 10,
    // A server that does not answer (failover in progress, network gone) fails a query in 5 s
    // instead of holding it for the kernel's TCP timeout; keep-alive finds a silently dead peer.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // Every timestamp Postgres formats or truncates is UTC, whatever the server's own zone.
    options: '-c TimeZone=UTC',
  })
  // A client whose server connection ends emits 'error'. The pool listens only while the client is
  // idle; a client checked out between two queries (inside a transaction, while a call to Exact
  // runs) has no listener, and an unheard 'error' is an uncaught exception that ends the process.
  // Every client gets a listener for its whole life: the query in flight fails on its own, and the
  // pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err) => options.onConnectionError?.(err))
    useStatementNames(client)
  })
  // The pool re-emits an idle client's error here; the listener above has already reported it.
  pool.on('error', () => undefined)
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

/** Kysely sends (text, values); the hot queries of prepared.ts go as named statements instead. */
function useStatementNames(client: PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' ? statementNames.get(text) : undefined
    if (name === undefined || typeof values === 'function') return query(text, values, callback)
    return query({ name, text, values }, callback)
  }) as typeof client.query
}
