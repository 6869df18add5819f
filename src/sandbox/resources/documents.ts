import { amsterdamWallClock } from '../dates'
import {
  applyDocumentFields,
  createAttachment,
  createDocument,
  deleteAttachment,
  deleteDocument,
  DOCUMENT_TYPES,
  type DocumentAttachment,
  type SandboxDocument,
} from '../documents'
import { notFound, refusal } from '../errors'
import { attachmentEvents, documentEvents } from '../webhooks/topics'
import { padCode } from './padding'
import type { ResourceContext, ResourceDef, Row } from './types'

function docUrl(ctx: ResourceContext, page: string, id: string): string {
  return `${ctx.baseUrl}/docs/${page}?ID=${id}&_Division_=${ctx.division.id}`
}

/** The fields nango's recorded POST answer (FR tenant, 2026) carried, with the sandbox's values. */
function documentRow(doc: SandboxDocument, ctx: ResourceContext): Row {
  const account = doc.Account ? ctx.division.accounts.get(doc.Account) : undefined
  const type = DOCUMENT_TYPES.find((t) => t.ID === doc.Type)
  const hasBody = doc.Body !== null && doc.Body !== ''
  return {
    ID: doc.ID,
    Account: doc.Account,
    AccountCode: account ? padCode(account.Code) : null,
    AccountName: account?.text.Name ?? null,
    AmountFC: doc.AmountFC,
    Body: doc.Body,
    Category: null,
    CategoryDescription: null,
    Contact: null,
    ContactFullName: null,
    Created: new Date(amsterdamWallClock(doc.Created)),
    Creator: ctx.division.userId,
    CreatorFullName: 'Sandbox User',
    Currency: doc.Currency,
    Division: ctx.division.id,
    DocumentDate: doc.DocumentDate === null ? null : new Date(doc.DocumentDate),
    DocumentViewUrl: docUrl(ctx, 'DocViewContent.aspx', doc.ID),
    FinancialTransactionEntryID: doc.FinancialTransactionEntryID,
    HasEmptyBody: !hasBody,
    HID: doc.HID,
    Language: null,
    Modified: new Date(amsterdamWallClock(doc.Modified)),
    Modifier: ctx.division.userId,
    ModifierFullName: 'Sandbox User',
    SalesInvoiceNumber: null,
    SendMethod: 0,
    Subject: doc.Subject,
    Type: doc.Type,
    TypeDescription: type ? type[ctx.lang] : null,
    __seq: ctx.state.ids.seqOf(doc.ID),
  }
}

/** `Attachment` is null in answers, as nango recorded for POST and GET; the file comes from `Url` + `&Download=1`. */
function attachmentRow(a: DocumentAttachment, ctx: ResourceContext): Row {
  return {
    ID: a.ID,
    Attachment: null,
    Document: a.Document,
    FileName: a.FileName,
    FileSize: a.bytes.length,
    Url: docUrl(ctx, 'SysAttachment.aspx', a.ID),
    __seq: ctx.state.ids.seqOf(a.ID),
  }
}

function mustFindDocument(ctx: ResourceContext, key: string): SandboxDocument {
  const doc = ctx.division.documents.get(key.toLowerCase())
  if (!doc) throw notFound()
  return doc
}

/** `documents/Documents`: GET POST PUT DELETE; a DELETE takes its attachments along. */
export const documents: ResourceDef = {
  path: 'documents/Documents',
  type: 'Document',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  fields: [
    'ID',
    'Account',
    'AccountCode',
    'AccountName',
    'AmountFC',
    'Body',
    'Category',
    'CategoryDescription',
    'Contact',
    'ContactFullName',
    'Created',
    'Creator',
    'CreatorFullName',
    'Currency',
    'Division',
    'DocumentDate',
    'DocumentViewUrl',
    'FinancialTransactionEntryID',
    'HasEmptyBody',
    'HID',
    'Language',
    'Modified',
    'Modifier',
    'ModifierFullName',
    'SalesInvoiceNumber',
    'SendMethod',
    'Subject',
    'Type',
    'TypeDescription',
  ],
  list: (ctx) => [...ctx.division.documents.values()].map((doc) => documentRow(doc, ctx)),
  create: (ctx, body) => {
    const doc = createDocument(ctx.division, ctx.state.ids, ctx.lang, ctx.now, body)
    ctx.state.webhooks.emit(ctx.division, documentEvents(doc.ID, 'Create'))
    return documentRow(doc, ctx)
  },
  update: (ctx, key, body) => {
    const doc = mustFindDocument(ctx, key)
    const draft = { ...doc }
    const errors: string[] = []
    applyDocumentFields(draft, body, ctx.division, ctx.lang, errors)
    if (errors.length) throw refusal([...new Set(errors)])
    Object.assign(doc, draft, { ID: doc.ID, HID: doc.HID, Modified: ctx.now })
    ctx.state.webhooks.emit(ctx.division, documentEvents(doc.ID, 'Update'))
  },
  remove: (ctx, key) => {
    const doc = mustFindDocument(ctx, key)
    ctx.state.webhooks.emit(ctx.division, deleteDocument(ctx.division, ctx.state.ids, doc, ctx.now))
  },
}

/** `documents/DocumentAttachments`: GET POST DELETE, no PUT (Exact's reference via Pi-Systems; elmas valid_actions). */
export const documentAttachments: ResourceDef = {
  path: 'documents/DocumentAttachments',
  type: 'DocumentAttachment',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  fields: ['ID', 'Attachment', 'Document', 'FileName', 'FileSize', 'Url'],
  list: (ctx) => [...ctx.division.attachments.values()].map((a) => attachmentRow(a, ctx)),
  create: (ctx, body) => {
    const a = createAttachment(ctx.division, ctx.state.ids, ctx.lang, ctx.now, ctx.state.behaviour, body)
    ctx.state.webhooks.emit(ctx.division, attachmentEvents(a.ID, 'Create'))
    return attachmentRow(a, ctx)
  },
  remove: (ctx, key) => {
    const a = ctx.division.attachments.get(key.toLowerCase())
    if (!a) throw notFound()
    ctx.state.webhooks.emit(ctx.division, deleteAttachment(ctx.division, ctx.state.ids, a, ctx.now))
  },
}

/** `documents/DocumentTypes` (GET; picqer DocumentType.php): the types the sandbox accepts. */
export const documentTypes: ResourceDef = {
  path: 'documents/DocumentTypes',
  type: 'DocumentType',
  key: 'ID',
  keyKind: 'int',
  kind: 'crud',
  order: 'seq',
  fields: [
    'ID',
    'Description',
    'DocumentIsCreatable',
    'DocumentIsDeletable',
    'DocumentIsUpdatable',
    'DocumentIsViewable',
    'TypeCategory',
  ],
  list: (ctx) =>
    DOCUMENT_TYPES.map((t, i) => ({
      ID: t.ID,
      Description: t[ctx.lang],
      DocumentIsCreatable: true,
      DocumentIsDeletable: true,
      DocumentIsUpdatable: true,
      DocumentIsViewable: true,
      TypeCategory: null,
      __seq: i + 1,
    })),
}
