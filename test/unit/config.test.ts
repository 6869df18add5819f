import { ConfigError, loadConfig } from '../../src/config'

describe('loadConfig', () => {
  it('defaults to sandbox mode with embedded Postgres in development', () => {
    const config = loadConfig({})
    expect(config.sandboxMode).toBe(true)
    expect(config.databaseUrl).toBeUndefined()
    expect(config.port).toBe(3000)
    expect(config.paymentSyncCron).toBe('0 */4 * * *')
    expect(Object.isFrozen(config)).toBe(true)
  })

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ TOKEN_ENCRYPTION_KEY: 'short' }, 'TOKEN_ENCRYPTION_KEY'],
    [{ EXACT_BASE_URL: 'https://start.exactonline.be/' }, 'EXACT_BASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ EXACT_DEFAULT_REGION: 'benelux' }, 'EXACT_DEFAULT_REGION'],
    [{ PAYMENT_SYNC_CRON: 'every four hours' }, 'PAYMENT_SYNC_CRON'],
    [{ PAYMENT_SYNC_CRON: '61 * * * *' }, 'PAYMENT_SYNC_CRON'],
  ])('names the bad variable in %j', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: expected`))
  })

  it('requires the admin key and token key in production, and sandbox mode explicitly', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^ADMIN_API_KEY/)
    const keys = { NODE_ENV: 'production', ADMIN_API_KEY: 'a'.repeat(20), TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32) }
    expect(() => loadConfig(keys)).toThrow(/^EXACT_CLIENT_ID/)
    expect(loadConfig({ ...keys, SANDBOX: 'true' }).sandboxMode).toBe(true)
  })

  it('needs the whole Exact app registration outside sandbox mode', () => {
    expect(() => loadConfig({ EXACT_CLIENT_ID: 'id' })).toThrow(/^EXACT_CLIENT_SECRET/)
    const config = loadConfig({
      EXACT_CLIENT_ID: 'id',
      EXACT_CLIENT_SECRET: 'secret',
      EXACT_REDIRECT_URI: 'https://bridge.example/oauth/callback',
      EXACT_BASE_URL: 'https://start.exactonline.be',
    })
    expect(config.sandboxMode).toBe(false)
    expect(config.exact.baseUrl).toBe('https://start.exactonline.be')
    expect(config.exact.defaultRegion).toBe('nl')
  })

  it("leaves the host to each tenant's region unless EXACT_BASE_URL overrides it", () => {
    const config = loadConfig({ EXACT_DEFAULT_REGION: 'be' })
    expect(config.exact).toEqual({
      clientId: undefined,
      clientSecret: undefined,
      redirectUri: undefined,
      baseUrl: undefined,
      defaultRegion: 'be',
    })
  })
})
