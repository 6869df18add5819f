import { type Kysely, sql } from 'kysely'

/**
 * A connection lives on its tenant's country host (region) and in the administration the tenant
 * chose among those the grant reaches; until it chooses, the connection is `division_required`.
 * `token_version` grows with every stored token pair, so a replica's cached access token can be
 * told stale from the row alone. The chart of each division is cached here, shared by replicas.
 * Probe findings are kept per tenant so the service can adapt to what the administration does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const regions = sql.raw(`'nl', 'be', 'de', 'uk', 'fr', 'es', 'us'`)
  await sql`alter table exact_connections drop constraint exact_connections_status_check`.execute(db)
  await sql`
    alter table exact_connections
      add column region text not null default 'nl' check (region in (${regions})),
      alter column division drop not null,
      add column divisions jsonb not null default '[]',
      add column token_version integer not null default 1,
      add column access_token_rejected_at timestamptz,
      add constraint exact_connections_status_check check (status in ('connected', 'division_required', 'reauthorize_needed')),
      add constraint exact_connections_division_chosen check (status <> 'connected' or division is not null)
  `.execute(db)
  await sql`alter table oauth_states add column region text not null default 'nl' check (region in (${regions}))`.execute(
    db,
  )

  await db.schema
    .createTable('exact_charts')
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('division', 'integer', (c) => c.notNull())
    .addColumn('chart', 'jsonb', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('exact_charts_pk', ['base_url', 'division'])
    .execute()

  await db.schema
    .createTable('exact_probes')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('division', 'integer', (c) => c.notNull())
    .addColumn('findings', 'jsonb', (c) => c.notNull())
    .addColumn('exact_calls', 'integer', (c) => c.notNull())
    .addColumn('ran_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only')
}
