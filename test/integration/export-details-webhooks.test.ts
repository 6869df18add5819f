import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { once } from 'node:events'
import { startHarness, type Harness } from '../helpers/harness'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { createAccount } from '../../src/exact/accounts'
import { deliverDueWebhooks } from '../../src/services/webhook-delivery'
import { createLogger } from '../../src/logger'

/** The invoicing app's webhook endpoint: keeps every POST it gets. */
async function startReceiver() {
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body })
      res.writeHead(204).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    received,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Standard Webhooks, computed here and not with the service's signer. */
function signatureOf(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

describe('outbound webhooks for exports, end to end', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`
  const logger = createLogger('silent')
  let h: Harness
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let tenant: TenantApi

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    receiver = await startReceiver()
    tenant = await connectedTenant(h, 'Hooked BV', sandboxSettings({ webhook: { url: receiver.url, secret } }))
  })
  afterAll(async () => {
    await receiver?.close()
    await h?.close()
  })

  it("delivers export.succeeded, export.failed and export.undone once each, signed with the tenant's secret", async () => {
    const invoice = makeInvoice()
    await tenant.put('wh-1', invoice)
    const exported = (await tenant.exportIt('wh-1')).json()
    expect(exported.status).toBe('exported')

    const client = await h.exact.clientFor(tenant.id)
    const vatNumber = 'BE0777666555'
    for (const name of ['Double BV', 'Double BV (old)'])
      await createAccount(client, { name, vatNumber }, { customer: true })
    await tenant.put('wh-2', makeInvoice({ party: { id: 'double', name: 'Double', vatNumber } }))
    const refused = await tenant.exportIt('wh-2')
    expect(refused.statusCode).toBe(422)
    const failedId = (await tenant.call('GET', '/invoices/wh-2/export')).json().id

    expect((await tenant.call('DELETE', `/exports/${exported.id}`)).statusCode).toBe(200)
    const entryNumber = (await tenant.entries()).find((e) => e.YourRef === invoice.number).EntryNumber
    expect(receiver.received).toHaveLength(0)

    const summary = await deliverDueWebhooks({ db: h.database.db, logger })
    expect(summary).toEqual({ claimed: 3, delivered: 3, retrying: 0, failed: 0 })

    const byType = Object.fromEntries(receiver.received.map((r) => [JSON.parse(r.body).type, JSON.parse(r.body)]))
    expect(receiver.received.map((r) => JSON.parse(r.body).type).sort()).toEqual([
      'export.failed',
      'export.succeeded',
      'export.undone',
    ])
    expect(byType['export.succeeded'].data).toMatchObject({
      exportId: exported.id,
      invoiceId: 'wh-1',
      status: 'exported',
      entryNumber,
    })
    expect(byType['export.failed'].data).toMatchObject({
      exportId: failedId,
      invoiceId: 'wh-2',
      status: 'failed',
      error: { code: 'relation_ambiguous' },
    })
    expect(byType['export.undone'].data).toMatchObject({ exportId: exported.id, invoiceId: 'wh-1', status: 'undone' })

    const ids = receiver.received.map((r) => r.headers['webhook-id'])
    expect(new Set(ids).size).toBe(3)
    for (const { path, headers, body } of receiver.received) {
      expect(path).toBe('/hook')
      const timestamp = String(headers['webhook-timestamp'])
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(30)
      const signatures = String(headers['webhook-signature']).split(' ')
      expect(signatures).toContain(signatureOf(secret, String(headers['webhook-id']), timestamp, body))
      expect(signatures).not.toContain(
        signatureOf(`whsec_${randomBytes(32).toString('base64')}`, String(headers['webhook-id']), timestamp, body),
      )
      expect(body).not.toContain(secret.slice('whsec_'.length))
    }

    expect(await deliverDueWebhooks({ db: h.database.db, logger })).toMatchObject({ claimed: 0 })
    expect(receiver.received).toHaveLength(3)
    const deliveries = (await tenant.call('GET', '/webhooks/deliveries')).json().items
    expect(deliveries.map((d: any) => [d.status, d.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
      ['delivered', 1],
    ])
  })
})
