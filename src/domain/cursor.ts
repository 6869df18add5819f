import { ERRORS } from './app-error'

/**
 * The one page-cursor codec of every paged list (exports, webhook deliveries, the payment-status
 * feed): a cursor is the base64url of a JSON array of strings, the last row's sort key. Decoding
 * checks every position against its pattern, so a forged cursor is a 400 (`ERRORS.invalidCursor`)
 * and never reaches Postgres as a bad cast (a 500).
 */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/** The cursor's values, one per pattern; undefined when it is not a cursor of this shape. */
export function tryDecodeCursor(cursor: string, patterns: readonly RegExp[]): string[] | undefined {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (
      Array.isArray(values) &&
      values.length === patterns.length &&
      values.every((v, i) => typeof v === 'string' && patterns[i]!.test(v))
    )
      return values as string[]
  } catch {
    // not base64url JSON
  }
  return undefined
}

/** As tryDecodeCursor, but a cursor of another shape is refused for `field` (e.g. 'querystring/cursor'). */
export function decodeCursor(cursor: string, patterns: readonly RegExp[], field: string, accepted?: string): string[] {
  const values = tryDecodeCursor(cursor, patterns)
  if (!values) throw ERRORS.invalidCursor(field, accepted)
  return values
}

/** A timestamptz as Postgres prints it (`created_at::text`: microseconds, which a JS Date would drop). */
export const POSTGRES_TIME =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}(:[0-9]{2})?$/
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The keyset cursor of a list ordered by (created_at, id): the previous page's last row. */
export interface TimeIdCursor {
  cursorTime: string
  id: string
}

export function encodeTimeIdCursor(c: TimeIdCursor): string {
  return encodeCursor([c.cursorTime, c.id])
}

export function decodeTimeIdCursor(cursor: string, field: string): TimeIdCursor {
  const [cursorTime, id] = decodeCursor(cursor, [POSTGRES_TIME, UUID], field)
  return { cursorTime: cursorTime!, id: id! }
}
