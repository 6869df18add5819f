import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problemResponses } from '../problem'
import { Ref, UuidParams } from '../schemas/common'
import {
  toWebhookDeliveryPageView,
  toWebhookDeliveryView,
  WebhookDeliveriesQuerystring,
  WebhookDeliveryPageSchema,
  WebhookDeliverySchema,
} from '../schemas/webhook'
import type { WebhookService } from '../../services/webhook-service'

export function webhookRoutes(webhooks: WebhookService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/webhooks/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Outbound webhook events and their delivery state',
          operationId: 'listWebhookDeliveries',
          description:
            'Newest first. Events are recorded only while the tenant has a webhook URL in its settings. ' +
            'Each is POSTed with Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) and retried ' +
            'with back-off (5 s, 30 s, 2 min, 10 min, 1 h, then hourly) for 24 h until the receiver answers 2xx.',
          querystring: WebhookDeliveriesQuerystring,
          response: { 200: Ref(WebhookDeliveryPageSchema), 400: problemResponses[400], 401: problemResponses[401] },
        },
      },
      async (request) => toWebhookDeliveryPageView(await webhooks.list(request.tenantId, request.query)),
    )

    app.get(
      '/webhooks/deliveries/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'One outbound webhook event and its delivery state',
          operationId: 'getWebhookDelivery',
          params: UuidParams,
          response: { 200: Ref(WebhookDeliverySchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => toWebhookDeliveryView(await webhooks.get(request.tenantId, request.params.id)),
    )

    app.post(
      '/webhooks/deliveries/:id/retry',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Send a failed webhook event again',
          operationId: 'retryWebhookDelivery',
          description:
            'For an event given up after 24 h (status failed): it goes out on the next tick to the webhook URL configured now.',
          params: UuidParams,
          response: {
            202: Ref(WebhookDeliverySchema),
            401: problemResponses[401],
            404: problemResponses[404],
            409: problemResponses[409],
          },
        },
      },
      async (request, reply) =>
        reply.status(202).send(toWebhookDeliveryView(await webhooks.retry(request.tenantId, request.params.id))),
    )
  }
}
