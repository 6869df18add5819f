import type { Db } from '../db/database'
import { findTenantByName, insertApiKey } from '../db/tenants-repository'
import type { Services } from './index'
import { hashApiKey } from './tenant-service'

export const DEMO_TENANT = 'demo'

/**
 * Sandbox mode's ready-to-use tenant. It is connected through the real OAuth flow against the
 * sandbox (authorize -> redirect with a code -> token exchange -> current/Me), the same code path
 * a real tenant takes. The sandbox keeps its ledger in memory, so each start connects anew.
 */
export async function ensureDemoTenant(
  db: Db,
  services: Services,
  apiKey: string,
): Promise<{ tenantId: string; division: number }> {
  const existing = await findTenantByName(db, DEMO_TENANT)
  let tenantId: string
  if (existing) {
    tenantId = existing.id
    if ((await services.tenants.authenticate(apiKey)) !== tenantId) await insertApiKey(db, tenantId, hashApiKey(apiKey))
  } else {
    tenantId = (await services.tenants.create(DEMO_TENANT, apiKey)).id
  }
  const { authorizeUrl } = await services.connections.startAuthorization(tenantId)
  // The browser's part: the sandbox approves at once and redirects to our callback with a code.
  const consent = await fetch(authorizeUrl, { redirect: 'manual' })
  await consent.arrayBuffer()
  const location = consent.headers.get('location')
  if (consent.status !== 302 || !location)
    throw new Error(`sandbox authorize answered ${consent.status} without a redirect`)
  const redirect = new URL(location)
  const code = redirect.searchParams.get('code')
  const state = redirect.searchParams.get('state')
  if (!code || !state) throw new Error('sandbox redirect carried no code or state')
  const { division } = await services.connections.completeAuthorization(state, code)
  if (division === null) throw new Error('the sandbox grant reached several divisions; the demo tenant needs one')
  return { tenantId, division }
}
