import {
  findExport,
  giveUpRecovery,
  listAbandonedPending,
  noteRecoveryMiss,
  type ExportRecord,
} from '../../db/exports-repository'
import { enqueueWebhookEvent } from '../../db/webhook-outbox-repository'
import type { AppError } from '../../domain/app-error'
import { MAX_RECOVERY_ATTEMPTS, recoveryDelayMs } from '../../domain/recovery-backoff'
import { toAppError } from '../exact-session/exact-errors'
import { exportEvent, loadForExport, type ExportContext } from './export-context'
import { ExportLease, LeaseLostError } from './export-lease'
import { sendOrAdopt } from './send-or-adopt'

/** What the recovery pass made of one export. */
export type RecoveryOutcome = 'exported' | 'failed' | 'backed_off' | 'needs_attention' | 'skipped'

/** Pending exports whose lease has lapsed and whose back-off is over: the recovery pass's work list, due first. */
export function listAbandoned(ctx: ExportContext, limit: number): Promise<Array<{ tenantId: string; id: string }>> {
  return listAbandonedPending(ctx.db, limit, ctx.clock())
}

/**
 * A pending export nobody holds (crash, lost answer): found in Exact, or sent now, or failed
 * for a definite reason (the same decisions a request makes, before anything is sent). One that
 * stays pending is backed off (recovery-backoff.ts) and, past the cap, failed as needs_attention.
 */
export async function recoverExport(
  ctx: ExportContext,
  tenantId: string,
  exportId: string,
): Promise<{ outcome: RecoveryOutcome; error?: AppError }> {
  const exp = await findExport(ctx.db, tenantId, exportId)
  const now = ctx.clock()
  // Another replica's pass may have backed it off since the list was read.
  if (!exp || exp.status !== 'pending' || (exp.nextRecoveryAt && exp.nextRecoveryAt > now))
    return { outcome: 'skipped' }
  const lease = await ExportLease.claim(ctx.db, exp.id, ctx.exact.logger)
  if (!lease) return { outcome: 'skipped' }
  try {
    const done = await sendOrAdopt(
      ctx,
      exp,
      lease,
      async () => {
        const { invoice, settings } = await loadForExport(ctx, tenantId, exp.invoiceId)
        return { invoice: invoice.content, settings }
      },
      { priority: 'background' },
    )
    return { outcome: done.status === 'exported' ? 'exported' : 'failed' }
  } catch (error) {
    // Someone else holds it now; theirs is the outcome.
    if (error instanceof LeaseLostError) return { outcome: 'skipped' }
    await lease.release()
    const appError = toAppError(error)
    const current = await findExport(ctx.db, tenantId, exportId)
    if (current?.status !== 'pending') return { outcome: 'failed', error: appError }
    return { outcome: await backOffOrGiveUp(ctx, current, appError), error: appError }
  }
}

/** Counts a miss (fenced by the count seen, so two replicas' passes count it once) and sets the next try, or gives up. */
async function backOffOrGiveUp(ctx: ExportContext, exp: ExportRecord, error: AppError): Promise<RecoveryOutcome> {
  const misses = exp.recoveryAttempts + 1
  if (misses >= MAX_RECOVERY_ATTEMPTS) {
    const detail =
      `The recovery pass gave up after ${misses} attempts over about a day; the last one answered ${error.code}: ${error.message} ` +
      'Check the connection and the invoice, then export it again: an unchanged invoice resumes this export, whose marker is searched for first.'
    const failed = await ctx.db.transaction().execute(async (trx) => {
      const row = await giveUpRecovery(trx, exp.id, exp.recoveryAttempts, 'needs_attention', detail)
      if (row)
        await enqueueWebhookEvent(trx, { tenantId: exp.tenantId, type: 'export.failed', payload: exportEvent(row) })
      return row
    })
    return failed ? 'needs_attention' : 'skipped'
  }
  const nextAt = new Date(ctx.clock().getTime() + recoveryDelayMs(misses))
  return (await noteRecoveryMiss(ctx.db, exp.id, exp.recoveryAttempts, nextAt)) === undefined ? 'skipped' : 'backed_off'
}
