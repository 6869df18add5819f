/**
 * Exact Online's country sites (exact-online.md §1). An Exact account lives on one of them and can
 * log in only there, so a Belgian tenant must be sent to start.exactonline.be (exact/regions.ts).
 */
export const REGIONS = ['nl', 'be', 'de', 'uk', 'fr', 'es', 'us'] as const
export type Region = (typeof REGIONS)[number]
