import { request } from 'node:http'
import { connect, connectWithCustomer, glAccountId, tokenRequest, useSandbox, type Session } from './sandbox-client'

/** A GET with an explicit Host header (fetch may not set one), as a client of another region's host would send. */
function getWithHost(url: string, path: string, host: string, token: string): Promise<{ status: number; body: any }> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: 'GET',
        headers: { host, authorization: `Bearer ${token}`, accept: 'application/json' },
      },
      (res) => {
        let text = ''
        res.on('data', (chunk) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('sandbox connection: divisions, hosts, sync positions', () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })

  it('a grant reaches exactly the divisions listed; CurrentDivision is the last; other divisions answer 403 NoDivisionAccess', async () => {
    const other = await connect(sb.url)
    const s = await connect(sb.url, { divisions: '300001,300002' })
    expect(s.division).toBe(300002)
    for (const d of [300001, 300002])
      expect((await s.api('GET', `${sb.url}/api/v1/${d}/financial/Journals?$select=Code`)).status).toBe(200)
    await sb.control('POST', '/stats/reset')
    const refused = await s.api('GET', `${sb.url}/api/v1/${other.division}/financial/Journals?$select=Code`)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('reason')).toBe('NoDivisionAccess')
    expect(refused.body).toEqual({ error: { code: '', message: { lang: '', value: 'Forbidden' } } })
    expect((await sb.control('GET', '/stats')).body.errorAnswers).toBe(1)
  })

  it('system/Divisions lists the reachable divisions from any of them, with the description and country set by the control API', async () => {
    const set = await sb.control('POST', '/divisions', {
      division: 300011,
      description: 'Bakkerij Peeters BV',
      country: 'be',
    })
    expect(set.body).toEqual({ division: 300011, description: 'Bakkerij Peeters BV', country: 'BE' })
    const s = await connect(sb.url, { divisions: '300011,300012' })
    const viaFirst = await s.api(
      'GET',
      `${sb.url}/api/v1/300011/system/Divisions?$select=Code,Description,Country,Currency,Hid,Customer,Current`,
    )
    const viaSecond = await s.api(
      'GET',
      `${sb.url}/api/v1/300012/system/Divisions?$select=Code,Description,Country,Currency,Hid,Customer,Current`,
    )
    const fields = (answer: any): object[] => answer.body.d.results.map(({ __metadata, ...d }: any) => d)
    expect(fields(viaSecond)).toEqual(fields(viaFirst))
    expect(fields(viaFirst)).toEqual([
      {
        Code: 300011,
        Description: 'Bakkerij Peeters BV',
        Country: 'BE',
        Currency: 'EUR',
        Hid: 300011,
        Customer: expect.any(String),
        Current: false,
      },
      {
        Code: 300012,
        Description: 'Sandbox administratie 300012',
        Country: 'NL',
        Currency: 'EUR',
        Hid: 300012,
        Customer: expect.any(String),
        Current: true,
      },
    ])
    await sb.control('POST', '/reset')
    expect((await sb.control('GET', '/divisions')).body).toEqual(
      expect.arrayContaining([{ division: 300011, description: 'Bakkerij Peeters BV', country: 'BE' }]),
    )
    expect((await sb.control('POST', '/divisions', { country: 'Belgium' })).status).toBe(400)
  })

  it('does not care about the Host header: any region host answers, and __next follows the Host', async () => {
    const s = await connect(sb.url)
    await sb.control('POST', `/divisions/${s.division}/gl-accounts`, { count: 60 })
    const answer = await getWithHost(
      sb.url,
      `/api/v1/${s.division}/financial/GLAccounts?$select=Code`,
      'start.exactonline.be',
      s.accessToken,
    )
    expect(answer.status).toBe(200)
    expect(answer.body.d.__next).toMatch(
      new RegExp(`^http://start\\.exactonline\\.be/api/v1/${s.division}/financial/GLAccounts\\?`),
    )
  })

  it("refresh tokens die after 30 days unused, with Exact's message", async () => {
    const s = await connect(sb.url)
    await sb.control('POST', '/clock', { advanceMs: 29 * 86_400_000 })
    await s.refresh()
    await sb.control('POST', '/clock', { advanceMs: 30 * 86_400_000 + 1_000 })
    const dead = await tokenRequest(sb.url, { grant_type: 'refresh_token', refresh_token: s.refreshToken })
    expect(dead.status).toBe(400)
    expect(dead.body.error).toBe('invalid_request')
    expect(dead.body.error_description).toMatch(
      /^The refresh token expired at \d+\/\d+\/\d{4} \d+:\d\d:\d\d [AP]M and it is now \d+\/\d+\/\d{4} \d+:\d\d:\d\d [AP]M\.$/,
    )
  })

  describe('SyncTimestamp and old bookings', () => {
    let s: Session
    let customer: string
    let revenue: string
    beforeEach(async () => {
      ;({ s, customer, revenue } = await connectWithCustomer(sb.url))
    })

    const stamp = async (modified: string, endPoint: string): Promise<number> => {
      const answer = await s.api(
        'GET',
        `read/sync/Sync/SyncTimestamp?modified=datetime'${modified}'&endPoint='${endPoint}'`,
      )
      expect(answer.status).toBe(200)
      expect(answer.body.d.results[0]).toMatchObject({ API: endPoint, TimeStampAsBigInt: expect.any(Number) })
      return answer.body.d.results[0].TimeStampAsBigInt
    }

    it('books old entries; SyncTimestamp for a later moment lies above all of them and below what changed since', async () => {
      const history = await sb.control('POST', `/divisions/${s.division}/history`, { entries: 5000, daysAgo: 10 })
      expect(history.status).toBe(201)
      expect(history.body).toMatchObject({ entries: 5000, paid: 1667, partlyPaid: 666, entryDate: '2026-02-20' })
      // The clock is frozen at 2026-03-02T10:00:05Z (11:00:05 in Amsterdam).
      const live = await s.api('POST', 'salesentry/SalesEntries', {
        Journal: '70',
        Customer: customer,
        SalesEntryLines: [{ GLAccount: revenue, AmountFC: 5 }],
      })
      const since = await stamp('2026-02-27T00:00:00', 'PaymentTerms')
      const changed = await s.api(
        'GET',
        `sync/Cashflow/PaymentTerms?$filter=Timestamp gt ${since}L&$select=TransactionEntryID`,
      )
      expect(changed.body.d.results).toEqual([expect.objectContaining({ TransactionEntryID: live.body.d.EntryID })])
      const all = await s.api(
        'GET',
        `sync/Cashflow/PaymentTerms?$filter=Timestamp gt ${await stamp('2026-02-01T00:00:00', 'PaymentTerms')}L&$select=ID&$inlinecount=allpages`,
      )
      expect(all.body.d.__count).toBe(String(5000 + 666 + 1))
      expect(await stamp('2026-02-27T00:00:00', 'Deleted')).toBe(1)
      expect(await stamp('2026-03-02T11:00:06', 'TransactionLines')).toBeGreaterThan(
        await stamp('2026-02-27T00:00:00', 'TransactionLines'),
      )
    })

    it('answers 400 without a datetime modified or with an unknown endPoint', async () => {
      expect((await s.api('GET', "read/sync/Sync/SyncTimestamp?endPoint='PaymentTerms'")).status).toBe(400)
      expect(
        (await s.api('GET', "read/sync/Sync/SyncTimestamp?modified=datetime'2026-01-01'&endPoint='Invoices'")).status,
      ).toBe(400)
      expect(await glAccountId(s, '8000')).toEqual(revenue)
    })
  })
})
