import createClient from 'openapi-fetch'
import type { paths } from './schema'

export type * from './schema'

/**
 * A typed client of exact-bridge, generated from openapi/openapi.json (`npm run client`): paths,
 * bodies and answers are checked against the spec at compile time. `apiKey` is a tenant's key, or
 * ADMIN_API_KEY for the /admin routes. Error answers come back as `error`, typed as `Problem`.
 */
export function createExactBridgeClient(baseUrl: string, apiKey: string) {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${apiKey}` } })
}

export type ExactBridgeClient = ReturnType<typeof createExactBridgeClient>
