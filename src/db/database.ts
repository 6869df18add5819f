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
  return sql`select 1`.execute(db).then(() => true, () => false)
}

export function createDb(connectionString: string, options: { max?: number; onIdleError?: (err: Error) => void } = {}): Db {
  const pool = new Pool({ connectionString, max: options.max ?? 10 })
  // An idle client whose server connection ends (Postgres restart, failover, terminated backend)
  // is emitted here; unheard, it is an uncaught error that kills the process. The pool has already
  // dropped that client, and the next query connects anew.
  pool.on('error', (err) => options.onIdleError?.(err))
  pool.on('connect', (client) => useStatementNames(client))
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
