import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenant_settings')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('proposed_fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('invoices')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull().check(sql`length(id) between 1 and 200`))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('sales', 'purchase')`))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('invoices_pk', ['tenant_id', 'id'])
    .execute()
  await db.schema
    .createIndex('invoices_tenant_type')
    .on('invoices')
    .columns(['tenant_id', 'type', 'created_at'])
    .execute()

  // The Exact account a party was matched to or created as: the next invoice costs no look-up.
  await db.schema
    .createTable('relations')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('exact_account_id', 'uuid', (c) => c.notNull())
    .addColumn('exact_code', 'text')
    .addColumn('is_customer', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_supplier', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('matched_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('relations_pk', ['tenant_id', 'party_id'])
    .execute()

  await db.schema
    .createTable('exports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('sales', 'purchase')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'exported', 'failed', 'undone', 'deleted_in_exact')`),
    )
    .addColumn('marker', 'text', (c) => c.notNull().unique())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('invoice_number', 'text', (c) => c.notNull())
    .addColumn('journal', 'text')
    .addColumn('entry_id', 'uuid')
    .addColumn('entry_number', 'integer')
    .addColumn('relation_id', 'uuid')
    .addColumn('relation_code', 'text')
    .addColumn('relation_created', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('total', sql`numeric(15,2)`)
    .addColumn('exact_total', sql`numeric(15,2)`)
    .addColumn('total_mismatch', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('changed_since_export', 'boolean', (c) => c.notNull().defaultTo(false))
    // Whoever holds an unexpired lease is sending this export to Exact; nobody else may (see export-service).
    .addColumn('lease_until', 'timestamptz')
    .addColumn('error_code', 'text')
    .addColumn('error_detail', 'text')
    .addColumn('exported_at', 'timestamptz')
    .addColumn('undone_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('exports_invoice_fk', ['tenant_id', 'invoice_id'], 'invoices', ['tenant_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute()
  // The database's own guarantee behind "never a duplicate": one live export per invoice.
  await sql`create unique index exports_one_live_per_invoice on exports (tenant_id, invoice_id) where status in ('pending', 'exported')`.execute(
    db,
  )
  await db.schema
    .createIndex('exports_tenant_created')
    .on('exports')
    .columns(['tenant_id', 'created_at', 'id'])
    .execute()
  await sql`create index exports_pending on exports (created_at) where status = 'pending'`.execute(db)
  await sql`create index exports_entry on exports (tenant_id, entry_id) where entry_id is not null`.execute(db)

  // What was sent to Exact and what it answered, for GET /exports/:id (no secrets: no tokens).
  await db.schema
    .createTable('export_attempts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('export_id', 'uuid', (c) => c.notNull().references('exports.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('create', 'recover', 'delete', 'relation')`))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('request', 'jsonb')
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('export_attempts_export').on('export_attempts').columns(['export_id', 'id']).execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
