import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateOpenApi, OPENAPI_PATH } from '../../src/http/write-openapi'

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

let generated: string

beforeAll(async () => {
  generated = await generateOpenApi()
})

test('the committed openapi/openapi.json is what the routes declare now', () => {
  const committed = readFileSync(OPENAPI_PATH, 'utf8')
  if (committed !== generated) throw new Error('openapi/openapi.json is stale: run npm run openapi')
})

test('the committed clients/typescript/schema.d.ts is what npm run client makes of the committed spec', async () => {
  // The same arguments as the npm script, printed instead of written.
  const script = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).scripts.client as string
  const args = script
    .replace(/^openapi-typescript /, '')
    .replace(/ -o \S+$/, '')
    .split(' ')
  const cli = join(__dirname, '../../node_modules/openapi-typescript/bin/cli.js')
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], {
    cwd: join(__dirname, '../..'),
    maxBuffer: 32 * 1024 * 1024,
  })
  const committed = readFileSync(join(__dirname, '../../clients/typescript/schema.d.ts'), 'utf8')
  if (stdout !== committed)
    throw new Error('clients/typescript/schema.d.ts is stale: run npm run openapi && npm run client')
}, 120_000)

test('every operation has an operationId, a summary and tags', () => {
  const spec = JSON.parse(generated) as {
    paths: Record<string, Record<string, { operationId?: string; summary?: string; tags?: string[] }>>
  }
  const incomplete: string[] = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue
      if (!op.operationId || !op.summary || !op.tags?.length) incomplete.push(`${method.toUpperCase()} ${path}`)
    }
  }
  expect(Object.keys(spec.paths).length).toBeGreaterThan(0)
  expect(incomplete).toEqual([])
})

test('operationIds are unique', () => {
  const spec = JSON.parse(generated) as { paths: Record<string, Record<string, { operationId?: string }>> }
  const ids = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))
  expect(ids.length).toBe(new Set(ids).size)
})
