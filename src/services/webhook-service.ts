import { Type, type Static } from '@sinclair/typebox'
import type { Db } from '../db/database'
import {
  findWebhookEvent,
  listWebhookEvents,
  requeueFailedWebhookEvent,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventRow,
} from '../db/webhook-outbox-repository'
import { AppError, ERRORS } from '../domain/app-error'

export const WebhookEventTypeSchema = Type.Union(WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t)))
export const WebhookDeliveryStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], {
  description: 'pending: waiting for its (next) attempt; failed: given up after 24 h of retries (POST .../retry sends it again)',
})

const NullableDate = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The event id; the webhook-id header is "msg_" + this id' }),
    type: WebhookEventTypeSchema,
    status: WebhookDeliveryStatusSchema,
    attempts: Type.Integer({ minimum: 0 }),
    lastStatus: Type.Union([Type.Integer(), Type.Null()], { description: "The receiver's HTTP status at the last attempt" }),
    lastError: Type.Union([Type.String(), Type.Null()]),
    nextAttemptAt: NullableDate,
    lastAttemptAt: NullableDate,
    deliveredAt: NullableDate,
    createdAt: Type.String({ format: 'date-time' }),
    url: Type.String({ description: 'Where it was (last) sent, without query string or credentials' }),
    data: Type.Record(Type.String(), Type.Unknown(), { description: 'The event body\'s data, as sent' }),
  },
  { $id: 'WebhookDelivery', additionalProperties: false },
)
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>

export const WebhookDeliveryPageSchema = Type.Object(
  { items: Type.Array(WebhookDeliverySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { $id: 'WebhookDeliveryPage', additionalProperties: false },
)
export type WebhookDeliveryPage = Static<typeof WebhookDeliveryPageSchema>

/** A receiver URL may carry a token in its query or userinfo: the listing shows neither. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

function toDelivery(row: WebhookEventRow): WebhookDelivery {
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

const encodeCursor = (c: { cursorTime: string; id: string }) => Buffer.from(JSON.stringify([c.cursorTime, c.id])).toString('base64url')

function decodeCursor(cursor: string): { cursorTime: string; id: string } {
  try {
    const [cursorTime, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof cursorTime === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && !Number.isNaN(Date.parse(cursorTime))) {
      return { cursorTime, id }
    }
  } catch {
    // fall through
  }
  throw ERRORS.invalidCursor('querystring/cursor')
}

/** What the tenant sees of its outbound webhooks: each event with its delivery state, no secrets. */
export class WebhookService {
  constructor(private readonly db: Db, private readonly clock: () => Date = () => new Date()) {}

  async list(
    tenantId: string,
    query: { status?: WebhookDelivery['status']; type?: WebhookDelivery['type']; cursor?: string; limit?: number },
  ): Promise<WebhookDeliveryPage> {
    const limit = query.limit ?? 50
    const rows = await listWebhookEvents(this.db, tenantId, {
      status: query.status,
      type: query.type,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    })
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return { items: page.map(toDelivery), nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
  }

  async get(tenantId: string, id: string): Promise<WebhookDelivery> {
    const row = await findWebhookEvent(this.db, tenantId, id)
    if (!row) throw new AppError('not_found', `No webhook event ${id} for this tenant.`)
    return toDelivery(row)
  }

  /** Sends a failed event again (fresh back-off schedule); 409 for one that is pending or delivered. */
  async retry(tenantId: string, id: string): Promise<WebhookDelivery> {
    const requeued = await requeueFailedWebhookEvent(this.db, tenantId, id, this.clock())
    const current = await this.get(tenantId, id)
    if (!requeued) throw new AppError('webhook_not_failed', `Webhook event ${id} is ${current.status}; only a failed event can be sent again.`)
    return current
  }
}
