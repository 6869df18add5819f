import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfigFromProcess } from './config'
import { formatProbeReport, type ProbeReport } from './services/exact-probe'

/**
 * `npm run exact:probe -- --tenant <id> [--write] [--url <service>]`: asks the running service to
 * probe the tenant's Exact administration (POST /admin/tenants/:id/probe) and prints one table.
 * Exits 0 when every assumption holds, 1 when one does not, 2 when the probe could not run.
 */
async function run(): Promise<number> {
  const { values } = parseArgs({
    options: { tenant: { type: 'string' }, write: { type: 'boolean', default: false }, url: { type: 'string' } },
  })
  if (!values.tenant) {
    process.stderr.write('usage: npm run exact:probe -- --tenant <tenant id> [--write] [--url http://127.0.0.1:3000]\n')
    return 2
  }
  const config = loadConfigFromProcess()
  const adminKey = config.adminApiKey ?? readDevSecret(config.dataDir, 'admin-api-key')
  const base = values.url ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`
  if (values.write)
    process.stdout.write('Booking one test entry in the sales journal of the settings; it is deleted again at once.\n')
  const res = await fetch(`${base}/admin/tenants/${encodeURIComponent(values.tenant)}/probe`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ write: values.write }),
  })
  const body = (await res.json()) as ProbeReport & { detail?: string; code?: string }
  if (res.status !== 200) {
    process.stderr.write(`probe failed: ${res.status} ${body.code ?? ''} ${body.detail ?? ''}\n`)
    return 2
  }
  process.stdout.write(`${formatProbeReport(body)}\n`)
  return body.allHold ? 0 : 1
}

function readDevSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name)
  if (!existsSync(file)) throw new ConfigError('ADMIN_API_KEY', `not set, and no ${file} from a development start`)
  return readFileSync(file, 'utf8').trim()
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`probe failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(2)
  },
)
