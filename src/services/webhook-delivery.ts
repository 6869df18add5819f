import type { Db } from '../db/database'
import { findWebhookTarget } from '../db/settings-repository'
import {
  claimDueWebhookEvents,
  markWebhookAttemptFailed,
  markWebhookDelivered,
  type WebhookEventRow,
} from '../db/webhook-outbox-repository'
import type { Logger } from '../logger'
import { webhookHeaders } from '../domain/webhook-signer'

/** Waits after the 1st, 2nd, ... failed attempt; then hourly, until 24 h of waiting in all. */
const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000]
const HOURLY_MS = 3_600_000
const GIVE_UP_AFTER_MS = 24 * 3_600_000
/** Longer than the POST timeout: a claimed attempt is never taken by another replica while in flight. */
const LEASE_MS = 60_000

/** The wait before the next attempt after `failedAttempts` failures, or null: give up. */
export function webhookRetryDelayMs(failedAttempts: number): number | null {
  let waited = 0
  let delay = 0
  for (let n = 1; n <= failedAttempts; n++) {
    delay = BACKOFF_MS[n - 1] ?? HOURLY_MS
    waited += delay
  }
  return waited > GIVE_UP_AFTER_MS ? null : delay
}

export interface DeliveryDeps {
  db: Db
  logger: Logger
  now?: Date
  batchSize?: number
  timeoutMs?: number
  /** Production: refuse a URL that now resolves to a private address (DNS can change after PUT /settings). */
  checkUrl?: (url: string) => Promise<string | undefined>
}

export interface DeliverySummary {
  claimed: number
  delivered: number
  retrying: number
  failed: number
}

/** The body the receiver gets; `timestamp` is when the event happened, the same on every retry. */
export function webhookBody(event: Pick<WebhookEventRow, 'type' | 'payload' | 'createdAt'>): string {
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.payload })
}

/**
 * One tick: claims due events (SKIP LOCKED, so any number of replicas may run it at once), POSTs
 * each to the tenant's webhook, records the outcome. 2xx is delivered; anything else (redirects
 * included: they are not followed) is retried with back-off and given up after 24 h.
 * HTTP goes through Node's global fetch: the layer rule keeps undici in src/exact and src/sandbox.
 */
export async function deliverDueWebhooks(deps: DeliveryDeps): Promise<DeliverySummary> {
  const now = deps.now ?? new Date()
  const events = await claimDueWebhookEvents(deps.db, now, new Date(now.getTime() + LEASE_MS), deps.batchSize ?? 20)
  const summary: DeliverySummary = { claimed: events.length, delivered: 0, retrying: 0, failed: 0 }
  const outcomes = await Promise.all(events.map((event) => deliverOne(deps, event, now)))
  for (const outcome of outcomes) summary[outcome]++
  return summary
}

async function deliverOne(
  deps: DeliveryDeps,
  event: WebhookEventRow,
  now: Date,
): Promise<'delivered' | 'retrying' | 'failed'> {
  const log = deps.logger.child({
    webhookEventId: event.id,
    tenantId: event.tenantId,
    type: event.type,
    attempt: event.attempts,
  })
  const target = await findWebhookTarget(deps.db, event.tenantId)
  if (!target) {
    await markWebhookAttemptFailed(deps.db, event.id, event.attempts, {
      httpStatus: null,
      error: 'the tenant has no webhook configured any more',
      retryAt: null,
    })
    return 'failed'
  }
  const refused = await deps.checkUrl?.(target.url)
  const result = refused
    ? { status: null, error: `webhook URL ${refused}` }
    : await post(target, event, now, deps.timeoutMs ?? 10_000)
  if (result.status !== null && result.status >= 200 && result.status < 300) {
    await markWebhookDelivered(deps.db, event.id, event.attempts, {
      url: target.url,
      httpStatus: result.status,
      at: now,
    })
    log.debug({ status: result.status }, 'webhook delivered')
    return 'delivered'
  }
  const delay = webhookRetryDelayMs(event.attempts)
  const retryAt = delay === null ? null : new Date(now.getTime() + delay)
  await markWebhookAttemptFailed(deps.db, event.id, event.attempts, {
    url: target.url,
    httpStatus: result.status,
    error: result.error,
    retryAt,
  })
  log.warn(
    { status: result.status, error: result.error, retryAt },
    retryAt ? 'webhook attempt failed, will retry' : 'webhook given up',
  )
  return retryAt ? 'retrying' : 'failed'
}

async function post(
  target: { url: string; secret: string },
  event: WebhookEventRow,
  now: Date,
  timeoutMs: number,
): Promise<{ status: number | null; error: string }> {
  const body = webhookBody(event)
  const headers = webhookHeaders(target.secret, `msg_${event.id}`, Math.floor(now.getTime() / 1000), body)
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'exact-bridge-webhooks/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await res.text().catch(() => '')
    return { status: res.status, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` }
  } catch (err) {
    const name = (err as Error).name
    if (name === 'TimeoutError' || name === 'AbortError')
      return { status: null, error: `no answer within ${timeoutMs / 1000} s` }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return { status: null, error: `could not connect: ${cause?.code ?? cause?.message ?? (err as Error).message}` }
  }
}
