/**
 * Exact Online's country sites (exact-online.md §1). An Exact account lives on one of them and can
 * log in only there, so a Belgian tenant must be sent to start.exactonline.be: the region picks
 * the host of the authorize page, the token endpoint and every API call of that tenant.
 */
export const REGIONS = ['nl', 'be', 'de', 'uk', 'fr', 'es', 'us'] as const
export type Region = (typeof REGIONS)[number]

const HOSTS: Record<Region, string> = {
  nl: 'https://start.exactonline.nl',
  be: 'https://start.exactonline.be',
  de: 'https://start.exactonline.de',
  uk: 'https://start.exactonline.co.uk',
  fr: 'https://start.exactonline.fr',
  es: 'https://start.exactonline.es',
  us: 'https://start.exactonline.com',
}

/** The host for a region; `override` (EXACT_BASE_URL: the sandbox, a proxy) wins for every region. */
export function baseUrlFor(region: Region, override?: string): string {
  return override ?? HOSTS[region]
}
