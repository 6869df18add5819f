import { connectTenant, createTenant, sandboxJson, type Harness } from './harness'
import { sandboxSettings } from './factories'
import type { Invoice } from '../../src/domain/invoice'
import type { Settings } from '../../src/domain/settings'

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE'

/** The part of an inject answer the tests read. */
export interface Reply {
  statusCode: number
  body: string
  headers: Record<string, unknown>
  json(): any
}

/** A connected tenant with its own sandbox division, and short ways to call the API and read its ledger. */
export interface TenantApi {
  id: string
  apiKey: string
  division: number
  call(method: Method, url: string, payload?: unknown): Promise<Reply>
  put(invoiceId: string, invoice: Invoice): Promise<Reply>
  exportIt(invoiceId: string, query?: string): Promise<Reply>
  /** Every entry of the division, deleted ones included (sandbox control API). */
  entries(): Promise<any[]>
  entryFor(invoiceNumber: string): Promise<any>
  accounts(): Promise<any[]>
}

export async function connectedTenant(
  h: Harness,
  name: string,
  settings: Settings = sandboxSettings(),
): Promise<TenantApi> {
  const tenant = await createTenant(h, name)
  const { division } = await connectTenant(h, tenant.apiKey)
  const call: TenantApi['call'] = (method, url, payload) =>
    h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tenant.apiKey}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  const saved = await call('PUT', '/settings', settings)
  if (saved.statusCode !== 200) throw new Error(`settings: ${saved.statusCode} ${saved.body}`)
  const entries = () => sandboxJson<any[]>(h, `/_sandbox/divisions/${division}/entries`)
  return {
    id: tenant.id,
    apiKey: tenant.apiKey,
    division,
    call,
    put: (invoiceId, invoice) => call('PUT', `/invoices/${invoiceId}`, invoice),
    exportIt: (invoiceId, query = '') => call('POST', `/invoices/${invoiceId}/export${query}`),
    entries,
    async entryFor(invoiceNumber) {
      const found = (await entries()).filter((e) => e.YourRef === invoiceNumber && !e.deleted)
      if (found.length !== 1) throw new Error(`expected one live entry for ${invoiceNumber}, found ${found.length}`)
      return found[0]
    },
    accounts: () => sandboxJson<any[]>(h, `/_sandbox/divisions/${division}/accounts`),
  }
}
