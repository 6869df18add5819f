import { sql } from 'kysely'
import type { Executor } from './database'

/** The conformance probe's last findings for a tenant (see services/exact-probe.ts). */
export interface StoredProbe<T> {
  division: number
  findings: T
  exactCalls: number
  ranAt: Date
}

export async function findProbe<T>(db: Executor, tenantId: string): Promise<StoredProbe<T> | undefined> {
  const row = await db.selectFrom('exact_probes').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
  return row && { division: row.division, findings: row.findings as T, exactCalls: row.exact_calls, ranAt: row.ran_at }
}

export async function saveProbe(db: Executor, tenantId: string, p: StoredProbe<unknown>): Promise<void> {
  const values = {
    division: p.division,
    findings: JSON.stringify(p.findings),
    exact_calls: p.exactCalls,
    ran_at: p.ranAt,
  }
  await db
    .insertInto('exact_probes')
    .values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
    .execute()
}

/** The probe's finding of DiscountPercentage's scale in this administration, if a probe found one. */
export async function findProbedDiscountScale(
  db: Executor,
  division: number,
): Promise<'fraction' | 'percent' | undefined> {
  const row = await db
    .selectFrom('exact_probes')
    .select(sql<string | null>`findings->'adaptations'->>'discountPercentScale'`.as('scale'))
    .where('division', '=', division)
    .orderBy('ran_at', 'desc')
    .executeTakeFirst()
  return row?.scale === 'fraction' || row?.scale === 'percent' ? row.scale : undefined
}
