import { createHash } from 'node:crypto'

/**
 * The mark an account we create carries in its Remarks (review M3): Exact has no idempotency key
 * and does not deduplicate accounts by name, so after a lost answer to the create, a party known
 * only by its name would otherwise be created twice. The same tenant and party always give the
 * same mark (a hash, so the app's party id is not written into Exact), so it is found again
 * whichever process or attempt asks.
 */
export function partyMarker(tenantId: string, partyId: string): string {
  return `xb-p-${createHash('sha256').update(`${tenantId}\u0000${partyId}`).digest('hex').slice(0, 16)}`
}

export function partyRemarks(marker: string): string {
  return `Created by exact-bridge (${marker})`
}
