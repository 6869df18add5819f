import type { WebhookAction } from './topics'

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped' | 'not_validated'

/** One event sent (or not) to one subscription; `copy` 2 is the duplicate of webhookDelivery: repeat. */
export interface Delivery {
  id: number
  subscriptionId: string
  division: number
  topic: string
  action: WebhookAction
  key: string
  url: string
  copy: number
  status: DeliveryStatus
  attempts: Array<{ atMs: number; status: number | null; error: string | null }>
  createdAtMs: number
  settledAtMs: number | null
  /** The raw body as sent, so a test can check the HashCode against the very bytes. */
  body: string
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/** Control view: real-time timestamps (retries run on real time, not the sandbox clock). */
export function deliveryView(d: Delivery): object {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    division: d.division,
    topic: d.topic,
    action: d.action,
    key: d.key,
    url: d.url,
    copy: d.copy,
    status: d.status,
    attempts: d.attempts.length,
    attemptLog: d.attempts.map((a) => ({ at: iso(a.atMs), status: a.status, error: a.error })),
    lastStatus: d.attempts.at(-1)?.status ?? null,
    createdAt: iso(d.createdAtMs),
    settledAt: iso(d.settledAtMs),
    body: d.body,
  }
}
