import { Type, type Static } from '@sinclair/typebox'
import { WEBHOOK_EVENT_TYPES } from '../../domain/types'
import type { WebhookEventPage, WebhookService } from '../../services/webhook-service'
import { Cursor, DateTime, Uuid } from './common'

export const WebhookEventTypeSchema = Type.Union(WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t)))
export const WebhookDeliveryStatusSchema = Type.Union(
  [Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')],
  {
    description:
      'pending: waiting for its (next) attempt; failed: given up after 24 h of retries (POST .../retry sends it again)',
  },
)

const NullableDate = Type.Union([DateTime(), Type.Null()])

export const WebhookDeliverySchema = Type.Object(
  {
    id: Uuid({ description: 'The event id; the webhook-id header is "msg_" + this id' }),
    type: WebhookEventTypeSchema,
    status: WebhookDeliveryStatusSchema,
    attempts: Type.Integer({ minimum: 0 }),
    lastStatus: Type.Union([Type.Integer(), Type.Null()], {
      description: "The receiver's HTTP status at the last attempt",
    }),
    lastError: Type.Union([Type.String(), Type.Null()]),
    nextAttemptAt: NullableDate,
    lastAttemptAt: NullableDate,
    deliveredAt: NullableDate,
    createdAt: DateTime(),
    url: Type.String({ description: 'Where it was (last) sent, without query string or credentials' }),
    data: Type.Record(Type.String(), Type.Unknown(), { description: "The event body's data, as sent" }),
  },
  { $id: 'WebhookDelivery', additionalProperties: false },
)
type WebhookDeliveryView = Static<typeof WebhookDeliverySchema>

export const WebhookDeliveryPageSchema = Type.Object(
  { items: Type.Array(WebhookDeliverySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { $id: 'WebhookDeliveryPage', additionalProperties: false },
)

/** GET /webhooks/deliveries: the filters and the page. */
export const WebhookDeliveriesQuerystring = Type.Object({
  status: Type.Optional(WebhookDeliveryStatusSchema),
  type: Type.Optional(WebhookEventTypeSchema),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
})

/** A receiver URL may carry a token in its query or userinfo: the listing shows neither. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

export function toWebhookDeliveryView(row: Awaited<ReturnType<WebhookService['get']>>): WebhookDeliveryView {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    url: displayUrl(row.url),
    data: row.payload,
  }
}

export function toWebhookDeliveryPageView(page: WebhookEventPage): Static<typeof WebhookDeliveryPageSchema> {
  return { items: page.items.map(toWebhookDeliveryView), nextCursor: page.nextCursor }
}
