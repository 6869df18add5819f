import type { ExactClient } from './client'
import { ExactUnavailableError } from './errors'
import { int64Literal, numberOr, parseInt64, type WireRecord } from './wire'

/** Sync and bulk endpoints answer at most this many rows per call. */
const SYNC_PAGE = 1000

export interface SyncPage<T> {
  items: T[]
  /** The highest Timestamp seen so far: store it after the page is processed, resume from it. */
  maxTimestamp: string
}

/**
 * Pages of `sync/...?$filter=Timestamp gt {since}L`. Timestamp is a row version, not a clock.
 * Follows `__next`; when a full page comes without one, asks again from the highest Timestamp,
 * until a short page says the end is reached. Uses the client as given: pass a background one.
 */
export async function* syncPages<T>(
  client: ExactClient,
  path: string,
  select: string,
  since: bigint | string,
  map: (r: WireRecord) => T,
): AsyncGenerator<SyncPage<T>> {
  let max = BigInt(since)
  for (;;) {
    const from = max
    let lastPageSize = 0
    for await (const page of client.pages(path, { $filter: `Timestamp gt ${int64Literal(from)}`, $select: select })) {
      for (const r of page.results) {
        const ts = BigInt(parseInt64(r.Timestamp))
        if (ts > max) max = ts
      }
      lastPageSize = page.results.length
      yield { items: page.results.map(map), maxTimestamp: max.toString() }
    }
    if (lastPageSize < SYNC_PAGE || max === from) return
  }
}

/** A tombstone from sync/Deleted (deletions never appear in the other sync endpoints). */
export interface DeletedRecord {
  entityKey: string
  /** 1 TransactionLines, 2 Accounts, 10 PaymentTerms, ... (exact-online.md §5.9). */
  entityType: number
  timestamp: string
}

export function syncDeleted(client: ExactClient, since: bigint | string): AsyncGenerator<SyncPage<DeletedRecord>> {
  return syncPages(client, 'sync/Deleted', 'Timestamp,EntityKey,EntityType', since, (r) => ({
    entityKey: String(r.EntityKey),
    entityType: numberOr(r.EntityType, 0),
    timestamp: parseInt64(r.Timestamp),
  }))
}

/** Where a sync cursor should start to skip history older than `modified` (read/sync/Sync/SyncTimestamp). */
export async function syncTimestampAt(
  client: ExactClient,
  endPoint: 'PaymentTerms' | 'Deleted',
  modified: Date,
): Promise<string> {
  const at = modified.toISOString().slice(0, 19)
  const row = await client.get('read/sync/Sync/SyncTimestamp', {
    modified: `datetime'${at}'`,
    endPoint: `'${endPoint}'`,
  })
  const value = row?.TimeStampAsBigInt
  const text = typeof value === 'number' ? String(Math.trunc(value)) : typeof value === 'string' ? value.trim() : ''
  if (!/^\d+$/.test(text)) {
    throw new ExactUnavailableError({
      reason: 'bad_response',
      resource: 'read/sync/Sync/SyncTimestamp',
      message: 'no TimeStampAsBigInt in the answer',
    })
  }
  return text
}
