import { dayOrThrow, buildLine, text } from './entry-lines'
import { ACCOUNT_FIELD, dueDate, touchEntry, type Ledger } from './ledger'
import { addTombstone, type Entry, type EntryLine } from './model'
import { findAccount } from './resources/accounts'
import { termState } from './terms'

export interface EditProblem {
  status: 400 | 409
  error: string
  message: string
}

const HEADER = ['EntryDate', 'DueDate', 'Description', 'YourRef', 'PaymentReference'] as const
const AMOUNT_KEYS = ['AmountFC', 'VATCode', 'GLAccount', 'GLAccountCode']

function problem(status: 400 | 409, error: string, message: string): EditProblem {
  return { status, error, message }
}

/** A line edit in a bookkeeper's terms: the GL account by guid or by code. */
function lineInput(l: Ledger, item: Record<string, unknown>, base: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base, ...item }
  if (typeof item.GLAccountCode === 'string') {
    merged.GLAccount =
      l.division.glAccounts.find((g) => g.Code === (item.GLAccountCode as string).trim())?.ID ?? 'unknown'
  }
  // A new amount, VAT code or account means Exact computes the VAT and its base again, unless given.
  if (AMOUNT_KEYS.some((k) => k in item)) {
    if (!('VATAmountFC' in item)) delete merged.VATAmountFC
    if (!('VATBaseAmountFC' in item)) delete merged.VATBaseAmountFC
  }
  return merged
}

function lineBase(line: EntryLine): Record<string, unknown> {
  return {
    GLAccount: line.GLAccount,
    AmountFC: line.AmountFC.toString(),
    VATCode: line.VATCode,
    VATAmountFC: line.VATAmountFC.toString(),
    VATBaseAmountFC: line.VATBaseAmountFC?.toString(),
    Description: line.Description,
    Quantity: line.Quantity,
    CostCenter: line.CostCenter,
    CostUnit: line.CostUnit,
    Project: line.Project,
    Notes: line.Notes,
  }
}

/**
 * What a bookkeeper can change in Exact's UI on a booked entry: header fields, the customer/supplier
 * (`Customer`/`Supplier` guid or `AccountCode`), and lines (`Lines`: with `ID` to change one, without to
 * add one; `DeleteLines`: IDs). Totals follow the lines; row versions move; the entry's Update event goes
 * out. A matched entry keeps its amounts and relation (409), as Exact refuses such changes through the API.
 */
export function editEntry(l: Ledger, entry: Entry, body: Record<string, unknown>): EditProblem | null {
  const accountField = ACCOUNT_FIELD[entry.kind]
  const known = new Set<string>([...HEADER, accountField, 'AccountCode', 'Lines', 'DeleteLines'])
  const unknown = Object.keys(body).filter((k) => !known.has(k))
  if (unknown.length) return problem(400, 'invalid_edit', `Not editable: ${unknown.join(', ')}.`)
  const touchesAmounts = ['Lines', 'DeleteLines', accountField, 'AccountCode'].some((k) => k in body)
  if (touchesAmounts && termState(entry).matched)
    return problem(409, 'entry_matched', 'The entry is matched to a payment.')
  const draft = { ...entry }
  for (const f of ['Description', 'YourRef', 'PaymentReference'] as const) if (f in body) draft[f] = text(body[f])
  if ('EntryDate' in body) draft.EntryDate = dayOrThrow(body.EntryDate, 'EntryDate') ?? entry.EntryDate
  if ('DueDate' in body) draft.DueDate = dayOrThrow(body.DueDate, 'DueDate') ?? entry.DueDate
  else if (draft.EntryDate !== entry.EntryDate)
    draft.DueDate = dueDate(l.division, draft.EntryDate, entry.PaymentCondition)
  const accountKey = body[accountField] ?? body.AccountCode
  if (accountKey !== undefined) {
    const account =
      body[accountField] !== undefined
        ? findAccount(l.division, accountKey)
        : [...l.division.accounts.values()].find((a) => !a.deleted && a.Code === String(accountKey).trim())
    if (!account) return problem(400, 'invalid_edit', `No live account ${String(accountKey)}.`)
    draft.Account = account.ID
  }
  const deleteIds = new Set(((body.DeleteLines ?? []) as unknown[]).map((id) => String(id).toLowerCase()))
  if ([...deleteIds].some((id) => !entry.lines.some((line) => line.ID === id)))
    return problem(400, 'invalid_edit', 'DeleteLines names a line the entry does not have.')
  if (body.Lines !== undefined && !Array.isArray(body.Lines))
    return problem(400, 'invalid_edit', 'Lines must be an array.')
  const lines = entry.lines.filter((line) => !deleteIds.has(line.ID))
  const errors: string[] = []
  for (const raw of (body.Lines ?? []) as Array<Record<string, unknown>>) {
    const existing = raw.ID === undefined ? undefined : lines.find((line) => line.ID === String(raw.ID).toLowerCase())
    if (raw.ID !== undefined && !existing)
      return problem(400, 'invalid_edit', `No line ${String(raw.ID)} on the entry.`)
    const number =
      existing?.LineNumber ??
      Math.max(0, ...entry.lines.map((x) => x.LineNumber), ...lines.map((x) => x.LineNumber)) + 1
    const built = buildLine(
      l.division,
      l.ids,
      lineInput(l, raw, existing ? lineBase(existing) : {}),
      number,
      l.lang,
      errors,
    )
    if (!built) continue
    if (existing) lines[lines.indexOf(existing)] = { ...built, ID: existing.ID }
    else lines.push(built)
  }
  if (errors.length) return problem(400, 'invalid_edit', [...new Set(errors)].join('\r\n'))
  if (lines.length === 0)
    return problem(400, 'invalid_edit', 'An entry keeps at least one line; delete the entry instead.')
  if (draft.EntryDate !== entry.EntryDate) {
    const date = new Date(draft.EntryDate)
    Object.assign(draft, { ReportingYear: date.getUTCFullYear(), ReportingPeriod: date.getUTCMonth() + 1 })
  }
  for (const id of deleteIds) {
    l.division.deletedLines.set(id, entry.kind)
    addTombstone(l.division, l.ids, id, 1, l.now)
  }
  Object.assign(entry, draft, { lines })
  touchEntry(l, entry)
  return null
}
