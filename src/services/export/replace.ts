import {
  findLiveExportByNumber,
  insertPendingExport,
  markUndone,
  recordAttempt,
  setRelation,
  type ExportRecord,
} from '../../db/exports-repository'
import type { StoredInvoice } from '../../db/invoices-repository'
import { enqueueWebhookEvent } from '../../db/webhook-outbox-repository'
import { AppError, ERRORS } from '../../domain/app-error'
import { chartKnowsEntryCodes } from '../../domain/booking-check'
import type { Entry } from '../../domain/entry'
import type { Invoice } from '../../domain/invoice'
import type { Settings } from '../../domain/settings'
import type { ExactClient } from '../../exact/client'
import { deleteEntry, entryToWire, findEntryByMarker, postEntry, type BookedEntry } from '../../exact/entries'
import { entryExists } from '../../exact/payments'
import { toAppError } from '../exact-session/exact-errors'
import { assertBookable, duplicateNumber, exportEvent, type ExportContext, type ExportOptions } from './export-context'
import { ExportLease, LEASE_MS, LeaseLostError } from './export-lease'
import { markBooked } from './mark-outcome'

/**
 * ?replace=true (review L11). The new version is checked against the chart and its relation
 * resolved, then booked, and only then is the old entry deleted, so a refusal of the new one
 * leaves the invoice with the entry it had. If Exact refuses to delete the old entry (a matched
 * payment, a closed period), the new entry is deleted again, the old export stays exported and
 * the answer is a 409 replace_refused with Exact's reason. Both writes happen under the old
 * export's lease, and each is recorded on it before it is sent.
 */
export async function replaceBooked(
  ctx: ExportContext,
  old: ExportRecord,
  invoice: StoredInvoice<Invoice>,
  settings: Settings,
  entry: Entry,
  numberKey: string | null,
  options: ExportOptions,
): Promise<ExportRecord> {
  if (numberKey) {
    const other = await findLiveExportByNumber(ctx.db, old.tenantId, invoice.type, numberKey, old.invoiceId)
    if (other) throw duplicateNumber(invoice.content, other)
  }
  const lease = await ExportLease.claim(ctx.db, old.id, ctx.exact.logger, ['exported'])
  if (!lease) throw ERRORS.exportInProgress(old.id)
  return lease.hold(async () => {
    try {
      const client = (
        options.client ?? (await ctx.exact.clientFor(old.tenantId, options.priority ?? 'interactive'))
      ).guarded(() => lease.assertHeld())
      const chart = await ctx.exact.chart(client, { mustHave: (c) => chartKnowsEntryCodes(entry, c) })
      assertBookable(entry, chart, settings)
      const relation = await ctx.relations.resolve(
        client,
        old.tenantId,
        invoice.content.party,
        invoice.content.type,
        options.hints,
      )
      const body = entryToWire(entry, relation.id, chart)
      await lease.confirm()
      await recordAttempt(ctx.db, old.id, {
        action: 'create',
        outcome: 'replacement_sending',
        request: { marker: entry.marker, relationId: relation.id, entry },
      })
      const created = await postOrFindByMarker(client, entry, body)
      await lease.confirm()
      const refusal = await deleteOrRefusal(client, old)
      if (refusal !== undefined) {
        // Take the new entry back out: the invoice keeps exactly the entry it had.
        await deleteEntry(client, entry.type, created.entryId)
        await recordAttempt(ctx.db, old.id, {
          action: 'delete',
          outcome: 'refused',
          response: { message: refusal, replacementRemoved: created.entryId },
        })
        throw new AppError(
          'replace_refused',
          `Exact refused to delete entry ${old.entryNumber}: ${refusal}. The new version (entry ${created.entryNumber}) was deleted again; export ${old.id} stays as it was.`,
          {
            details: { exactMessage: refusal, exportId: old.id, entryNumber: old.entryNumber },
          },
        )
      }
      await recordAttempt(ctx.db, old.id, { action: 'delete', outcome: 'deleted', request: { entryId: old.entryId } })
      // The old entry's document goes with it; the new entry gets the invoice's PDF once it is marked exported.
      if (ctx.documents) await ctx.documents.removeFromExact(client, old, lease)
      const taken = ExportLease.newHolder()
      const fresh = await ctx.db.transaction().execute(async (trx) => {
        const undone = (await markUndone(trx, old.id, lease.holder)) ?? lease.lost('another holder settled the export')
        await enqueueWebhookEvent(trx, { tenantId: old.tenantId, type: 'export.undone', payload: exportEvent(undone) })
        const inserted = await insertPendingExport(trx, {
          tenantId: old.tenantId,
          invoiceId: old.invoiceId,
          type: invoice.type,
          marker: entry.marker,
          contentHash: invoice.contentHash,
          invoiceNumber: invoice.number,
          journal: entry.journal,
          total: entry.total,
          leaseMs: LEASE_MS,
          leaseHolder: taken.holder,
          numberKey,
        })
        await setRelation(trx, inserted.id, relation)
        // As a plain export records them: a crash before it is marked exported is recovered by its marker.
        await recordAttempt(trx, inserted.id, {
          action: 'create',
          outcome: 'sending',
          request: { relationId: relation.id, entry },
        })
        await recordAttempt(trx, inserted.id, { action: 'create', outcome: 'created', response: created })
        return inserted
      })
      const newLease = ExportLease.inserted(ctx.db, fresh.id, taken, ctx.exact.logger)
      return await newLease.hold(() => markBooked(ctx, fresh, newLease, created, entry, client, options))
    } catch (error) {
      if (error instanceof LeaseLostError) throw ERRORS.exportInProgress(old.id, error)
      await lease.release()
      throw toAppError(error)
    }
  })
}

/** The POST; after a lost answer the marker is searched once, so an uncertain replacement is not left behind unseen. */
async function postOrFindByMarker(
  client: ExactClient,
  entry: Entry,
  body: Record<string, unknown>,
): Promise<BookedEntry> {
  try {
    return await postEntry(client, entry.type, body)
  } catch (error) {
    if (toAppError(error).code !== 'exact_unavailable') throw error
    const found = await findEntryByMarker(client, entry.type, entry.yourRef, entry.marker)
    if (found) return found
    throw error
  }
}

/** Deletes the booked entry; Exact's reason when it refuses, undefined once it is gone. */
async function deleteOrRefusal(client: ExactClient, exp: ExportRecord): Promise<string | undefined> {
  try {
    const deleted = await deleteEntry(client, exp.type, exp.entryId!)
    if (deleted === 'deleted') return undefined
    return (await entryExists(client, exp.type, exp.entryId!)) ? 'Forbidden (the entry is still there)' : undefined
  } catch (error) {
    const appError = toAppError(error)
    if (appError.code !== 'exact_rejected') throw error
    return String(appError.details?.exactMessage ?? appError.message)
  }
}
