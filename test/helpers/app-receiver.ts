import { createServer, type IncomingHttpHeaders } from 'node:http'
import { once } from 'node:events'

/** The invoicing app's webhook endpoint: keeps every POST it gets, with the time it arrived. */
export async function startAppReceiver() {
  const received: Array<{ at: number; headers: IncomingHttpHeaders; body: any }> = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body: JSON.parse(body) })
      res.writeHead(204).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    received,
    of: (type: string, pred: (data: any) => boolean = () => true) =>
      received.filter((r) => r.body.type === type && pred(r.body.data)),
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Polls until `ok` holds (a condition, never a fixed sleep); fails with the last value seen. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (ok(value)) return value
    if (Date.now() > until) throw new Error(`waitFor: timed out; last value ${JSON.stringify(value)?.slice(0, 500)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
