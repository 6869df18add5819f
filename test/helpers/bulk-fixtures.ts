import { request } from 'undici'
import type { Invoice, Party } from '../../src/domain/invoice'
import { createAccount } from '../../src/exact/accounts'
import type { ExactSessions } from '../../src/services/exact-session/exact-sessions'
import { makeInvoice } from './factories'

/** `count` parties; the first `existing` of them are already accounts in Exact (seedAccounts). */
export function makeParties(count: number, prefix = 'B'): Party[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, '0')
    return {
      id: `${prefix}-party-${n}`,
      code: `${prefix}${n}`,
      name: `${prefix} Party ${n} BV`,
      vatNumber: `BE0${String(700000000 + i)}`,
      address: { line1: 'Main street 1', postcode: '2000', city: 'Antwerpen', country: 'BE' },
    }
  })
}

/** Creates the parties as accounts in the tenant's division (what a bookkeeper had before us). */
export async function seedAccounts(
  exact: ExactSessions,
  tenantId: string,
  parties: Party[],
  type: 'sales' | 'purchase' = 'sales',
): Promise<void> {
  const client = await exact.clientFor(tenantId)
  for (const p of parties) {
    await createAccount(
      client,
      { code: p.code, name: p.name!, vatNumber: p.vatNumber, address: p.address },
      type === 'sales' ? { customer: true } : { supplier: true },
    )
  }
}

/** `count` invoices spread round-robin over `parties`, numbered uniquely with `prefix`. */
export function makeBulkInvoices(
  count: number,
  parties: Party[],
  prefix: string,
  overrides: Partial<Invoice> = {},
): Array<{ id: string; invoice: Invoice }> {
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${String(i + 1).padStart(5, '0')}`
    return { id, invoice: makeInvoice({ number: id, party: parties[i % parties.length]!, ...overrides }) }
  })
}

/** PUTs invoices through the service's HTTP API, a few at a time. */
export async function putInvoices(
  baseUrl: string,
  apiKey: string,
  invoices: Array<{ id: string; invoice: Invoice }>,
  parallel = 8,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < invoices.length) {
      const { id, invoice } = invoices[next++]!
      const res = await request(`${baseUrl}/invoices/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(invoice),
      })
      const text = await res.body.text()
      if (res.statusCode >= 300) throw new Error(`PUT /invoices/${id}: ${res.statusCode} ${text}`)
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
}

export async function api<T = any>(
  baseUrl: string,
  apiKey: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await request(`${baseUrl}${path}`, {
    method: method as never,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.body.text()
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T }
}

/** Polls the job until `until` holds (default: it ended); throws with the last state on timeout. */
export async function waitForJob(
  baseUrl: string,
  apiKey: string,
  jobId: string,
  opts: { timeoutMs?: number; until?: (job: any) => boolean; onPoll?: (job: any) => void } = {},
): Promise<any> {
  const until = opts.until ?? ((j: any) => j.status === 'completed' || j.status === 'cancelled')
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
  let last: any
  while (Date.now() < deadline) {
    const res = await api(baseUrl, apiKey, 'GET', `/exports/bulk/${jobId}`).catch(() => undefined)
    if (res?.status === 200) {
      last = res.body
      opts.onPoll?.(last)
      if (until(last)) return last
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`bulk job ${jobId} did not get there in time; last seen ${JSON.stringify(last)}`)
}

/** Live entries per YourRef (invoice number): the sandbox ledger is the source of truth. */
export function countByRef(entries: Array<{ YourRef: string; deleted: boolean }>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const e of entries) if (!e.deleted) counts.set(e.YourRef, (counts.get(e.YourRef) ?? 0) + 1)
  return counts
}
