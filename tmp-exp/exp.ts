import { Pool } from 'pg'
import { createDb } from '../src/db/database'
import { migrateToLatest } from '../src/db/migrate'
import { startDatabase } from '../bench/support'
import { sql } from 'kysely'

async function main() {
  const d = await startDatabase('exp')
  const db = createDb(d.url)
  await migrateToLatest(db)
  const t = await db.insertInto('tenants').values({ name: 'x' }).returning('id').executeTakeFirstOrThrow()
  for (let i = 0; i < 200; i++) {
    await db.insertInto('invoices').values({ tenant_id: t.id, id: `inv-${i}`, type: 'sales', number: `n${i}`, content: JSON.stringify({ currency: 'EUR', totals: { gross: '1.00' }, lines: Array.from({ length: 20 }, () => ({ description: 'x'.repeat(50) })) }), content_hash: 'h' }).execute()
    const e = await db.insertInto('exports').values({ tenant_id: t.id, invoice_id: `inv-${i}`, type: 'sales', status: 'exported', marker: `m${i}`, content_hash: 'h', invoice_number: `n${i}`, entry_id: '00000000-0000-4000-8000-000000000001', total: '1.00' } as never).returning('id').executeTakeFirstOrThrow()
    await db.insertInto('payment_states').values({ export_id: e.id, tenant_id: t.id, invoice_id: `inv-${i}`, status: 'paid', amount: '1.00', paid: '1.00', discount: '0', outstanding: '0', currency: 'EUR', checked_at: new Date(), source: 'live' } as never).execute()
  }
  const pool = new Pool({ connectionString: d.url, max: 1 })
  const { rows: [ps] } = await pool.query('select export_id from payment_states limit 1')
  const q = sql`select 1`.compile(db)
  void q
  const { findStoredStatuses } = await import('../src/db/payment-status-repository')
  const unnestSql = `select q.id as invoice_id, i.id is not null as invoice_found, t.export_id, t.export_status, t.entry_id, t.total,
  p.status, p.amount, p.paid, p.discount, p.outstanding, p.currency, p.last_payment_date, p.checked_at,
  case when p.export_id is null then i.content->>'currency' end as invoice_currency,
  case when t.export_id is null then i.content->'totals'->>'gross' end as invoice_gross
  from unnest($2::text[]) with ordinality as q(id, n)
  left join invoices i on i.tenant_id = $1::uuid and i.id = q.id
  left join lateral (
    select e.id as export_id, e.status as export_status, e.entry_id, coalesce(e.exact_total, e.total) as total
    from exports e where e.tenant_id = i.tenant_id and e.invoice_id = i.id
    order by (e.status in ('pending', 'exported')) desc, e.created_at desc limit 1
  ) t on true
  left join payment_states p on p.export_id = t.export_id
  order by q.n`
  const lazySql = `select q.id as invoice_id, t.export_id, t.export_status, t.entry_id, t.total,
  p.status, p.amount, p.paid, p.discount, p.outstanding, p.currency, p.last_payment_date, p.checked_at,
  case when t.export_id is null then exists (select from invoices i where i.tenant_id = $1::uuid and i.id = q.id) else true end as invoice_found,
  case when p.export_id is null then (select i.content->>'currency' from invoices i where i.tenant_id = $1::uuid and i.id = q.id) end as invoice_currency,
  case when t.export_id is null then (select i.content->'totals'->>'gross' from invoices i where i.tenant_id = $1::uuid and i.id = q.id) end as invoice_gross
  from unnest($2::text[]) with ordinality as q(id, n)
  left join lateral (
    select e.id as export_id, e.status as export_status, e.entry_id, coalesce(e.exact_total, e.total) as total
    from exports e where e.tenant_id = $1::uuid and e.invoice_id = q.id
    order by (e.status in ('pending', 'exported')) desc, e.created_at desc limit 1
  ) t on true
  left join payment_states p on p.export_id = t.export_id
  order by q.n`
  const singleSql = lazySql.replace('from unnest($2::text[]) with ordinality as q(id, n)', 'from (select $2::text as id) q').replace('order by q.n', '')
  const N = 3000
  const time = async (name: string, f: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 300; i++) await f(i)
    const s = performance.now()
    for (let i = 0; i < N; i++) await f(i)
    console.log(name, ((performance.now() - s) * 1000 / N).toFixed(0), 'us/query')
  }
  await time('bare pk', () => pool.query('select * from payment_states where export_id = $1', [ps.export_id]))
  await time('unnest unnamed', (i) => pool.query(unnestSql, [t.id, [`inv-${i % 200}`]]))
  await time('unnest named', (i) => pool.query({ name: 'ps', text: unnestSql, values: [t.id, [`inv-${i % 200}`]] }))
  await time('lazy named', (i) => pool.query({ name: 'lz', text: lazySql, values: [t.id, [`inv-${i % 200}`]] }))
  await time('single named', (i) => pool.query({ name: 'sg', text: singleSql, values: [t.id, `inv-${i % 200}`] }))
  await pool.query('set plan_cache_mode = force_generic_plan')
  await time('lazy named generic', (i) => pool.query({ name: 'lz2', text: lazySql, values: [t.id, [`inv-${i % 200}`]] }))
  await time('single named generic', (i) => pool.query({ name: 'sg2', text: singleSql, values: [t.id, `inv-${i % 200}`] }))
  await time('bare pk again', () => pool.query('select * from payment_states where export_id = $1', [ps.export_id]))
  await time('kysely prepared (pool 10)', (i) => findStoredStatuses(db, t.id, [`inv-${i % 200}`]))
  const ex = await pool.query('explain analyze ' + lazySql.replace('$2::text[]', "array['inv-5']").replaceAll('$1::uuid', `'${t.id}'`))
  console.log(ex.rows.map((r) => r['QUERY PLAN']).join('\n'))
  await pool.end(); await db.destroy(); await d.stop()
}
main().catch((e) => { console.error(e); process.exit(1) })
