import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { controlError, divisionOr404 } from './control-helpers'
import { toPlain } from './envelope'
import type { Division, Entry } from './model'
import { accountRow } from './resources/accounts'
import { entryRow, lineRow } from './resources/entry-rows'
import type { SandboxState } from './state'
import { rowAmount, termState } from './terms'

const PADDED_FIELDS = new Set(['Code', 'VATCode', 'Country', 'SalesVATCode', 'PurchaseVATCode'])

/** Control output: plain JSON, decimal strings, padded codes trimmed for easy comparison. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  const out = toPlain(row) as Record<string, unknown>
  for (const f of PADDED_FIELDS) if (typeof out[f] === 'string') out[f] = (out[f] as string).trim()
  return out
}

/** The files of the entry's linked document: names, sizes and SHA-256, so a test can compare byte for byte. */
function documentFiles(division: Division, entry: Entry): object[] {
  if (!entry.Document) return []
  return [...division.attachments.values()]
    .filter((a) => a.Document === entry.Document)
    .map((a) => ({ ID: a.ID, FileName: a.FileName, FileSize: a.bytes.length, sha256: sha256(a.bytes) }))
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** One entry in the ledger view (GET …/entries, and the answer of the bookkeeper's PATCH). */
export function entryView(division: Division, entry: Entry): object {
  const term = termState(entry)
  const account = division.accounts.get(entry.Account)
  return {
    kind: entry.kind,
    ...plain(entryRow(entry, division)),
    Created: new Date(entry.Created).toISOString(),
    Modified: new Date(entry.Modified).toISOString(),
    AccountCode: account?.Code ?? null,
    Timestamp: entry.Timestamp,
    Lines: entry.lines.map((l) => plain(lineRow(entry, l, division))),
    Terms: entry.terms.map((t) => ({
      ID: t.ID,
      AmountFC: toPlain(rowAmount(entry, t)),
      Status: t.payment ? 50 : 20,
      paymentId: t.payment?.id ?? null,
    })),
    discountOffered: toPlain(entry.discountOffered),
    outstanding: toPlain(term.outstanding),
    IsFullyPaid: term.fullyPaid,
    deleted: entry.deleted,
    documentFiles: documentFiles(division, entry),
  }
}

/** Divisions and what they hold, in plain JSON for tests. */
export function registerDivisionControl(app: FastifyInstance, state: SandboxState): void {
  const divisionView = (d: Division): object => ({ division: d.id, description: d.description, country: d.country })
  app.get('/_sandbox/divisions', async () => [...state.divisions.values()].map(divisionView))

  /** Creates the division (seeded) when missing; sets its description and country when given. */
  app.post('/_sandbox/divisions', async (request, reply) => {
    const body = (request.body ?? {}) as { division?: unknown; description?: unknown; country?: unknown }
    if (body.division !== undefined && !(Number.isInteger(body.division) && (body.division as number) > 0)) {
      return controlError(reply, 400, 'invalid_division', 'division must be a positive integer.')
    }
    if (body.country !== undefined && !(typeof body.country === 'string' && /^[A-Za-z]{2}$/.test(body.country))) {
      return controlError(reply, 400, 'invalid_division', 'country must be an ISO code such as "NL" or "BE".')
    }
    const division = typeof body.division === 'number' ? state.divisionOrCreate(body.division) : state.createDivision()
    if (typeof body.description === 'string') division.description = body.description
    if (typeof body.country === 'string') division.country = body.country.toUpperCase()
    return divisionView(division)
  })

  app.get<{ Params: { d: string } }>('/_sandbox/divisions/:d/entries', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    return division ? [...division.entries.values()].map((e) => entryView(division, e)) : reply
  })

  app.get<{ Params: { d: string } }>('/_sandbox/divisions/:d/accounts', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    if (!division) return reply
    return [...division.accounts.values()].map((a) => ({
      ...plain(accountRow(a, division)),
      Created: new Date(a.Created).toISOString(),
      Modified: new Date(a.Modified).toISOString(),
      deleted: a.deleted,
    }))
  })
}
