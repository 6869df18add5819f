/**
 * How the recovery pass backs off a pending export it could not settle (issue 10, item 3): one
 * minute after the first miss, doubling up to six hours. After MAX_RECOVERY_ATTEMPTS misses (about a
 * day of trying) the export is failed with `needs_attention`: a person has to look at it.
 */
export const FIRST_RECOVERY_DELAY_MS = 60_000
export const MAX_RECOVERY_DELAY_MS = 6 * 60 * 60_000
export const MAX_RECOVERY_ATTEMPTS = 12

/** The wait after the `misses`-th miss (1-based). */
export function recoveryDelayMs(misses: number): number {
  const doublings = Math.max(0, misses - 1)
  // 2^30 minutes is far past the cap; Math.min keeps the exponent from growing without bound.
  return Math.min(MAX_RECOVERY_DELAY_MS, FIRST_RECOVERY_DELAY_MS * 2 ** Math.min(doublings, 30))
}
