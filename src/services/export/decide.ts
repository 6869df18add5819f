import { lockInvoice, type StoredInvoice } from '../../db/invoices-repository'
import {
  findUncertainGivenUp,
  findLiveExport,
  findLiveExportByNumber,
  insertPendingExport,
  revivePending,
  type ExportRecord,
} from '../../db/exports-repository'
import { isUniqueViolation } from '../../db/database-errors'
import { AppError } from '../../domain/app-error'
import type { Entry } from '../../domain/entry'
import type { Invoice } from '../../domain/invoice'
import { duplicateNumber, type ExportContext } from './export-context'
import { LEASE_MS } from './export-lease'

/**
 * same: this content is exported or being exported already. new: a pending export taken under
 * `taken` (inserted, or a given-up one revived). replace: a live export of older content.
 */
export type Decision =
  | { kind: 'same'; export: ExportRecord }
  | { kind: 'new'; export: ExportRecord }
  | { kind: 'replace'; export: ExportRecord }

export interface DecideInput {
  invoice: StoredInvoice<Invoice>
  entry: Entry
  marker: string
  numberKey: string | null
  replace: boolean
  taken: { holder: string }
}

/** The lock-and-decide transaction: under the invoice's row lock, what this export request is. */
export async function decideExport(
  ctx: ExportContext,
  tenantId: string,
  invoiceId: string,
  input: DecideInput,
): Promise<Decision> {
  const { invoice, entry, marker, numberKey, taken } = input
  return ctx.db
    .transaction()
    .execute(async (trx) => {
      const locked = await lockInvoice<Invoice>(trx, tenantId, invoiceId)
      if (!locked || locked.contentHash !== invoice.contentHash) {
        throw new AppError(
          'invoice_changed_during_export',
          `Invoice ${invoiceId} was stored anew while this export was being decided; send the request again.`,
        )
      }
      const live = await findLiveExport(trx, tenantId, invoiceId)
      if (live && live.contentHash === locked.contentHash) return { kind: 'same' as const, export: live }
      if (live && !input.replace) {
        throw new AppError(
          'invoice_changed_since_export',
          `Invoice ${invoice.number} changed after export ${live.id} was booked; undo it or export with ?replace=true.`,
          {
            details: { exportId: live.id, entryNumber: live.entryNumber },
          },
        )
      }
      if (live) return { kind: 'replace' as const, export: live }
      if (numberKey) {
        const other = await findLiveExportByNumber(trx, tenantId, invoice.type, numberKey, invoiceId)
        if (other) throw duplicateNumber(invoice.content, other)
      }
      // A send of this very content whose outcome nobody learned (the recovery pass gave up): take
      // that export up again, so its marker is searched before anything is sent, instead of a new one.
      const givenUp = await findUncertainGivenUp(trx, tenantId, invoiceId)
      if (givenUp && givenUp.contentHash === locked.contentHash) {
        return {
          kind: 'new' as const,
          export: await revivePending(trx, givenUp.id, { leaseMs: LEASE_MS, leaseHolder: taken.holder, numberKey }),
        }
      }
      const created = await insertPendingExport(trx, {
        tenantId,
        invoiceId,
        type: invoice.type,
        marker,
        contentHash: locked.contentHash,
        invoiceNumber: invoice.number,
        journal: entry.journal,
        total: entry.total,
        leaseMs: LEASE_MS,
        leaseHolder: taken.holder,
        numberKey,
      })
      return { kind: 'new' as const, export: created }
    })
    .catch(async (error: unknown) => {
      // The look above cannot see another invoice's insert that has not committed yet (that invoice's
      // row lock is not ours): the unique index refuses whichever insert comes second.
      if (!numberKey || !isUniqueViolation(error, 'exports_one_live_per_number')) throw error
      throw duplicateNumber(
        invoice.content,
        await findLiveExportByNumber(ctx.db, tenantId, invoice.type, numberKey, invoiceId),
      )
    })
}
