import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ExactAuthError, ExactUnavailableError } from '../../src/exact/errors'
import { buildAuthorizeUrl, exchangeCode, refreshTokens, tokenIsDue } from '../../src/exact/oauth'

const issued = new Date('2026-01-01T10:00:00Z')
const tokens = { issuedAt: issued, expiresAt: new Date(issued.getTime() + 600_000) }
const at = (s: number) => new Date(issued.getTime() + s * 1000)

describe('tokenIsDue: last 30 s of life, never before 570 s', () => {
  it.each([
    [0, false],
    [300, false],
    [569, false],
    [570, false], // 30 s left exactly: not less than 30
    [571, true],
    [599, true],
    [700, true], // expired: refresh
  ])('at %i s -> %s', (s, due) => {
    expect(tokenIsDue(tokens, at(s))).toBe(due)
  })
  it('does not refresh a short-lived token before 570 s even when it is nearly expired', () => {
    const short = { issuedAt: issued, expiresAt: new Date(issued.getTime() + 60_000) }
    expect(tokenIsDue(short, at(50))).toBe(false)
    expect(tokenIsDue(short, at(580))).toBe(true)
  })
})

describe('buildAuthorizeUrl', () => {
  it('asks for a code with state', () => {
    const url = new URL(
      buildAuthorizeUrl({
        baseUrl: 'https://start.exactonline.nl',
        clientId: 'c',
        redirectUri: 'https://app/cb?x=1',
        state: 's 1',
      }),
    )
    expect(url.pathname).toBe('/api/oauth2/auth')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'c',
      redirect_uri: 'https://app/cb?x=1',
      response_type: 'code',
      state: 's 1',
    })
  })
})

describe('token endpoint answers', () => {
  let answer: { status: number; body: string; headers?: Record<string, string> }
  let lastForm = ''
  let server: Server
  let baseUrl = ''
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        lastForm = body
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
        res.end(answer.body)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  const refresh = () =>
    refreshTokens({ baseUrl, clientId: 'c', clientSecret: 's', refreshToken: 'rt-1', now: () => 1_000_000 })

  it('reads expires_in as the string "600" and posts the form', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({ access_token: 'at', token_type: 'bearer', expires_in: '600', refresh_token: 'rt-2' }),
    }
    expect(await refresh()).toEqual({
      accessToken: 'at',
      refreshToken: 'rt-2',
      expiresAt: new Date(1_600_000),
      issuedAt: new Date(1_000_000),
    })
    expect(Object.fromEntries(new URLSearchParams(lastForm))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_id: 'c',
      client_secret: 's',
    })
  })

  it.each([
    [
      400,
      { error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' },
      { reason: 'TooEarlyToRefreshTokens' },
      'too_early',
    ],
    [401, { error: 'unauthorized_client', error_description: 'Old refresh token used.' }, {}, 'refresh_token_dead'],
    [
      400,
      {
        error: 'invalid_request',
        error_description: 'The refresh token expired at 10/11/2022 9:18:20 PM and it is now 10/28/2022 4:15:50 PM.',
      },
      {},
      'refresh_token_dead',
    ],
    [400, { error: 'invalid_grant', error_description: 'Refresh token is invalid.' }, {}, 'refresh_token_dead'],
    [401, { error: 'invalid_client' }, {}, 'unauthorized'],
  ])('%i %j -> %s', async (status, body, headers, kind) => {
    answer = { status, body: JSON.stringify(body), headers }
    await expect(refresh()).rejects.toMatchObject({ constructor: ExactAuthError, kind })
  })

  it('a spent code is invalid_grant; a 503 is unavailable', async () => {
    answer = {
      status: 400,
      body: JSON.stringify({
        error: 'invalid_grant',
        error_description: 'Token is not allowed, because of invalid or empty chainId',
      }),
    }
    await expect(
      exchangeCode({ baseUrl, clientId: 'c', clientSecret: 's', redirectUri: 'https://app/cb', code: 'x' }),
    ).rejects.toMatchObject({ kind: 'invalid_grant' })
    answer = { status: 503, body: '<html>down</html>', headers: { 'content-type': 'text/html' } }
    await expect(refresh()).rejects.toBeInstanceOf(ExactUnavailableError)
  })
})
