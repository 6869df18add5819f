import { connect, useSandbox } from './sandbox-client'

const MINUTE_HEADERS = ['x-ratelimit-minutely-limit', 'x-ratelimit-minutely-remaining', 'x-ratelimit-minutely-reset']
const DAY_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']

describe('sandbox rate limits', () => {
  const sb = useSandbox()

  it('sends the six headers with epoch-ms resets on the whole minute and at 00:00 UTC', async () => {
    const s = await connect(sb.url) // the Me call inside connect is call 1
    const answer = await s.api('GET', 'financial/Journals')
    expect(answer.headers.get('x-ratelimit-limit')).toBe('5000')
    expect(answer.headers.get('x-ratelimit-remaining')).toBe('4998')
    expect(answer.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-03-03T00:00:00Z')))
    expect(answer.headers.get('x-ratelimit-minutely-limit')).toBe('60')
    expect(answer.headers.get('x-ratelimit-minutely-remaining')).toBe('58')
    expect(answer.headers.get('x-ratelimit-minutely-reset')).toBe(String(Date.parse('2026-03-02T10:01:00Z')))
    expect(answer.headers.get('date')).toBe('Mon, 02 Mar 2026 10:00:05 GMT')
  })

  it('answers 429 with an empty body and only the minutely headers, until the next minute', async () => {
    await sb.control('PUT', '/limits', { perMinute: 3 })
    const s = await connect(sb.url)
    expect((await s.api('GET', 'financial/Journals')).status).toBe(200)
    expect((await s.api('GET', 'financial/Journals')).status).toBe(200)
    const limited = await s.api('GET', 'financial/Journals')
    expect(limited.status).toBe(429)
    expect(limited.text).toBe('')
    for (const h of MINUTE_HEADERS) expect(limited.headers.get(h)).not.toBeNull()
    for (const h of DAY_HEADERS) expect(limited.headers.get(h)).toBeNull()
    expect(limited.headers.get('x-ratelimit-minutely-remaining')).toBe('0')
    await sb.control('POST', '/clock', { advanceMs: 55_000 })
    expect((await s.api('GET', 'financial/Journals')).status).toBe(200)
    const stats = (await sb.control('GET', '/stats')).body
    expect(stats.rateLimited).toBe(1)
  })

  it('answers 429 with only the daily headers once the day is used up, until 00:00 UTC', async () => {
    await sb.control('PUT', '/limits', { perDay: 2 })
    const s = await connect(sb.url)
    expect((await s.api('GET', 'financial/Journals')).status).toBe(200)
    const limited = await s.api('GET', 'financial/Journals')
    expect(limited.status).toBe(429)
    for (const h of DAY_HEADERS) expect(limited.headers.get(h)).not.toBeNull()
    for (const h of MINUTE_HEADERS) expect(limited.headers.get(h)).toBeNull()
    await sb.control('POST', '/clock', { advanceMs: 3_600_000 })
    await s.refresh()
    expect((await s.api('GET', 'financial/Journals')).status).toBe(429)
    await sb.control('POST', '/clock', { set: '2026-03-03T00:00:01Z' })
    await s.refresh()
    expect((await s.api('GET', 'financial/Journals')).status).toBe(200)
  })

  it('counts per client and division', async () => {
    await sb.control('PUT', '/limits', { perMinute: 2 })
    const a = await connect(sb.url)
    const b = await connect(sb.url)
    expect((await a.api('GET', 'financial/Journals')).status).toBe(200)
    expect((await a.api('GET', 'financial/Journals')).status).toBe(429)
    expect((await b.api('GET', 'financial/Journals')).status).toBe(200)
  })

  it('blocks an endpoint with ErrorLimitExceeded after more than 10 error answers in an hour', async () => {
    await sb.control('PUT', '/limits', { perMinute: 1000 })
    const s = await connect(sb.url)
    for (let i = 0; i < 11; i += 1) {
      expect((await s.api('GET', 'crm/Accounts?$select=ID')).status).toBe(400)
    }
    const blocked = await s.api('GET', "crm/Accounts?$filter=Name eq 'x'&$select=ID")
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('reason')).toBe('ErrorLimitExceeded')
    expect((await s.api('GET', 'financial/Journals')).status).toBe(200)
    await sb.control('POST', '/clock', { advanceMs: 3_600_000 })
    await s.refresh()
    expect((await s.api('GET', "crm/Accounts?$filter=Name eq 'x'&$select=ID")).status).toBe(200)
  })

  it('does not block after exactly 10 error answers', async () => {
    await sb.control('PUT', '/limits', { perMinute: 1000 })
    const s = await connect(sb.url)
    for (let i = 0; i < 10; i += 1) await s.api('GET', 'crm/Accounts?$select=ID')
    expect((await s.api('GET', "crm/Accounts?$filter=Name eq 'x'&$select=ID")).status).toBe(200)
  })
})
