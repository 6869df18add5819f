import Big from 'big.js'
import { toMoney, type Money } from '../domain/money'

/**
 * Exact's wire format, in one place: the `{d: ...}` envelope, `/Date(ms)/`, Int64, padded codes,
 * OData literals and amounts. Nothing outside src/exact sees these shapes.
 */

export type WireRecord = Record<string, unknown>

export interface WirePage {
  results: WireRecord[]
  /** Absolute URL of the next page; absent on the last page. */
  next?: string
}

function envelope(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('d' in body)) {
    throw new TypeError('Exact answer has no "d" envelope')
  }
  return (body as { d: unknown }).d
}

/** A collection answer: `{d: {results, __next}}` or the older `{d: [...]}`. */
export function parseList(body: unknown): WirePage {
  const d = envelope(body)
  if (Array.isArray(d)) return { results: d as WireRecord[] }
  if (d !== null && typeof d === 'object' && Array.isArray((d as WireRecord).results)) {
    const next = (d as WireRecord).__next
    return {
      results: (d as { results: WireRecord[] }).results,
      next: typeof next === 'string' && next !== '' ? next : undefined,
    }
  }
  throw new TypeError('Exact answer "d" is not a collection')
}

/** A single entity: `{d: {...}}`; a one-row collection (as `current/Me` answers) is unwrapped. */
export function parseOne(body: unknown): WireRecord | null {
  const d = envelope(body)
  if (Array.isArray(d)) return (d[0] as WireRecord | undefined) ?? null
  if (d !== null && typeof d === 'object') {
    const results = (d as WireRecord).results
    if (Array.isArray(results)) return (results[0] as WireRecord | undefined) ?? null
    return d as WireRecord
  }
  throw new TypeError('Exact answer "d" is not an entity')
}

const DATE_RE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/

/**
 * `/Date(1723420800000)/` -> '2024-08-12'. Exact encodes Amsterdam wall-clock time as if it
 * were UTC, so the UTC calendar date is the Amsterdam date (a date-only field is midnight).
 * ISO strings (which some answers and our sandbox may use) are accepted too.
 */
export function parseDate(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null
  if (typeof value !== 'string') throw new TypeError(`not an Exact date: ${String(value)}`)
  const m = DATE_RE.exec(value)
  if (m) return new Date(Number(m[1])).toISOString().slice(0, 10)
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10)
  throw new TypeError(`not an Exact date: ${value}`)
}

/**
 * Edm.Int64 (`Timestamp`) arrives as a JSON number or a string; keep it as a decimal string.
 * A JSON number above 2^53 has already lost precision in JSON.parse; row versions are far below.
 */
export function parseInt64(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value).toString()
  if (typeof value === 'bigint') return value.toString()
  throw new TypeError(`not an Int64: ${String(value)}`)
}

/** An OData Int64 literal: `53346753L`. */
export function int64Literal(value: bigint | string | number): string {
  return `${BigInt(value).toString()}L`
}

/** `crm/Accounts.Code` is right-aligned in 18 characters; $filter must carry the spaces. */
export function padCode(code: string): string {
  return code.trim().padStart(18, ' ')
}

/** Codes come back padded (`'   255'`, VAT code `'2  '`, Country `'NL '`). */
export function trimCode(value: unknown): string {
  return typeof value === 'string' ? value.trim() : value === null || value === undefined ? '' : String(value)
}

export function optionalString(value: unknown): string | null {
  if (value === null || value === undefined) return null
  const s = String(value).trim()
  return s === '' ? null : s
}

/** An OData string literal with `'` doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isGuid(value: string): boolean {
  return GUID_RE.test(value)
}

/** `guid'…'`; refuses anything else so a bad id never reaches Exact (an error answer costs). */
export function guidLiteral(id: string): string {
  if (!isGuid(id)) throw new TypeError(`not a GUID: ${id}`)
  return `guid'${id.toLowerCase()}'`
}

/** `Entity(guid'…')` key path. */
export function keyPath(entity: string, id: string): string {
  return `${entity}(${guidLiteral(id)})`
}

/**
 * Exact's amounts are Edm.Double JSON numbers. `new Big(number)` reads the number's shortest
 * round-trip decimal form, so 1210.5 becomes "1210.50" with no float arithmetic on the way.
 */
export function amountFromWire(value: unknown): Money {
  if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) {
    return toMoney(new Big(value))
  }
  throw new TypeError(`not an Exact amount: ${String(value)}`)
}

export function optionalAmount(value: unknown): Money | null {
  return value === null || value === undefined ? null : amountFromWire(value)
}

/**
 * We send amounts as JSON numbers (Edm.Double, what Exact's own answers use), converted from
 * the decimal string at the last moment. A money string has at most 15 significant digits, so
 * the double's shortest form is the same decimal; the check proves it and refuses otherwise.
 */
export function amountToWire(value: Money): number {
  const n = Number(value)
  if (!Number.isFinite(n) || !new Big(n).eq(new Big(value))) {
    throw new RangeError(`amount ${value} cannot be sent exactly as a JSON number`)
  }
  return n
}

/** A fraction (VATCodes.Percentage 0.21) as a percent decimal string ("21"). */
export function percentFromFraction(value: unknown): string {
  if (value === null || value === undefined) return '0'
  return new Big(value as number | string).times(100).toString()
}

/** A value that is already a percent (2 -> "2"). */
export function percentFromPercent(value: unknown): string {
  if (value === null || value === undefined) return '0'
  return new Big(value as number | string).toString()
}

export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : fallback
}
