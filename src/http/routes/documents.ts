import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { DocumentService, StoredDocument } from '../../services/document-service'
import { problemResponses } from '../problem'
import { ExportSchema, toExportView } from '../schemas/export'

const InvoiceParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: "The app's invoice id" }),
})
const PDF = 'application/pdf'

const StoredDocumentSchema = Type.Object(
  {
    invoiceId: Type.String(),
    fileName: Type.String({ description: 'The name Exact shows for the attachment' }),
    size: Type.Integer({ description: 'Bytes' }),
    sha256: Type.String({ description: 'sha256 of the PDF, hex' }),
    invoiceVersion: Type.Integer({
      description:
        'The invoice version the document was put with; a document does not change the version or the content hash',
    }),
    updatedAt: Type.String({ format: 'date-time' }),
    export: Type.Union([ExportSchema, Type.Null()], {
      description: 'The live export, with its document state; null while the invoice is not booked',
    }),
  },
  { additionalProperties: false },
)

/**
 * The invoice's PDF. Its own plugin, so the only body parser here is the PDF one (anything else is
 * a 415 before the handler) and the body limit is Exact's, not the JSON routes' 10 MB.
 */
export function documentRoutes(deps: { documents: DocumentService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const limit = deps.documents.maxBytes
    app.removeAllContentTypeParsers()
    app.addContentTypeParser(PDF, { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) => done(null, body))

    const view = (s: StoredDocument) => ({
      invoiceId: s.document.invoiceId,
      fileName: s.document.fileName,
      size: s.document.size,
      sha256: s.document.contentHash,
      invoiceVersion: s.document.invoiceVersion,
      updatedAt: s.document.updatedAt.toISOString(),
      export: s.export ? toExportView(s.export) : null,
    })

    app.put(
      '/invoices/:id/document',
      {
        bodyLimit: limit,
        config: { mediaType: PDF },
        // The body is a Buffer that the schema (a binary string, for OpenAPI) cannot describe to Ajv; the
        // parser and the %PDF- check are its validation. Params and query are still refused below.
        attachValidation: true,
        schema: {
          tags: ['invoices'],
          summary: "Store the invoice's PDF; a booked invoice gets it in Exact at once",
          operationId: 'putInvoiceDocument',
          description:
            `The body is the PDF itself (Content-Type: ${PDF}, starting with %PDF-), at most ${limit} bytes (DOCUMENT_MAX_BYTES; Exact takes 25 MB in NL/BE administrations and 7 MB elsewhere, the smaller applies). ` +
            "It is stored with the invoice version but is not part of the invoice's content: it never makes the export changed since export. " +
            'A booked invoice gets it as an Exact document linked from the entry, without a second booking; an invoice booked later gets it with its export. ' +
            'A new PDF replaces the document in Exact. 415 unsupported_media_type for another type, 413 payload_too_large above the limit, 404 for an unknown invoice; nothing is stored then.',
          params: InvoiceParams,
          querystring: Type.Object({
            fileName: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 200,
                description: "The attachment's name in Exact; default <invoice number>.pdf",
              }),
            ),
          }),
          body: {
            content: {
              [PDF]: { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The PDF' }) },
            },
          } as never,
          response: { 200: StoredDocumentSchema, 201: StoredDocumentSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        if (request.validationError && request.validationError.validationContext !== 'body')
          throw request.validationError
        const stored = await deps.documents.put(
          request.tenantId,
          request.params.id,
          request.body as Buffer,
          request.query.fileName,
        )
        return reply.status(stored.created ? 201 : 200).send(view(stored))
      },
    )

    app.get(
      '/invoices/:id/document',
      {
        schema: {
          tags: ['invoices'],
          summary: "The invoice's PDF as stored",
          operationId: 'getInvoiceDocument',
          params: InvoiceParams,
          response: {
            200: { description: 'The PDF', content: { [PDF]: { schema: { type: 'string', format: 'binary' } } } },
            401: problemResponses[401],
            404: problemResponses[404],
          } as never,
        },
      },
      async (request, reply) => {
        const doc = await deps.documents.get(request.tenantId, request.params.id)
        return reply
          .type(PDF)
          .header('content-disposition', `inline; filename="${doc.fileName.replace(/[^\x20-\x7e]|"/g, '_')}"`)
          .header('x-content-sha256', doc.contentHash)
          .send(doc.content)
      },
    )
  }
}
