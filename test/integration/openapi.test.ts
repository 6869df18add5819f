import { readFileSync } from 'node:fs'
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

test('every operation has an operationId, a summary and tags', () => {
  const spec = JSON.parse(generated) as { paths: Record<string, Record<string, { operationId?: string; summary?: string; tags?: string[] }>> }
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
