import { buildAuthorizeUrl, tokenIsDue } from '../../src/exact/oauth'

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
    const url = new URL(buildAuthorizeUrl({ baseUrl: 'https://start.exactonline.nl', clientId: 'c', redirectUri: 'https://app/cb?x=1', state: 's 1' }))
    expect(url.pathname).toBe('/api/oauth2/auth')
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'c', redirect_uri: 'https://app/cb?x=1', response_type: 'code', state: 's 1' })
  })
})
