import { request } from 'undici'
import { makeInvoice } from '../helpers/factories'
import { startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'

/**
 * What a careless or hostile client sends: the wrong media type, bytes Postgres cannot store,
 * broken URLs, huge bodies and amounts, no key. Each is a 4xx problem+json with a stable code and
 * the field at fault, never a 500, and nothing is written.
 */
describe('hostile input', () => {
  let h: Harness
  let tenant: TenantApi

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => h?.close())

  /** Over a real socket: some of these never reach a route (bad URLs), so inject is not enough. */
  const send = async (
    method: string,
    path: string,
    opts: { body?: string | Buffer; contentType?: string; key?: string | null } = {},
  ) => {
    const headers: Record<string, string> = {}
    if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? tenant.apiKey}`
    if (opts.contentType) headers['content-type'] = opts.contentType
    const res = await request(`${h.url}${path}`, { method: method as never, headers, body: opts.body })
    const text = await res.body.text()
    return {
      status: res.statusCode,
      contentType: String(res.headers['content-type'] ?? ''),
      body: text ? JSON.parse(text) : undefined,
    }
  }
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' })
  const expectProblem = (res: Awaited<ReturnType<typeof send>>, status: number, code: string, field?: string) => {
    expect({ status: res.status, contentType: res.contentType, code: res.body?.code, field: res.body?.field }).toEqual({
      status,
      contentType: expect.stringMatching(/^application\/problem\+json/),
      code,
      field: field ?? expect.anything(),
    })
    expect(res.body).toMatchObject({
      type: expect.stringContaining(code),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    })
  }
  const stored = async (id: string) => (await tenant.call('GET', `/invoices/${encodeURIComponent(id)}`)).statusCode

  it('a text/plain or XML body -> 415 unsupported_media_type naming the content type; nothing stored', async () => {
    expectProblem(
      await send('POST', '/invoices/plain-1/export', { body: 'book this please', contentType: 'text/plain' }),
      415,
      'unsupported_media_type',
      'header/content-type',
    )
    expectProblem(
      await send('PUT', '/invoices/plain-1', { body: JSON.stringify(makeInvoice()), contentType: 'text/plain' }),
      415,
      'unsupported_media_type',
      'header/content-type',
    )
    expectProblem(
      await send('PUT', '/invoices/plain-1', { body: '<invoice/>', contentType: 'application/xml' }),
      415,
      'unsupported_media_type',
      'header/content-type',
    )
    expect(await stored('plain-1')).toBe(404)
  })

  it('a NUL byte or a lone surrogate in an id, a body string or a query -> 400 naming the field; nothing stored', async () => {
    expectProblem(await send('GET', '/invoices/a%00b'), 400, 'validation_failed', 'params/id')
    expectProblem(await send('PUT', '/invoices/a%00b', json(makeInvoice())), 400, 'validation_failed', 'params/id')
    expectProblem(
      await send('POST', '/invoices/a%00b/export', json(makeInvoice())),
      400,
      'validation_failed',
      'params/id',
    )
    expectProblem(
      await send('PUT', '/invoices/nul-1', json(makeInvoice({ description: 'Consulting\u0000November' }))),
      400,
      'validation_failed',
      'body/description',
    )
    const invoice = makeInvoice()
    const loneSurrogate = JSON.stringify(invoice).replace(`"name":"${invoice.party.name}"`, '"name":"Acme \\ud800 BV"')
    expectProblem(
      await send('PUT', '/invoices/nul-1', { body: loneSurrogate, contentType: 'application/json' }),
      400,
      'validation_failed',
      'body/party/name',
    )
    expectProblem(await send('GET', '/exports?cursor=%00'), 400, 'validation_failed', 'querystring/cursor')
    expect(await stored('nul-1')).toBe(404)
    // A lone surrogate in a URL is not even valid UTF-8: a bad URL.
    expectProblem(await send('GET', '/invoices/%ED%A0%80'), 400, 'invalid_url', 'url')
  })

  it('broken URL encoding -> 400 invalid_url; an id past any sane length -> 414 uri_too_long; a long valid id works', async () => {
    expectProblem(await send('GET', '/invoices/%E0%A4%A'), 400, 'invalid_url', 'url')
    expectProblem(await send('GET', `/invoices/${'x'.repeat(5000)}`), 414, 'uri_too_long', 'url')
    // The schema allows 200 characters, also when each is percent-encoded UTF-8.
    const long = 'é'.repeat(200)
    expect((await send('PUT', `/invoices/${encodeURIComponent(long)}`, json(makeInvoice()))).status).toBe(201)
    expect(await stored(long)).toBe(200)
    expectProblem(
      await send('PUT', `/invoices/${'x'.repeat(201)}`, json(makeInvoice())),
      400,
      'validation_failed',
      'params/id',
    )
  })

  it('a body past the limit -> 413 payload_too_large; broken or empty JSON -> 400 invalid_json', async () => {
    expectProblem(
      await send('PUT', '/invoices/big-1', {
        body: Buffer.alloc(11 * 1024 * 1024, 0x20),
        contentType: 'application/json',
      }),
      413,
      'payload_too_large',
      'body',
    )
    expectProblem(
      await send('PUT', '/invoices/big-1', { body: '{"type": "sales",', contentType: 'application/json' }),
      400,
      'invalid_json',
      'body',
    )
    expectProblem(
      await send('POST', '/invoices/big-1/export', { body: '', contentType: 'application/json' }),
      400,
      'invalid_json',
      'body',
    )
    expect(await stored('big-1')).toBe(404)
  })

  it('no key is 401 before the body is looked at: bad JSON, a wrong type, a bad field', async () => {
    for (const res of [
      await send('PUT', '/invoices/anon-1', { key: null, body: '{"type":', contentType: 'application/json' }),
      await send('PUT', '/invoices/anon-1', { key: null, body: 'x', contentType: 'text/plain' }),
      await send('PUT', '/invoices/anon-1', { key: null, ...json({ type: 'nonsense' }) }),
      await send('POST', '/admin/tenants', { key: null, ...json({ name: '' }) }),
      await send('POST', '/admin/tenants', { key: tenant.apiKey, ...json({ nom: 'x' }) }),
    ])
      expectProblem(res, 401, 'unauthorized', 'header/authorization')
  })

  it('money: the schema, the columns and the wire agree on 13 integer digits', async () => {
    // 14 integer digits: refused by the schema (numeric(15,2) and an exact JSON number hold 13).
    const tooBig = makeInvoice({ lines: [{ netAmount: '10000000000000.00', vatRate: '0' }], totals: undefined })
    expectProblem(
      await send('PUT', '/invoices/money-1', json(tooBig)),
      400,
      'validation_failed',
      'body/lines/0/netAmount',
    )
    // Lines within the bound whose sum is not: 422 before anything is stored or sent.
    const sumTooBig = makeInvoice({
      lines: [
        { netAmount: '9999999999999.99', vatRate: '0' },
        { netAmount: '0.01', vatRate: '0' },
      ],
      totals: undefined,
    })
    expectProblem(await send('PUT', '/invoices/money-1', json(sumTooBig)), 422, 'invoice_invalid')
    expect(await stored('money-1')).toBe(404)
    // The largest amount there is books exactly, to the cent, in Exact.
    const largest = makeInvoice({ lines: [{ netAmount: '9999999999999.99', vatRate: '0' }], totals: undefined })
    const booked = await send('POST', '/invoices/money-2/export', json(largest))
    expect(booked.status).toBe(201)
    const entry = await tenant.entryFor(largest.number)
    expect(String(entry.AmountDC ?? entry.AmountFC)).toBe('9999999999999.99')
  })
})
