import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { isCronExpression } from './jobs/cron'
import { REGIONS, type Region } from './domain/region'

/**
 * The only reader of process.env. Everything is parsed and checked once at start; a bad variable
 * stops the start with one line naming it (ConfigError).
 */
const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './.data' }),
  EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 54329 }),
  ADMIN_API_KEY: Type.Optional(Type.String({ minLength: 16 })),
  DEMO_API_KEY: Type.Optional(Type.String({ minLength: 16 })),
  SANDBOX: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  SANDBOX_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4100 }),
  EXACT_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  EXACT_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  EXACT_REDIRECT_URI: Type.Optional(Type.String({ pattern: '^https?://' })),
  EXACT_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+$' })),
  EXACT_DEFAULT_REGION: Type.Union(
    REGIONS.map((r) => Type.Literal(r)),
    { default: 'nl' },
  ),
  TOKEN_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  EXACT_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  EXACT_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  DOCUMENT_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 100_000_000, default: 25_000_000 }),
  PAYMENT_SYNC_CRON: Type.String({ minLength: 9, default: '0 */4 * * *' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
})

const HINTS: Record<string, string> = {
  PORT: 'an integer between 0 and 65535',
  SANDBOX_PORT: 'an integer between 0 and 65535',
  EMBEDDED_PG_PORT: 'an integer between 1 and 65535',
  DATABASE_URL: 'a postgres:// connection URL',
  ADMIN_API_KEY: 'at least 16 characters',
  DEMO_API_KEY: 'at least 16 characters',
  EXACT_BASE_URL: 'an origin such as http://127.0.0.1:4100 (no path, no trailing slash); it overrides every region',
  EXACT_DEFAULT_REGION: `one of ${REGIONS.join(', ')}`,
  EXACT_REDIRECT_URI: 'an http(s) URL ending in /oauth/callback',
  TOKEN_ENCRYPTION_KEY: '64 hex characters (32 bytes); generate one with `openssl rand -hex 32`',
  EXACT_WEBHOOK_URL:
    'the public http(s) base URL Exact reaches this service under (the callback is <it>/exact/webhooks)',
  DOCUMENT_MAX_BYTES:
    'an integer number of bytes between 1024 and 100000000 (default 25000000, what Exact takes in NL/BE)',
  NODE_ENV: 'development, production or test',
  SANDBOX: 'true or false',
  LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent',
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
    this.name = 'ConfigError'
  }
}

export interface Config {
  readonly env: 'development' | 'production' | 'test'
  readonly port: number
  readonly host: string
  /** Absent: start an embedded Postgres under dataDir. */
  readonly databaseUrl?: string
  readonly dataDir: string
  readonly embeddedPgPort: number
  readonly adminApiKey?: string
  readonly demoApiKey?: string
  /** Sandbox mode: start the built-in Exact sandbox and a connected demo tenant. */
  readonly sandboxMode: boolean
  readonly sandboxPort: number
  readonly exact: {
    readonly clientId?: string
    readonly clientSecret?: string
    readonly redirectUri?: string
    /** Set: every region's calls go here (the sandbox, a proxy). Unset: each region's own host. */
    readonly baseUrl?: string
    /** The region of a tenant that does not name one when it connects. */
    readonly defaultRegion: Region
  }
  /** Absent outside production: main.ts keeps a generated key under dataDir. */
  readonly tokenEncryptionKey?: Buffer
  /** Both EXACT_WEBHOOK_SECRET and EXACT_WEBHOOK_URL set: subscribe Exact's webhooks (issue 13); otherwise nothing changes. */
  readonly exactWebhooks?: { readonly secret: string; readonly publicUrl: string }
  readonly paymentSyncCron: string
  /** The largest invoice PDF PUT /invoices/:id/document takes (Exact's attachment limit, [L]). */
  readonly documentMaxBytes: number
  readonly logLevel: string
}

type Env = Static<typeof EnvSchema>

function parseEnv(env: Record<string, string | undefined>): Env {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const withDefaults = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw))
  const error = Value.Errors(EnvSchema, withDefaults).First()
  if (error) {
    const variable = error.path.replace(/^\//, '').split('/')[0] || 'environment'
    throw new ConfigError(
      variable,
      `expected ${HINTS[variable] ?? error.message}, got ${JSON.stringify(raw[variable] ?? null)}`,
    )
  }
  return withDefaults as Env
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = parseEnv(env)
  const production = e.NODE_ENV === 'production'
  const sandboxMode = e.SANDBOX === 'true' || (e.SANDBOX === undefined && !e.EXACT_CLIENT_ID && !production)
  if (production) {
    if (!e.ADMIN_API_KEY) throw new ConfigError('ADMIN_API_KEY', 'required when NODE_ENV=production')
    if (!e.TOKEN_ENCRYPTION_KEY) throw new ConfigError('TOKEN_ENCRYPTION_KEY', 'required when NODE_ENV=production')
    if (!sandboxMode && !e.EXACT_CLIENT_ID) {
      throw new ConfigError('EXACT_CLIENT_ID', 'required when NODE_ENV=production (or set SANDBOX=true explicitly)')
    }
  }
  if (!isCronExpression(e.PAYMENT_SYNC_CRON)) {
    throw new ConfigError(
      'PAYMENT_SYNC_CRON',
      `expected a cron expression read in UTC, e.g. "0 */4 * * *", got ${JSON.stringify(e.PAYMENT_SYNC_CRON)}`,
    )
  }
  if (Boolean(e.EXACT_WEBHOOK_SECRET) !== Boolean(e.EXACT_WEBHOOK_URL)) {
    const missing = e.EXACT_WEBHOOK_SECRET ? 'EXACT_WEBHOOK_URL' : 'EXACT_WEBHOOK_SECRET'
    throw new ConfigError(missing, 'required together with the other EXACT_WEBHOOK_ variable')
  }
  if (!sandboxMode) {
    for (const name of ['EXACT_CLIENT_ID', 'EXACT_CLIENT_SECRET', 'EXACT_REDIRECT_URI'] as const) {
      if (!e[name]) throw new ConfigError(name, 'required when the service talks to Exact Online (sandbox mode is off)')
    }
  }
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    adminApiKey: e.ADMIN_API_KEY,
    demoApiKey: e.DEMO_API_KEY,
    sandboxMode,
    sandboxPort: e.SANDBOX_PORT,
    exact: Object.freeze({
      clientId: e.EXACT_CLIENT_ID,
      clientSecret: e.EXACT_CLIENT_SECRET,
      redirectUri: e.EXACT_REDIRECT_URI,
      baseUrl: e.EXACT_BASE_URL,
      defaultRegion: e.EXACT_DEFAULT_REGION as Region,
    }),
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY ? Buffer.from(e.TOKEN_ENCRYPTION_KEY, 'hex') : undefined,
    exactWebhooks:
      e.EXACT_WEBHOOK_SECRET && e.EXACT_WEBHOOK_URL
        ? Object.freeze({ secret: e.EXACT_WEBHOOK_SECRET, publicUrl: e.EXACT_WEBHOOK_URL })
        : undefined,
    paymentSyncCron: e.PAYMENT_SYNC_CRON,
    documentMaxBytes: e.DOCUMENT_MAX_BYTES,
    logLevel: e.LOG_LEVEL,
  })
}

/** The one place that touches process.env. */
export function loadConfigFromProcess(): Config {
  return loadConfig(process.env)
}
