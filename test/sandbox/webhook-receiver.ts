import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DEFAULT_WEBHOOK_SECRET } from '../../src/sandbox/server'

export interface Received {
  method: string
  path: string
  headers: IncomingHttpHeaders
  raw: string
  at: number
}

/**
 * A local webhook endpoint: records every request with its raw body and answers with the next status in
 * `answers` (then 200). `path` tells receivers apart: `url('/a')`.
 */
export async function startReceiver() {
  const received: Received[] = []
  const answers: number[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (c: Buffer) => chunks.push(c))
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      })
      response.statusCode = answers.shift() ?? 200
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    received,
    answers,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    /** Events only (the validation POST has an empty body). */
    events: (path?: string) => received.filter((r) => r.raw !== '' && (path === undefined || r.path === path)),
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>

/** The receiver side of HashCode, written from the description (picqer Authenticatable.php), not from the sandbox. */
export function verifyHashCode(raw: string, secret = DEFAULT_WEBHOOK_SECRET): boolean {
  const m = /^\{"Content":(.*),"HashCode":"([0-9A-F]{64})"\}$/s.exec(raw)
  return m !== null && createHmac('sha256', secret).update(m[1], 'utf8').digest('hex').toUpperCase() === m[2]
}

export async function waitFor<T>(
  probe: () => T | Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (ok(value)) return value
    if (Date.now() > until) throw new Error(`waitFor: timed out; last value ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
