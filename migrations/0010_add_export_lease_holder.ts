import { type Kysely, sql } from 'kysely'

/**
 * An export's lease names its holder (a random id per claim), so that only the holder renews,
 * releases or settles it: a process that was frozen or cut off past its lease finds, on waking,
 * that its writes match no row, instead of overwriting the work of whoever took over.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exports').addColumn('lease_holder', 'uuid').execute()
  // A lease left by a process from before this migration belongs to nobody who can still renew it:
  // give it an anonymous holder and let it lapse as it would have.
  await sql`update exports set lease_holder = gen_random_uuid() where lease_until is not null and status = 'pending'`.execute(
    db,
  )
  await sql`update exports set lease_until = null where status <> 'pending' and lease_until is not null and lease_holder is null`.execute(
    db,
  )
  // A holder always comes with an expiry (a lease nobody can lose would wedge the export). The
  // reverse is not required, so that a replica still on the previous code, which writes an expiry
  // alone, keeps working during a rolling deploy.
  await sql`alter table exports add constraint exports_lease_holder_expires check (lease_holder is null or lease_until is not null)`.execute(
    db,
  )
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
