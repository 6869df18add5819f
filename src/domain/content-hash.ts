import { createHash } from 'node:crypto'
import Big from 'big.js'
import type { Invoice, InvoiceLine } from './invoice'

/**
 * sha256 (hex) of the invoice's booking-relevant content as canonical JSON: keys sorted, undefined
 * dropped, decimals in one form ("10.50" = "10.5", "21.0" = "21"). Same content, same hash; any
 * change that would change the entry or the relation it is booked on gives a new hash.
 *
 * Left out on purpose, because they never reach the entry: `totals` (checked to equal what the lines
 * give, so redundant), `party.email` and `party.address` (contact details, used only to create a
 * relation). Changing them must not flag a booked invoice as changed since export. Everything else
 * counts, including line order and descriptions (both are visible in Exact).
 */
export function invoiceContentHash(invoice: Invoice): string {
  const { totals: _totals, party, lines, ...rest } = invoice
  const { email: _email, address: _address, ...bookedParty } = party
  const content = { ...rest, party: bookedParty, lines: lines.map(normaliseLine) }
  return createHash('sha256').update(canonicalJson(content)).digest('hex')
}

function normaliseLine(line: InvoiceLine): InvoiceLine {
  return {
    ...line,
    netAmount: decimal(line.netAmount),
    vatRate: decimal(line.vatRate),
    vatAmount: line.vatAmount === undefined ? undefined : decimal(line.vatAmount),
    quantity: line.quantity === undefined ? undefined : decimal(line.quantity),
  }
}

function decimal(value: string): string {
  return new Big(value).toFixed()
}

/** JSON with object keys sorted at every level and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}
