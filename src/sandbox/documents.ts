import type { Behaviour } from './behaviour'
import { Big } from './decimal'
import { amountOrThrow, dayOrThrow, text } from './entry-lines'
import { badRequest, ExactError, label, message, NOT_BASE64, refusal, type Lang } from './errors'
import type { IdFactory } from './ids'
import { addTombstone, type Division } from './model'
import { findAccount } from './resources/accounts'
import { attachmentEvents, documentEvents, type ChangeEvent } from './webhooks/topics'

/** A documents/Documents row (picqer Document.php); Subject and Type are required (Exact's reference, via Pi-Systems). */
export interface SandboxDocument {
  ID: string
  HID: number
  Subject: string
  Type: number
  Account: string | null
  Body: string | null
  DocumentDate: number | null
  AmountFC: Big | null
  Currency: string
  /** "Reference to the transaction lines of the financial entry"; set when an entry links the document [U]. */
  FinancialTransactionEntryID: string | null
  Created: number
  Modified: number
}

export interface DocumentAttachment {
  ID: string
  Document: string
  FileName: string
  bytes: Buffer
  Created: number
}

/**
 * Types a document may have: 10 sales and 20 purchase entry (Exact KB "REST API | Create an entry with
 * attachment"; nango recorded Type 10 as "Sales invoice"), 183 "General Attachment" (nango's
 * attach-file action). Other types exist in Exact; the sandbox knows these three.
 */
export const DOCUMENT_TYPES: ReadonlyArray<{ ID: number; nl: string; en: string }> = [
  { ID: 10, nl: 'Verkoopfactuur', en: 'Sales invoice' },
  { ID: 20, nl: 'Inkoopfactuur', en: 'Purchase invoice' },
  { ID: 183, nl: 'Algemene bijlage', en: 'General attachment' },
]

const MIB = 1024 * 1024

/** Zenvoices (an Exact partner) documents 25 MB for NL/BE administrations and 7 MB elsewhere [L]; MiB is the sandbox's reading. */
export function attachmentLimit(division: Division, behaviour: Behaviour): number {
  if (behaviour.attachmentMaxBytes > 0) return behaviour.attachmentMaxBytes
  return division.country === 'NL' || division.country === 'BE' ? 25 * MIB : 7 * MIB
}

/** Attachment is Edm.Binary sent as base64 (picqer #178); whitespace is ignored as .NET does. */
export function attachmentBytes(value: unknown): Buffer {
  if (typeof value !== 'string') throw badRequest(NOT_BASE64)
  const compact = value.replace(/\s+/g, '')
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw badRequest(NOT_BASE64)
  return Buffer.from(compact, 'base64')
}

/** Applies the fields present in `body` (POST and PUT); messages go to `errors`, malformed values throw 400. */
export function applyDocumentFields(
  doc: SandboxDocument,
  body: Record<string, unknown>,
  division: Division,
  lang: Lang,
  errors: string[],
): void {
  if ('Subject' in body) doc.Subject = text(body.Subject) ?? ''
  if ('Body' in body) doc.Body = text(body.Body)
  if ('Type' in body) doc.Type = body.Type === null || body.Type === '' ? 0 : Number(body.Type)
  if ('DocumentDate' in body) doc.DocumentDate = dayOrThrow(body.DocumentDate, 'DocumentDate')
  if ('AmountFC' in body) doc.AmountFC = amountOrThrow(body.AmountFC, 'AmountFC')
  if ('Currency' in body) doc.Currency = text(body.Currency)?.trim().toUpperCase() || division.currency
  if ('FinancialTransactionEntryID' in body)
    doc.FinancialTransactionEntryID = text(body.FinancialTransactionEntryID)?.toLowerCase() ?? null
  if ('Account' in body) {
    const account = body.Account === null || body.Account === '' ? undefined : findAccount(division, body.Account)
    if (body.Account !== null && body.Account !== '' && !account)
      errors.push(message(lang, 'invalidReference', label(lang, 'customer')))
    doc.Account = account?.ID ?? null
  }
  if (!doc.Subject.trim()) errors.push(message(lang, 'mandatory', label(lang, 'subject')))
  if (!doc.Type) errors.push(message(lang, 'mandatory', label(lang, 'documentType')))
  else if (!DOCUMENT_TYPES.some((t) => t.ID === doc.Type))
    errors.push(message(lang, 'invalidReference', label(lang, 'documentType')))
}

