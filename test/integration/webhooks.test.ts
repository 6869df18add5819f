import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { enqueueWebhookEvent, type WebhookEventType } from '../../src/db/webhook-outbox-repository'
import { deliverDueWebhooks, webhookRetryDelayMs } from '../../src/services/webhook-delivery'
import { startWebhookDelivery } from '../../src/jobs/webhook-delivery'
import { createLogger } from '../../src/logger'
import { connectTenant, createTenant, startHarness, type Harness } from '../helpers/harness'

interface Received {
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** The invoicing app's end: records every POST, answers `status` (503 = "we are down"). */
async function startReceiver(): Promise<{
  url: string
  received: Received[]
  status: number
  delayMs: number
  close(): Promise<void>
}> {
  const state = {
    url: '',
    received: [] as Received[],
    status: 200,
    delayMs: 0,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      state.received.push({ headers: req.headers, body })
      setTimeout(
        () => res.writeHead(state.status).end(state.status >= 300 ? 'down for maintenance' : 'ok'),
        state.delayMs,
      )
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/exact?token=abc`
  return state
}

/** Standard Webhooks verification written out here, independent of src/services/webhook-signer. */
function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

const logger = createLogger('silent')
const secret = `whsec_${randomBytes(24).toString('base64')}`
const inSeconds = (s: number) => new Date(Date.now() + s * 1000)

let h: Harness
let receiver: Awaited<ReturnType<typeof startReceiver>>
let tenant: { id: string; apiKey: string }

async function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown, key = tenant.apiKey) {
  return h.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  })
}

async function enqueue(type: WebhookEventType, payload: Record<string, unknown>, tenantId = tenant.id) {
  return h.database.db.transaction().execute((trx) => enqueueWebhookEvent(trx, { tenantId, type, payload }))
}

const deliver = (now: Date, batchSize = 20) => deliverDueWebhooks({ db: h.database.db, logger, now, batchSize })

beforeAll(async () => {
  h = await startHarness()
  receiver = await startReceiver()
  tenant = await createTenant(h, 'Hooks BV')
  await connectTenant(h, tenant.apiKey)
  const current = (await api('GET', '/settings')).json()
  const put = await api('PUT', '/settings', { ...current, webhook: { url: receiver.url, secret } })
  expect(put.statusCode).toBe(200)
})

afterAll(async () => {
  await receiver?.close()
  await h?.close()
})

beforeEach(async () => {
  receiver.received.length = 0
  receiver.status = 200
  receiver.delayMs = 0
  // Earlier tests' leftovers must not be claimed by this one.
  await h.database.db.updateTable('webhook_events').set({ status: 'failed' }).where('status', '=', 'pending').execute()
})

describe('outbound webhooks', () => {
  it('delivers an enqueued event, signed so the receiver can verify it', async () => {
    const id = await enqueue('export.succeeded', { exportId: 'e-1', invoiceId: 'inv-1', entryNumber: 70001 })
    expect(id).toBeDefined()

    const summary = await deliver(inSeconds(1))

    expect(summary).toEqual({ claimed: 1, delivered: 1, retrying: 0, failed: 0 })
    expect(receiver.received).toHaveLength(1)
    const [{ headers, body }] = receiver.received
    expect(headers['webhook-id']).toBe(`msg_${id}`)
    expect(headers['content-type']).toBe('application/json')
    const timestamp = String(headers['webhook-timestamp'])
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(10)
    expect(headers['webhook-signature']).toBe(expectedSignature(secret, `msg_${id}`, timestamp, body))
    const parsed = JSON.parse(body)
    expect(parsed).toEqual({
      type: 'export.succeeded',
      timestamp: expect.any(String),
      data: { exportId: 'e-1', invoiceId: 'inv-1', entryNumber: 70001 },
    })

    const listed = (await api('GET', '/webhooks/deliveries?status=delivered')).json()
    expect(listed.items[0]).toMatchObject({
      id,
      type: 'export.succeeded',
      status: 'delivered',
      attempts: 1,
      lastStatus: 200,
      nextAttemptAt: null,
    })
    // No secret and no query-string token in what the tenant sees.
    expect(listed.items[0].url).toMatch(/\/hooks\/exact$/)
    expect(JSON.stringify(listed)).not.toContain(secret)
    expect(JSON.stringify(listed)).not.toContain('token=abc')
  })

  it('records nothing for a rolled-back change or a tenant without a webhook', async () => {
    await expect(
      h.database.db.transaction().execute(async (trx) => {
        await enqueueWebhookEvent(trx, {
          tenantId: tenant.id,
          type: 'export.failed',
          payload: { exportId: 'rolled-back' },
        })
        throw new Error('the export failed to commit')
      }),
    ).rejects.toThrow('the export failed to commit')
    const other = await createTenant(h, 'No Hooks BV')
    expect(await enqueue('export.failed', { exportId: 'x' }, other.id)).toBeUndefined()

    expect(await deliver(inSeconds(1))).toMatchObject({ claimed: 0 })
    expect(receiver.received).toHaveLength(0)
  })

  it('retries with back-off while the receiver is down and delivers once it is back', async () => {
    const id = await enqueue('invoice.payment_updated', { invoiceId: 'inv-2', status: 'paid' })
    const t0 = Date.now()
    const at = (seconds: number) => new Date(t0 + seconds * 1000)
    receiver.status = 503

    expect(await deliver(at(1))).toMatchObject({ claimed: 1, retrying: 1 })
    let event = (await api('GET', `/webhooks/deliveries/${id}`)).json()
    expect(event).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: 503,
      lastError: expect.stringContaining('HTTP 503'),
    })
    expect(Date.parse(event.nextAttemptAt) - at(1).getTime()).toBe(5_000)

    expect(await deliver(at(4))).toMatchObject({ claimed: 0 })
    expect(await deliver(at(6))).toMatchObject({ claimed: 1, retrying: 1 })
    event = (await api('GET', `/webhooks/deliveries/${id}`)).json()
    expect(Date.parse(event.nextAttemptAt) - at(6).getTime()).toBe(30_000)

    receiver.status = 204
    expect(await deliver(at(20))).toMatchObject({ claimed: 0 })
    expect(await deliver(at(37))).toMatchObject({ claimed: 1, delivered: 1 })
    event = (await api('GET', `/webhooks/deliveries/${id}`)).json()
    expect(event).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204, lastError: null })

    // Three POSTs of one message: same webhook-id, each signed for its own timestamp.
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([`msg_${id}`, `msg_${id}`, `msg_${id}`])
    for (const r of receiver.received) {
      expect(r.headers['webhook-signature']).toBe(
        expectedSignature(secret, `msg_${id}`, String(r.headers['webhook-timestamp']), r.body),
      )
    }
    expect(await deliver(at(4000))).toMatchObject({ claimed: 0 })
  })

  it('delivers each event once when delivery runs concurrently (two replicas)', async () => {
    const ids = []
    for (let i = 0; i < 12; i++) ids.push(await enqueue('bulk.completed', { bulkJobId: `b-${i}` }))
    receiver.delayMs = 30

    const summaries = await Promise.all([
      deliver(inSeconds(1), 5),
      deliver(inSeconds(1), 5),
      deliver(inSeconds(1), 5),
      deliver(inSeconds(1), 5),
    ])
    const again = await Promise.all([deliver(inSeconds(1), 20), deliver(inSeconds(1), 20)])

    const delivered = [...summaries, ...again].reduce((n, s) => n + s.delivered, 0)
    expect(delivered).toBe(12)
    const received = receiver.received.map((r) => r.headers['webhook-id'])
    expect(received).toHaveLength(12)
    expect(new Set(received)).toEqual(new Set(ids.map((id) => `msg_${id}`)))
  })

  it('gives up after 24 h of retries; a failed event can be sent again', async () => {
    const id = await enqueue('export.undone', { exportId: 'e-3' })
    await h.database.db.updateTable('webhook_events').set({ attempts: 27 }).where('id', '=', id!).execute()
    receiver.status = 500

    expect(await deliver(inSeconds(1))).toMatchObject({ claimed: 1, failed: 1 })
    expect((await api('GET', `/webhooks/deliveries/${id}`)).json()).toMatchObject({
      status: 'failed',
      attempts: 28,
      nextAttemptAt: null,
    })
    expect(
      (await api('GET', '/webhooks/deliveries?status=failed')).json().items.map((e: { id: string }) => e.id),
    ).toContain(id)

    const retried = await api('POST', `/webhooks/deliveries/${id}/retry`)
    expect(retried.statusCode).toBe(202)
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 0 })
    const again = await api('POST', `/webhooks/deliveries/${id}/retry`)
    expect([again.statusCode, again.json().code]).toEqual([409, 'webhook_not_failed'])
    receiver.status = 200
    expect(await deliver(inSeconds(2))).toMatchObject({ delivered: 1 })
  })

  it("pages the deliveries newest first and hides other tenants' events", async () => {
    const ids = []
    for (let i = 0; i < 5; i++) ids.push(await enqueue('export.succeeded', { exportId: `page-${i}` }))
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = (
        await api(
          'GET',
          `/webhooks/deliveries?type=export.succeeded&status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).json()
      seen.push(...page.items.map((e) => e.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual([...ids].reverse())

    expect((await api('GET', '/webhooks/deliveries?cursor=bogus')).statusCode).toBe(400)
    const stranger = await createTenant(h, 'Stranger BV')
    expect((await api('GET', `/webhooks/deliveries/${ids[0]}`, undefined, stranger.apiKey)).statusCode).toBe(404)
    expect((await api('GET', '/webhooks/deliveries', undefined, stranger.apiKey)).json().items).toEqual([])
  })
})

describe('the delivery loop', () => {
  it('delivers on its own every interval and stops after the running tick', async () => {
    const loop = startWebhookDelivery({ db: h.database.db, logger, intervalMs: 20, clock: () => inSeconds(1) })
    const id = await enqueue('export.succeeded', { exportId: 'looped' })
    const deadline = Date.now() + 5_000
    while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await loop.stop()
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([`msg_${id}`])
    await enqueue('export.succeeded', { exportId: 'after-stop' })
    await new Promise((r) => setTimeout(r, 100))
    expect(receiver.received).toHaveLength(1)
  })
})

describe('retry schedule', () => {
  it.each([
    [1, 5_000],
    [2, 30_000],
    [3, 120_000],
    [4, 600_000],
    [5, 3_600_000],
    [6, 3_600_000],
    [27, 3_600_000],
    [28, null],
  ])('after %i failed attempts waits %p ms', (failed, wait) => {
    expect(webhookRetryDelayMs(failed)).toBe(wait)
  })
})
