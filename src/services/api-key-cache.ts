/**
 * Which tenant an API key belongs to, remembered for `ttlMs` (5 s) so that a read costs no
 * look-up of its key. Keys never change, they are only created and deleted, so the only thing a
 * cached answer can miss is a revocation, and that is bounded:
 *
 * - an entry is valid until ttlMs after the look-up *started* (so a slow look-up does not stretch
 *   it), and a request that finds it expired looks the key up again before it is answered;
 * - every replica keeps its own cache under the same rule, so a key deleted at time t is refused
 *   by every replica from t + ttlMs on, with no message between replicas to lose;
 * - the replica that deletes the key forgets it at once.
 *
 * Unknown keys are not remembered: a new key works at once, and junk keys cannot fill the cache.
 */
export interface KeyOwner {
  keyId: string
  tenantId: string
}

interface Entry {
  owner: KeyOwner
  validUntil: number
}

export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>()
  private readonly inFlight = new Map<string, { startedAt: number; promise: Promise<KeyOwner | undefined> }>()

  constructor(
    private readonly lookUp: (keyHash: string) => Promise<KeyOwner | undefined>,
    private readonly opts: { ttlMs: number; maxEntries: number; now: () => number },
  ) {}

  async get(keyHash: string): Promise<KeyOwner | undefined> {
    const now = this.opts.now()
    const hit = this.entries.get(keyHash)
    if (hit && hit.validUntil > now) return hit.owner
    // Many requests with one key at once share one look-up, unless it began a whole period ago.
    const pending = this.inFlight.get(keyHash)
    if (pending && pending.startedAt + this.opts.ttlMs > now) return pending.promise
    const promise = this.lookUp(keyHash).then(
      (owner) => {
        // Not remembered when forget() came in between: that answer predates the deletion.
        if (this.inFlight.get(keyHash)?.promise === promise) {
          this.inFlight.delete(keyHash)
          this.entries.delete(keyHash)
          if (owner) this.remember(keyHash, { owner, validUntil: now + this.opts.ttlMs })
        }
        return owner
      },
      (error: unknown) => {
        if (this.inFlight.get(keyHash)?.promise === promise) this.inFlight.delete(keyHash)
        throw error
      },
    )
    this.inFlight.set(keyHash, { startedAt: now, promise })
    return promise
  }

  /** This replica deleted the key: refuse it from now on, not in ttlMs. */
  forget(keyHash: string): void {
    this.entries.delete(keyHash)
    this.inFlight.delete(keyHash)
  }

  private remember(keyHash: string, entry: Entry): void {
    // A Map iterates in insertion order: the first key is the one cached longest ago.
    if (this.entries.size >= this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(keyHash, entry)
  }
}
