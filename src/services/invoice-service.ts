import type { Db } from '../db/database'
import { findInvoice, upsertInvoice, type StoredInvoice } from '../db/invoices-repository'
import { findLatestExport, flagChangedSinceExport, type ExportRecord } from '../db/exports-repository'
import { findYourRefMaxLength } from '../db/connection-capabilities-repository'
import { AppError } from '../domain/app-error'
import { invoiceContentHash } from '../domain/content-hash'
import type { Invoice } from '../domain/invoice'
import { checkInvoice } from '../domain/invoice-rules'
import { resolvePaymentCondition, type Settings } from '../domain/settings'

export interface InvoiceWithExport {
  invoice: StoredInvoice<Invoice>
  export: ExportRecord | undefined
}

/** Checks an invoice's own arithmetic (422 naming every field); mapping is checked at export. */
export function assertInvoiceValid(invoice: Invoice, settings: Settings | undefined, yourRefMaxLength?: number): void {
  const condition =
    settings && invoice.paymentConditionId
      ? resolvePaymentCondition(settings, invoice.paymentConditionId, invoice.type)
      : undefined
  const problems = checkInvoice(invoice, {
    discount: condition,
    ...(yourRefMaxLength !== undefined ? { yourRefMaxLength } : {}),
  })
  if (problems.length > 0) {
    const first = problems[0]!
    throw new AppError('invoice_invalid', `${first.field} ${first.message}`, {
      field: first.field,
      details: { errors: problems.map((p) => ({ field: p.field, message: p.message, code: p.code })) },
    })
  }
}

export class InvoiceService {
  constructor(
    private readonly db: Db,
    private readonly settingsOf: (tenantId: string) => Promise<Settings | undefined>,
  ) {}

  /** Stores the latest version. A changed invoice flags its booked export; Exact is not touched. */
  async put(tenantId: string, id: string, invoice: Invoice): Promise<InvoiceWithExport & { created: boolean }> {
    assertInvoiceValid(invoice, await this.settingsOf(tenantId), await findYourRefMaxLength(this.db, tenantId))
    const contentHash = invoiceContentHash(invoice)
    return this.db.transaction().execute(async (trx) => {
      const stored = await upsertInvoice(trx, {
        tenantId,
        id,
        type: invoice.type,
        number: invoice.number,
        content: invoice,
        contentHash,
      })
      if (stored.changed) await flagChangedSinceExport(trx, tenantId, id, contentHash)
      return {
        invoice: stored.invoice as StoredInvoice<Invoice>,
        export: await findLatestExport(trx, tenantId, id),
        created: stored.created,
      }
    })
  }

  async get(tenantId: string, id: string): Promise<InvoiceWithExport> {
    const invoice = await findInvoice<Invoice>(this.db, tenantId, id)
    if (!invoice) throw new AppError('not_found', `No invoice ${id}.`)
    return { invoice, export: await findLatestExport(this.db, tenantId, id) }
  }
}
