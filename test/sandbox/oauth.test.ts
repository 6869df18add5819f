import { authorize, connect, REDIRECT_URI, startTestSandbox, tokenRequest, useSandbox } from './sandbox-client'

describe('sandbox OAuth', () => {
  const sb = useSandbox()

  it('redirects with code and state, and a code works only once', async () => {
    const { code, location } = await authorize(sb.url)
    expect(location.origin + location.pathname).toBe(REDIRECT_URI)
    expect(location.searchParams.get('state')).toBe('st-1')
    const first = await tokenRequest(sb.url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
    expect(first.status).toBe(200)
    expect(first.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: '600',
      refresh_token: expect.any(String),
    })
    const second = await tokenRequest(sb.url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
    expect(second.status).toBe(400)
    expect(second.body.error).toBe('invalid_grant')
  })

  it('expires codes after 3 minutes', async () => {
    const { code } = await authorize(sb.url)
    await sb.control('POST', '/clock', { advanceMs: 181_000 })
    const answer = await tokenRequest(sb.url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
    expect(answer.status).toBe(400)
  })

  it('creates a new division per authorization unless division= names one', async () => {
    const a = await connect(sb.url)
    const b = await connect(sb.url)
    const c = await connect(sb.url, { division: String(a.division) })
    expect(b.division).not.toBe(a.division)
    expect(c.division).toBe(a.division)
  })

  it('refuses a refresh within 570 s with TooEarlyToRefreshTokens, allows it after', async () => {
    const s = await connect(sb.url)
    await sb.control('POST', '/clock', { advanceMs: 569_000 })
    const early = await tokenRequest(sb.url, { grant_type: 'refresh_token', refresh_token: s.refreshToken })
    expect(early.status).toBe(400)
    expect(early.headers.get('reason')).toBe('TooEarlyToRefreshTokens')
    expect(early.body).toEqual({
      error: 'access_denied',
      error_description: 'Rate limit exceeded: access_token not expired',
    })
    await sb.control('POST', '/clock', { advanceMs: 2_000 })
    const ok = await tokenRequest(sb.url, { grant_type: 'refresh_token', refresh_token: s.refreshToken })
    expect(ok.status).toBe(200)
    expect(ok.body.refresh_token).not.toBe(s.refreshToken)
  })

  it('rotates refresh tokens: the superseded one answers 401 Old refresh token used', async () => {
    const s = await connect(sb.url)
    await sb.control('POST', '/clock', { advanceMs: 580_000 })
    const rotated = await tokenRequest(sb.url, { grant_type: 'refresh_token', refresh_token: s.refreshToken })
    expect(rotated.status).toBe(200)
    await sb.control('POST', '/clock', { advanceMs: 580_000 })
    const old = await tokenRequest(sb.url, { grant_type: 'refresh_token', refresh_token: s.refreshToken })
    expect(old.status).toBe(401)
    expect(old.body).toEqual({ error: 'unauthorized_client', error_description: 'Old refresh token used.' })
    const current = await tokenRequest(sb.url, {
      grant_type: 'refresh_token',
      refresh_token: rotated.body.refresh_token,
    })
    expect(current.status).toBe(200)
    const log = (await sb.control('GET', '/tokens')).body as Array<{ grantType: string; outcome: string }>
    expect(log.map((e) => `${e.grantType}:${e.outcome}`)).toEqual([
      'authorization_code:ok',
      'refresh_token:ok',
      'refresh_token:old_refresh_token',
      'refresh_token:ok',
    ])
  })

  it('answers 401 on the API once the access token is 600 s old', async () => {
    const s = await connect(sb.url)
    await sb.control('POST', '/clock', { advanceMs: 599_000 })
    expect((await s.api('GET', 'current/Me')).status).toBe(200)
    await sb.control('POST', '/clock', { advanceMs: 1_000 })
    expect((await s.api('GET', 'current/Me')).status).toBe(401)
    expect((await s.api('GET', 'current/Me', undefined, { authorization: 'Bearer nonsense' })).status).toBe(401)
  })

  it('requires a form-encoded token request', async () => {
    const { code } = await authorize(sb.url)
    const response = await fetch(`${sb.url}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code, client_id: 'test-client' }),
    })
    expect(response.status).toBe(400)
  })
})

describe('sandbox OAuth with a configured client', () => {
  let sb: Awaited<ReturnType<typeof startTestSandbox>>
  beforeAll(async () => {
    sb = await startTestSandbox({ clientId: 'test-client', clientSecret: 'secret' })
  })
  afterAll(async () => {
    await sb.close()
  })

  it('checks client id and secret', async () => {
    const wrongId = await fetch(
      `${sb.url}/api/oauth2/auth?client_id=other&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&response_type=code`,
      { redirect: 'manual' },
    )
    expect(wrongId.status).toBe(400)
    const { code } = await authorize(sb.url)
    const wrongSecret = await tokenRequest(sb.url, { grant_type: 'authorization_code', code, client_secret: 'nope' })
    expect(wrongSecret.status).toBe(400)
    expect(wrongSecret.body.error).toBe('invalid_client')
    const ok = await tokenRequest(sb.url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
    expect(ok.status).toBe(200)
  })
})
