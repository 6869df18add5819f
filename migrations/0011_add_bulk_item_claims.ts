import { type Kysely, sql } from 'kysely'

/**
 * A bulk item is claimed by a committed write (who and until when) instead of a row lock held in
 * an open transaction through the whole export: no connection idles in a transaction while Exact
 * is called or a rate-limit window is waited out, and a database restart does not undo the claim.
 * The claimant renews it while it works; a crashed one's claim lapses and the item is taken again
 * (the export's marker search makes that safe).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('bulk_job_items')
    .addColumn('claimed_by', 'uuid')
    .addColumn('claimed_until', 'timestamptz')
    .execute()
  await sql`alter table bulk_job_items add constraint bulk_job_items_claim_expires check (claimed_by is null or claimed_until is not null)`.execute(
    db,
  )
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
