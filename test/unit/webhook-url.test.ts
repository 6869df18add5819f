import { isPrivateAddress, webhookUrlProblem } from '../../src/lib/webhook-url'

describe('webhook URL policy', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.5', true],
    ['172.16.3.4', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['203.0.113.7', false],
    ['8.8.8.8', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::a00:1', true],
    ['2001:4860:4860::8888', false],
    ['not-an-ip', true],
  ])('%s private: %p', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected)
  })

  const lookup = async (host: string) =>
    ({ 'public.example': ['203.0.113.7'], 'mixed.example': ['203.0.113.7', '10.0.0.1'] })[host] ?? []

  it.each([
    ['https://public.example/hooks', undefined],
    ['http://public.example/hooks', /https/],
    ['https://mixed.example/hooks', /10\.0\.0\.1/],
    ['https://nowhere.example/hooks', /does not resolve/],
    ['https://[::1]:8443/hooks', /loopback/],
    ['ftp://public.example/x', /http/],
  ])('production: %s', async (url, problem) => {
    const answer = await webhookUrlProblem(url, { allowPrivate: false, lookup })
    if (problem === undefined) expect(answer).toBeUndefined()
    else expect(answer).toMatch(problem)
  })

  it('development and sandbox mode take any http(s) URL, localhost included', async () => {
    expect(await webhookUrlProblem('http://127.0.0.1:3001/hooks', { allowPrivate: true, lookup })).toBeUndefined()
    expect(await webhookUrlProblem('ftp://127.0.0.1/x', { allowPrivate: true, lookup })).toMatch(/http/)
  })
})
