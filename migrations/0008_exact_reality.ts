import { type Kysely, sql } from 'kysely'

/**
 * What the service learns from Exact itself instead of assuming it (issue 9, exact-reality.md):
 *
 * - exact_connections.receivables_list_filter: whether ReceivablesList / PayablesList accepts a
 *   filter on EntryNumber / JournalCode. Learned from Exact's answer (a 400 refuses it) or set by
 *   the conformance probe; once refused, the live look-up reads the split payment terms instead.
 * - exports.read_back_at: when Exact's own figures for the entry (totals, Type, line IDs) were read
 *   back; null while they were not (a bulk job reads them back in batches).
 * - exports.exact_type / type_mismatch: Exact's entry Type, and whether it disagrees with the sign
 *   of the total (a credit note must be 21 / 31, or the Belgian VAT return misses its grids).
 * - exports.payment_reference: what the entry carries as PaymentReference (the structured
 *   communication the payer quotes).
 * - export_entry_lines: the booked entry's line IDs, the keys of sync/Deleted EntityType 1
 *   (TransactionLines) tombstones, so a deleted entry is recognised from them.
 * - payment_terms.discount_due_date: a term's DiscountDueDate, to tell a payment that earned the
 *   discount from a late one.
 * - tenant_settings.proposal_problems: why the proposal left something out (a payment condition
 *   nothing may be booked on), in the words of the settings check.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('exact_connections')
    .addColumn('receivables_list_filter', 'text', (c) =>
      c
        .notNull()
        .defaultTo('unknown')
        .check(sql`receivables_list_filter in ('unknown', 'supported', 'refused')`),
    )
    .execute()

  await db.schema
    .alterTable('exports')
    .addColumn('read_back_at', 'timestamptz')
    .addColumn('exact_type', 'integer')
    .addColumn('type_mismatch', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('payment_reference', 'text')
    .execute()
  // The batched read-back's work list: booked exports whose figures were not read back yet.
  await sql`create index exports_to_read_back on exports (tenant_id, type) where status = 'exported' and read_back_at is null`.execute(
    db,
  )

  await db.schema
    .createTable('export_entry_lines')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('line_id', 'uuid', (c) => c.notNull())
    .addColumn('export_id', 'uuid', (c) => c.notNull().references('exports.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('export_entry_lines_pk', ['tenant_id', 'line_id'])
    .execute()
  await db.schema.createIndex('export_entry_lines_export').on('export_entry_lines').column('export_id').execute()

  // No re-sync for it: a term that changes again (a payment) comes back with its due date, and a
  // stored term that does not change needs none.
  await db.schema.alterTable('payment_terms').addColumn('discount_due_date', 'date').execute()

  await db.schema
    .alterTable('tenant_settings')
    .addColumn('proposal_problems', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
