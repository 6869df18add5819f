import { type Kysely, sql } from 'kysely'

/**
 * The longest YourRef a tenant's Exact was seen to keep, when a read-back showed it cut what was
 * sent (issue 9: Exact's length is not documented; 30 is assumed until then). null: not found
 * shorter. The exactly-once search and the invoice check use it from then on.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('exact_connections')
    .addColumn('your_ref_max_length', 'integer', (c) => c.check(sql`your_ref_max_length > 0`))
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
