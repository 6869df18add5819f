import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { InvoiceSchema, type Invoice } from '../../domain/invoice'
import { EntrySchema } from '../../domain/entry'
import type { InvoiceService } from '../../services/invoice-service'
import type { ExportService } from '../../services/export-service'
import type { ExportQueries } from '../../services/export-queries'
import { problemResponses } from '../problem'
import { ExportSchema, toExportView } from '../schemas/export'

const InvoiceParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200, description: "The app's invoice id" }) })
const StoredInvoiceSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  invoice: InvoiceSchema,
  export: Type.Union([ExportSchema, Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
})

export function invoiceRoutes(deps: { invoices: InvoiceService; exports: ExportService; exportQueries: ExportQueries }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const view = (r: Awaited<ReturnType<InvoiceService['get']>>) => ({
      id: r.invoice.id, version: r.invoice.version, invoice: r.invoice.content, export: r.export ? toExportView(r.export) : null,
      updatedAt: r.invoice.updatedAt.toISOString(),
    })

    app.put('/invoices/:id', {
      schema: {
        tags: ['invoices'], summary: 'Store an invoice (its latest version)', operationId: 'putInvoice',
        description: 'Checks the invoice itself: 400 for its shape, 422 for its arithmetic. A changed invoice that was already exported is flagged changedSinceExport; Exact is not touched.',
        params: InvoiceParams, body: InvoiceSchema,
        response: { 200: StoredInvoiceSchema, 201: StoredInvoiceSchema, ...problemResponses },
      },
    }, async (request, reply) => {
      const stored = await deps.invoices.put(request.tenantId, request.params.id, request.body)
      return reply.status(stored.created ? 201 : 200).send(view(stored))
    })

    app.get('/invoices/:id', {
      schema: {
        tags: ['invoices'], summary: 'The stored invoice with its export', operationId: 'getInvoice',
        params: InvoiceParams, response: { 200: StoredInvoiceSchema, 401: problemResponses[401], 404: problemResponses[404] },
      },
    }, async (request) => view(await deps.invoices.get(request.tenantId, request.params.id)))

    app.post('/invoices/:id/export', {
      schema: {
        tags: ['exports'], summary: 'Book the invoice in Exact Online, exactly once', operationId: 'exportInvoice',
        description: '201 with the new export; 200 with the existing one when this content was already booked; 409 invoice_changed_since_export when another version was booked (repeat with ?replace=true to book this one and delete the old entry). 409 duplicate_invoice_number when another invoice with this number is booked. With a JSON body, the invoice is stored first (as PUT /invoices/:id).',
        params: InvoiceParams,
        querystring: Type.Object({
          replace: Type.Boolean({ default: false }),
          allowDuplicateNumber: Type.Boolean({
            default: false,
            description: 'Book it although another invoice of this type (for purchase invoices: of this supplier) with the same number is booked; without it that is a 409 duplicate_invoice_number naming the other invoice',
          }),
        }),
        body: { content: { 'application/json': { schema: InvoiceSchema } } } as never,
        response: { 200: ExportSchema, 201: ExportSchema, ...problemResponses },
      },
    }, async (request, reply) => {
      const inline = request.body as Invoice | undefined
      if (inline) await deps.invoices.put(request.tenantId, request.params.id, inline)
      const result = await deps.exports.exportInvoice(request.tenantId, request.params.id, { replace: request.query.replace, allowDuplicateNumber: request.query.allowDuplicateNumber })
      return reply.status(result.outcome === 'created' ? 201 : 200).send(toExportView(result.export))
    })

    app.get('/invoices/:id/export', {
      schema: {
        tags: ['exports'], summary: "The invoice's latest export and its Exact entry number", operationId: 'getInvoiceExport',
        params: InvoiceParams, response: { 200: ExportSchema, 401: problemResponses[401], 404: problemResponses[404] },
      },
    }, async (request) => toExportView(await deps.exportQueries.latestForInvoice(request.tenantId, request.params.id)))

    app.get('/invoices/:id/export/preview', {
      schema: {
        tags: ['exports'], summary: 'What an export would send (no write to Exact)', operationId: 'previewInvoiceExport',
        params: InvoiceParams,
        response: {
          200: Type.Object({
            entry: Type.Union([EntrySchema, Type.Null()]),
            problems: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
            relation: Type.Object({
              action: Type.Union([Type.Literal('use'), Type.Literal('add_role'), Type.Literal('create'), Type.Literal('ambiguous')]),
              accountId: Type.Union([Type.String(), Type.Null()]),
              code: Type.Union([Type.String(), Type.Null()]),
              matchedBy: Type.Union([Type.String(), Type.Null()]),
              candidates: Type.Optional(Type.Array(Type.String())),
            }),
          }),
          ...problemResponses,
        },
      },
    }, async (request) => deps.exports.preview(request.tenantId, request.params.id))
  }
}
