import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/database'
import { findConnection } from '../db/connections-repository'
import {
  findExportDocument,
  listPendingDocuments,
  markDocumentWanted,
  updateExportDocument,
  wasDocumentStepSent,
  type ExportDocumentState,
} from '../db/export-documents-repository'
import { findExport, recordAttempt, type ExportRecord } from '../db/exports-repository'
import { findInvoice } from '../db/invoices-repository'
import {
  findInvoiceDocument,
  findInvoiceDocumentWithContent,
  putInvoiceDocument,
  type InvoiceDocumentRecord,
  type InvoiceDocumentWithContent,
} from '../db/invoice-documents-repository'
import { AppError } from '../domain/app-error'
import type { Invoice } from '../domain/invoice'
import { documentFileName, documentLimitFor, isPdf } from '../domain/invoice-document'
import { newMarker } from '../domain/marker'
import type { ExactClient } from '../exact/client'
import {
  createAttachment,
  createDocument,
  deleteDocument,
  documentExists,
  findDocumentBySubject,
  linkEntryDocument,
  listAttachments,
} from '../exact/documents'
import type { Priority } from '../exact/rate-limiter'
import type { Logger } from '../logger'
import type { ExactSessions } from './exact-session/exact-sessions'
import { ExportLease, LeaseLostError } from './export/export-lease'
import { toAppError } from './exact-session/exact-errors'

export interface StoredDocument {
  document: InvoiceDocumentRecord
  created: boolean
  /** The live export's document after this put (attached now, or pending for the recovery pass); null when the invoice is not booked. */
  export: ExportRecord | null
}

/**
 * The invoice's PDF: stored with the invoice (not part of its content hash: a document is no booked
 * figure), and given to Exact as a document with one attachment, linked from the booked entry.
 * Exactly once under lost answers: the document's Subject carries a marker that a retry searches for,
 * an attachment sent before is looked for among the document's attachments, and the link is a PUT.
 */
export class DocumentService {
  constructor(
    private readonly db: Db,
    private readonly exact: ExactSessions,
    private readonly logger: Logger,
    /** DOCUMENT_MAX_BYTES: the route's body limit too. */
    readonly maxBytes: number,
  ) {}

  async put(tenantId: string, invoiceId: string, bytes: Buffer, requestedName?: string): Promise<StoredDocument> {
    if (!isPdf(bytes))
      throw new AppError('unsupported_media_type', 'The body is not a PDF: it does not start with %PDF-.', {
        field: 'body',
      })
    const invoice = await findInvoice<Invoice>(this.db, tenantId, invoiceId)
    if (!invoice)
      throw new AppError('not_found', `No invoice ${invoiceId}; store it with PUT /invoices/${invoiceId} first.`)
    const connection = await findConnection(this.db, tenantId)
    const country = connection?.divisions.find((d) => d.division === connection.division)?.country
    const limit = documentLimitFor(country, this.maxBytes)
    if (bytes.length > limit) {
      throw new AppError(
        'payload_too_large',
        `The PDF has ${bytes.length} bytes; Exact Online takes documents of at most ${limit} bytes${country ? ` in a ${country} administration` : ''}.`,
        {
          field: 'body',
          details: { limit, size: bytes.length },
        },
      )
    }
    const contentHash = createHash('sha256').update(bytes).digest('hex')
    const stored = await this.db.transaction().execute((trx) =>
      putInvoiceDocument(trx, {
        tenantId,
        invoiceId,
        fileName: documentFileName(requestedName, invoice.number),
        content: bytes,
        contentHash,
      }),
    )
    if (!stored)
      throw new AppError('not_found', `No invoice ${invoiceId}; store it with PUT /invoices/${invoiceId} first.`)
    // A booked invoice gets it at once, on the entry it has: no second booking.
    const exportId = await markDocumentWanted(this.db, tenantId, invoiceId, contentHash)
    if (exportId) await this.attach(tenantId, exportId)
    return {
      document: stored.document,
      created: stored.created,
      export: exportId ? ((await findExport(this.db, tenantId, exportId)) ?? null) : null,
    }
  }

