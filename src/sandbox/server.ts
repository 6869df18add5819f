import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { registerApi } from './api'
import { registerAttachmentDownload } from './attachment-download'
import { registerControl } from './control'
import { Faults } from './faults'
import { OAuthStore } from './oauth-store'
import { registerOAuthRoutes } from './oauth'
import { ErrorLimiter, RateLimiter } from './rate-limit'
import { API_RESOURCES, Registry } from './resources/registry'
import { SandboxState } from './state'

export interface SandboxOptions {
  port?: number
  host?: string
  /** When set, OAuth requires this client id (and secret); otherwise any id/secret is accepted. */
  clientId?: string
  clientSecret?: string
  /** Base of absolute URLs in answers (`__next`, `__metadata.uri`); defaults to the request's Host. */
  publicUrl?: string
  limits?: { perMinute?: number; perDay?: number }
  logger?: false | object
  /** HMAC key of every webhook's HashCode (the App Center "Webhook secret"); default DEFAULT_WEBHOOK_SECRET. */
  webhookSecret?: string
  /** Accept http:// CallbackURLs (default true, for local receivers); real Exact requires https. */
  webhookAllowHttp?: boolean
  /** Delay of the validation POST after a subscription (default 50 ms; Exact takes about 1 s). */
  webhookValidationDelayMs?: number
}

/** A fixed test value, documented in the README, so tests and the service can agree on it. */
export const DEFAULT_WEBHOOK_SECRET = 'sandbox-webhook-secret'

/** Above Exact's largest attachment (25 MiB) as base64 in a JSON body. */
const BODY_LIMIT = 100 * 1024 * 1024

export interface RunningSandbox {
  url: string
  close(): Promise<void>
}

/** Builds the sandbox app without listening (tests may use `inject`). */
export function buildSandbox(options: SandboxOptions = {}): FastifyInstance {
  const limits = { perMinute: options.limits?.perMinute ?? 60, perDay: options.limits?.perDay ?? 5000 }
  const state = new SandboxState({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    publicUrl: options.publicUrl,
    limits,
    webhooks: {
      secret: options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
      allowHttp: options.webhookAllowHttp ?? true,
      validationDelayMs: options.webhookValidationDelayMs ?? 50,
      timeoutMs: 5_000,
    },
  })
  const logger = options.logger ?? false
  // A ready pino instance must go in as loggerInstance; plain options as logger.
  const isInstance = typeof logger === 'object' && typeof (logger as { child?: unknown }).child === 'function'
  const app: FastifyInstance = (isInstance
    ? Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: BODY_LIMIT })
    : Fastify({ logger, bodyLimit: BODY_LIMIT })) as unknown as FastifyInstance
  // Bodies are parsed by the handlers, so malformed JSON gets Exact's answer, not Fastify's.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (!request.url.startsWith('/_sandbox')) return done(null, body)
    try {
      done(null, body === '' ? {} : JSON.parse(body as string))
    } catch (e) {
      done(e as Error, undefined)
    }
  })
  // Exact's answers carry Exact's time: clients compute clock skew from Date against the reset headers.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api/')) reply.header('date', new Date(state.clock.now()).toUTCString())
  })
  const oauth = new OAuthStore(state)
  const limiter = new RateLimiter(state.clock, { ...limits })
  const errorLimiter = new ErrorLimiter(state.clock, () => state.behaviour.errorLimit)
  const faults = new Faults()
  app.addHook('onClose', async () => {
    await state.webhooks.close()
  })
  registerOAuthRoutes(app, oauth)
  registerAttachmentDownload(app, state, oauth)
  registerApi(app, { state, oauth, registry: new Registry(API_RESOURCES), limiter, errorLimiter, faults })
  registerControl(app, { state, oauth, limiter, errorLimiter, faults, initialLimits: limits })
  return app
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const app = buildSandbox(options)
  const host = options.host ?? '127.0.0.1'
  await app.listen({ port: options.port ?? 0, host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}`,
    close: async () => {
      await app.close()
    },
  }
}
