/**
 * The export marker, `xb-` + 8 Crockford base32 characters (40 random bits): short enough to leave
 * room for the description in Exact's 60 characters, unique enough for one tenant's invoice number
 * (the marker is only ever looked up together with YourRef = the invoice number). Crockford's
 * alphabet has no I, L, O or U, so a person can read it back from Exact's screen. The randomness is
 * passed in (crypto.randomBytes(5) in the service) to keep this pure.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const MARKER_BYTES = 5
export const MARKER_PATTERN = /^xb-[0-9A-HJKMNP-TV-Z]{8}$/

export function newMarker(randomBytes: Uint8Array): string {
  if (randomBytes.length < MARKER_BYTES) {
    throw new RangeError(`a marker needs ${MARKER_BYTES} random bytes, got ${randomBytes.length}`)
  }
  let bits = 0n
  for (let i = 0; i < MARKER_BYTES; i++) bits = (bits << 8n) | BigInt(randomBytes[i])
  let text = ''
  for (let i = 7; i >= 0; i--) text += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)]
  return `xb-${text}`
}

export function isMarker(value: string): boolean {
  return MARKER_PATTERN.test(value)
}
