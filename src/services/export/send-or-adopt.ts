import {
  countAttempts,
  findBookedRequest,
  recordAttempt,
  setRelation,
  type ExportRecord,
} from '../../db/exports-repository'
import { findYourRefMaxLength } from '../../db/connection-capabilities-repository'
import { AppError } from '../../domain/app-error'
import { chartKnowsEntryCodes } from '../../domain/booking-check'
import { capYourRef, type Entry } from '../../domain/entry'
import type { Invoice } from '../../domain/invoice'
import type { Settings } from '../../domain/settings'
import { entryToWire, findEntryByMarker, postEntry } from '../../exact/entries'
import { toAppError } from '../exact-session/exact-errors'
import { assertBookable, mapToEntry, type ExportContext, type ExportOptions, type Loaded } from './export-context'
import { LeaseLostError, type ExportLease } from './export-lease'
import { markBooked, markFailedFor } from './mark-outcome'

/** Refusals before the send that may pass on their own: the export stays pending; any other fails it. */
const TRANSIENT = new Set([
  'exact_unavailable',
  'exact_rate_limited',
  'not_connected',
  'reauthorize_needed',
  'database_unavailable',
  'internal',
])

/** Caller holds the lease. Never sends twice: an earlier attempt is looked for by its marker first. */
export function sendOrAdopt(
  ctx: ExportContext,
  exp: ExportRecord,
  lease: ExportLease,
  load: () => Promise<Loaded>,
  options: ExportOptions,
): Promise<ExportRecord> {
  return lease.hold(() => sendOrAdoptWhileHeld(ctx, exp, lease, load, options))
}

/**
 * Everything that can be decided without Exact's answer to the POST is decided before the send is
 * recorded (review H1): the invoice and settings, the mapping, the chart, the relation and the
 * wire body itself. A definite local refusal then fails the export with its reason; only what
 * happens to the POST itself can leave it pending.
 */
async function sendOrAdoptWhileHeld(
  ctx: ExportContext,
  exp: ExportRecord,
  lease: ExportLease,
  load: () => Promise<Loaded>,
  options: ExportOptions,
): Promise<ExportRecord> {
  let sent = false
  try {
    // Every call to Exact first checks that this holder is still sure of its lease.
    const client = (
      options.client ?? (await ctx.exact.clientFor(exp.tenantId, options.priority ?? 'interactive'))
    ).guarded(() => lease.assertHeld())
    const yourRefMax = await findYourRefMaxLength(ctx.db, exp.tenantId)
    let mapped: { invoice: Invoice; settings: Settings; entry: Entry } | { refusal: unknown }
    try {
      const { invoice, settings } = await load()
      mapped = { invoice, settings, entry: mapToEntry(invoice, settings, exp.marker, yourRefMax) }
    } catch (error) {
      mapped = { refusal: error }
    }
    if ((await countAttempts(ctx.db, exp.id, 'create')) > 0) {
      // An earlier POST may have landed: that is looked for before any refusal settles the export.
      // The YourRef it was sent with: what a lowered cap would have made of the number is searched too.
      const yourRef = 'entry' in mapped ? mapped.entry.yourRef : capYourRef(exp.invoiceNumber, yourRefMax)
      const found = await findEntryByMarker(client, exp.type, yourRef, exp.marker)
      await recordAttempt(ctx.db, exp.id, {
        action: 'recover',
        outcome: found ? 'found' : 'absent',
        response: found ?? undefined,
      })
      if (found)
        return markBooked(
          ctx,
          exp,
          lease,
          found,
          'entry' in mapped ? mapped.entry : await entryAsSent(ctx, exp),
          client,
          options,
        )
    }
    if ('refusal' in mapped) throw mapped.refusal
    const { invoice, settings, entry } = mapped
    const chart = await ctx.exact.chart(client, { mustHave: (c) => chartKnowsEntryCodes(entry, c) })
    assertBookable(entry, chart, settings)
    const relation = await ctx.relations.resolve(client, exp.tenantId, invoice.party, invoice.type, options.hints)
    const body = entryToWire(entry, relation.id, chart)
    lease.assertHeld()
    await setRelation(ctx.db, exp.id, relation)
    // Proved in the database just before sending (a holder that was frozen learns it here), and
    // recorded: if the process dies mid-call, recovery knows to search first.
    await lease.confirm()
    await recordAttempt(ctx.db, exp.id, {
      action: 'create',
      outcome: 'sending',
      request: { relationId: relation.id, entry },
    })
    sent = true
    const created = await postEntry(client, entry.type, body)
    await recordAttempt(ctx.db, exp.id, { action: 'create', outcome: 'created', response: created })
    return await markBooked(ctx, exp, lease, created, entry, client, options)
  } catch (error) {
    // Not ours to settle any more (the guard refused the call before it left, or a fenced write
    // matched nothing): whoever holds the lease now searches by marker and decides.
    if (error instanceof LeaseLostError) throw error
    const appError = toAppError(error)
    if (appError.code === 'exact_rejected' || (!sent && !TRANSIENT.has(appError.code))) {
      await markFailedFor(ctx, exp, lease, appError)
    } else {
      // Nothing certain: stay pending; the next request or the recovery pass searches first.
      try {
        if (sent)
          await recordAttempt(ctx.db, exp.id, {
            action: 'create',
            outcome: 'uncertain',
            response: { code: appError.code, message: appError.message },
          })
      } finally {
        await lease.release()
      }
    }
    throw appError
  }
}

/** The entry as an earlier attempt sent it (its 'sending' record), for adopting it when the invoice no longer maps. */
async function entryAsSent(ctx: ExportContext, exp: ExportRecord): Promise<Entry> {
  const request = (await findBookedRequest(ctx.db, exp.id)) as { entry?: Entry } | null
  if (!request?.entry) throw new AppError('internal', `Export ${exp.id} has a create attempt but no recorded request.`)
  return request.entry
}
