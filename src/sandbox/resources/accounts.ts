import { amsterdamWallClock } from '../dates'
import { ExactError, label, message, notFound, refusal, type Lang } from '../errors'
import {
  ACCOUNT_TEXT_FIELDS,
  addTombstone,
  nextTimestamp,
  type Account,
  type AccountTextField,
  type Division,
} from '../model'
import type { IdFactory } from '../ids'
import { accountEvents } from '../webhooks/topics'
import { RowCache } from './memo'
import { pad3, padCode, sameCode } from './padding'
import type { ResourceContext, ResourceDef, Row } from './types'

/** Fields a GET on crm/Accounts may filter on (exact-online.md §4.5, abridged). */
const MANDATORY_FILTER_FIELDS = [
  'Accountant',
  'AccountManager',
  'AddressLine1',
  'ChamberOfCommerce',
  'City',
  'Code',
  'Country',
  'Created',
  'Email',
  'ID',
  'IsSales',
  'IsSupplier',
  'Modified',
  'Name',
  'Postcode',
  'Status',
  'Type',
  'VATNumber',
]

const PADDED3: ReadonlySet<AccountTextField> = new Set(['Country', 'SalesVATCode', 'PurchaseVATCode'])

/**
 * IsSales: "the account is allowed for sales" (picqer Account.php), i.e. it has a customer Status
 * ("If the status field is filled this means the account is a customer"). IsPurchase is no longer in
 * Exact's docs; ossobv's live sample shows a customer with IsPurchase and IsSales true and IsSupplier
 * false, and notes suppliers have both false, so it follows IsSales here [U].
 */
export function accountRow(account: Account, division: Division): Row {
  const row: Row = { ID: account.ID, Code: padCode(account.Code) }
  for (const f of ACCOUNT_TEXT_FIELDS) row[f] = PADDED3.has(f) ? pad3(account.text[f]) : account.text[f]
  const isSales = !!account.text.Status
  Object.assign(row, {
    IsSupplier: account.IsSupplier,
    IsSales: isSales,
    IsPurchase: isSales,
    Blocked: account.Blocked,
    Type: 'A',
    Created: new Date(amsterdamWallClock(account.Created)),
    Modified: new Date(amsterdamWallClock(account.Modified)),
    Creator: division.userId,
    Modifier: division.userId,
    Division: division.id,
    Timestamp: account.Timestamp,
  })
  return row
}

export function findAccount(division: Division, id: unknown): Account | undefined {
  if (typeof id !== 'string') return undefined
  const account = division.accounts.get(id.toLowerCase())
  return account && !account.deleted ? account : undefined
}

function nextCode(division: Division): string {
  let highest = 0
  for (const a of division.accounts.values()) if (/^\d+$/.test(a.Code)) highest = Math.max(highest, Number(a.Code))
  return String(highest + 1)
}

function textValue(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return typeof value === 'string' ? value : String(value)
}

/** Applies the fields present in `body`; collects Exact-style messages instead of throwing one by one. */
function applyFields(
  account: Account,
  body: Record<string, unknown>,
  division: Division,
  lang: Lang,
  errors: string[],
): void {
  for (const f of ACCOUNT_TEXT_FIELDS) {
    if (!(f in body)) continue
    let value = textValue(body[f])
    if (value !== null && PADDED3.has(f)) value = value.trim().toUpperCase() || null
    account.text[f] = value
  }
  if ('IsSupplier' in body) account.IsSupplier = body.IsSupplier === true || body.IsSupplier === 'true'
  if ('Blocked' in body) account.Blocked = body.Blocked === true || body.Blocked === 'true'
  if (!account.text.Name?.trim()) errors.push(message(lang, 'mandatory', label(lang, 'name')))
  const status = account.text.Status
  if (status !== null && status !== '' && !['A', 'S', 'P', 'C'].includes(status))
    errors.push(message(lang, 'invalid', 'Status'))
  for (const f of ['PaymentConditionSales', 'PaymentConditionPurchase'] as const) {
    const code = account.text[f]
    if (code && !division.paymentConditions.some((p) => sameCode(p.Code, code))) {
      errors.push(message(lang, 'invalidReference', label(lang, 'paymentCondition')))
    }
  }
  for (const f of ['SalesVATCode', 'PurchaseVATCode'] as const) {
    const code = account.text[f]
    if (code && !division.vatCodes.some((v) => sameCode(v.Code, code)))
      errors.push(message(lang, 'invalidReference', label(lang, 'vatCode')))
  }
}

