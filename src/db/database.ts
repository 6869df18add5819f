import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely'
import { Pool, types } from 'pg'
import type { Database } from './schema'

// numeric (money) stays a string; int8 (Exact sync timestamps, counters) too, so nothing is rounded.
types.setTypeParser(types.builtins.NUMERIC, (value) => value)
types.setTypeParser(types.builtins.DATE, (value) => value)

export type Db = Kysely<Database>
export type Tx = Transaction<Database>
/** Query functions take either the database or an open transaction. */
export type Executor = Db | Tx

/** For /readyz: true when the database answers a trivial query. */
export async function pingDatabase(db: Db): Promise<boolean> {
  return sql`select 1`.execute(db).then(() => true, () => false)
}

export function createDb(connectionString: string, options: { max?: number; onIdleError?: (err: Error) => void } = {}): Db {
  const pool = new Pool({ connectionString, max: options.max ?? 10 })
  // An idle client whose server connection ends (Postgres restart, failover, terminated backend)
  // is emitted here; unheard, it is an uncaught error that kills the process. The pool has already
  // dropped that client, and the next query connects anew.
  pool.on('error', (err) => options.onIdleError?.(err))
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}
