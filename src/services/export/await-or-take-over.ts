import { setTimeout as sleep } from 'node:timers/promises'
import { findExport, type ExportRecord } from '../../db/exports-repository'
import { AppError, ERRORS } from '../../domain/app-error'
import type { ExportContext, ExportOptions, Loaded } from './export-context'
import { ExportLease, LeaseLostError } from './export-lease'
import { sendOrAdopt } from './send-or-adopt'

const WAIT_FOR_OTHER_MS = 45_000

/**
 * An export found live: exported is done; pending is sent or adopted here once nobody holds its lease
 * (its holder crashed, froze or lost the database), else awaited until it settles.
 */
export async function awaitOrTakeOver(
  ctx: ExportContext,
  exp: ExportRecord,
  loaded: Loaded,
  options: ExportOptions,
): Promise<ExportRecord> {
  if (exp.status === 'exported') return exp
  const deadline = Date.now() + WAIT_FOR_OTHER_MS
  for (;;) {
    const lease = await ExportLease.claim(ctx.db, exp.id, ctx.exact.logger)
    if (lease) {
      try {
        return await sendOrAdopt(ctx, exp, lease, async () => loaded, options)
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error
      }
    }
    const current = await findExport(ctx.db, exp.tenantId, exp.id)
    if (current && current.status !== 'pending') {
      if (current.status === 'failed')
        throw new AppError(
          (current.errorCode as 'exact_rejected') ?? 'exact_rejected',
          current.errorDetail ?? 'The export failed.',
        )
      return current
    }
    // Our own caller holds the lease, not Exact being down: 409, not 503.
    if (Date.now() >= deadline) throw ERRORS.exportInProgress(exp.id)
    await sleep(150)
  }
}

/** Sends or adopts with the lease; if it is lost on the way, awaits whoever has the export now. */
export async function sendOrAwaitNewHolder(
  ctx: ExportContext,
  exp: ExportRecord,
  lease: ExportLease,
  loaded: Loaded,
  options: ExportOptions,
): Promise<ExportRecord> {
  try {
    return await sendOrAdopt(ctx, exp, lease, async () => loaded, options)
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error
    return awaitOrTakeOver(ctx, exp, loaded, options)
  }
}
