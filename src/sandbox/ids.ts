import { createHash, randomBytes } from 'node:crypto'

function guidFromSeed(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex')
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** Stable guid for seeded data, so a reset does not change the ids a client may have cached. */
export function seededGuid(division: number, kind: string, code: string): string {
  return guidFromSeed(`seed:${division}:${kind}:${code}`)
}

/**
 * Guids for created records: derived from a counter, so the same calls in a fresh sandbox give the
 * same ids, and never reused after a reset. The counter doubles as creation order for $skiptoken.
 */
export class IdFactory {
  private counter = 0
  private readonly seqById = new Map<string, number>()

  next(): string {
    this.counter += 1
    const id = guidFromSeed(`rec:${this.counter}`)
    this.seqById.set(id, this.counter)
    return id
  }

  seqOf(id: string): number | undefined {
    return this.seqById.get(id.toLowerCase())
  }
}

/** Opaque secrets look like Exact's: base64 with '+', '/', '=' and a '!', so clients must URL-encode them. */
export function opaqueToken(prefix: string, bytes: number): string {
  return `${prefix}!${randomBytes(bytes).toString('base64')}`
}
