import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * An Exact Online webhook call, as Exact sends it (exact-online.md §6):
 * `{"Content":{…},"HashCode":"<UPPER hex HMAC-SHA256>"}`, compact JSON, no signature header.
 * The HMAC is over the raw bytes between `{"Content":` and `,"HashCode":`, so it is computed on
 * the bytes received: re-serialising Content would change them (Exact may escape `/` as `\/`).
 */
const PREFIX = Buffer.from('{"Content":')
const SEPARATOR = Buffer.from(',"HashCode":"')
const SUFFIX = Buffer.from('"}')

export interface ExactWebhookContent {
  topic: string
  division: number
  action: 'Create' | 'Update' | 'Delete' | string
  key: string
  endpoint: string | null
}

export type ExactWebhookVerdict =
  { kind: 'validation' } | { kind: 'event'; content: ExactWebhookContent } | { kind: 'forged' } | { kind: 'malformed' }

/** Exact's validation POST (an empty body) is answered 2xx; every other call must carry a valid HashCode. */
export function verifyExactWebhook(raw: Buffer, secret: string): ExactWebhookVerdict {
  if (raw.length === 0) return { kind: 'validation' }
  const end = raw.length - SUFFIX.length
  const at = raw.lastIndexOf(SEPARATOR)
  if (
    !raw.subarray(0, PREFIX.length).equals(PREFIX) ||
    at < PREFIX.length ||
    !raw.subarray(end).equals(SUFFIX) ||
    at + SEPARATOR.length > end
  ) {
    return { kind: 'forged' }
  }
  const signed = raw.subarray(PREFIX.length, at)
  const given = raw.subarray(at + SEPARATOR.length, end)
  const expected = Buffer.from(createHmac('sha256', secret).update(signed).digest('hex').toUpperCase())
  // Constant time over equal lengths; a length mismatch says nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'forged' }
  const content = parseContent(signed)
  return content ? { kind: 'event', content } : { kind: 'malformed' }
}

function parseContent(bytes: Buffer): ExactWebhookContent | null {
  let c: Record<string, unknown>
  try {
    c = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
  } catch {
    return null
  }
  const division = typeof c.Division === 'number' ? c.Division : Number(c.Division)
  if (typeof c.Topic !== 'string' || !Number.isInteger(division) || typeof c.Action !== 'string') return null
  return {
    topic: c.Topic,
    division,
    action: c.Action,
    key: typeof c.Key === 'string' ? c.Key : '',
    endpoint: typeof c.ExactOnlineEndpoint === 'string' ? c.ExactOnlineEndpoint : null,
  }
}

/** The topics the service subscribes: entries (a bookkeeper's edit or delete) and the ones a payment fires. */
export const EXACT_WEBHOOK_TOPICS = [
  'SalesEntries',
  'PurchaseEntries',
  'BankEntries',
  'CashEntries',
  'FinancialTransactions',
] as const

/** Entry topics: an Update/Delete of an entry we booked is checked against what we booked. */
export function entryTypeOfTopic(topic: string): 'sales' | 'purchase' | null {
  return topic === 'SalesEntries' ? 'sales' : topic === 'PurchaseEntries' ? 'purchase' : null
}