function applyCode(
  account: Account,
  body: Record<string, unknown>,
  division: Division,
  lang: Lang,
  errors: string[],
): void {
  if (!('Code' in body) || body.Code === null || String(body.Code).trim() === '') return
  const code = String(body.Code).trim()
  if (code.length > 18) {
    errors.push(message(lang, 'invalid', label(lang, 'code')))
    return
  }
  const taken = [...division.accounts.values()].some((a) => !a.deleted && a.ID !== account.ID && a.Code === code)
  if (taken) errors.push(message(lang, 'alreadyExists'))
  account.Code = code
}

function mustFind(division: Division, key: string): Account {
  const account = findAccount(division, key)
  if (!account) throw notFound()
  return account
}

/** Creates an account the way a POST does, or throws Exact's refusal. */
export function createAccount(
  division: Division,
  ids: IdFactory,
  lang: Lang,
  now: number,
  body: Record<string, unknown>,
): Account {
  const text = Object.fromEntries(ACCOUNT_TEXT_FIELDS.map((f) => [f, null])) as Account['text']
  const account: Account = {
    ID: '',
    Code: '',
    text,
    IsSupplier: false,
    Blocked: false,
    Created: now,
    Modified: now,
    Timestamp: 0,
    deleted: false,
  }
  const errors: string[] = []
  applyFields(account, body, division, lang, errors)
  applyCode(account, body, division, lang, errors)
  if (errors.length) throw refusal(errors)
  account.ID = ids.next()
  if (!account.Code) account.Code = nextCode(division)
  account.Timestamp = nextTimestamp(division, 'Accounts', now)
  division.accounts.set(account.ID, account)
  return account
}

const cache = new RowCache<Account>()

export const accounts: ResourceDef = {
  path: 'crm/Accounts',
  type: 'Account',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  mandatoryFilter: MANDATORY_FILTER_FIELDS,
  fields: [
    'ID',
    'Code',
    ...ACCOUNT_TEXT_FIELDS,
    'IsSupplier',
    'IsSales',
    'IsPurchase',
    'Blocked',
    'Type',
    'Created',
    'Modified',
    'Creator',
    'Modifier',
    'Division',
  ],
  list: ({ division, state }) =>
    [...division.accounts.values()]
      .filter((a) => !a.deleted)
      .map((a) =>
        cache.get(a, String(a.Timestamp), () => ({ ...accountRow(a, division), __seq: state.ids.seqOf(a.ID) })),
      ),

  create: ({ division, state, lang, now }: ResourceContext, body) => {
    const account = createAccount(division, state.ids, lang, now, body)
    state.webhooks.emit(division, accountEvents(account.ID, 'Create'))
    return { ...accountRow(account, division), __seq: state.ids.seqOf(account.ID) }
  },

  update: ({ division, state, lang, now }, key, body) => {
    const account = mustFind(division, key)
    const draft: Account = { ...account, text: { ...account.text } }
    const errors: string[] = []
    applyFields(draft, body, division, lang, errors)
    applyCode(draft, body, division, lang, errors)
    if (errors.length) throw refusal(errors)
    Object.assign(account, draft, { Modified: now, Timestamp: nextTimestamp(division, 'Accounts', now) })
    state.webhooks.emit(division, accountEvents(account.ID, 'Update'))
  },

  remove: ({ division, state, lang, now }, key) => {
    const account = mustFind(division, key)
    const used = [...division.entries.values()].some((e) => !e.deleted && e.Account === account.ID)
    if (used) throw new ExactError(500, message(lang, 'accountInUse', account.Code))
    account.deleted = true
    addTombstone(division, state.ids, account.ID, 2, now)
    state.webhooks.emit(division, accountEvents(account.ID, 'Delete'))
  },
}
