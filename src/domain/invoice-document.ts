/**
 * The invoice's document as Exact takes it: a PDF, one attachment of one Exact document per booked
 * entry. Pure checks, used before anything is stored.
 */

/** Every PDF starts with `%PDF-` (ISO 32000-1, 7.5.2: the header line). */
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1')

export function isPdf(bytes: Uint8Array): boolean {
  return bytes.length >= PDF_MAGIC.length && PDF_MAGIC.every((b, i) => bytes[i] === b)
}

/**
 * Zenvoices (an Exact partner) documents "Maximum transaction document size: 7 MB (For NL/BE
 * administrations, the limit is 25 MB)" [L: no Exact page states it]. Read as decimal megabytes,
 * the lower of the two readings (MB or MiB), so a file this service accepts is never one Exact refuses.
 */
export const EXACT_DOCUMENT_LIMIT_NL_BE = 25_000_000
export const EXACT_DOCUMENT_LIMIT_ELSEWHERE = 7_000_000

/** The limit for an administration in `country` (null: not known yet, the configured limit holds), never above `configured`. */
export function documentLimitFor(country: string | null | undefined, configured: number): number {
  if (!country) return configured
  const exact = ['NL', 'BE'].includes(country.toUpperCase())
    ? EXACT_DOCUMENT_LIMIT_NL_BE
    : EXACT_DOCUMENT_LIMIT_ELSEWHERE
  return Math.min(exact, configured)
}

// eslint-disable-next-line no-control-regex -- control characters are what a file name may not carry
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f"\\/:*?<>|]/g

/** The file name Exact shows: the app's, cleaned of what a file system refuses, else the invoice number; always `.pdf`. */
export function documentFileName(requested: string | undefined, invoiceNumber: string): string {
  const base = (requested ?? '').replace(UNSAFE_IN_NAME, '_').trim() || `${invoiceNumber.replace(UNSAFE_IN_NAME, '_')}`
  const named = /\.pdf$/i.test(base) ? base : `${base}.pdf`
  return named.slice(-200)
}