  async get(tenantId: string, invoiceId: string): Promise<InvoiceDocumentWithContent> {
    const found = await findInvoiceDocumentWithContent(this.db, tenantId, invoiceId)
    if (!found) {
      const invoice = await findInvoice(this.db, tenantId, invoiceId)
      throw new AppError(
        'not_found',
        invoice ? `Invoice ${invoiceId} has no document; PUT one as application/pdf.` : `No invoice ${invoiceId}.`,
      )
    }
    return found
  }

  /** Whether the invoice has a document to attach (the export asks before it takes the lease again). */
  async has(tenantId: string, invoiceId: string): Promise<boolean> {
    return (await findInvoiceDocument(this.db, tenantId, invoiceId)) !== undefined
  }

  /**
   * Gives the booked export's entry the invoice's current document. Never throws for Exact's
   * sake: the booking stands whatever happens here; a refusal is `failed` with Exact's words, an
   * uncertain outcome stays `pending` for the recovery pass. Undefined when someone else holds the export.
   */
  async attach(
    tenantId: string,
    exportId: string,
    opts: { client?: ExactClient; priority?: Priority } = {},
  ): Promise<ExportDocumentState | undefined> {
    const exp = await findExport(this.db, tenantId, exportId)
    if (!exp || exp.status !== 'exported' || !exp.entryId) return undefined
    const meta = await findInvoiceDocument(this.db, tenantId, exp.invoiceId)
    if (!meta) return undefined
    const before = await findExportDocument(this.db, exp.id)
    if (before?.status === 'attached' && before.hash === meta.contentHash) return before
    const lease = await ExportLease.claim(this.db, exp.id, this.logger, ['exported'])
    if (!lease) return undefined
    try {
      const doc = await findInvoiceDocumentWithContent(this.db, tenantId, exp.invoiceId)
      if (!doc) return undefined
      await lease.hold(() => this.attachHeld(exp, doc, lease, opts))
    } catch (error) {
      if (!(error instanceof LeaseLostError)) {
        const appError = toAppError(error)
        const refused = appError.code === 'exact_rejected'
        this.logger.warn(
          { err: error, exportId: exp.id },
          refused ? 'Exact refused the invoice document' : 'invoice document not attached yet',
        )
        await recordAttempt(this.db, exp.id, {
          action: 'document',
          outcome: refused ? 'refused' : 'uncertain',
          response: { code: appError.code, message: appError.message },
        }).catch(() => undefined)
        await updateExportDocument(this.db, exp.id, lease.holder, {
          status: refused ? 'failed' : 'pending',
          error: appError.message,
        }).catch(() => undefined)
      }
    } finally {
      await lease.release()
    }
    return findExportDocument(this.db, exp.id)
  }

