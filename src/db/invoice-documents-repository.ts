import { sql } from 'kysely'
import type { Executor } from './database'

export interface InvoiceDocumentRecord {
  tenantId: string
  invoiceId: string
  /** The invoice's version when the document was put. */
  invoiceVersion: number
  fileName: string
  size: number
  /** sha256 hex of the bytes. */
  contentHash: string
  createdAt: Date
  updatedAt: Date
}

export type InvoiceDocumentWithContent = InvoiceDocumentRecord & { content: Buffer }

const META = [
  'tenant_id',
  'invoice_id',
  'invoice_version',
  'file_name',
  'size',
  'content_hash',
  'created_at',
  'updated_at',
] as const

function rowToDocument(r: {
  tenant_id: string
  invoice_id: string
  invoice_version: number
  file_name: string
  size: number
  content_hash: string
  created_at: Date
  updated_at: Date
}): InvoiceDocumentRecord {
  return {
    tenantId: r.tenant_id,
    invoiceId: r.invoice_id,
    invoiceVersion: r.invoice_version,
    fileName: r.file_name,
    size: r.size,
    contentHash: r.content_hash,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/**
 * Stores the invoice's document (replacing an earlier one) with the invoice's current version.
 * Undefined when the invoice does not exist: nothing is written then.
 */
export async function putInvoiceDocument(
  db: Executor,
  v: { tenantId: string; invoiceId: string; fileName: string; content: Buffer; contentHash: string },
): Promise<{ document: InvoiceDocumentRecord; created: boolean; changed: boolean } | undefined> {
  const invoice = await db
    .selectFrom('invoices')
    .select('version')
    .where('tenant_id', '=', v.tenantId)
    .where('id', '=', v.invoiceId)
    .forUpdate()
    .executeTakeFirst()
  if (!invoice) return undefined
  const before = await db
    .selectFrom('invoice_documents')
    .select('content_hash')
    .where('tenant_id', '=', v.tenantId)
    .where('invoice_id', '=', v.invoiceId)
    .executeTakeFirst()
  const row = await db
    .insertInto('invoice_documents')
    .values({
      tenant_id: v.tenantId,
      invoice_id: v.invoiceId,
      invoice_version: invoice.version,
      file_name: v.fileName,
      content: v.content,
      size: v.content.length,
      content_hash: v.contentHash,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'invoice_id']).doUpdateSet({
        invoice_version: (eb) => eb.ref('excluded.invoice_version'),
        file_name: (eb) => eb.ref('excluded.file_name'),
        content: (eb) => eb.ref('excluded.content'),
        size: (eb) => eb.ref('excluded.size'),
        content_hash: (eb) => eb.ref('excluded.content_hash'),
        updated_at: sql`now()`,
      }),
    )
    .returning([...META])
    .executeTakeFirstOrThrow()
  return {
    document: rowToDocument(row),
    created: before === undefined,
    changed: before?.content_hash !== v.contentHash,
  }
}

export async function findInvoiceDocument(
  db: Executor,
  tenantId: string,
  invoiceId: string,
): Promise<InvoiceDocumentRecord | undefined> {
  const row = await db
    .selectFrom('invoice_documents')
    .select([...META])
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirst()
  return row && rowToDocument(row)
}

export async function findInvoiceDocumentWithContent(
  db: Executor,
  tenantId: string,
  invoiceId: string,
): Promise<InvoiceDocumentWithContent | undefined> {
  const row = await db
    .selectFrom('invoice_documents')
    .select([...META, 'content'])
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirst()
  return row && { ...rowToDocument(row), content: row.content }
}
