import type { ExactClient } from './client'
import type { EntryType } from './entries'
import { ExactNotFoundError } from './errors'
import { guidLiteral, keyPath, numberOr, odataString, optionalString, type WireRecord } from './wire'

const DOCUMENTS = 'documents/Documents'
const ATTACHMENTS = 'documents/DocumentAttachments'
const ENTRY_PATH: Record<EntryType, string> = {
  sales: 'salesentry/SalesEntries',
  purchase: 'purchaseentry/PurchaseEntries',
}
/** Document types: 10 sales entry, 20 purchase entry (Exact KB "REST API | Create an entry with attachment"). */
const DOCUMENT_TYPE: Record<EntryType, number> = { sales: 10, purchase: 20 }

export interface InvoiceDocumentDraft {
  type: EntryType
  /** Exact's Subject: the document marker first, so `findDocumentBySubject` finds it after a lost answer. */
  subject: string
  accountId: string | null
  documentDate: string
}

export interface ExactAttachment {
  id: string
  fileName: string
  fileSize: number | null
}

/** One POST. Never retried here: a lost answer may have created it, so the caller searches by subject first. */
export async function createDocument(client: ExactClient, d: InvoiceDocumentDraft): Promise<string> {
  const body: WireRecord = { Subject: d.subject, Type: DOCUMENT_TYPE[d.type], DocumentDate: d.documentDate }
  if (d.accountId) body.Account = d.accountId
  const created = await client.post(DOCUMENTS, body)
  return String(created.ID).toLowerCase()
}

/**
 * The document an earlier attempt created: its Subject is unique per export (it carries the
 * document marker). Whether Exact filters Documents on Subject is not documented [U]; the
 * sandbox does, and an `eq` on a plain string field is the filter Exact is most likely to take.
 */
export async function findDocumentBySubject(client: ExactClient, subject: string): Promise<string | null> {
  const row = await client.get(DOCUMENTS, { $filter: `Subject eq ${odataString(subject)}`, $select: 'ID,Subject' })
  return row ? String(row.ID).toLowerCase() : null
}

/** Whether the document is still there, by filter (a GET by key of a deleted one is an error answer that counts). */
export async function documentExists(client: ExactClient, documentId: string): Promise<boolean> {
  return (await client.get(DOCUMENTS, { $filter: `ID eq ${guidLiteral(documentId)}`, $select: 'ID' })) !== null
}

/** The file as base64 (Edm.Binary, picqer #178). One POST, never retried here (see listAttachments). */
export async function createAttachment(
  client: ExactClient,
  documentId: string,
  fileName: string,
  bytes: Buffer,
): Promise<string> {
  const created = await client.post(ATTACHMENTS, {
    Document: guidLiteral(documentId).slice(5, -1),
    FileName: fileName,
    Attachment: bytes.toString('base64'),
  })
  return String(created.ID).toLowerCase()
}

/** The document's attachments (without their bytes): after a lost answer, the one an attempt created is among them. */
export async function listAttachments(client: ExactClient, documentId: string): Promise<ExactAttachment[]> {
  const rows = await client.list(ATTACHMENTS, {
    $filter: `Document eq ${guidLiteral(documentId)}`,
    $select: 'ID,FileName,FileSize',
  })
  return rows.map((r) => ({
    id: String(r.ID).toLowerCase(),
    fileName: optionalString(r.FileName) ?? '',
    fileSize: r.FileSize === null || r.FileSize === undefined ? null : numberOr(r.FileSize, -1),
  }))
}

/** Links the entry's `Document` ("Document that is manually linked to the invoice"); a PUT, so repeating it is harmless. */
export async function linkEntryDocument(
  client: ExactClient,
  type: EntryType,
  entryId: string,
  documentId: string,
): Promise<void> {
  await client.put(keyPath(ENTRY_PATH[type], entryId), { Document: guidLiteral(documentId).slice(5, -1) })
}

/** Deletes the document with its attachments; 'gone' when Exact no longer had it. */
export async function deleteDocument(client: ExactClient, documentId: string): Promise<'deleted' | 'gone'> {
  try {
    await client.delete(keyPath(DOCUMENTS, documentId))
    return 'deleted'
  } catch (err) {
    if (err instanceof ExactNotFoundError) return 'gone'
    throw err
  }
}
