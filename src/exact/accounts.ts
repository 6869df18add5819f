import type { ExactClient } from './client'
import { guidLiteral, keyPath, odataString, optionalString, padCode, trimCode, type WireRecord } from './wire'

/** An Exact relation (crm/Accounts) in our vocabulary. */
export interface ExactAccount {
  id: string
  /** Trimmed (Exact pads it to 18). */
  code: string
  name: string
  vatNumber: string | null
  postcode: string | null
  city: string | null
  email: string | null
  /**
   * Any Status filled in (A none, S suspect, P prospect, C customer): "if the status field is filled
   * this means the account is a customer" (Exact's Accounts page, picqer:Account.php), so it may be
   * invoiced as it is. Only an empty Status needs 'C'.
   */
  isCustomer: boolean
  isSupplier: boolean
}

export interface AccountQuery {
  ids?: string[]
  codes?: string[]
  /** Compared as stored in Exact: normalise (upper case, no spaces or dots) before asking. */
  vatNumbers?: string[]
  /** Exact match only, and only with `postcode` when given (DESIGN "Relations": last resort). */
  name?: string
  postcode?: string
}

export interface NewParty {
  code?: string
  name: string
  vatNumber?: string
  email?: string
  address?: { line1?: string; postcode?: string; city?: string; country?: string }
  /** Written to Remarks, so the account can be found again after a lost answer (findAccountsByRemark). */
  remarks?: string
}

export interface AccountRoles {
  customer?: boolean
  supplier?: boolean
}

const SELECT = 'ID,Code,Name,VATNumber,Postcode,City,Email,Status,IsSupplier'
/** Terms per OR filter: keeps the URL far below IIS's limits (18-char padded codes are long). */
const CHUNK = 40

export function accountFromWire(r: WireRecord): ExactAccount {
  return {
    id: String(r.ID),
    code: trimCode(r.Code),
    name: String(r.Name ?? ''),
    vatNumber: optionalString(r.VATNumber),
    postcode: optionalString(r.Postcode),
    city: optionalString(r.City),
    email: optionalString(r.Email),
    isCustomer: trimCode(r.Status) !== '',
    isSupplier: r.IsSupplier === true,
  }
}

/** Every account matching any of the criteria, each once. crm/Accounts requires a $filter (mandatory filtering). */
export async function findAccounts(client: ExactClient, q: AccountQuery): Promise<ExactAccount[]> {
  const filters: string[] = [
    ...orFilters((q.ids ?? []).map((id) => `ID eq ${guidLiteral(id)}`)),
    ...orFilters((q.codes ?? []).filter((c) => c.trim() !== '').map((c) => `Code eq ${odataString(padCode(c))}`)),
    ...orFilters(
      (q.vatNumbers ?? []).filter((v) => v.trim() !== '').map((v) => `VATNumber eq ${odataString(v.trim())}`),
    ),
  ]
  if (q.name !== undefined && q.name.trim() !== '') {
    const byName = `Name eq ${odataString(q.name.trim())}`
    filters.push(q.postcode ? `${byName} and Postcode eq ${odataString(q.postcode.trim())}` : byName)
  }
  const seen = new Map<string, ExactAccount>()
  for (const $filter of filters) {
    for (const row of await client.list('crm/Accounts', { $filter, $select: SELECT }, 20)) {
      const account = accountFromWire(row)
      if (!seen.has(account.id)) seen.set(account.id, account)
    }
  }
  return [...seen.values()]
}

/**
 * Accounts of this exact name whose Remarks contain `mark`. Remarks is not among crm/Accounts'
 * filter fields (and an unsupported filter is a 400 that counts toward Exact's error block), so
 * the filter is on Name and the mark is matched here, as the entry marker is on Description.
 */
export async function findAccountsByRemark(client: ExactClient, name: string, mark: string): Promise<ExactAccount[]> {
  const rows = await client.list(
    'crm/Accounts',
    { $filter: `Name eq ${odataString(name.trim())}`, $select: `${SELECT},Remarks` },
    20,
  )
  return rows.filter((r) => typeof r.Remarks === 'string' && r.Remarks.includes(mark)).map(accountFromWire)
}

function orFilters(terms: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < terms.length; i += CHUNK) out.push(terms.slice(i, i + CHUNK).join(' or '))
  return out
}

/**
 * Creates the relation. A code that exists already is refused by Exact (500 "Gegeven bestaat
 * reeds."), so look up first. The code is sent padded, as Exact stores it.
 */
export async function createAccount(client: ExactClient, party: NewParty, roles: AccountRoles): Promise<ExactAccount> {
  const body: WireRecord = { Name: party.name }
  if (party.code) body.Code = padCode(party.code)
  if (party.vatNumber) body.VATNumber = party.vatNumber
  if (party.email) body.Email = party.email
  if (party.address?.line1) body.AddressLine1 = party.address.line1
  if (party.address?.postcode) body.Postcode = party.address.postcode
  if (party.address?.city) body.City = party.address.city
  if (party.address?.country) body.Country = party.address.country
  if (party.remarks) body.Remarks = party.remarks
  Object.assign(body, rolesToWire(roles))
  return accountFromWire(await client.post('crm/Accounts', body))
}

/**
 * Makes a supplier a customer too (Status 'C'), or a customer a supplier (IsSupplier), instead of a
 * duplicate. Status is set only while it is empty: a suspect's or prospect's status is the CRM's to
 * change, never ours. What we remember of an account can be older than its Status (a relation
 * matched before any Status counted), so Exact is asked first; that costs a call only when a role
 * is missing, once per relation.
 */
export async function addAccountRoles(client: ExactClient, id: string, roles: AccountRoles): Promise<void> {
  let wanted = roles
  if (roles.customer) {
    const row = await client.get('crm/Accounts', { $filter: `ID eq ${guidLiteral(id)}`, $select: 'ID,Status', $top: 1 })
    if (row && trimCode(row.Status) !== '') wanted = { ...roles, customer: false }
  }
  const body = rolesToWire(wanted)
  if (Object.keys(body).length > 0) await client.put(keyPath('crm/Accounts', id), body)
}

function rolesToWire(roles: AccountRoles): WireRecord {
  const body: WireRecord = {}
  if (roles.customer) body.Status = 'C'
  if (roles.supplier) body.IsSupplier = true
  return body
}
