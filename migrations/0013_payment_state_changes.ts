import { type Kysely, sql } from 'kysely'

/**
 * GET /payment-statuses?since=<cursor>: every payment state that changed after a cursor. A
 * timestamp or a sequence is not a safe cursor: a transaction can take a smaller value and commit
 * after a reader has already moved past it. So each write records its transaction id (xid8), and
 * the reader only hands out rows older than the oldest transaction still running
 * (pg_snapshot_xmin): nothing can commit below that line any more, so nothing is skipped.
 * A trigger sets it on every insert and update, whoever writes the row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table payment_states add column change_xid xid8 not null default pg_current_xact_id()`.execute(db)
  await sql`
    create function payment_states_change_xid() returns trigger language plpgsql as $$
    begin
      new.change_xid := pg_current_xact_id();
      return new;
    end
    $$`.execute(db)
  await sql`
    create trigger payment_states_change_xid before insert or update on payment_states
    for each row execute function payment_states_change_xid()`.execute(db)
  await sql`create index payment_states_changes on payment_states (tenant_id, change_xid, export_id)`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