  private async attachHeld(
    exp: ExportRecord,
    doc: InvoiceDocumentWithContent,
    lease: ExportLease,
    opts: { client?: ExactClient; priority?: Priority },
  ): Promise<void> {
    const client = (opts.client ?? (await this.exact.clientFor(exp.tenantId, opts.priority ?? 'interactive'))).guarded(
      () => lease.assertHeld(),
    )
    const write = async (v: Parameters<typeof updateExportDocument>[3]) => {
      if (!(await updateExportDocument(this.db, exp.id, lease.holder, v))) lease.lost('another holder has the export')
    }
    let state = (await findExportDocument(this.db, exp.id))!
    if (state.status === 'attached' && state.hash === doc.contentHash) return
    if (state.marker && state.hash !== doc.contentHash) {
      // A newer PDF: the document of the older one goes, so the entry never shows two.
      await this.discard(client, exp, state)
      await write({ marker: null, exactDocumentId: null, exactAttachmentId: null })
      state = { ...state, marker: null, exactDocumentId: null, exactAttachmentId: null }
    }
    const marker = state.marker ?? newMarker(randomBytes(5))
    // Written before anything is sent: a retry knows which Subject to look for.
    if (!state.marker) await write({ status: 'pending', marker, hash: doc.contentHash, error: null })
    const subject = documentSubject(marker, exp.invoiceNumber)

    let documentId = state.exactDocumentId
    if (!documentId && (await wasDocumentStepSent(this.db, exp.id, 'document', marker))) {
      documentId = await findDocumentBySubject(client, subject)
      await recordAttempt(this.db, exp.id, {
        action: 'document',
        outcome: documentId ? 'document_found' : 'document_absent',
        request: { marker },
      })
    }
    if (!documentId) {
      const invoice = await findInvoice<Invoice>(this.db, exp.tenantId, exp.invoiceId)
      await lease.confirm()
      await recordAttempt(this.db, exp.id, {
        action: 'document',
        outcome: 'sending_document',
        request: { marker, subject },
      })
      documentId = await createDocument(client, {
        type: exp.type,
        subject,
        accountId: exp.relationId,
        documentDate: invoice?.content.issueDate ?? new Date().toISOString().slice(0, 10),
      })
      await recordAttempt(this.db, exp.id, {
        action: 'document',
        outcome: 'document_created',
        response: { documentId },
      })
    }
    await write({ exactDocumentId: documentId })

    let attachmentId = state.exactAttachmentId
    if (!attachmentId && (await wasDocumentStepSent(this.db, exp.id, 'attachment', marker))) {
      const sent = (await listAttachments(client, documentId)).find(
        (a) => a.fileSize === doc.size && a.fileName === doc.fileName,
      )
      attachmentId = sent?.id ?? null
      await recordAttempt(this.db, exp.id, {
        action: 'document',
        outcome: attachmentId ? 'attachment_found' : 'attachment_absent',
        request: { marker, documentId },
      })
    }
    if (!attachmentId) {
      await lease.confirm()
      await recordAttempt(this.db, exp.id, {
        action: 'document',
        outcome: 'sending_attachment',
        request: { marker, documentId, fileName: doc.fileName, size: doc.size, sha256: doc.contentHash },
      })
      attachmentId = await createAttachment(client, documentId, doc.fileName, doc.content)
      await recordAttempt(this.db, exp.id, {
        action: 'document',
        outcome: 'attachment_created',
        response: { attachmentId },
      })
    }
    await write({ exactAttachmentId: attachmentId })

    await linkEntryDocument(client, exp.type, exp.entryId!, documentId)
    await recordAttempt(this.db, exp.id, {
      action: 'document',
      outcome: 'linked',
      request: { entryId: exp.entryId, documentId },
    })
    await write({ status: 'attached', error: null, attached: true })
  }

  /**
   * Undo: the entry is gone (the caller deleted it under `lease`); its document goes too. Looked up
   * by filter first: Exact may have deleted it with the entry, and a DELETE of a missing key is an
   * error answer that counts toward the hourly block.
   */
  async removeFromExact(client: ExactClient, exp: ExportRecord, lease: ExportLease): Promise<void> {
    const state = await findExportDocument(this.db, exp.id)
    if (!state?.status || state.status === 'removed') return
    await this.discard(client, exp, state)
    if (!(await updateExportDocument(this.db, exp.id, lease.holder, { status: 'removed' })))
      lease.lost('another holder has the export')
  }

  /** Deletes the document `state` names, or the one an attempt may have created under its marker. */
  private async discard(client: ExactClient, exp: ExportRecord, state: ExportDocumentState): Promise<void> {
    let documentId = state.exactDocumentId
    if (!documentId && state.marker && (await wasDocumentStepSent(this.db, exp.id, 'document', state.marker))) {
      documentId = await findDocumentBySubject(client, documentSubject(state.marker, exp.invoiceNumber))
    }
    if (!documentId) return
    const outcome = (await documentExists(client, documentId)) ? await deleteDocument(client, documentId) : 'gone'
    await recordAttempt(this.db, exp.id, {
      action: 'document',
      outcome: `document_${outcome}`,
      request: { documentId },
    })
  }

  /** Documents left pending by a lost answer or an outage, attached now; the recovery pass calls this. */
  async recoverPending(limit = 100): Promise<{ examined: number; attached: number }> {
    const pending = await listPendingDocuments(this.db, limit)
    let attached = 0
    for (const { tenantId, id } of pending) {
      const state = await this.attach(tenantId, id, { priority: 'background' })
      if (state?.status === 'attached') attached++
    }
    return { examined: pending.length, attached }
  }
}

/** The Subject Exact shows, marker first: unique per export and attempt, so a filtered GET finds it again. */
export function documentSubject(marker: string, invoiceNumber: string): string {
  return `${marker} ${invoiceNumber}`.slice(0, 60)
}
