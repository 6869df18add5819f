import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/database'
import { findTenantIdByKeyHash, insertApiKey, insertTenant } from '../db/tenants-repository'

export interface CreatedTenant {
  id: string
  name: string
  /** Shown once; only its hash is stored. */
  apiKey: string
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export function generateApiKey(): string {
  return `eb_${randomBytes(32).toString('base64url')}`
}

export class TenantService {
  constructor(private readonly db: Db) {}

  async create(name: string, apiKey: string = generateApiKey()): Promise<CreatedTenant> {
    return this.db.transaction().execute(async (trx) => {
      const tenant = await insertTenant(trx, name)
      await insertApiKey(trx, tenant.id, hashApiKey(apiKey))
      return { ...tenant, apiKey }
    })
  }

  /** The tenant a key belongs to, or undefined: callers answer 401 without saying why. */
  async authenticate(apiKey: string): Promise<string | undefined> {
    return findTenantIdByKeyHash(this.db, hashApiKey(apiKey))
  }
}
