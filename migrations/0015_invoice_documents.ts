import { type Kysely, sql } from 'kysely'

/**
 * Issue 13, item 3: the invoice's PDF and its document in Exact.
 * - invoice_documents: the PDF the app put for an invoice (one per invoice, the latest), with the
 *   invoice version it was put at. It is not part of the invoice's content hash: a document is not a
 *   booked figure, so putting one never makes an export "changed since export".
 * - exports: the Exact document of the booking. `document_marker` heads the document's Subject so
 *   a retry after a lost answer finds the document instead of creating a twin; the Exact ids are
 *   kept as each step lands (document, attachment), and `document_status` says where it stands.
 * - export_attempts.action gains 'document' (each step and Exact's answer, as for the entry).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('invoice_documents')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('invoice_version', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull().check(sql`length(file_name) between 1 and 200`))
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull().check(sql`size > 0`))
    .addColumn('content_hash', 'text', (c) => c.notNull().check(sql`content_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('invoice_documents_pk', ['tenant_id', 'invoice_id'])
    .addForeignKeyConstraint(
      'invoice_documents_invoice_fk',
      ['tenant_id', 'invoice_id'],
      'invoices',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addCheckConstraint('invoice_documents_size_matches', sql`size = octet_length(content)`)
    .execute()

  await db.schema
    .alterTable('exports')
    .addColumn('document_status', 'text', (c) =>
      c.check(sql`document_status in ('pending', 'attached', 'failed', 'removed')`),
    )
    .addColumn('document_marker', 'text')
    .addColumn('document_hash', 'text')
    .addColumn('exact_document_id', 'text')
    .addColumn('exact_attachment_id', 'text')
    .addColumn('document_error', 'text')
    .addColumn('document_attached_at', 'timestamptz')
    .execute()
  await sql`create index exports_document_pending_idx on exports (created_at) where document_status = 'pending'`.execute(
    db,
  )

  await sql`alter table export_attempts drop constraint if exists export_attempts_action_check`.execute(db)
  await sql`alter table export_attempts add constraint export_attempts_action_check check (action in ('create', 'recover', 'delete', 'relation', 'document'))`.execute(
    db,
  )
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