export function createDocument(
  division: Division,
  ids: IdFactory,
  lang: Lang,
  now: number,
  body: Record<string, unknown>,
): SandboxDocument {
  const doc: SandboxDocument = {
    ID: '',
    HID: 0,
    Subject: '',
    Type: 0,
    Account: null,
    Body: null,
    DocumentDate: null,
    AmountFC: null,
    Currency: division.currency,
    FinancialTransactionEntryID: null,
    Created: now,
    Modified: now,
  }
  const errors: string[] = []
  applyDocumentFields(doc, body, division, lang, errors)
  if (errors.length) throw refusal([...new Set(errors)])
  Object.assign(doc, { ID: ids.next(), HID: (division.documentHidSeq += 1) })
  division.documents.set(doc.ID, doc)
  return doc
}

/** Document, FileName and Attachment are required (elmas DocumentAttachment); too large is refused [U for the answer]. */
export function createAttachment(
  division: Division,
  ids: IdFactory,
  lang: Lang,
  now: number,
  behaviour: Behaviour,
  body: Record<string, unknown>,
): DocumentAttachment {
  const bytes = body.Attachment === undefined || body.Attachment === null ? null : attachmentBytes(body.Attachment)
  const errors: string[] = []
  const docId = text(body.Document)?.toLowerCase() ?? null
  if (!docId) errors.push(message(lang, 'mandatory', label(lang, 'document')))
  else if (!division.documents.has(docId)) errors.push(message(lang, 'invalidReference', label(lang, 'document')))
  const fileName = text(body.FileName)?.trim() ?? ''
  if (!fileName) errors.push(message(lang, 'mandatory', label(lang, 'fileName')))
  if (bytes === null) errors.push(message(lang, 'mandatory', label(lang, 'attachment')))
  if (errors.length) throw refusal(errors)
  const limit = attachmentLimit(division, behaviour)
  if ((bytes as Buffer).length > limit) {
    if (behaviour.attachmentTooLarge === 'http_413') throw new ExactError(413, 'Request Entity Too Large')
    throw refusal([message(lang, 'fileTooLarge', String((bytes as Buffer).length), String(limit))])
  }
  const attachment: DocumentAttachment = {
    ID: ids.next(),
    Document: docId as string,
    FileName: fileName,
    bytes: bytes as Buffer,
    Created: now,
  }
  division.attachments.set(attachment.ID, attachment)
  return attachment
}

export function deleteAttachment(
  division: Division,
  ids: IdFactory,
  attachment: DocumentAttachment,
  now: number,
): ChangeEvent[] {
  division.attachments.delete(attachment.ID)
  addTombstone(division, ids, attachment.ID, 4, now)
  return attachmentEvents(attachment.ID, 'Delete')
}

/** Its attachments go with it (EntityType 4, then 6 for the document); entries that linked it lose the link [U]. */
export function deleteDocument(division: Division, ids: IdFactory, doc: SandboxDocument, now: number): ChangeEvent[] {
  const events: ChangeEvent[] = []
  for (const a of [...division.attachments.values()])
    if (a.Document === doc.ID) events.push(...deleteAttachment(division, ids, a, now))
  division.documents.delete(doc.ID)
  addTombstone(division, ids, doc.ID, 6, now)
  for (const entry of division.entries.values()) if (entry.Document === doc.ID) entry.Document = null
  return [...events, ...documentEvents(doc.ID, 'Delete')]
}

/** An entry's Document in a POST or PUT body: undefined when absent, null to unlink, else a live document's ID. */
export function documentRef(
  division: Division,
  body: Record<string, unknown>,
  lang: Lang,
  errors: string[],
): string | null | undefined {
  if (!('Document' in body)) return undefined
  if (body.Document === null || body.Document === '') return null
  const id = String(body.Document).toLowerCase()
  if (!division.documents.has(id)) {
    errors.push(message(lang, 'invalidReference', label(lang, 'document')))
    return undefined
  }
  return id
}
