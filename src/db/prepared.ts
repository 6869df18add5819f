import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type CompiledQuery,
  type RawBuilder,
} from 'kysely'
import type { Executor } from './database'
import type { Database } from './schema'

/** A Kysely that only compiles: it has no connection. */
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

const SLOT = '\u0000argument:'

/**
 * The SQL of each prepared query and its statement name. database.ts sends these as named
 * statements: Postgres parses them once per connection and, after a few calls, keeps a generic
 * plan, so a call skips parsing and planning (which cost more than running a primary-key read).
 * Needs a session per connection: through PgBouncer, transaction pooling needs its
 * max_prepared_statements (1.21 or later).
 */
export const statementNames = new Map<string, string>()

/**
 * A query on the hot path (every read of a payment status), built and compiled once instead of
 * on every call: building a Kysely query (nodes, freezing, compiling) costs more CPU than the
 * round trip it makes. `build` is called once, with a placeholder for each argument; it must use
 * them only as values (in `where`, in `sql`), never look inside them. Each call then sends the
 * same SQL with its own arguments in the placeholders' places.
 */
export function prepared<A extends unknown[], R>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<R> | RawBuilder<R>,
) {
  let compiled: CompiledQuery<R> | undefined
  let argumentAt: number[] = []
  return async (db: Executor, ...args: A): Promise<R[]> => {
    if (!compiled) {
      const placeholders = args.map((_, i) => `${SLOT}${i}`) as unknown as A
      const query = build(compiler, ...placeholders)
      compiled = 'isRawBuilder' in query ? query.compile(compiler) : query.compile()
      argumentAt = compiled.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(SLOT) ? Number(p.slice(SLOT.length)) : -1,
      )
      const unused = args.map((_, i) => i).filter((i) => !argumentAt.includes(i))
      if (unused.length > 0) throw new Error(`prepared query: argument ${unused.join(', ')} was not used as a value`)
      statementNames.set(compiled.sql, `eb_prepared_${statementNames.size + 1}`)
    }
    const template = compiled
    const parameters = template.parameters.map((p, i) => (argumentAt[i]! >= 0 ? args[argumentAt[i]!] : p))
    return (await db.executeQuery<R>({ ...template, parameters })).rows
  }
}
