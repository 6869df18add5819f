import { sql } from 'kysely'
import type { Executor } from './database'

/**
 * What a tenant's Exact administration was found to accept, where Exact's documentation is silent
 * (migration 0008). Learned from Exact's own answers during normal work, or recorded by the
 * conformance probe. Kept apart from connections-repository: it is findings, not credentials.
 */
export type ReceivablesListFilter = 'unknown' | 'supported' | 'refused'

/** 'unknown' also when the tenant has no connection: the first look-up will find out. */
export async function findReceivablesListFilter(db: Executor, tenantId: string): Promise<ReceivablesListFilter> {
  const row = await db
    .selectFrom('exact_connections')
    .select('receivables_list_filter')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  return row?.receivables_list_filter ?? 'unknown'
}

/**
 * Records whether ReceivablesList / PayablesList accepted `$filter=EntryNumber eq … and JournalCode
 * eq '…'`: 'refused' after Exact answered 400 to it (the live look-up then reads the split payment
 * terms, with no list call), 'supported' after it answered. Once refused the list is not asked
 * again, so only the conformance probe (which calls this with its own finding) turns it back.
 */
export async function recordReceivablesListFilter(
  db: Executor,
  tenantId: string,
  finding: 'supported' | 'refused',
): Promise<void> {
  await db
    .updateTable('exact_connections')
    .set({ receivables_list_filter: finding, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('receivables_list_filter', '<>', finding)
    .execute()
}

/** The longest YourRef this tenant's Exact keeps, when it was seen to cut one; else undefined (30 is assumed). */
export async function findYourRefMaxLength(db: Executor, tenantId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('exact_connections')
    .select('your_ref_max_length')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  return row?.your_ref_max_length ?? undefined
}

/** A read-back showed Exact kept only `length` characters of a YourRef: never raised again, only lowered. */
export async function recordYourRefMaxLength(db: Executor, tenantId: string, length: number): Promise<void> {
  await db
    .updateTable('exact_connections')
    .set({
      your_ref_max_length: sql<number>`least(coalesce(your_ref_max_length, ${length}), ${length})`,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', tenantId)
    .execute()
}
