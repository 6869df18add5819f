import { createHmac } from 'node:crypto'
import { amsterdamWallClock } from '../dates'
import type { ChangeEvent } from './topics'

export interface PayloadContext {
  clientId: string
  division: number
  /** Base of ExactOnlineEndpoint: the sandbox URL the subscription was made through (or publicUrl). */
  baseUrl: string
  now: number
  /** Exact may escape '/' as '\/' in JSON (.NET style); `escaped` sends that [U]. */
  slashes: 'plain' | 'escaped'
}

/**
 * EventCreatedOn as in a live payload, "2018-12-04T13:35:28.8" (picqer #318): no zone and trailing zeros
 * of the fraction dropped; taken as Amsterdam wall-clock time like Exact's other dates [U].
 */
export function eventCreatedOn(now: number): string {
  const iso = new Date(amsterdamWallClock(now)).toISOString().slice(0, 23)
  return iso.replace(/\.?0+$/, '')
}

/** The Content object, compact and in the field order of picqer #318's live payload. */
export function contentJson(event: ChangeEvent, ctx: PayloadContext): string {
  const json = JSON.stringify({
    Topic: event.topic,
    ClientId: ctx.clientId,
    Division: ctx.division,
    Action: event.action,
    Key: event.key,
    ExactOnlineEndpoint: `${ctx.baseUrl}/api/v1/${ctx.division}/${event.endpoint}`,
    EventCreatedOn: eventCreatedOn(ctx.now),
  })
  return ctx.slashes === 'escaped' ? json.replace(/\//g, '\\/') : json
}

/** UPPER hex HMAC-SHA256 with the app's webhook secret over the Content bytes exactly as sent (picqer Authenticatable.php). */
export function hashCode(content: string, secret: string): string {
  return createHmac('sha256', secret).update(content, 'utf8').digest('hex').toUpperCase()
}

/** `{"Content":…,"HashCode":"…"}`: Content first, so a receiver can cut the signed bytes out of the raw body. */
export function signedBody(content: string, secret: string): string {
  return `{"Content":${content},"HashCode":"${hashCode(content, secret)}"}`
}
