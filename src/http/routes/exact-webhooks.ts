import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problemResponses } from '../problem'
import { EXACT_WEBHOOK_PATH, type ExactWebhookService } from '../../services/exact-webhook-service'

/**
 * Exact Online's webhook callback. Authenticated by the HashCode in the body, not by an API key,
 * so the body must reach the service as the bytes Exact signed: this plugin's own parser keeps
 * every content type raw (Exact sends `application/json; charset=utf-8`, its validation POST none).
 */
export function exactWebhookRoutes(service: ExactWebhookService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    app.post(
      EXACT_WEBHOOK_PATH,
      {
        bodyLimit: 64 * 1024,
        schema: {
          tags: ['connection'],
          summary: 'Exact Online webhook callback (Exact calls it)',
          operationId: 'exactWebhook',
          security: [],
          description:
            "Answers Exact's empty validation POST with 204; an event must carry a valid HashCode (401 otherwise). An event only triggers a debounced payment sync or a check of a booked entry; its payload is never taken as fact.",
          response: { 204: Type.Null(), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request, reply) => {
        await service.receive(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0))
        return reply.status(204).send(null)
      },
    )
  }
}
