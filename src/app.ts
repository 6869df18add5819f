import Fastify, { LogController } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Logger } from './logger'
import type { Metrics } from './metrics'
import type { Services } from './services'
import { errorHandler, notFoundHandler } from './http/problem'
import { buildValidator } from './http/validation'
import { buildSerializer } from './http/serialization'
import { refuseUnstorableText } from './http/storable-text'
import { requireTenant } from './http/auth'
import { healthRoutes } from './http/routes/health'
import type { Readiness } from './http/schemas/health'
import { adminRoutes } from './http/routes/admin'
import { publicRoutes, tenantRoutes } from './http/routes'
import { COMPONENTS } from './http/schemas/components'
import { markOptionalBodies, refNestedComponents } from './http/openapi-refs'
import { OPTIONAL_BODY_OPERATIONS } from './http/routes/invoices'

export interface AppDeps {
  services: Services
  logger: Logger
  metrics: Metrics
  adminApiKey?: string
  readiness: () => Promise<Readiness>
}

/** The HTTP app without listen(): main.ts listens, tests inject or listen on port 0. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Fastify's two lines per request at info would be a write each, on every read: one line at
    // debug instead (onResponse below); errors are logged by the error handler either way.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 10 * 1024 * 1024,
    // An invoice id may be 200 characters, each up to 12 characters percent-encoded (4 UTF-8 bytes);
    // past that a segment is refused as 414 uri_too_long.
    routerOptions: { maxParamLength: 200 * 12 },
    // A bad URL encoding or an over-long segment is refused before routing: answer it as problem+json too.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
    schemaController: {
      compilersFactory: { buildValidator: buildValidator as never, buildSerializer: buildSerializer as never },
    },
    ajv: { customOptions: { allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  for (const schema of COMPONENTS) app.addSchema(schema)
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)
  // Bodies are JSON: Fastify's default text/plain parser would hand a string to handlers that
  // expect an object; without it, any other media type is a 415 problem.
  app.removeContentTypeParser('text/plain')
  app.addHook('preValidation', refuseUnstorableText)
  // close() reaps only connections idle at that moment: a keep-alive connection whose request is
  // still in flight would hold shutdown open until its client hangs up. Close those after the answer.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  // Callback hooks, not async ones: these run on every request, and a promise each is not free.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000)
    request.log.debug(
      { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
      'request completed',
    )
    done()
  })

  await app.register(swagger, {
    // Components named by their $id (Invoice, Export, Problem), not def-0...def-N.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'exact-bridge',
        version: '0.1.0',
        description:
          "Books an invoicing app's sales and purchase invoices into Exact Online, undoes bookings and reports payments.",
        license: { name: 'UNLICENSED' },
      },
      servers: [
        {
          url: 'http://127.0.0.1:3000',
          description: '`npm start` (sandbox mode); a deployment serves this spec at /openapi.json',
        },
      ],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' },
        },
      },
      security: [{ apiKey: [] }],
    },
    transformObject: (doc) =>
      'openapiObject' in doc
        ? markOptionalBodies(refNestedComponents(doc.openapiObject), OPTIONAL_BODY_OPERATIONS)
        : doc.swaggerObject,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  await app.register(healthRoutes({ readiness: deps.readiness, registry: deps.metrics.registry }))
  await app.register(
    adminRoutes({ tenants: deps.services.tenants, probes: deps.services.probes, adminApiKey: deps.adminApiKey }),
  )
  await app.register(async (scoped) => {
    // onRequest, before the body is parsed or validated: without a key the answer is 401, not a 400 about the body.
    scoped.addHook(
      'onRequest',
      requireTenant((key) => deps.services.tenants.authenticate(key)),
    )
    await scoped.register(tenantRoutes(deps.services))
  })
  await app.register(publicRoutes(deps.services))
  return app
}
