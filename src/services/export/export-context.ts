import type { Db } from '../../db/database'
import { findInvoice, type StoredInvoice } from '../../db/invoices-repository'
import type { ExportRecord } from '../../db/exports-repository'
import { findYourRefMaxLength } from '../../db/connection-capabilities-repository'
import { AppError, ERRORS } from '../../domain/app-error'
import { checkEntryAgainstChart, type BookingProblem } from '../../domain/booking-check'
import type { ChartOfAccounts } from '../../domain/chart'
import type { Entry } from '../../domain/entry'
import type { Invoice } from '../../domain/invoice'
import { invoiceToEntry } from '../../domain/invoice-to-entry'
import type { Settings } from '../../domain/settings'
import type { ExactClient } from '../../exact/client'
import type { Priority } from '../../exact/rate-limiter'
import type { ExactSessions } from '../exact-session/exact-sessions'
import type { RelationHints, RelationService } from '../relation-service'
import type { DocumentService } from '../document-service'
import { assertInvoiceValid } from '../invoice-service'
import type { EntryReadBack } from './entry-read-back'

/** What every step of the export state machine shares; built once by ExportService. */
export interface ExportContext {
  db: Db
  exact: ExactSessions
  relations: RelationService
  settingsOf: (tenantId: string) => Promise<Settings | undefined>
  documents?: DocumentService
  clock: () => Date
  readBack: EntryReadBack
}

export interface ExportOptions {
  replace?: boolean
  priority?: Priority
  client?: ExactClient
  hints?: RelationHints
  /**
   * now (default): read Exact's figures back right after booking, one more call per export. later:
   * leave them for readBackPending, which reads 20 entries per call (a bulk job).
   */
  readBack?: 'now' | 'later'
  /** Book it even though another invoice of this type (and supplier) with the same number is booked. */
  allowDuplicateNumber?: boolean
}

export interface Loaded {
  invoice: Invoice
  settings: Settings
}

export async function loadForExport(
  ctx: ExportContext,
  tenantId: string,
  invoiceId: string,
): Promise<{ invoice: StoredInvoice<Invoice>; settings: Settings; yourRefMax?: number }> {
  const invoice = await findInvoice<Invoice>(ctx.db, tenantId, invoiceId)
  if (!invoice)
    throw new AppError('not_found', `No invoice ${invoiceId}; store it with PUT /invoices/${invoiceId} first.`)
  const settings = await ctx.settingsOf(tenantId)
  if (!settings) {
    // No settings because the connection is not ready (division_required, ...): say that instead.
    await ctx.exact.clientFor(tenantId)
    throw ERRORS.noSettings()
  }
  const yourRefMax = await findYourRefMaxLength(ctx.db, tenantId)
  assertInvoiceValid(invoice.content, settings, yourRefMax)
  return { invoice, settings, yourRefMax }
}

export function mapToEntry(invoice: Invoice, settings: Settings, marker: string, yourRefMaxLength?: number): Entry {
  const mapped = invoiceToEntry({ invoice, settings, marker, yourRefMaxLength })
  if (mapped.ok) return mapped.entry
  const first = mapped.problems[0]!
  const code = first.code === 'export_disabled' ? 'export_disabled' : 'mapping_missing'
  throw new AppError(code, first.message, {
    field: first.field,
    details: { errors: mapped.problems.map((p) => ({ field: p.field, message: p.message, code: p.code })) },
  })
}

/** What only the chart can refuse (booking-check.ts): raised before the relation is touched or anything is sent. */
export function assertBookable(entry: Entry, chart: ChartOfAccounts, settings: Settings): void {
  const problems = checkEntryAgainstChart(entry, chart, settings)
  if (problems.length === 0) return
  const first: BookingProblem = problems.find((p) => p.code === 'settings_invalid') ?? problems[0]!
  throw new AppError(first.code, first.message, {
    field: first.field,
    details: { errors: problems.map((p) => ({ field: p.field, message: p.message, code: p.code })) },
  })
}

export function duplicateNumber(invoice: Invoice, other: ExportRecord | undefined): AppError {
  const whose = invoice.type === 'purchase' ? ' from this supplier' : ''
  return new AppError(
    'duplicate_invoice_number',
    `${invoice.type === 'sales' ? 'Sales' : 'Purchase'} invoice number ${invoice.number}${whose} is already booked for invoice ${other?.invoiceId ?? '(another)'}` +
      ` (export ${other?.id ?? 'unknown'}); export with ?allowDuplicateNumber=true if both are meant to be booked.`,
    {
      field: '/number',
      details: { invoiceId: other?.invoiceId ?? null, exportId: other?.id ?? null, number: invoice.number },
    },
  )
}

/** The payload of every export.* webhook event. */
export function exportEvent(e: ExportRecord) {
  return {
    exportId: e.id,
    invoiceId: e.invoiceId,
    type: e.type,
    status: e.status,
    entryNumber: e.entryNumber,
    ...(e.errorCode ? { error: { code: e.errorCode, detail: e.errorDetail } } : {}),
  }
}
