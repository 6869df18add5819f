import { findExport, markUndone, recordAttempt, type ExportRecord } from '../../db/exports-repository'
import { findYourRefMaxLength } from '../../db/connection-capabilities-repository'
import { enqueueWebhookEvent } from '../../db/webhook-outbox-repository'
import { AppError, ERRORS } from '../../domain/app-error'
import { capYourRef } from '../../domain/entry'
import { deleteEntry, findEntryByMarker } from '../../exact/entries'
import { entryExists } from '../../exact/payments'
import { toAppError } from '../exact-session/exact-errors'
import { exportEvent, type ExportContext } from './export-context'
import { ExportLease, LeaseLostError } from './export-lease'

/** Deletes the entry in Exact and marks the export undone; repeat-safe. */
export async function undoExport(ctx: ExportContext, tenantId: string, exportId: string): Promise<ExportRecord> {
  const exp = await findExport(ctx.db, tenantId, exportId)
  if (!exp) throw new AppError('not_found', `No export ${exportId}.`)
  if (exp.status === 'undone') return exp
  if (exp.status === 'failed') return (await markUndone(ctx.db, exp.id)) ?? undoExport(ctx, tenantId, exportId)
  const lease = await ExportLease.claim(ctx.db, exp.id, ctx.exact.logger, ['pending', 'exported', 'deleted_in_exact'])
  if (!lease) throw ERRORS.exportInProgress(exp.id)
  return lease.hold(async () => {
    try {
      const client = (await ctx.exact.clientFor(tenantId)).guarded(() => lease.assertHeld())
      let entryId = exp.entryId
      if (exp.status === 'pending') {
        const yourRef = capYourRef(exp.invoiceNumber, await findYourRefMaxLength(ctx.db, tenantId))
        entryId = (await findEntryByMarker(client, exp.type, yourRef, exp.marker))?.entryId ?? null
      }
      if (entryId) {
        await lease.confirm()
        const deleted = await deleteEntry(client, exp.type, entryId)
        // 403 or 404 to the key: gone already (a DELETE whose answer was lost), or refused. A filter tells.
        const outcome =
          deleted === 'deleted' ? 'deleted' : (await entryExists(client, exp.type, entryId)) ? 'still_there' : 'gone'
        await recordAttempt(ctx.db, exp.id, { action: 'delete', outcome, request: { entryId } })
        if (outcome === 'still_there') {
          throw new AppError(
            'undo_refused',
            `Exact refused to delete entry ${exp.entryNumber}: it answered ${deleted} and the entry is still there; it may lack the right to delete it.`,
            {
              details: { exactMessage: 'Forbidden' },
            },
          )
        }
      }
      // After the entry: were its DELETE refused, the booking would stand without its document.
      if (ctx.documents) await ctx.documents.removeFromExact(client, exp, lease)
      return await ctx.db.transaction().execute(async (trx) => {
        const undone = (await markUndone(trx, exp.id, lease.holder)) ?? lease.lost('another holder settled the export')
        await enqueueWebhookEvent(trx, { tenantId, type: 'export.undone', payload: exportEvent(undone) })
        return undone
      })
    } catch (error) {
      if (error instanceof LeaseLostError) throw ERRORS.exportInProgress(exp.id, error)
      await lease.release()
      if (error instanceof AppError && error.code === 'undo_refused') throw error
      const appError = toAppError(error)
      if (appError.code === 'exact_rejected') {
        await recordAttempt(ctx.db, exp.id, {
          action: 'delete',
          outcome: 'refused',
          response: { message: appError.message },
        })
        throw new AppError(
          'undo_refused',
          `Exact refused to delete entry ${exp.entryNumber}: ${(appError.details?.exactMessage as string) ?? appError.message}`,
          {
            details: { exactMessage: appError.details?.exactMessage ?? appError.message },
            cause: error,
          },
        )
      }
      throw appError
    }
  })
}
