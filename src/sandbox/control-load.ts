import type { FastifyInstance } from 'fastify'
import { controlError, divisionOr404 } from './control-helpers'
import { addDays, amsterdamWallClock, startOfDay, toIsoDate } from './dates'
import { Big } from './decimal'
import { entryAmount } from './entry-amounts'
import { seededGuid } from './ids'
import { createEntry, type Ledger } from './ledger'
import type { Division, GLAccount } from './model'
import { createAccount } from './resources/accounts'
import type { SandboxState } from './state'
import { bookPayment } from './terms'

const MAX_COUNT = 100_000
const REVENUE = [
  'Omzet advieswerk',
  'Omzet licenties',
  'Omzet onderhoudscontracten',
  'Omzet trainingen',
  'Omzet hardware',
  'Omzet abonnementen',
  'Omzet projecten',
  'Omzet detachering',
]
const COSTS = [
  'Huisvestingskosten',
  'Autokosten',
  'Kantoorbenodigdheden',
  'Reiskosten',
  'Telefoon en internet',
  'Advertentiekosten',
  'Accountantskosten',
  'Inhuur derden',
]

function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_COUNT
}

/** `count` revenue (8…) and cost (4…) accounts, alternating, or all with `prefix` (8/9: revenue, otherwise cost). */
function addGlAccounts(division: Division, count: number, prefix: string | undefined): GLAccount[] {
  const series = prefix ? [prefix] : ['8', '4']
  const next = new Map(series.map((s) => [s, 100]))
  const taken = new Set(division.glAccounts.map((g) => g.Code))
  const added: GLAccount[] = []
  for (let i = 0; added.length < count; i += 1) {
    const s = series[i % series.length]
    const n = next.get(s) as number
    next.set(s, n + 1)
    const code = `${s}${String(n).padStart(3, '0')}`
    if (taken.has(code)) continue
    const revenue = /^[89]/.test(code)
    const names = revenue ? REVENUE : COSTS
    added.push({
      ID: seededGuid(division.id, 'glaccount', code),
      Code: code,
      Description: `${names[n % names.length]} ${Math.floor(n / names.length)}`,
      Type: revenue ? 110 : 120,
      BalanceSide: revenue ? 'C' : 'D',
      BalanceType: 'W',
      VATCode: revenue ? '2' : '5',
      IsBlocked: false,
    })
  }
  division.glAccounts.push(...added)
  return added
}

/**
 * `entries` sales entries dated `daysAgo` days back, booked with the sandbox clock at that time, so their
 * row versions lie before a SyncTimestamp of a later moment. Every third is paid, every fifth partly.
 */
function bookHistory(state: SandboxState, division: Division, entries: number, daysAgo: number): object {
  const at = addDays(state.clock.now(), -daysAgo)
  const ledger: Ledger = {
    division,
    ids: state.ids,
    lang: 'nl',
    now: at,
    behaviour: { ...state.behaviour, yourRefMaxLength: 0 },
  }
  const customer = createAccount(division, state.ids, 'nl', at, { Name: `Historische klant ${daysAgo}d`, Status: 'C' })
  const revenue = seededGuid(division.id, 'glaccount', '8000')
  const entryDate = startOfDay(amsterdamWallClock(at))
  let paid = 0
  let partlyPaid = 0
  const numbers: number[] = []
  for (let i = 0; i < entries; i += 1) {
    const entry = createEntry(ledger, 'sales', {
      Journal: '70',
      Customer: customer.ID,
      EntryDate: toIsoDate(entryDate),
      YourRef: `H${daysAgo}-${i + 1}`,
      Description: `Historische factuur ${i + 1}`,
      SalesEntryLines: [{ GLAccount: revenue, AmountFC: 50 + ((i * 37) % 950), VATCode: '2' }],
    })
    numbers.push(entry.EntryNumber)
    const total = entryAmount(entry)
    if (i % 3 === 0) {
      bookPayment(division, state.ids, entry, total, new Big(0), entryDate, at)
      paid += 1
    } else if (i % 5 === 0) {
      bookPayment(division, state.ids, entry, total.div(2).round(2), new Big(0), entryDate, at)
      partlyPaid += 1
    }
  }
  return {
    entries,
    paid,
    partlyPaid,
    entryDate: toIsoDate(entryDate),
    firstEntryNumber: numbers[0] ?? null,
    lastEntryNumber: numbers.at(-1) ?? null,
  }
}

/** Load-test helpers: a larger chart of accounts and old bookings. */
export function registerLoadControl(app: FastifyInstance, state: SandboxState): void {
  app.post<{ Params: { d: string } }>('/_sandbox/divisions/:d/gl-accounts', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    if (!division) return reply
    const body = (request.body ?? {}) as { count?: unknown; prefix?: unknown }
    if (!isCount(body.count))
      return controlError(reply, 400, 'invalid_count', `count must be an integer from 1 to ${MAX_COUNT}.`)
    if (body.prefix !== undefined && !(typeof body.prefix === 'string' && /^\d{1,3}$/.test(body.prefix))) {
      return controlError(reply, 400, 'invalid_prefix', 'prefix must be 1 to 3 digits.')
    }
    const added = addGlAccounts(division, body.count, body.prefix as string | undefined)
    return reply.code(201).send({ added: added.length, first: added[0].Code, last: added[added.length - 1].Code })
  })

  app.post<{ Params: { d: string } }>('/_sandbox/divisions/:d/history', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    if (!division) return reply
    const body = (request.body ?? {}) as { entries?: unknown; daysAgo?: unknown }
    if (!isCount(body.entries))
      return controlError(reply, 400, 'invalid_history', `entries must be an integer from 1 to ${MAX_COUNT}.`)
    if (!isCount(body.daysAgo))
      return controlError(reply, 400, 'invalid_history', 'daysAgo must be a positive integer.')
    return reply.code(201).send(bookHistory(state, division, body.entries, body.daysAgo))
  })
}
