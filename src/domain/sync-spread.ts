/**
 * Spreading tenants' scheduled syncs over the window between two cron fires, so a thousand tenants
 * do not all call Exact in the same minute. Pure: the caller passes the tenant ids and the window.
 */

/** FNV-1a (32 bit): stable across processes and releases, unlike anything seeded. */
export function stableHash(value: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

export const SLOT_MS = 60_000
/** The last tenth of the window stays free, so the last slot's sync ends before the next window. */
const USABLE = 0.9

/**
 * Each tenant's offset from the window's start. Tenants are ordered by a stable hash of their id
 * (ties by id) and dealt out evenly over the usable minutes, so no minute gets more than
 * ceil(n / minutes) tenants; a hash alone would pile up several in some minutes.
 */
export function spreadOffsets(tenantIds: readonly string[], windowMs: number, slotMs = SLOT_MS): Map<string, number> {
  const slots = Math.max(1, Math.floor((windowMs * USABLE) / slotMs))
  const ordered = [...new Set(tenantIds)].sort((a, b) => stableHash(a) - stableHash(b) || (a < b ? -1 : a > b ? 1 : 0))
  const offsets = new Map<string, number>()
  ordered.forEach((id, i) => offsets.set(id, Math.floor((i * slots) / ordered.length) * slotMs))
  return offsets
}

/** Tenants per slot, for the histogram the benchmark prints. */
export function slotHistogram(offsets: ReadonlyMap<string, number>, windowMs: number, slotMs = SLOT_MS): number[] {
  const counts = new Array<number>(Math.max(1, Math.ceil(windowMs / slotMs))).fill(0)
  for (const offset of offsets.values()) counts[Math.floor(offset / slotMs)]! += 1
  return counts
}
