import { sql } from 'kysely'
import type { Executor } from './database'

/** A division's chart as last read from Exact, shared by every replica. */
export interface StoredChart<T> {
  chart: T
  fetchedAt: Date
}

export async function findChart<T>(
  db: Executor,
  baseUrl: string,
  division: number,
): Promise<StoredChart<T> | undefined> {
  const row = await db
    .selectFrom('exact_charts')
    .select(['chart', 'fetched_at'])
    .where('base_url', '=', baseUrl)
    .where('division', '=', division)
    .executeTakeFirst()
  return row && { chart: row.chart as T, fetchedAt: row.fetched_at }
}

export async function saveChart(
  db: Executor,
  baseUrl: string,
  division: number,
  chart: unknown,
  fetchedAt: Date,
): Promise<void> {
  const values = { chart: JSON.stringify(chart), fetched_at: fetchedAt }
  await db
    .insertInto('exact_charts')
    .values({ base_url: baseUrl, division, ...values })
    .onConflict((oc) =>
      oc
        .columns(['base_url', 'division'])
        .doUpdateSet(values)
        .where(sql.ref('exact_charts.fetched_at'), '<', fetchedAt),
    )
    .execute()
}

/** The next read of this division's chart goes to Exact (a probe found it was read in the wrong scale). */
export async function forgetChart(db: Executor, baseUrl: string, division: number): Promise<void> {
  await db.deleteFrom('exact_charts').where('base_url', '=', baseUrl).where('division', '=', division).execute()
}
