import { sql } from 'kysely'
import type { Executor } from './database'

export interface RememberedRelation {
  partyId: string
  exactAccountId: string
  exactCode: string | null
  isCustomer: boolean
  isSupplier: boolean
  matchedBy: string
}

/** Until the transaction ends, nobody else resolves this party (replicas included). */
export async function lockParty(trx: Executor, tenantId: string, partyId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`relation:${tenantId}:${partyId}`}))`.execute(trx)
}

export async function findRelations(
  db: Executor,
  tenantId: string,
  partyIds: string[],
): Promise<Map<string, RememberedRelation>> {
  if (partyIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('relations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('party_id', 'in', partyIds)
    .execute()
  return new Map(
    rows.map((r) => [
      r.party_id,
      {
        partyId: r.party_id,
        exactAccountId: r.exact_account_id,
        exactCode: r.exact_code,
        isCustomer: r.is_customer,
        isSupplier: r.is_supplier,
        matchedBy: r.matched_by,
      },
    ]),
  )
}

export async function rememberRelation(db: Executor, tenantId: string, r: RememberedRelation): Promise<void> {
  const values = {
    exact_account_id: r.exactAccountId,
    exact_code: r.exactCode,
    is_customer: r.isCustomer,
    is_supplier: r.isSupplier,
    matched_by: r.matchedBy,
  }
  await db
    .insertInto('relations')
    .values({ tenant_id: tenantId, party_id: r.partyId, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'party_id']).doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute()
}
