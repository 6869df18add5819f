import { amsterdamWallClock } from './dates'

/** The sync endpoints whose row versions SyncTimestamp can look up (picqer SyncTimestamp.php). */
export type SyncEndpoint = 'TransactionLines' | 'PaymentTerms' | 'Deleted' | 'Accounts'
export const SYNC_ENDPOINTS: readonly SyncEndpoint[] = ['TransactionLines', 'PaymentTerms', 'Deleted', 'Accounts']

/**
 * A division's Int64 row-version counter, shared by all entities as in Exact, with the sandbox-clock
 * time each version was issued, so `read/sync/Sync/SyncTimestamp` can answer "the highest version
 * issued before <modified>". Never reset, so stored sync positions stay valid across /_sandbox/reset.
 */
export class SyncStamps {
  private next: number
  private readonly issued: Array<{ ts: number; wallMs: number; endpoint: SyncEndpoint }> = []

  constructor(first: number) {
    this.next = first
  }

  issue(endpoint: SyncEndpoint, atMs: number): number {
    this.next += 1
    this.issued.push({ ts: this.next, wallMs: amsterdamWallClock(atMs), endpoint })
    return this.next
  }

  /** Highest version of `endpoint` issued before the wall-clock time `beforeWallMs`; 1 when none (a first run). */
  highestBefore(endpoint: SyncEndpoint, beforeWallMs: number): number {
    let highest = 1
    for (const s of this.issued) {
      if (s.endpoint === endpoint && s.wallMs < beforeWallMs && s.ts > highest) highest = s.ts
    }
    return highest
  }
}
