import { sql, type Selectable } from 'kysely'
import type { Executor } from './database'
import type { TenantSettingsTable } from './schema'

/** The stored document is the domain Settings; the service checks it against SettingsSchema on read. */
export interface SettingsRow {
  tenantId: string
  settings: unknown
  /** JSON pointers of values proposed from Exact and not changed by the tenant since. */
  proposedFields: string[]
  /** What the last proposal left out and why ({field, code, message}); empty after a PUT. */
  proposalProblems: Array<{ field: string; code: string; message: string }>
  updatedAt: Date
}

function rowToSettings(row: Selectable<TenantSettingsTable>): SettingsRow {
  return {
    tenantId: row.tenant_id,
    settings: row.settings,
    proposedFields: Array.isArray(row.proposed_fields) ? (row.proposed_fields as string[]) : [],
    proposalProblems: Array.isArray(row.proposal_problems)
      ? (row.proposal_problems as SettingsRow['proposalProblems'])
      : [],
    updatedAt: row.updated_at,
  }
}

export async function findSettings(db: Executor, tenantId: string): Promise<SettingsRow | undefined> {
  const row = await db.selectFrom('tenant_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
  return row && rowToSettings(row)
}

/** Holds the row until the transaction ends, so a proposal and a PUT do not interleave. */
export async function lockSettings(trx: Executor, tenantId: string): Promise<SettingsRow | undefined> {
  const row = await trx
    .selectFrom('tenant_settings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .forUpdate()
    .executeTakeFirst()
  return row && rowToSettings(row)
}

export async function saveSettings(
  db: Executor,
  tenantId: string,
  settings: unknown,
  proposedFields: string[],
  proposalProblems: SettingsRow['proposalProblems'] = [],
): Promise<SettingsRow> {
  const values = {
    settings: JSON.stringify(settings),
    proposed_fields: JSON.stringify(proposedFields),
    proposal_problems: JSON.stringify(proposalProblems),
  }
  const row = await db
    .insertInto('tenant_settings')
    .values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow()
  return rowToSettings(row)
}

/** Where a tenant's webhooks go now and the secret that signs them; undefined when none is set. */
export async function findWebhookTarget(
  db: Executor,
  tenantId: string,
): Promise<{ url: string; secret: string } | undefined> {
  const row = await db
    .selectFrom('tenant_settings')
    .select([
      sql<string | null>`settings->'webhook'->>'url'`.as('url'),
      sql<string | null>`settings->'webhook'->>'secret'`.as('secret'),
    ])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  return row?.url && row.secret ? { url: row.url, secret: row.secret } : undefined
}
