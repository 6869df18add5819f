/** A webhooks/WebhookSubscriptions row and what the sandbox learnt when it validated the callback. */
export interface WebhookSubscription {
  ID: string
  CallbackURL: string
  Topic: string
  /** The OAuth client of the grant that subscribed; one subscription per topic per client per division. */
  ClientID: string
  /** "Description of the OAuth Client" (picqer WebhookSubscription.php): the app, not the subscription. */
  Description: string
  UserID: string
  Division: number
  Created: number
  Creator: string
  IsInstant: boolean
  /** Base URL for ExactOnlineEndpoint in events: publicUrl, else the Host the subscription came through. */
  baseUrl: string
  /** pending until the validation POST answers; only valid subscriptions get events. */
  state: 'pending' | 'valid' | 'invalid'
  validation: { atMs: number; status: number | null; error: string | null } | null
}
