import type { Db } from '../db/database'
import {
  findWebhookEvent,
  listWebhookEvents,
  requeueFailedWebhookEvent,
  type WebhookEventRow,
  type WebhookEventType,
  type WebhookStatus,
} from '../db/webhook-outbox-repository'
import { AppError } from '../domain/app-error'
import { decodeTimeIdCursor, encodeTimeIdCursor } from '../domain/cursor'

/** A page of stored events, newest first (the view is http/schemas/webhook.ts). */
export interface WebhookEventPage {
  items: WebhookEventRow[]
  nextCursor: string | null
}

/** What the tenant sees of its outbound webhooks: each event with its delivery state, no secrets. */
export class WebhookService {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(
    tenantId: string,
    query: { status?: WebhookStatus; type?: WebhookEventType; cursor?: string; limit?: number },
  ): Promise<WebhookEventPage> {
    const limit = query.limit ?? 50
    const rows = await listWebhookEvents(this.db, tenantId, {
      status: query.status,
      type: query.type,
      after: query.cursor ? decodeTimeIdCursor(query.cursor, 'querystring/cursor') : undefined,
      limit: limit + 1,
    })
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return {
      items: page.map(({ cursorTime: _, ...row }) => row),
      nextCursor: rows.length > limit && last ? encodeTimeIdCursor(last) : null,
    }
  }

  async get(tenantId: string, id: string): Promise<WebhookEventRow> {
    const row = await findWebhookEvent(this.db, tenantId, id)
    if (!row) throw new AppError('not_found', `No webhook event ${id} for this tenant.`)
    return row
  }

  /** Sends a failed event again (fresh back-off schedule); 409 for one that is pending or delivered. */
  async retry(tenantId: string, id: string): Promise<WebhookEventRow> {
    const requeued = await requeueFailedWebhookEvent(this.db, tenantId, id, this.clock())
    const current = await this.get(tenantId, id)
    if (!requeued)
      throw new AppError(
        'webhook_not_failed',
        `Webhook event ${id} is ${current.status}; only a failed event can be sent again.`,
      )
    return current
  }
}
