import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { InvoiceSchema, type Invoice } from '../../domain/invoice'
import type { InvoiceService } from '../../services/invoice-service'
import type { ExportService } from '../../services/export/export-service'
import type { ExportQueries } from '../../services/export/export-queries'
import { problemResponses } from '../problem'
import { Ref } from '../schemas/common'
import { ExportSchema, toExportView } from '../schemas/export'
import { ExportPreviewSchema, InvoiceParams, StoredInvoiceSchema, toStoredInvoiceView } from '../schemas/invoice'

/** Operations whose JSON body may be left out: @fastify/swagger marks every declared body required. */
export const OPTIONAL_BODY_OPERATIONS = ['exportInvoice']

export function invoiceRoutes(deps: {
  invoices: InvoiceService
  exports: ExportService
  exportQueries: ExportQueries
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.put(
      '/invoices/:id',
      {
        schema: {
          tags: ['invoices'],
          summary: 'Store an invoice (its latest version)',
          operationId: 'putInvoice',
          description:
            'Checks the invoice itself: 400 for its shape, 422 for its arithmetic. A changed invoice that was already exported is flagged changedSinceExport; Exact is not touched.',
          params: InvoiceParams,
          body: Ref(InvoiceSchema),
          response: { 200: Ref(StoredInvoiceSchema), 201: Ref(StoredInvoiceSchema), ...problemResponses },
        },
      },
      async (request, reply) => {
        const stored = await deps.invoices.put(request.tenantId, request.params.id, request.body)
        return reply.status(stored.created ? 201 : 200).send(toStoredInvoiceView(stored))
      },
    )

    app.get(
      '/invoices/:id',
      {
        schema: {
          tags: ['invoices'],
          summary: 'The stored invoice with its export',
          operationId: 'getInvoice',
          params: InvoiceParams,
          response: { 200: Ref(StoredInvoiceSchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => toStoredInvoiceView(await deps.invoices.get(request.tenantId, request.params.id)),
    )

    app.post(
      '/invoices/:id/export',
      {
        schema: {
          tags: ['exports'],
          summary: 'Book the invoice in Exact Online, exactly once',
          operationId: 'exportInvoice',
          description:
            '201 with the new export; 200 with the existing one when this content was already booked; 409 invoice_changed_since_export when another version was booked (repeat with ?replace=true to book this one and delete the old entry). 409 duplicate_invoice_number when another invoice with this number is booked. With a JSON body, the invoice is stored first (as PUT /invoices/:id).',
          params: InvoiceParams,
          querystring: Type.Object({
            replace: Type.Optional(Type.Boolean({ default: false })),
            allowDuplicateNumber: Type.Optional(
              Type.Boolean({
                default: false,
                description:
                  'Book it although another invoice of this type (for purchase invoices: of this supplier) with the same number is booked; without it that is a 409 duplicate_invoice_number naming the other invoice',
              }),
            ),
          }),
          body: { content: { 'application/json': { schema: Ref(InvoiceSchema) } } } as never,
          response: { 200: Ref(ExportSchema), 201: Ref(ExportSchema), ...problemResponses },
        },
      },
      async (request, reply) => {
        const inline = request.body as Invoice | undefined
        if (inline) await deps.invoices.put(request.tenantId, request.params.id, inline)
        const result = await deps.exports.exportInvoice(request.tenantId, request.params.id, {
          replace: request.query.replace ?? false,
          allowDuplicateNumber: request.query.allowDuplicateNumber ?? false,
        })
        return reply.status(result.outcome === 'created' ? 201 : 200).send(toExportView(result.export))
      },
    )

    app.get(
      '/invoices/:id/export',
      {
        schema: {
          tags: ['exports'],
          summary: "The invoice's latest export and its Exact entry number",
          operationId: 'getInvoiceExport',
          params: InvoiceParams,
          response: { 200: Ref(ExportSchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => toExportView(await deps.exportQueries.latestForInvoice(request.tenantId, request.params.id)),
    )

    app.get(
      '/invoices/:id/export/preview',
      {
        schema: {
          tags: ['exports'],
          summary: 'What an export would send (no write to Exact)',
          operationId: 'previewInvoiceExport',
          params: InvoiceParams,
          response: {
            200: Ref(ExportPreviewSchema),
            ...problemResponses,
          },
        },
      },
      async (request) => deps.exports.preview(request.tenantId, request.params.id),
    )
  }
}
