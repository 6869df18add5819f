import type { Logger } from '../logger'
import { asDatabaseUnavailable } from '../services/database-unavailable'
import type { ExportService } from '../services/export-service'
import type { DocumentService } from '../services/document-service'

export interface RecoverySummary {
  examined: number
  recovered: number
  stillPending: number
  /** Booked exports whose invoice document was still to attach (a lost answer, Exact down), and how many got it. */
  documents?: { examined: number; attached: number }
}

/**
 * Pending exports that nobody drives any more (the service crashed mid-call, or the app never
 * retried a lost answer): each is searched in Exact by its marker and adopted, or sent now.
 * Safe on many replicas: an export is only touched by whoever takes its lease.
 */
export async function recoverPendingExports(deps: {
  exports: ExportService
  documents?: DocumentService
  logger: Logger
  limit?: number
}): Promise<RecoverySummary> {
  const abandoned = await deps.exports.listAbandoned(deps.limit ?? 100)
  const summary: RecoverySummary = { examined: abandoned.length, recovered: 0, stillPending: 0 }
  for (const { tenantId, id } of abandoned) {
    try {
      const result = await deps.exports.recover(tenantId, id)
      if (result?.status === 'exported') summary.recovered++
      else summary.stillPending++
    } catch (err) {
      // The database went away mid-pass: the rest would fail the same way. The tick says so once,
      // and the next pass picks these exports up again (their leases lapse).
      if (asDatabaseUnavailable(err)) throw err
      summary.stillPending++
      deps.logger.warn({ err, tenantId, exportId: id }, 'pending export not recovered yet')
    }
  }
  if (deps.documents) summary.documents = await deps.documents.recoverPending(deps.limit ?? 100)
  if (summary.examined > 0 || (summary.documents?.examined ?? 0) > 0) deps.logger.info(summary, 'export recovery pass')
  return summary
}
