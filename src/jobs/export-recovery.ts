import type { Logger } from '../logger'
import { asDatabaseUnavailable } from '../services/database-unavailable'
import type { ExportService } from '../services/export/export-service'
import type { DocumentService } from '../services/document-service'

export interface RecoverySummary {
  examined: number
  recovered: number
  /** Settled as failed: a definite reason found before anything was sent, or Exact refused. */
  failed: number
  /** Still pending, tried again after its back-off. */
  backedOff: number
  /** Given up on after the cap: failed with needs_attention. */
  needsAttention: number
  /** Booked exports whose invoice document was still to attach (a lost answer, Exact down), and how many got it. */
  documents?: { examined: number; attached: number }
}

/**
 * Pending exports that nobody drives any more (the service crashed mid-call, or the app never
 * retried a lost answer): each is searched in Exact by its marker and adopted, or sent now, or
 * failed for a definite reason. One that stays pending waits out a back-off (1 min doubling to
 * 6 h) and, past the cap, is failed as needs_attention; those due longest come first, so exports
 * that keep failing never hide newer ones. Safe on many replicas: an export is only touched by
 * whoever takes its lease, and a miss is counted once.
 */
export async function recoverPendingExports(deps: {
  exports: ExportService
  documents?: DocumentService
  logger: Logger
  limit?: number
}): Promise<RecoverySummary> {
  const abandoned = await deps.exports.listAbandoned(deps.limit ?? 100)
  const summary: RecoverySummary = {
    examined: abandoned.length,
    recovered: 0,
    failed: 0,
    backedOff: 0,
    needsAttention: 0,
  }
  for (const { tenantId, id } of abandoned) {
    try {
      const { outcome, error } = await deps.exports.recover(tenantId, id)
      if (outcome === 'exported') summary.recovered++
      else if (outcome === 'failed') summary.failed++
      else if (outcome === 'backed_off') summary.backedOff++
      else if (outcome === 'needs_attention') summary.needsAttention++
      if (error && outcome !== 'failed')
        deps.logger.warn({ err: error, tenantId, exportId: id, outcome }, 'pending export not recovered yet')
    } catch (err) {
      // The database went away mid-pass: the rest would fail the same way. The tick says so once,
      // and the next pass picks these exports up again (their leases lapse).
      if (asDatabaseUnavailable(err)) throw err
      deps.logger.warn({ err, tenantId, exportId: id }, 'pending export not recovered yet')
    }
  }
  if (deps.documents) summary.documents = await deps.documents.recoverPending(deps.limit ?? 100)
  if (summary.examined > 0 || (summary.documents?.examined ?? 0) > 0) deps.logger.info(summary, 'export recovery pass')
  return summary
}
