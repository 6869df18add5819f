import { connect, connectWithCustomer, useSandbox, type Session } from './sandbox-client'

describe('sandbox faults and stats', () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })
  let s: Session
  let revenue: string
  let customer: string
  beforeEach(async () => {
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url))
    await sb.control('POST', '/stats/reset')
  })

  const entryBody = () => ({
    Journal: '70',
    Customer: customer,
    YourRef: 'F-1',
    SalesEntryLines: [{ GLAccount: revenue, AmountFC: 10 }],
  })

  it('timeoutAfterCommit: the entry is booked but the answer never arrives', async () => {
    await sb.control('PUT', '/faults', { timeoutAfterCommitRate: 1, seed: 7 })
    await expect(s.api('POST', 'salesentry/SalesEntries', entryBody())).rejects.toThrow()
    await sb.control('PUT', '/faults', {})
    const entries = (await sb.control('GET', `/divisions/${s.division}/entries`)).body
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ YourRef: 'F-1', deleted: false })
    const found = await s.api('GET', "salesentry/SalesEntries?$filter=YourRef eq 'F-1'&$select=EntryID")
    expect(found.body.d.results).toEqual([expect.objectContaining({ EntryID: entries[0].EntryID })])
    expect((await sb.control('GET', '/stats')).body.faults.timeouts).toBe(1)
  })

  it('errorRate: answers 503 with an HTML page and writes nothing', async () => {
    await sb.control('PUT', '/faults', { errorRate: 1 })
    const answer = await s.api('POST', 'salesentry/SalesEntries', entryBody())
    expect(answer.status).toBe(503)
    expect(answer.headers.get('content-type')).toMatch(/text\/html/)
    expect(answer.text).toMatch(/<html>/)
    expect((await sb.control('GET', `/divisions/${s.division}/entries`)).body).toEqual([])
  })

  it('draws the same faults for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      await sb.control('PUT', '/faults', { errorRate: 0.5, seed: 42 })
      const statuses: number[] = []
      for (let i = 0; i < 12; i += 1) statuses.push((await s.api('GET', 'financial/Journals?$select=Code')).status)
      return statuses
    }
    const first = await run()
    expect(first).toContain(503)
    expect(first).toContain(200)
    expect(await run()).toEqual(first)
  })

  it('counts API calls per resource, errors and token requests, never control calls', async () => {
    await s.api('POST', 'salesentry/SalesEntries', entryBody())
    await s.api('POST', 'salesentry/SalesEntries', { Journal: '70' })
    await s.api('GET', "salesentry/SalesEntries?$filter=YourRef eq 'F-1'")
    await s.api('GET', 'crm/Accounts')
    await sb.control('GET', `/divisions/${s.division}/entries`)
    await connect(sb.url)
    const stats = (await sb.control('GET', '/stats')).body
    expect(stats).toMatchObject({
      calls: 5,
      byResource: {
        'POST salesentry/SalesEntries': 2,
        'GET salesentry/SalesEntries': 1,
        'GET crm/Accounts': 1,
        'GET current/Me': 1,
      },
      rateLimited: 0,
      errorAnswers: 2,
      tokenRequests: 1,
    })
    await sb.control('POST', '/reset')
    expect((await sb.control('GET', '/stats')).body).toMatchObject({
      calls: 0,
      byResource: {},
      errorAnswers: 0,
      tokenRequests: 0,
    })
  })

  it('adds latency to API calls', async () => {
    await sb.control('PUT', '/faults', { latencyMs: 150 })
    const started = Date.now()
    await s.api('GET', 'financial/Journals')
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })
})
