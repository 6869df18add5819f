import type { FastifyInstance } from 'fastify'
import type { SandboxState } from './state'
import { deliveryView } from './webhooks/deliveries'

/** What the sandbox sent: subscriptions with their validation, and every delivery with its attempts. */
export function registerWebhookControl(app: FastifyInstance, state: SandboxState): void {
  app.get('/_sandbox/webhooks/subscriptions', async () =>
    [...state.divisions.values()].flatMap((d) =>
      [...d.webhookSubscriptions.values()].map((s) => ({
        ID: s.ID,
        Division: s.Division,
        Topic: s.Topic,
        CallbackURL: s.CallbackURL,
        ClientID: s.ClientID,
        state: s.state,
        validation: s.validation && {
          at: new Date(s.validation.atMs).toISOString(),
          status: s.validation.status,
          error: s.validation.error,
        },
      })),
    ),
  )

  /** `?division=&topic=&status=` narrow the list; oldest first. */
  app.get<{ Querystring: { division?: string; topic?: string; status?: string } }>(
    '/_sandbox/webhooks/deliveries',
    async (request) => {
      const { division, topic, status } = request.query
      return state.webhooks.deliveries
        .filter(
          (d) =>
            (division === undefined || d.division === Number(division)) &&
            (topic === undefined || d.topic === topic) &&
            (status === undefined || d.status === status),
        )
        .map(deliveryView)
    },
  )

  app.delete('/_sandbox/webhooks/deliveries', async () => {
    state.webhooks.deliveries.length = 0
    return { ok: true }
  })
}
