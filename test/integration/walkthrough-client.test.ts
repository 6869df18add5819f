import { createExactBridgeClient, type ExactBridgeClient, type Invoice } from '../../clients/typescript'
import { ADMIN_KEY, sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { waitUntil } from '../helpers/wait'

/**
 * The README's walk-through, call by call, through the generated client (clients/typescript):
 * what a user of the client sees, checked against the sandbox ledger.
 */
const invoice: Invoice = {
  type: 'sales',
  number: '2026-0042',
  issueDate: '2026-11-20',
  dueDate: '2026-12-20',
  currency: 'EUR',
  description: 'Consulting November',
  reference: 'PO-7781',
  party: {
    id: 'cust-17',
    code: 'C017',
    name: 'Acme BV',
    vatNumber: 'BE0123456789',
    email: 'billing@acme.example',
    address: { line1: 'Main street 1', postcode: '2000', city: 'Antwerpen', country: 'BE' },
  },
  paymentConditionId: '32',
  lines: [{ description: 'Consulting', netAmount: '1000.00', vatRate: '21' }],
  totals: { net: '1000.00', vat: '205.80', gross: '1205.80' },
}

let h: Harness
let api: ExactBridgeClient
let division: number
const ledger = async () =>
  (await sandboxJson<any[]>(h, `/_sandbox/divisions/${division}/entries`)).filter((e) => e.YourRef === invoice.number)

beforeAll(async () => {
  h = await startHarness({ unlimited: true })
})
afterAll(async () => h.close())

test('the walk-through: tenant, OAuth against the sandbox, settings, book, read, pay, undo', async () => {
  const admin = createExactBridgeClient(h.url, ADMIN_KEY)
  const tenant = await admin.POST('/admin/tenants', { body: { name: 'Walk-through BV' } })
  expect(tenant.response.status).toBe(201)
  api = createExactBridgeClient(h.url, tenant.data!.apiKey)

  // OAuth: the browser opens the consent URL; the sandbox redirects to our callback with code and state.
  const authorize = await api.POST('/connection/authorize', { body: {} })
  expect(authorize.data?.region).toBeDefined()
  const consent = await fetch(authorize.data!.authorizeUrl, { redirect: 'manual' })
  const redirect = new URL(consent.headers.get('location')!)
  const callback = await api.GET('/oauth/callback', {
    params: { query: { code: redirect.searchParams.get('code')!, state: redirect.searchParams.get('state')! } },
  })
  expect(callback.data?.status).toBe('connected')
  division = callback.data!.division!
  const connection = await api.GET('/connection')
  expect(connection.data).toMatchObject({ status: 'connected', division })

  // Settings are proposed from the sandbox's chart; condition 32 is "30 days, 2 % discount within 8 days".
  await waitUntil(async () => (await api.GET('/settings')).response.status === 200, {
    what: 'settings proposed from the chart',
    timeoutMs: 30_000,
  })
  const settings = (await api.GET('/settings')).data!
  expect(settings.paymentConditions.map((c) => c.id)).toContain('32')

  // A total that does not add up is refused with a typed problem naming the amount.
  const wrong = await api.PUT('/invoices/{id}', {
    params: { path: { id: 'inv-42' } },
    body: { ...invoice, totals: { net: '1000.00', vat: '210.00', gross: '1210.00' } },
  })
  expect(wrong.response.status).toBe(422)
  expect(wrong.response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  expect(wrong.error?.code).toBe('invoice_invalid')

  const stored = await api.PUT('/invoices/{id}', { params: { path: { id: 'inv-42' } }, body: invoice })
  expect(stored.response.status).toBe(201)
  expect(stored.data).toMatchObject({ id: 'inv-42', version: 1, export: null })

  const booked = await api.POST('/invoices/{id}/export', { params: { path: { id: 'inv-42' } } })
  expect(booked.response.status).toBe(201)
  const exported = booked.data!
  expect(exported.status).toBe('exported')
  const [entry] = await ledger()
  expect(entry).toMatchObject({
    EntryNumber: exported.entryNumber,
    AmountFC: '1205.80',
    VATAmountFC: '205.80',
    AccountCode: 'C017',
    deleted: false,
  })
  expect(entry.Description.startsWith(exported.marker)).toBe(true)

  const again = await api.POST('/invoices/{id}/export', { params: { path: { id: 'inv-42' } } })
  expect(again.response.status).toBe(200)
  expect(again.data?.id).toBe(exported.id)
  expect(await ledger()).toHaveLength(1)

  const latest = await api.GET('/invoices/{id}/export', { params: { path: { id: 'inv-42' } } })
  expect(latest.data).toMatchObject({ id: exported.id, entryNumber: exported.entryNumber })

  const unpaid = await api.GET('/invoices/{id}/payment-status', { params: { path: { id: 'inv-42' } } })
  expect(unpaid.data).toMatchObject({
    status: 'unpaid',
    amount: '1205.80',
    paid: '0.00',
    outstanding: '1205.80',
    source: 'live',
  })

  const payment = await sandboxJson<{ id: string }>(h, `/_sandbox/divisions/${division}/payments`, {
    method: 'POST',
    body: { entryNumber: exported.entryNumber, amount: '500.00' },
  })
  const partly = await api.GET('/invoices/{id}/payment-status', { params: { path: { id: 'inv-42' } } })
  expect(partly.data).toMatchObject({ status: 'partially_paid', paid: '500.00' })

  // While a payment is matched Exact refuses the delete, and so does the service; the entry stays.
  const refused = await api.DELETE('/exports/{id}', { params: { path: { id: exported.id } } })
  expect(refused.response.status).toBe(409)
  expect(refused.error?.code).toBe('undo_refused')
  expect((await ledger())[0].deleted).toBe(false)

  await sandboxJson(h, `/_sandbox/divisions/${division}/payments/${payment.id}`, { method: 'DELETE' })
  const undone = await api.DELETE('/exports/{id}', { params: { path: { id: exported.id } } })
  expect(undone.data).toMatchObject({ id: exported.id, status: 'undone' })
  expect((await ledger()).map((e) => e.deleted)).toEqual([true])
  const repeated = await api.DELETE('/exports/{id}', { params: { path: { id: exported.id } } })
  expect(repeated.data).toMatchObject({ id: exported.id, status: 'undone' })
})
