import { Writable } from 'node:stream'
import { AppError } from '../../src/domain/app-error'
import { createLogger } from '../../src/logger'

function capture(): { lines: () => any[]; logger: ReturnType<typeof createLogger> } {
  const out: string[] = []
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _enc, done) {
        out.push(String(chunk))
        done()
      },
    }) as never,
  )
  return { logger, lines: () => out.map((l) => JSON.parse(l)) }
}

describe('logger redaction', () => {
  it("keeps an error's code: a Node errno, a Postgres SQLSTATE, an AppError code", () => {
    const { logger, lines } = capture()
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    })
    logger.error({ err: refused }, 'a')
    logger.error({ err: terminated }, 'b')
    logger.warn({ err: new AppError('database_unavailable', 'down') }, 'c')
    logger.warn({ code: 'exact_unavailable' }, 'd')
    expect(lines().map((l) => l.err?.code ?? l.code)).toEqual([
      'ECONNREFUSED',
      '57P01',
      'database_unavailable',
      'exact_unavailable',
    ])
  })

  it('still hides the OAuth code and state, tokens, keys and secrets', () => {
    const { logger, lines } = capture()
    logger.info({ query: { code: 'oauth-code-1', state: 'state-1' } }, 'callback')
    logger.info({ req: { method: 'GET', url: '/oauth/callback?code=oauth-code-2&state=state-2' } }, 'request')
    logger.info(
      { tokens: { accessToken: 'at-1', refreshToken: 'rt-1' }, apiKey: 'eb_key', settings: { secret: 'whsec_1' } },
      'x',
    )
    const text = JSON.stringify(lines())
    for (const secret of ['oauth-code-1', 'state-1', 'oauth-code-2', 'state-2', 'at-1', 'rt-1', 'eb_key', 'whsec_1'])
      expect(text).not.toContain(secret)
    expect(lines()[1].req.url).toBe('/oauth/callback?code=[redacted]&state=[redacted]')
  })
})
