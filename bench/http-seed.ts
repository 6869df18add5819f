/**
 * What the HTTP benchmark reads: invoices exported through the service (timed, with the time of
 * their Exact calls taken from the service's own /metrics), some of them paid in the sandbox and
 * read once live, so that the next read of each is answered from the database.
 */
import { makeInvoice } from '../test/helpers/factories'
import { json } from './support'

export interface SeededInvoice {
  invoiceId: string
  exportId: string
  entryNumber: number
}
export interface Seeded {
  invoices: SeededInvoice[]
  paid: SeededInvoice[]
  requestMs: { p50: number }
  /** The request's time less the time its Exact calls took (exact_api_call_duration_seconds). */
  overheadMs: { p50: number }
  callsPerExport: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

async function exactTime(url: string): Promise<{ seconds: number; calls: number }> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const read = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0)
  return { seconds: read('exact_api_call_duration_seconds_sum'), calls: read('exact_api_call_duration_seconds_count') }
}

export async function seedInvoices(o: {
  url: string
  apiKey: string
  sandboxUrl: string
  division: number
  count: number
  paid: number
}): Promise<Seeded> {
  await json(`${o.sandboxUrl}/_sandbox/faults`, 'PUT', { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 })
  // One party: after the first export its Exact account is remembered, as for a regular customer.
  const party = {
    id: 'bench-http-party',
    code: 'H0001',
    name: 'Bench HTTP BV',
    vatNumber: 'BE0700000002',
    address: { line1: 'Main street 1', postcode: '2000', city: 'Antwerpen', country: 'BE' },
  }
  const prefix = `H${Date.now().toString(36)}`
  const invoices: SeededInvoice[] = []
  const requestMs: number[] = []
  const overheadMs: number[] = []
  let calls = 0
  for (let i = 0; i < o.count; i++) {
    const invoiceId = `${prefix}-${String(i + 1).padStart(4, '0')}`
    const before = await exactTime(o.url)
    const t = performance.now()
    const exported = await json<{ id: string; entryNumber: number; status: string }>(
      `${o.url}/invoices/${invoiceId}/export`,
      'POST',
      makeInvoice({ number: invoiceId, party }),
      o.apiKey,
    )
    const ms = performance.now() - t
    const after = await exactTime(o.url)
    if (exported.status !== 'exported') throw new Error(`export ${invoiceId}: ${exported.status}`)
    requestMs.push(ms)
    overheadMs.push(ms - (after.seconds - before.seconds) * 1000)
    calls += after.calls - before.calls
    invoices.push({ invoiceId, exportId: exported.id, entryNumber: exported.entryNumber })
  }
  const paid = invoices.slice(0, o.paid)
  for (const inv of paid) {
    await json(`${o.sandboxUrl}/_sandbox/divisions/${o.division}/payments`, 'POST', {
      entryNumber: inv.entryNumber,
      amount: '1210.00',
      date: '2026-11-25',
    })
    const live = await json<{ status: string; source: string }>(
      `${o.url}/invoices/${inv.invoiceId}/payment-status`,
      'GET',
      undefined,
      o.apiKey,
    )
    const stored = await json<{ status: string; source: string }>(
      `${o.url}/invoices/${inv.invoiceId}/payment-status`,
      'GET',
      undefined,
      o.apiKey,
    )
    if (live.status !== 'paid' || stored.source !== 'stored')
      throw new Error(`${inv.invoiceId}: live ${live.status}/${live.source}, then ${stored.status}/${stored.source}`)
  }
  return {
    invoices,
    paid,
    requestMs: { p50: median(requestMs) },
    overheadMs: { p50: median(overheadMs) },
    callsPerExport: calls / o.count,
  }
}
