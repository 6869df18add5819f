import { sql } from 'kysely'
import { sandboxJson, startHarness, ADMIN_KEY, type Harness } from '../helpers/harness'
import { makeInvoice } from '../helpers/factories'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { findConnection } from '../../src/db/connections-repository'
import { TokenCipher } from '../../src/services/exact-session/token-cipher'

/** What the app reads about its exports: lists, one export's attempts, and the dry run. */
let h: Harness

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
})
afterAll(async () => h.close())

describe('GET /exports', () => {
  let tenant: TenantApi
  /** Oldest first: s1 sales, p2 purchase, s3 sales undone, s4 sales changed since export, p5 purchase. */
  const ids: Record<string, string> = {}
  const list = async (query: string) => {
    const res = await tenant.call('GET', `/exports?${query}`)
    expect(res.statusCode).toBe(200)
    return res.json() as { items: Array<{ id: string }>; nextCursor: string | null }
  }
  const names = (page: { items: Array<{ id: string }> }) =>
    page.items.map((e) => Object.keys(ids).find((k) => ids[k] === e.id))
  const allPages = async (query: string) => {
    const seen: string[] = []
    const pages: number[] = []
    let cursor: string | null = null
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await list(
        `${query}${cursor ? `&cursor=${cursor}` : ''}`,
      )
      pages.push(page.items.length)
      seen.push(...(names(page) as string[]))
      cursor = page.nextCursor
    } while (cursor && pages.length < 10)
    return { seen, pages }
  }

  beforeAll(async () => {
    tenant = await connectedTenant(h, 'Lists BV')
    for (const [name, type] of [
      ['s1', 'sales'],
      ['p2', 'purchase'],
      ['s3', 'sales'],
      ['s4', 'sales'],
      ['p5', 'purchase'],
    ] as const) {
      const invoice = makeInvoice({ type })
      await tenant.put(name, invoice)
      const res = await tenant.exportIt(name)
      expect(res.statusCode).toBe(201)
      ids[name] = res.json().id
      if (name === 's3') expect((await tenant.call('DELETE', `/exports/${ids.s3}`)).statusCode).toBe(200)
      if (name === 's4')
        expect(
          (await tenant.put('s4', { ...invoice, description: 'Consulting November (corrected)' })).statusCode,
        ).toBe(200)
    }
  })

  it('filters by status, type and changedSinceExport, newest first', async () => {
    expect(names(await list(''))).toEqual(['p5', 's4', 's3', 'p2', 's1'])
    expect(names(await list('status=undone'))).toEqual(['s3'])
    expect(names(await list('status=exported'))).toEqual(['p5', 's4', 'p2', 's1'])
    expect(names(await list('type=purchase'))).toEqual(['p5', 'p2'])
    expect(names(await list('changedSinceExport=true'))).toEqual(['s4'])
    expect(names(await list('changedSinceExport=false&type=sales'))).toEqual(['s3', 's1'])
    expect(names(await list('status=failed'))).toEqual([])
    const stranger = await h.app.inject({
      method: 'GET',
      url: '/exports',
      headers: { authorization: `Bearer ${await strangerKey()}` },
    })
    expect(stranger.json().items).toEqual([])
  })

  it('pages with a cursor: limit 2 over 5 exports shows each once, and the last page has no next cursor', async () => {
    expect(await allPages('limit=2')).toEqual({ seen: ['p5', 's4', 's3', 'p2', 's1'], pages: [2, 2, 1] })
    expect((await allPages('limit=2&status=exported')).seen).toEqual(['p5', 's4', 'p2', 's1'])
  })

  it('pages exports created within the same millisecond without skipping any', async () => {
    // Postgres keeps microseconds; a bulk run creates several exports per millisecond.
    const stamps = { s1: '.123100', p2: '.123300', s3: '.123500', s4: '.123700', p5: '.123900' }
    for (const [name, fraction] of Object.entries(stamps)) {
      await h.database.db
        .updateTable('exports')
        .set({ created_at: sql`${`2026-11-26T01:00:00${fraction}Z`}::timestamptz` } as never)
        .where('id', '=', ids[name]!)
        .execute()
    }
    expect(await allPages('limit=2')).toEqual({ seen: ['p5', 's4', 's3', 'p2', 's1'], pages: [2, 2, 1] })
    expect((await allPages('limit=1')).seen).toEqual(['p5', 's4', 's3', 'p2', 's1'])
  })

  it.each([
    ['not base64 JSON', 'bogus'],
    ['a forged id', Buffer.from(JSON.stringify(['2026-11-26T01:00:00.000Z', 'not-a-uuid'])).toString('base64url')],
    [
      'a forged time',
      Buffer.from(JSON.stringify(['yesterday', '00000000-0000-0000-0000-000000000000'])).toString('base64url'),
    ],
  ])('answers 400 naming querystring/cursor for a cursor it did not hand out (%s)', async (_what, cursor) => {
    const res = await tenant.call('GET', `/exports?limit=2&cursor=${cursor}`)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'validation_failed', field: 'querystring/cursor' })
  })
})

