import { randomBytes } from 'node:crypto'
import type { Db } from '../../db/database'
import type { ExportRecord } from '../../db/exports-repository'
import { ERRORS, type AppError } from '../../domain/app-error'
import { checkEntryAgainstChart, chartKnowsEntryCodes } from '../../domain/booking-check'
import { invoiceToEntry } from '../../domain/invoice-to-entry'
import { newMarker } from '../../domain/marker'
import { invoiceNumberKey } from '../../domain/invoice-number-key'
import type { Settings } from '../../domain/settings'
import type { ExactClient } from '../../exact/client'
import { toAppError } from '../exact-session/exact-errors'
import type { ExactSessions } from '../exact-session/exact-sessions'
import type { RelationService } from '../relation-service'
import type { DocumentService } from '../document-service'
import { awaitOrTakeOver, sendOrAwaitNewHolder } from './await-or-take-over'
import { decideExport } from './decide'
import { EntryReadBack } from './entry-read-back'
import { loadForExport, mapToEntry, type ExportContext, type ExportOptions } from './export-context'
import { ExportLease } from './export-lease'
import { attachDocument } from './mark-outcome'
import { listAbandoned, recoverExport, type RecoveryOutcome } from './recover'
import { replaceBooked } from './replace'
import { undoExport } from './undo'

export interface ExportResult {
  export: ExportRecord
  outcome: 'created' | 'existing'
}

/**
 * Books an invoice in Exact exactly once (DESIGN "The export, exactly once"): decide under the
 * invoice's row lock and write a pending export with a marker (decide.ts); then, holding the
 * export's lease, search Exact for the marker if an earlier attempt may have landed, and only then
 * send (send-or-adopt.ts). An export someone else holds is awaited or, once its lease lapses, taken
 * over (await-or-take-over.ts). Undo, replace and the recovery pass each have their own file.
 */
export class ExportService {
  private readonly ctx: ExportContext

  constructor(
    db: Db,
    exact: ExactSessions,
    relations: RelationService,
    settingsOf: (tenantId: string) => Promise<Settings | undefined>,
    documents?: DocumentService,
    clock: () => Date = () => new Date(),
  ) {
    this.ctx = { db, exact, relations, settingsOf, documents, clock, readBack: new EntryReadBack(db, exact.logger) }
  }

  async exportInvoice(tenantId: string, invoiceId: string, options: ExportOptions = {}): Promise<ExportResult> {
    const ctx = this.ctx
    const { invoice, settings, yourRefMax } = await loadForExport(ctx, tenantId, invoiceId)
    const marker = newMarker(randomBytes(5))
    const entry = mapToEntry(invoice.content, settings, marker, yourRefMax)
    const numberKey = options.allowDuplicateNumber ? null : invoiceNumberKey(invoice.content)

    const taken = ExportLease.newHolder()
    const decision = await decideExport(ctx, tenantId, invoiceId, {
      invoice,
      entry,
      marker,
      numberKey,
      replace: options.replace ?? false,
      taken,
    })
    const loaded = { invoice: invoice.content, settings }
    switch (decision.kind) {
      case 'new': {
        const lease = ExportLease.inserted(ctx.db, decision.export.id, taken, ctx.exact.logger)
        const booked = await sendOrAwaitNewHolder(ctx, decision.export, lease, loaded, options)
        return { export: await attachDocument(ctx, booked, options), outcome: 'created' }
      }
      case 'same':
        return {
          export: await attachDocument(ctx, await awaitOrTakeOver(ctx, decision.export, loaded, options), options),
          outcome: 'existing',
        }
      case 'replace':
        if (decision.export.status === 'pending') throw ERRORS.exportInProgress(decision.export.id)
        return {
          export: await attachDocument(
            ctx,
            await replaceBooked(ctx, decision.export, invoice, settings, entry, numberKey, options),
            options,
          ),
          outcome: 'created',
        }
      default: {
        const never: never = decision
        throw new Error(`unexpected decision ${String(never)}`)
      }
    }
  }

  /** What an export would send, with mapping problems and the relation action; no write anywhere. */
  async preview(tenantId: string, invoiceId: string) {
    const { invoice, settings, yourRefMax } = await loadForExport(this.ctx, tenantId, invoiceId)
    const mapped = invoiceToEntry({
      invoice: invoice.content,
      settings,
      marker: 'xb-PREVIEW0',
      yourRefMaxLength: yourRefMax,
    })
    const client = await this.ctx.exact.clientFor(tenantId)
    const relation = await this.ctx.relations
      .preview(client, tenantId, invoice.content.party, invoice.content.type)
      .catch(toAppErrorOrThrow)
    const booking = mapped.ok
      ? checkEntryAgainstChart(
          mapped.entry,
          await this.ctx.exact
            .chart(client, { mustHave: (c) => chartKnowsEntryCodes(mapped.entry, c) })
            .catch(toAppErrorOrThrow),
          settings,
        )
      : []
    return { entry: mapped.ok ? mapped.entry : null, problems: mapped.ok ? booking : mapped.problems, relation }
  }

  undo(tenantId: string, exportId: string): Promise<ExportRecord> {
    return undoExport(this.ctx, tenantId, exportId)
  }

  listAbandoned(limit: number): Promise<Array<{ tenantId: string; id: string }>> {
    return listAbandoned(this.ctx, limit)
  }

  recover(tenantId: string, exportId: string): Promise<{ outcome: RecoveryOutcome; error?: AppError }> {
    return recoverExport(this.ctx, tenantId, exportId)
  }

  /** Booked exports whose figures were never read back (a bulk job's), READ_BACK_BATCH per call. */
  readBackPending(tenantId: string, client: ExactClient, limit?: number): Promise<{ read: number; calls: number }> {
    return this.ctx.readBack.readPending(tenantId, client, limit)
  }
}

function toAppErrorOrThrow(error: unknown): never {
  throw toAppError(error)
}
