import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { ExportService } from '../../services/export/export-service'
import type { ExportQueries } from '../../services/export/export-queries'
import { problemResponses } from '../problem'
import { Ref, UuidParams } from '../schemas/common'
import {
  ExportListQuerystring,
  ExportPageSchema,
  ExportSchema,
  ExportWithAttemptsSchema,
  toAttemptView,
  toExportView,
} from '../schemas/export'

export function exportRoutes(deps: {
  exports: ExportService
  exportQueries: ExportQueries
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/exports',
      {
        schema: {
          tags: ['exports'],
          summary: 'Exports, newest first, cursor paged',
          operationId: 'listExports',
          querystring: ExportListQuerystring,
          response: { 200: Ref(ExportPageSchema), ...problemResponses },
        },
      },
      async (request) => {
        const page = await deps.exportQueries.list(request.tenantId, request.query)
        return { items: page.items.map(toExportView), nextCursor: page.nextCursor }
      },
    )

    app.get(
      '/exports/:id',
      {
        schema: {
          tags: ['exports'],
          summary: 'One export with its attempts (what was sent, what Exact answered)',
          operationId: 'getExport',
          params: UuidParams,
          response: { 200: Ref(ExportWithAttemptsSchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => {
        const found = await deps.exportQueries.get(request.tenantId, request.params.id)
        return { ...toExportView(found), attempts: found.attempts.map(toAttemptView) }
      },
    )

    app.delete(
      '/exports/:id',
      {
        schema: {
          tags: ['exports'],
          summary: 'Undo: delete the entry in Exact and mark the export undone',
          operationId: 'undoExport',
          description:
            "Repeat-safe. 409 undo_refused with Exact's reason when Exact will not delete the entry (paid, closed period); nothing changes then.",
          params: UuidParams,
          response: { 200: Ref(ExportSchema), ...problemResponses },
        },
      },
      async (request) => toExportView(await deps.exports.undo(request.tenantId, request.params.id)),
    )
  }
}
