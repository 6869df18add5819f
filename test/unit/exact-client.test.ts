import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { ExactClient } from '../../src/exact/client'
import { ExactAuthError, ExactNotFoundError, ExactRefusedError, ExactUnavailableError } from '../../src/exact/errors'
import { RateLimiterRegistry } from '../../src/exact/rate-limiter'
import type { TokenSource } from '../../src/exact/tokens'

type Step = (req: IncomingMessage, res: ServerResponse, body: string) => void
interface Seen {
  method: string
  url: string
  auth: string | undefined
  prefer: string | undefined
  accept: string | undefined
  body: string
}

let server: Server
let base: string
let script: Step[] = []
let seen: Seen[] = []
const agent = new Agent({ keepAliveTimeout: 100 })

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
        prefer: req.headers.prefer as string | undefined,
        accept: req.headers.accept,
        body,
      })
      const step = script.shift()
      if (!step) {
        res.statusCode = 599
        return res.end('script exhausted')
      }
      step(req, res, body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await agent.close()
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})
beforeEach(() => {
  script = []
  seen = []
})

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(body === undefined ? '' : JSON.stringify(body))
  }
const exactError = (status: number, value: string): Step =>
  json(status, { error: { code: '', message: { lang: '', value } } })

function tokens(): TokenSource & { rejected: string[] } {
  let current = 'token-1'
  const rejected: string[] = []
  return {
    rejected,
    getAccessToken: async () => current,
    onUnauthorized: async (t) => {
      rejected.push(t)
      current = 'token-2'
      return current
    },
  }
}

function client(overrides: Partial<ConstructorParameters<typeof ExactClient>[0]> = {}) {
  return new ExactClient({
    baseUrl: base,
    division: 42,
    tokens: tokens(),
    limiter: new RateLimiterRegistry({ marginMs: 0 }),
    logger: { debug: () => {}, warn: () => {} },
    dispatcher: agent,
    timeoutMs: 2000,
    ...overrides,
  })
}

