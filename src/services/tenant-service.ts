import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/database'
import {
  deleteTenantApiKey,
  insertTenantApiKey,
  listTenantApiKeys,
  tenantExists,
  useApiKey,
  type ApiKeyRecord,
} from '../db/api-keys-repository'
import { insertApiKey, insertTenant } from '../db/tenants-repository'
import { AppError } from '../domain/app-error'
import { ApiKeyCache } from './api-key-cache'

export interface CreatedTenant {
  id: string
  name: string
  /** Shown once; only its hash is stored. */
  apiKey: string
}

export type { ApiKeyRecord }

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export function generateApiKey(): string {
  return `eb_${randomBytes(32).toString('base64url')}`
}

/** How long a replica may answer from its cache after a key is deleted elsewhere (api-key-cache.ts). */
export const API_KEY_CACHE_MS = 5_000

export class TenantService {
  private readonly keys: ApiKeyCache

  constructor(
    private readonly db: Db,
    opts: { clock?: () => Date; cacheMs?: number } = {},
  ) {
    const clock = opts.clock ?? (() => new Date())
    this.keys = new ApiKeyCache((hash) => useApiKey(db, hash), {
      ttlMs: opts.cacheMs ?? API_KEY_CACHE_MS,
      maxEntries: 10_000,
      now: () => clock().getTime(),
    })
  }

  async create(name: string, apiKey: string = generateApiKey()): Promise<CreatedTenant> {
    return this.db.transaction().execute(async (trx) => {
      const tenant = await insertTenant(trx, name)
      await insertApiKey(trx, tenant.id, hashApiKey(apiKey))
      return { ...tenant, apiKey }
    })
  }

  /** The tenant a key belongs to, or undefined: callers answer 401 without saying why. */
  async authenticate(apiKey: string): Promise<string | undefined> {
    return (await this.keys.get(hashApiKey(apiKey)))?.tenantId
  }

  /** A new key for the tenant (rotation: create the new one, move the app over, delete the old). */
  async createApiKey(tenantId: string): Promise<ApiKeyRecord & { apiKey: string }> {
    await this.requireTenant(tenantId)
    const apiKey = generateApiKey()
    return { ...(await insertTenantApiKey(this.db, tenantId, hashApiKey(apiKey))), apiKey }
  }

  async listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    await this.requireTenant(tenantId)
    return listTenantApiKeys(this.db, tenantId)
  }

  /** Refused at once by this replica, and by every other within API_KEY_CACHE_MS. */
  async revokeApiKey(tenantId: string, keyId: string): Promise<void> {
    const hash = await deleteTenantApiKey(this.db, tenantId, keyId)
    if (hash === undefined) throw new AppError('not_found', `Tenant ${tenantId} has no API key ${keyId}.`)
    this.keys.forget(hash)
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if (!(await tenantExists(this.db, tenantId))) throw new AppError('not_found', `No tenant ${tenantId}.`)
  }
}
