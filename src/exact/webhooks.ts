import type { ExactClient } from './client'
import { keyPath, optionalString } from './wire'

const PATH = 'webhooks/WebhookSubscriptions'

export interface WebhookSubscription {
  id: string
  topic: string
  callbackUrl: string
}

const fromWire = (r: Record<string, unknown>): WebhookSubscription => ({
  id: String(r.ID),
  topic: String(r.Topic),
  callbackUrl: optionalString(r.CallbackURL) ?? '',
})

/**
 * This app's subscriptions in the client's division. Exact lists only the calling app's own
 * (one per topic per app per division, exact-online.md §6), so the listing is what a second
 * subscription would collide with.
 */
export async function listWebhookSubscriptions(client: ExactClient): Promise<WebhookSubscription[]> {
  return (await client.list(PATH, { $select: 'ID,Topic,CallbackURL' })).map(fromWire)
}

/** POST {Topic, CallbackURL}; Exact then sends its validation POST to the URL (about 1 s later). */
export async function subscribeWebhook(
  client: ExactClient,
  topic: string,
  callbackUrl: string,
): Promise<WebhookSubscription> {
  return fromWire(await client.post(PATH, { Topic: topic, CallbackURL: callbackUrl }))
}

/** DELETE by ID. PUT is refused by Exact, so a changed URL is a delete and a new POST. */
export async function unsubscribeWebhook(client: ExactClient, id: string): Promise<void> {
  await client.delete(keyPath(PATH, id))
}
