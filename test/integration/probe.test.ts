import { spawn } from 'node:child_process'
import { ADMIN_KEY, sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import { findReceivablesListFilter } from '../../src/db/connection-capabilities-repository'

/**
 * The conformance probe against the sandbox: every assumption holds under its default behaviour,
 * and each one shows MISMATCH when the sandbox is switched to the other answer. Its cost is read
 * from the sandbox's stats, and it leaves nothing booked (the ledger).
 */

let h: Harness
let t: TenantApi

interface Report {
  allHold: boolean
  exactCalls: number
  errorAnswers: number
  checks: Array<{ id: string; ok: boolean; observed: string }>
  adaptations: Record<string, string | null>
}

async function probe(write = true): Promise<Report> {
  await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
  const res = await h.app.inject({
    method: 'POST',
    url: `/admin/tenants/${t.id}/probe`,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    payload: { write },
  })
  expect(res.statusCode).toBe(200)
  const report = res.json() as Report
  const stats = await sandboxJson<{ calls: number; errorAnswers: number }>(h, '/_sandbox/stats')
  expect(report.exactCalls).toBe(stats.calls)
  expect(stats.calls).toBeLessThanOrEqual(15)
  expect(stats.errorAnswers).toBeLessThanOrEqual(3)
  expect((await t.entries()).filter((e) => !e.deleted)).toEqual([])
  return report
}

const failing = (r: Report) => r.checks.filter((c) => !c.ok).map((c) => c.id)

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
  t = await connectedTenant(h, 'Probe BV')
  // The write probe books on an existing customer: one invoice booked and undone leaves one.
  await t.put('inv-1', makeInvoice())
  const exported = await t.exportIt('inv-1')
  expect(exported.statusCode).toBe(201)
  expect((await t.call('DELETE', `/exports/${exported.json().id}`)).statusCode).toBe(200)
})
afterAll(async () => h.close())
afterEach(async () => {
  await sandboxJson(h, '/_sandbox/behaviour', {
    method: 'PUT',
    body: {
      discountPercentScale: 'fraction',
      entryDescriptionFilter: 'supported',
      deletedEntryStatus: 403,
      receivablesListFilter: 'supported',
    },
  })
})

it('holds everywhere under the sandbox defaults, and is kept for GET /connection/probe', async () => {
  const report = await probe()
  expect(failing(report)).toEqual([])
  expect(report.allHold).toBe(true)
  expect(report.checks.map((c) => c.id)).toEqual(
    expect.arrayContaining([
      'divisions',
      'discount_scale',
      'description_filter',
      'receivables_list_filter',
      'post_totals',
      'vat_base',
      'open_item_discount',
      'delete',
      'delete_again',
    ]),
  )
  expect(report.adaptations).toEqual({
    discountPercentScale: 'fraction',
    receivablesListFilter: 'supported',
    entryDescriptionFilter: 'supported',
  })
  const stored = await t.call('GET', '/connection/probe')
  expect(stored.json()).toEqual(report)
})

it.each([
  [{ discountPercentScale: 'percent' }, 'discount_scale', { discountPercentScale: 'percent' }],
  [{ entryDescriptionFilter: 'refused' }, 'description_filter', { entryDescriptionFilter: 'refused' }],
  [{ receivablesListFilter: 'refused' }, 'receivables_list_filter', { receivablesListFilter: 'refused' }],
  [{ deletedEntryStatus: 404 }, 'delete_again', {}],
])('shows MISMATCH when the sandbox answers otherwise: %j', async (behaviour, check, adaptation) => {
  await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: behaviour })
  const report = await probe()
  expect(failing(report)).toEqual([check])
  expect(report.allHold).toBe(false)
  expect(report.adaptations).toMatchObject(adaptation)
  // The live payment look-up follows the finding (it no longer asks a refused ReceivablesList filter).
  const capability = await findReceivablesListFilter(h.database.db, t.id)
  expect(capability).toBe(check === 'receivables_list_filter' ? 'refused' : 'supported')
})

it('npm run exact:probe prints the table and exits 1 on a mismatch, 0 when all hold', async () => {
  const run = () =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', 'src/probe-cli.ts', '--tenant', t.id, '--url', h.url],
        {
          env: { ...process.env, ADMIN_API_KEY: ADMIN_KEY, NODE_ENV: 'test' },
        },
      )
      let out = ''
      child.stdout.on('data', (d) => {
        out += String(d)
      })
      child.on('close', (code) => resolve({ code, out }))
    })
  const ok = await run()
  expect(ok.code).toBe(0)
  expect(ok.out).toMatch(/\| assumption \| observed \| result \| what the service does \|/)
  expect(ok.out).toMatch(/all hold/)
  await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { entryDescriptionFilter: 'refused' } })
  const mismatch = await run()
  expect(mismatch.code).toBe(1)
  expect(mismatch.out).toMatch(/\| MISMATCH \|/)
}, 60_000)
