import { findExport, markExported, markFailed, type ExportRecord } from '../../db/exports-repository'
import { enqueueWebhookEvent } from '../../db/webhook-outbox-repository'
import type { AppError } from '../../domain/app-error'
import type { Entry } from '../../domain/entry'
import type { ExactClient } from '../../exact/client'
import type { BookedEntry } from '../../exact/entries'
import { entryFigures } from './entry-read-back'
import { exportEvent, type ExportContext, type ExportOptions } from './export-context'
import type { ExportLease } from './export-lease'

/**
 * Marks the export booked. Unless told to leave it for later, Exact's own figures are read back
 * first (one call): a POST answer may carry a zero total (exact-reality #10), Exact derives the
 * Type, and only a read-back lists the entry's line IDs. A read-back that fails leaves the export
 * booked with the answer's figures and `readBackAt` null, for readBackPending to fill in.
 */
export async function markBooked(
  ctx: ExportContext,
  exp: ExportRecord,
  lease: ExportLease,
  booked: BookedEntry,
  entry: Entry,
  client: ExactClient,
  options: ExportOptions,
): Promise<ExportRecord> {
  const read =
    (options.readBack ?? 'now') === 'now' ? await ctx.readBack.readOne(exp, booked.entryId, client) : undefined
  const figures = entryFigures(exp.type, exp.total, read ?? booked, read !== undefined)
  await ctx.readBack.learnYourRefLength(exp, entry.yourRef, (read ?? booked).yourRef)
  return ctx.db.transaction().execute(async (trx) => {
    // Fenced: a holder that lost its lease sends no second export.succeeded.
    const done =
      (await markExported(trx, exp.id, lease.holder, {
        entryId: booked.entryId,
        entryNumber: read?.entryNumber ?? booked.entryNumber,
        paymentReference: entry.paymentReference ?? null,
        ...figures,
      })) ?? lease.lost('another holder settled the export')
    await enqueueWebhookEvent(trx, { tenantId: exp.tenantId, type: 'export.succeeded', payload: exportEvent(done) })
    return done
  })
}

/** Fails the export for a definite reason (fenced by the lease) and announces it. */
export async function markFailedFor(
  ctx: ExportContext,
  exp: ExportRecord,
  lease: ExportLease,
  error: AppError,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const failed =
      (await markFailed(trx, exp.id, lease.holder, error.code, error.message)) ??
      lease.lost('another holder settled the export')
    await enqueueWebhookEvent(trx, { tenantId: exp.tenantId, type: 'export.failed', payload: exportEvent(failed) })
  })
}

/**
 * The invoice's document, after the booking and apart from it: the entry stays booked whatever
 * happens here, and a document that could not be attached yet says so on the export (pending:
 * the recovery pass tries again; failed: Exact refused it).
 */
export async function attachDocument(
  ctx: ExportContext,
  exp: ExportRecord,
  options: ExportOptions,
): Promise<ExportRecord> {
  if (!ctx.documents || exp.status !== 'exported' || !(await ctx.documents.has(exp.tenantId, exp.invoiceId))) return exp
  await ctx.documents.attach(exp.tenantId, exp.id, { client: options.client, priority: options.priority })
  return (await findExport(ctx.db, exp.tenantId, exp.id)) ?? exp
}
