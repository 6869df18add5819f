import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from '../app'
import { createLogger } from '../logger'
import { createMetrics } from '../metrics'
import type { Services } from '../services'

export const OPENAPI_PATH = join(__dirname, '..', '..', 'openapi', 'openapi.json')

/**
 * The spec as the routes declare it now. buildApp only registers routes, so stub services
 * (never called) are enough: no database, no Exact, no port.
 */
export async function generateOpenApi(): Promise<string> {
  const services = new Proxy({}, { get: () => ({}) }) as unknown as Services
  const app = await buildApp({
    services,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    readiness: async () => ({ database: true, scheduler: true }),
  })
  try {
    await app.ready()
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
  }
}

async function writeOpenApi(): Promise<void> {
  writeFileSync(OPENAPI_PATH, await generateOpenApi())
  process.stdout.write(`wrote ${OPENAPI_PATH}\n`)
}

if (require.main === module) {
  writeOpenApi().catch((err: unknown) => {
    process.stderr.write(`npm run openapi failed: ${err instanceof Error ? err.stack : String(err)}\n`)
    process.exit(1)
  })
}
