/**
 * The Belgian structured communication (gestructureerde mededeling / communication structurée,
 * OGM-VCS): 10 digits and 2 check digits, written `+++123/4567/89012+++`. The check digits are the
 * 10-digit number modulo 97, with 97 for a remainder of 0. Banks and Exact's bank import match a
 * payment to its invoice by it, so a payer who quotes it needs no bookkeeper to be matched.
 */

const SHAPE = /^(?:\+\+\+|\*\*\*)(\d{3})\/(\d{4})\/(\d{5})(?:\+\+\+|\*\*\*)$/

/** Looks like a structured communication (`+++…+++` or `***…***`), right or wrong check digits. */
export function looksStructured(reference: string): boolean {
  return /^(?:\+\+\+|\*\*\*)/.test(reference.trim())
}

/** A well-formed structured communication whose check digits agree with its 10 digits. */
export function isValidStructuredReference(reference: string): boolean {
  const m = SHAPE.exec(reference.trim())
  if (!m) return false
  const digits = `${m[1]}${m[2]}${m[3]}`
  return checkDigits(digits.slice(0, 10)) === digits.slice(10)
}

/**
 * The structured communication for an invoice number: its digits, right-aligned in 10 (only the
 * last 10 when there are more, so 2026-000123 and 12026-000123 would share one: such numbers are
 * unusual enough, and Exact still matches the amount). null when the number has no digit at all.
 */
export function structuredReferenceFor(invoiceNumber: string): string | null {
  const digits = invoiceNumber.replace(/\D/g, '')
  if (digits === '') return null
  const base = digits.slice(-10).padStart(10, '0')
  const all = `${base}${checkDigits(base)}`
  return `+++${all.slice(0, 3)}/${all.slice(3, 7)}/${all.slice(7)}+++`
}

function checkDigits(tenDigits: string): string {
  const rest = BigInt(tenDigits) % 97n
  return String(rest === 0n ? 97n : rest).padStart(2, '0')
}
