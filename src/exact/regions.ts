import type { Region } from '../domain/region'

/** The region picks the host of the authorize page, the token endpoint and every API call of that tenant. */
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
