import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the receiver checks
 * `webhook-signature` = `v1,` + base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)), where the
 * secret is the base64 text after `whsec_`. Pure: the caller supplies id, timestamp and body.
 */
export interface WebhookHeaders {
  'webhook-id': string
  /** Unix seconds of this attempt (receivers reject stale ones, so it changes per retry). */
  'webhook-timestamp': string
  'webhook-signature': string
}

const PREFIX = 'whsec_'

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64')
  if (key.length === 0) throw new Error('webhook secret is empty or not base64')
  return key
}

export function signWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64')
  return `v1,${mac}`
}

export function webhookHeaders(secret: string, msgId: string, timestampSeconds: number, body: string): WebhookHeaders {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(secret, msgId, timestampSeconds, body),
  }
}

/**
 * The receiver's side, for the invoicing app's developers and our tests: true when one of the
 * space-separated signatures matches and the timestamp is within `toleranceSeconds` of `nowSeconds`.
 */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp)
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body))
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate)
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
