import { type Kysely, sql } from 'kysely'

/**
 * Two things issue 10 asks of exports.
 *
 * The recovery pass backs off per export: `recovery_attempts` counts the passes that left it
 * pending, `next_recovery_at` is when it may be tried again (null: at once). The pass takes what is
 * due first, so exports that keep failing no longer hide newer ones; past the cap an export is
 * failed with `needs_attention`.
 *
 * One live booking per invoice number: `number_key` is the invoice's type-scoped number (for a
 * purchase invoice prefixed with the supplier's party id, since two suppliers may use one number),
 * null when the caller allowed a duplicate. The unique index is what makes the guard race-safe: two
 * requests for two different invoices lock two different invoice rows, so no row lock serialises
 * them; the index refuses the second insert whoever commits first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('exports')
    .addColumn('recovery_attempts', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`recovery_attempts >= 0`),
    )
    .addColumn('next_recovery_at', 'timestamptz')
    .addColumn('number_key', 'text')
    .execute()
  await sql`create index exports_recovery_due on exports (coalesce(next_recovery_at, created_at)) where status = 'pending'`.execute(
    db,
  )

  // Live exports booked before the guard keep their number; where one was booked twice already,
  // the oldest keeps it and the others stay as they are (nothing in Exact is changed).
  await sql`
    with keyed as (
      select e.id,
             case when e.type = 'purchase' then (i.content->'party'->>'id') || '/' || e.invoice_number else e.invoice_number end as k,
             row_number() over (
               partition by e.tenant_id, e.type,
                 case when e.type = 'purchase' then (i.content->'party'->>'id') || '/' || e.invoice_number else e.invoice_number end
               order by e.created_at, e.id) as n
      from exports e join invoices i on i.tenant_id = e.tenant_id and i.id = e.invoice_id
      where e.status in ('pending', 'exported')
    )
    update exports set number_key = keyed.k from keyed where exports.id = keyed.id and keyed.n = 1`.execute(db)
  await sql`create unique index exports_one_live_per_number on exports (tenant_id, type, number_key)
    where status in ('pending', 'exported') and number_key is not null`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
