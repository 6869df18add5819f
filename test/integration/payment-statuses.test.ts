import { sql } from 'kysely'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import { waitUntil } from '../helpers/wait'

/**
 * GET /payment-statuses: many invoices in one call, answered from the database alone (the
 * sandbox's call counter proves it), and the change feed an app that missed webhooks catches up
 * with. Payments are booked in the sandbox's ledger and read into the database by the service.
 */
let h: Harness
let key: string
let otherKey: string
let division: number
const api = (url: string, apiKey = key) =>
  h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${apiKey}` } })
const calls = async (): Promise<number> => (await sandboxJson(h, '/_sandbox/stats')).calls
const pay = (entryNumber: number, amount: string) =>
  sandboxJson(h, `/_sandbox/divisions/${division}/payments`, {
    method: 'POST',
    body: { entryNumber, amount, date: '2026-11-24' },
  })
const ids = (...list: string[]) => list.map((id) => `invoiceId=${encodeURIComponent(id)}`).join('&')

let n = 0
async function exported(): Promise<{ id: string; entryNumber: number }> {
  const id = `batch-${++n}`
  const res = await h.app.inject({
    method: 'POST',
    url: `/invoices/${id}/export`,
    headers: { authorization: `Bearer ${key}` },
    payload: makeInvoice(),
  })
  expect(res.statusCode).toBe(201)
  return { id, entryNumber: res.json().entryNumber }
}
/** A live read: what the service learns from Exact is stored. */
async function readLive(id: string): Promise<void> {
  expect((await api(`/invoices/${id}/payment-status`)).json().source).toBe('live')
}

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
  const tenant = await connectedTenant(h, 'Batch')
  key = tenant.apiKey
  division = tenant.division
  otherKey = (await connectedTenant(h, 'Other')).apiKey
})
afterAll(async () => h?.close())

test('one call answers many invoices from the database, in the order asked, unknown ids as not_found', async () => {
  const paid = await exported()
  const partly = await exported()
  const unread = await exported()
  const stored = `stored-${n}`
  expect(
    (
      await h.app.inject({
        method: 'PUT',
        url: `/invoices/${stored}`,
        headers: { authorization: `Bearer ${key}` },
        payload: makeInvoice(),
      })
    ).statusCode,
  ).toBe(201)
  await pay(paid.entryNumber, '1210.00')
  await pay(partly.entryNumber, '500.00')
  await readLive(paid.id)
  await readLive(partly.id)

  const before = await calls()
  const res = await api(`/payment-statuses?${ids(partly.id, 'nope', paid.id, unread.id, stored)}`)
  expect(res.statusCode).toBe(200)
  expect(await calls()).toBe(before)
  const body = res.json()
  expect(body.items.map((i: { invoiceId: string; status: string }) => [i.invoiceId, i.status])).toEqual([
    [partly.id, 'partially_paid'],
    ['nope', 'not_found'],
    [paid.id, 'paid'],
    [unread.id, 'unpaid'],
    [stored, 'not_exported'],
  ])
  const [p, missing, full, fresh, notExported] = body.items
  expect(p).toMatchObject({
    amount: '1210.00',
    paid: '500.00',
    outstanding: '710.00',
    currency: 'EUR',
    source: 'stored',
    checkedAt: expect.any(String),
  })
  expect(full).toMatchObject({ paid: '1210.00', outstanding: '0.00', source: 'stored', checkedAt: expect.any(String) })
  // Never read from Exact: unpaid for its booked total, and checkedAt says Exact was not asked.
  expect(fresh).toMatchObject({
    amount: '1210.00',
    paid: '0.00',
    outstanding: '1210.00',
    checkedAt: null,
    source: 'stored',
  })
  expect(notExported).toMatchObject({ amount: '1210.00', currency: 'EUR', checkedAt: null })
  expect(missing).toEqual({
    invoiceId: 'nope',
    status: 'not_found',
    amount: null,
    paid: null,
    discount: null,
    outstanding: null,
    currency: null,
    lastPaymentDate: null,
    checkedAt: null,
    source: 'stored',
  })
  expect(body).toMatchObject({ nextCursor: null, hasMore: false })

  // The same answer as the single read gives for a stored (paid) invoice.
  expect((await api(`/invoices/${paid.id}/payment-status`)).json()).toEqual(full)
  // Another tenant's key sees none of them.
  const other = (await api(`/payment-statuses?${ids(paid.id, partly.id)}`, otherKey)).json()
  expect(other.items.map((i: { status: string }) => i.status)).toEqual(['not_found', 'not_found'])
})

test('the ids are checked: 1 to 100 of them, or since, never both; the field is named', async () => {
  const many = Array.from({ length: 101 }, (_, i) => `x${i}`)
  const tooMany = await api(`/payment-statuses?${ids(...many)}`)
  expect(tooMany.statusCode).toBe(400)
  expect(tooMany.json().field).toBe('querystring/invoiceId')
  expect((await api(`/payment-statuses?${ids(...many.slice(0, 100))}`)).json().items).toHaveLength(100)
  const neither = await api('/payment-statuses')
  expect([neither.statusCode, neither.json().field]).toEqual([400, 'querystring/invoiceId'])
  const both = await api(`/payment-statuses?${ids('a')}&since=0`)
  expect([both.statusCode, both.json().field]).toEqual([400, 'querystring/since'])
  const forged = await api(`/payment-statuses?since=${Buffer.from('12.not-a-uuid').toString('base64url')}`)
  expect([forged.statusCode, forged.json().code, forged.json().field]).toEqual([
    400,
    'validation_failed',
    'querystring/since',
  ])
  // A cursor in the format handed out before the shared codec (base64url of `<xid>.<exportId>`) is still taken.
  const legacy = await api(
    `/payment-statuses?since=${Buffer.from('1.00000000-0000-0000-0000-000000000000').toString('base64url')}`,
  )
  expect(legacy.statusCode).toBe(200)
  expect((await h.app.inject({ method: 'GET', url: `/payment-statuses?${ids('a')}` })).statusCode).toBe(401)
})

test('since: every change after the cursor, paged, oldest first; a caught-up cursor sees only what changed later', async () => {
  // Everything so far, a page of 2 at a time.
  const seen: string[] = []
  // Released once every older transaction in the cluster has ended (see below).
  await waitUntil(async () => (await api('/payment-statuses?since=0')).json().items.length >= 2, {
    timeoutMs: 30_000,
    what: 'the feed to release both states',
  })
  let cursor = '0'
  for (let page = 0; page < 20; page++) {
    const body = (await api(`/payment-statuses?since=${cursor}&limit=2`)).json()
    expect(body.items.length).toBeLessThanOrEqual(2)
    seen.push(...body.items.map((i: { invoiceId: string }) => i.invoiceId))
    cursor = body.nextCursor
    if (!body.hasMore) break
  }
  expect(seen).toEqual(['batch-1', 'batch-2'])

  // Nothing new: the same cursor back, no items.
  const idle = (await api(`/payment-statuses?since=${cursor}`)).json()
  expect(idle).toEqual({ items: [], nextCursor: cursor, hasMore: false })

  // A payment arrives and the service reads it: only that invoice comes after the cursor, newest last.
  const later = await exported()
  await readLive(later.id)
  await pay(later.entryNumber, '1210.00')
  await readLive('batch-2')
  await readLive(later.id)
  // The feed releases a change once every transaction older than it has ended, in the whole
  // Postgres cluster (pg_snapshot_xmin): the test files running beside this one can hold it back a moment.
  let next = (await api(`/payment-statuses?since=${cursor}`)).json()
  await waitUntil(
    async () => {
      next = (await api(`/payment-statuses?since=${cursor}`)).json()
      return next.items.length >= 2
    },
    { timeoutMs: 30_000, what: 'the feed to release both changes' },
  )
  expect(next.items.map((i: { invoiceId: string; status: string }) => [i.invoiceId, i.status])).toEqual([
    ['batch-2', 'partially_paid'],
    [later.id, 'paid'],
  ])
  expect(next.nextCursor).not.toBe(cursor)
  expect((await api(`/payment-statuses?since=${next.nextCursor}`)).json().items).toEqual([])
  // Another tenant's feed holds none of it.
  expect((await api('/payment-statuses?since=0', otherKey)).json().items).toEqual([])
})

test('since: a change whose transaction is still open is not handed out, and not skipped once it commits', async () => {
  const inv = await exported()
  await readLive(inv.id)
  const tip = (await api('/payment-statuses?since=0&limit=1000')).json().nextCursor
  // A transaction that began before the next change and commits after it: a timestamp cursor would skip it.
  const slow = h.database.db.transaction().execute(async (trx) => {
    await sql`update payment_states set checked_at = checked_at where invoice_id = ${inv.id}`.execute(trx)
    await pay(inv.entryNumber, '100.00')
    const other = await exported()
    await readLive(other.id)
    // Committed after the slow transaction started, but not handed out while it is open.
    expect((await api(`/payment-statuses?since=${tip}`)).json().items).toEqual([])
    return other.id
  })
  const otherId = await slow
  const after = (await api(`/payment-statuses?since=${tip}`)).json()
  expect(after.items.map((i: { invoiceId: string }) => i.invoiceId).sort()).toEqual([inv.id, otherId].sort())
})
