import type { ExportStatus } from './types'

/** Where the invoice's PDF stands in Exact (migration 0015). */
export type DocumentStatus = 'pending' | 'attached' | 'failed' | 'removed'

/** An export as the use cases see it; db/exports-repository.ts maps the row to it. */
export interface ExportRecord {
  id: string
  tenantId: string
  invoiceId: string
  type: 'sales' | 'purchase'
  status: ExportStatus
  marker: string
  contentHash: string
  invoiceNumber: string
  journal: string | null
  entryId: string | null
  entryNumber: number | null
  relationId: string | null
  relationCode: string | null
  relationCreated: boolean
  total: string | null
  exactTotal: string | null
  totalMismatch: boolean
  /** Exact's entry Type as read back (20/21 sales, 30/31 purchase); null until read back. */
  exactType: number | null
  /** Exact's Type disagrees with the sign of the total (a credit note not booked as 21 / 31, or the reverse). */
  typeMismatch: boolean
  /** When Exact's own figures were read back; null while they were not. */
  readBackAt: Date | null
  paymentReference: string | null
  changedSinceExport: boolean
  /** A bookkeeper changed the booked entry in Exact (issue 13): the fields that differ from what was booked. */
  modifiedInExact: boolean
  modifiedFields: string[]
  errorCode: string | null
  errorDetail: string | null
  /** Recovery passes that left it pending (migration 0016), and when the next may try it. */
  recoveryAttempts: number
  nextRecoveryAt: Date | null
  exportedAt: Date | null
  undoneAt: Date | null
  createdAt: Date
  /** Migration 0015: the invoice's document in Exact; null when there was none to attach. */
  document: {
    status: DocumentStatus
    exactDocumentId: string | null
    exactAttachmentId: string | null
    error: string | null
    attachedAt: Date | null
  } | null
}

export interface AttemptRecord {
  action: string
  outcome: string
  request: unknown
  response: unknown
  at: Date
}
