import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { BulkJobTypeSchema } from '../../domain/bulk-job'
import { BulkJobListSchema, BulkJobSchema, toBulkJobSummaryView, toBulkJobView } from '../schemas/bulk'
import type { BulkService } from '../../services/bulk-service'
import { problemResponses } from '../problem'
import { Ref, UuidParams } from '../schemas/common'

export function bulkRoutes(deps: { bulk: BulkService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/exports/bulk',
      {
        schema: {
          tags: ['bulk'],
          summary: 'Book every stored invoice of a type that is not booked yet',
          operationId: 'startBulkExport',
          description:
            'Takes every stored invoice of the type with no live export and books each exactly once, paced to ' +
            "Exact's rate limits. 202 with the new job; 200 with the job already running for this type (one at a time). " +
            'The job survives restarts; follow it with GET /exports/bulk/{id}.',
          body: Type.Object({ type: BulkJobTypeSchema }, { additionalProperties: false }),
          response: { 200: Ref(BulkJobSchema), 202: Ref(BulkJobSchema), ...problemResponses },
        },
      },
      async (request, reply) => {
        const { job, created } = await deps.bulk.start(request.tenantId, request.body.type)
        return reply
          .status(created ? 202 : 200)
          .header('location', `/exports/bulk/${job.id}`)
          .send(toBulkJobView(job))
      },
    )

    app.get(
      '/exports/bulk',
      {
        schema: {
          tags: ['bulk'],
          summary: 'Bulk jobs, newest first',
          operationId: 'listBulkExports',
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }),
          response: { 200: Ref(BulkJobListSchema), 401: problemResponses[401] },
        },
      },
      async (request) => ({
        items: (await deps.bulk.list(request.tenantId, request.query.limit)).map(toBulkJobSummaryView),
      }),
    )

    app.get(
      '/exports/bulk/:id',
      {
        schema: {
          tags: ['bulk'],
          summary: "A bulk job's progress, counts and failures",
          operationId: 'getBulkExport',
          params: UuidParams,
          response: { 200: Ref(BulkJobSchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => toBulkJobView(await deps.bulk.get(request.tenantId, request.params.id)),
    )

    app.delete(
      '/exports/bulk/:id',
      {
        schema: {
          tags: ['bulk'],
          summary: 'Cancel a bulk job (what is booked stays booked)',
          operationId: 'cancelBulkExport',
          description: 'Repeat-safe: a job that already ended is answered as it is.',
          params: UuidParams,
          response: { 200: Ref(BulkJobSchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => toBulkJobView(await deps.bulk.cancel(request.tenantId, request.params.id)),
    )
  }
}