describe('ExactClient', () => {
  it('POSTs JSON with the bearer token, Accept and Prefer, in the division', async () => {
    script = [json(201, { d: { EntryID: 'e1', EntryNumber: 7 } })]
    const calls: unknown[] = []
    const entity = await client({ onCall: (e) => calls.push(e) }).post('salesentry/SalesEntries', { Journal: '70' })
    expect(entity).toEqual({ EntryID: 'e1', EntryNumber: 7 })
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/42/salesentry/SalesEntries',
      auth: 'Bearer token-1',
      prefer: 'return=representation',
      accept: 'application/json',
      body: '{"Journal":"70"}',
    })
    expect(calls).toEqual([
      { method: 'POST', resource: 'salesentry/SalesEntries', status: 201, durationMs: expect.any(Number) },
    ])
  })

  it('waits out a 429 with minutely headers and then succeeds', async () => {
    const reset = String(Date.now() + 300)
    script = [
      json(429, undefined, {
        'x-ratelimit-minutely-limit': '60',
        'x-ratelimit-minutely-remaining': '0',
        'x-ratelimit-minutely-reset': reset,
      }),
      json(200, { d: { results: [{ ID: 'a' }] } }),
    ]
    const started = Date.now()
    expect(await client().list('crm/Accounts', { $filter: "Code eq '1'" })).toEqual([{ ID: 'a' }])
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(seen).toHaveLength(2)
  })

  it('500 with Exact error body is a refusal with the joined message, never retried', async () => {
    script = [exactError(500, 'Mandatory: Relationship\r\nInvalid reference: Cost unit')]
    const err = await client()
      .post('salesentry/SalesEntries', {})
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ExactRefusedError)
    expect(err).toMatchObject({
      status: 500,
      exactMessage: 'Mandatory: Relationship; Invalid reference: Cost unit',
      resource: 'salesentry/SalesEntries',
    })
    expect(seen).toHaveLength(1)
  })

  it('503 HTML is unavailable: a POST is not retried, a GET is retried once', async () => {
    const html: Step = (_q, res) => {
      res.writeHead(503, { 'content-type': 'text/html' })
      res.end('<html><body>Maintenance</body></html>')
    }
    script = [html]
    await expect(client().post('salesentry/SalesEntries', {})).rejects.toMatchObject({
      constructor: ExactUnavailableError,
      reason: 'maintenance',
      status: 503,
    })
    expect(seen).toHaveLength(1)
    script = [html, json(200, { d: { ID: 'x' } })]
    seen = []
    const got = await client().get("crm/Accounts(guid'3fa85f64-5717-4562-b3fc-2c963f66afa6')")
    expect(got).toEqual({ ID: 'x' })
    expect(seen).toHaveLength(2)
  })

  it('a 200 with an HTML page is unavailable', async () => {
    script = [(_q, res) => res.end('<!DOCTYPE html><p>Onderhoud</p>')]
    await expect(client().put("crm/Accounts(guid'3fa85f64-5717-4562-b3fc-2c963f66afa6')", {})).rejects.toBeInstanceOf(
      ExactUnavailableError,
    )
  })

  it('a destroyed socket is unavailable and the write is not retried', async () => {
    script = [(req) => req.socket.destroy()]
    const err = await client()
      .post('purchaseentry/PurchaseEntries', {})
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ExactUnavailableError)
    expect(err).toMatchObject({ reason: 'connection', mayHaveReachedExact: true })
    expect(seen).toHaveLength(1)
  })

  it('a headers timeout is unavailable', async () => {
    script = [(_q, res) => setTimeout(() => res.end('{}'), 1500)]
    await expect(
      client({ timeoutMs: 100 }).delete("salesentry/SalesEntries(guid'3fa85f64-5717-4562-b3fc-2c963f66afa6')"),
    ).rejects.toMatchObject({
      constructor: ExactUnavailableError,
      reason: 'timeout',
    })
  })

  it('a refused connection never reached Exact', async () => {
    const err = await client({ baseUrl: 'http://127.0.0.1:1' })
      .post('salesentry/SalesEntries', {})
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ constructor: ExactUnavailableError, mayHaveReachedExact: false })
  })

  it('401: asks the token source once for a fresh token and retries once', async () => {
    const t = tokens()
    script = [json(401, undefined), json(201, { d: { ID: 'new' } })]
    expect(await client({ tokens: t }).post('crm/Accounts', { Name: 'x' })).toEqual({ ID: 'new' })
    expect(t.rejected).toEqual(['token-1'])
    expect(seen.map((s) => s.auth)).toEqual(['Bearer token-1', 'Bearer token-2'])
  })

  it('401 twice is an ExactAuthError', async () => {
    script = [json(401, undefined), json(401, undefined)]
    await expect(client().get('current/Me', { $select: 'CurrentDivision' })).rejects.toMatchObject({
      constructor: ExactAuthError,
      kind: 'unauthorized',
    })
    expect(seen[0]!.url).toBe('/api/v1/current/Me?$select=CurrentDivision')
  })

  it('404 is not found, 400 a refusal', async () => {
    script = [
      exactError(404, 'Not found'),
      exactError(400, 'Please add a $select or a $top=1 statement to the query string.'),
    ]
    await expect(
      client().get("salesentry/SalesEntries(guid'3fa85f64-5717-4562-b3fc-2c963f66afa6')"),
    ).rejects.toBeInstanceOf(ExactNotFoundError)
    await expect(client().get('salesentry/SalesEntries')).rejects.toMatchObject({
      constructor: ExactRefusedError,
      status: 400,
    })
    expect(seen).toHaveLength(2)
  })

  it('follows __next on our own host', async () => {
    script = [
      json(200, {
        d: {
          results: [{ ID: '1' }],
          __next: "https://start.exactonline.nl/api/v1/42/crm/Accounts?$skiptoken=guid'abc'",
        },
      }),
      json(200, { d: { results: [{ ID: '2' }] } }),
    ]
    expect(await client().list('crm/Accounts', { $filter: "Name eq 'a b'", $select: 'ID' })).toEqual([
      { ID: '1' },
      { ID: '2' },
    ])
    expect(seen.map((s) => decodeURIComponent(s.url))).toEqual([
      "/api/v1/42/crm/Accounts?$filter=Name eq 'a b'&$select=ID",
      "/api/v1/42/crm/Accounts?$skiptoken=guid'abc'",
    ])
  })
})