describe('GET /exports/:id', () => {
  it("shows each attempt: the entry sent with its marker and Exact's answer, and no secret", async () => {
    const tenant = await connectedTenant(h, 'Attempts BV')
    const invoice = makeInvoice()
    await tenant.put('a-1', invoice)
    const exported = (await tenant.exportIt('a-1')).json()
    const res = await tenant.call('GET', `/exports/${exported.id}`)
    expect(res.statusCode).toBe(200)
    const view = res.json()
    const entry = await tenant.entryFor(invoice.number)

    expect(view).toMatchObject({
      id: exported.id,
      status: 'exported',
      entryNumber: entry.EntryNumber,
      marker: exported.marker,
    })
    expect(view.attempts.map((a: any) => [a.action, a.outcome])).toEqual([
      ['create', 'sending'],
      ['create', 'created'],
    ])
    const [sent, answered] = view.attempts
    expect(sent.request.relationId).toBe(entry.Customer)
    expect(sent.request.entry).toMatchObject({
      journal: '70',
      yourRef: invoice.number,
      marker: exported.marker,
      total: '1210.00',
    })
    expect(sent.request.entry.description.startsWith(`${exported.marker} `)).toBe(true)
    expect(entry.Description).toBe(sent.request.entry.description)
    expect(answered.response).toMatchObject({
      entryId: entry.EntryID,
      entryNumber: entry.EntryNumber,
      total: '1210.00',
    })
    for (const a of view.attempts) expect(Number.isNaN(Date.parse(a.at))).toBe(false)

    const connection = (await findConnection(h.database.db, tenant.id))!
    const cipher = new TokenCipher(Buffer.alloc(32, 7))
    const secrets = [
      cipher.decrypt(connection.accessToken),
      cipher.decrypt(connection.refreshToken),
      connection.accessToken,
      tenant.apiKey,
      ADMIN_KEY,
      'test-secret',
    ]
    for (const secret of secrets) expect(res.body).not.toContain(secret)
    expect(res.body).not.toMatch(/access_?token|refresh_?token|authorization|bearer/i)
  })
})

describe('GET /invoices/:id/export/preview', () => {
  it('shows the entry and the relation action without writing anything; after the export the party is used', async () => {
    const tenant = await connectedTenant(h, 'Preview BV')
    const invoice = makeInvoice({
      lines: [
        { description: 'Consulting', netAmount: '500.00', vatRate: '21' },
        { description: 'Books', netAmount: '40.00', vatRate: '6' },
      ],
      totals: { net: '540.00', vat: '107.40', gross: '647.40' },
    })
    await tenant.put('pv-1', invoice)
    await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
    const [entriesBefore, accountsBefore] = [await tenant.entries(), await tenant.accounts()]

    const res = await tenant.call('GET', '/invoices/pv-1/export/preview')
    expect(res.statusCode).toBe(200)
    const preview = res.json()
    expect(preview.problems).toEqual([])
    expect(preview.relation).toMatchObject({ action: 'create', accountId: null, code: invoice.party.code })
    expect(preview.entry).toMatchObject({
      type: 'sales',
      journal: '70',
      yourRef: invoice.number,
      total: '647.40',
      vatTotal: '107.40',
    })
    expect(preview.entry.lines.map((l: any) => [l.glAccount, l.amount, l.vatCode, l.vatAmount])).toEqual([
      ['8000', '500.00', '2', '105.00'],
      ['8000', '40.00', '6', '2.40'],
    ])

    const stats = await sandboxJson(h, '/_sandbox/stats')
    expect(Object.keys(stats.byResource).filter((k) => !k.startsWith('GET '))).toEqual([])
    expect(await tenant.entries()).toEqual(entriesBefore)
    expect(await tenant.accounts()).toEqual(accountsBefore)
    expect((await tenant.call('GET', '/invoices/pv-1/export')).statusCode).toBe(404)

    const exported = (await tenant.exportIt('pv-1')).json()
    const booked = await tenant.entryFor(invoice.number)
    expect(booked.Lines.map((l: any) => [l.GLAccountCode, l.AmountFC, l.VATCode, l.VATAmountFC])).toEqual(
      preview.entry.lines.map((l: any) => [l.glAccount, l.amount, l.vatCode, l.vatAmount]),
    )
    const again = (await tenant.call('GET', '/invoices/pv-1/export/preview')).json()
    expect(again.relation).toMatchObject({ action: 'use', accountId: exported.relation.id, matchedBy: 'remembered' })
  })

  it('lists an unmapped VAT rate as a mapping problem and shows no entry', async () => {
    const tenant = await connectedTenant(h, 'Unmapped BV')
    const invoice = makeInvoice({
      lines: [
        { description: 'x', netAmount: '100.00', vatRate: '12' },
        { description: 'y', netAmount: '10.00', vatRate: '12' },
      ],
      totals: { net: '110.00', vat: '13.20', gross: '123.20' },
    })
    expect((await tenant.put('pv-2', invoice)).statusCode).toBe(201)
    const res = await tenant.call('GET', '/invoices/pv-2/export/preview')
    expect(res.statusCode).toBe(200)
    expect(res.json().entry).toBeNull()
    expect(res.json().problems).toEqual([
      { field: '/lines/0/vatRate', code: 'mapping_missing', message: expect.stringMatching(/12 %.*\/sales\/vatCodes/) },
    ])
    expect(await tenant.entries()).toEqual([])
  })
})

async function strangerKey(): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    payload: { name: 'Stranger BV' },
  })
  return res.json().apiKey
}
