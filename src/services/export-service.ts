import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Db } from '../db/database'
import { findInvoice, lockInvoice, type StoredInvoice } from '../db/invoices-repository'
import {
  countAttempts, findExport, listAbandonedPending, findLiveExport, insertPendingExport, markExported, markFailed, markUndone,
  recordAttempt, setRelation, type ExportRecord,
} from '../db/exports-repository'
import { findYourRefMaxLength } from '../db/connection-capabilities-repository'
import { enqueueWebhookEvent } from '../db/webhook-outbox-repository'
import { AppError, ERRORS } from '../domain/app-error'
import { checkEntryAgainstChart, type BookingProblem, chartKnowsEntryCodes } from '../domain/booking-check'
import type { ChartOfAccounts } from '../domain/chart'
import { capYourRef, type Entry } from '../domain/entry'
import type { Invoice } from '../domain/invoice'
import { invoiceToEntry } from '../domain/invoice-to-entry'
import { newMarker } from '../domain/marker'
import type { Settings } from '../domain/settings'
import type { ExactClient } from '../exact/client'
import { createEntry, deleteEntry, findEntryByMarker, type BookedEntry } from '../exact/entries'
import { entryExists } from '../exact/payments'
import type { Priority } from '../exact/rate-limiter'
import { toAppError } from './exact-errors'
import type { ExactContext } from './exact-context'
import { ExportLease, LEASE_MS, LeaseLostError } from './export-lease'
import { assertInvoiceValid } from './invoice-service'
import { EntryReadBack, entryFigures } from './entry-read-back'
import type { RelationHints, RelationService } from './relation-service'

const WAIT_FOR_OTHER_MS = 45_000
const TRANSIENT = new Set(['exact_unavailable', 'exact_rate_limited', 'not_connected', 'reauthorize_needed', 'database_unavailable', 'internal'])

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
}

export interface ExportResult {
  export: ExportRecord
  outcome: 'created' | 'existing'
}

/**
 * Books an invoice in Exact exactly once (DESIGN "The export, exactly once"): decide under the
 * invoice's row lock and write a pending export with a marker; then, holding the export's lease,
 * search Exact for the marker if an earlier attempt may have landed, and only then send.
 */
export class ExportService {
  private readonly readBack: EntryReadBack

  constructor(
    private readonly db: Db,
    private readonly exact: ExactContext,
    private readonly relations: RelationService,
    private readonly settingsOf: (tenantId: string) => Promise<Settings | undefined>,
  ) {
    this.readBack = new EntryReadBack(db, exact.logger)
  }

  async exportInvoice(tenantId: string, invoiceId: string, options: ExportOptions = {}): Promise<ExportResult> {
    const { invoice, settings, yourRefMax } = await this.prepare(tenantId, invoiceId)
    const marker = newMarker(randomBytes(5))
    const entry = this.mapOrThrow(invoice.content, settings, marker, yourRefMax)

    const taken = ExportLease.newHolder()
    const decision = await this.db.transaction().execute(async (trx) => {
      const locked = await lockInvoice<Invoice>(trx, tenantId, invoiceId)
      if (!locked || locked.contentHash !== invoice.contentHash) {
        throw new AppError('invoice_changed_during_export', `Invoice ${invoiceId} was stored anew while this export was being decided; send the request again.`)
      }
      const live = await findLiveExport(trx, tenantId, invoiceId)
      if (live && live.contentHash === locked.contentHash) return { kind: 'same' as const, export: live }
      if (live && !options.replace) {
        throw new AppError('invoice_changed_since_export', `Invoice ${invoice.number} changed after export ${live.id} was booked; undo it or export with ?replace=true.`, {
          details: { exportId: live.id, entryNumber: live.entryNumber },
        })
      }
      if (live) return { kind: 'replace' as const, export: live }
      const created = await insertPendingExport(trx, {
        tenantId, invoiceId, type: invoice.type, marker, contentHash: locked.contentHash, invoiceNumber: invoice.number,
        journal: entry.journal, total: entry.total, leaseMs: LEASE_MS, leaseHolder: taken.holder,
      })
      return { kind: 'new' as const, export: created }
    })

    switch (decision.kind) {
      case 'new': {
        const lease = ExportLease.inserted(this.db, decision.export.id, taken, this.exact.logger)
        return { export: await this.driveOrFollow(decision.export, lease, invoice.content, settings, options), outcome: 'created' }
      }
      case 'same':
        return { export: await this.settle(decision.export, invoice.content, settings, options), outcome: 'existing' }
      case 'replace':
        if (decision.export.status === 'pending') throw ERRORS.exportInProgress(decision.export.id)
        await this.undo(tenantId, decision.export.id)
        return this.exportInvoice(tenantId, invoiceId, { ...options, replace: false })
      default: {
        const never: never = decision
        throw new Error(`unexpected decision ${String(never)}`)
      }
    }
  }

  /** What an export would send, with mapping problems and the relation action; no write anywhere. */
  async preview(tenantId: string, invoiceId: string) {
    const { invoice, settings, yourRefMax } = await this.prepare(tenantId, invoiceId)
    const mapped = invoiceToEntry({ invoice: invoice.content, settings, marker: 'xb-PREVIEW0', yourRefMaxLength: yourRefMax })
    const client = await this.exact.clientFor(tenantId)
    const relation = await this.relations.preview(client, tenantId, invoice.content.party, invoice.content.type).catch(toAppErrorOrThrow)
    const booking = mapped.ok ? checkEntryAgainstChart(mapped.entry, await this.exact.chart(client, { mustHave: (c) => chartKnowsEntryCodes(mapped.entry, c) }).catch(toAppErrorOrThrow), settings) : []
    return { entry: mapped.ok ? mapped.entry : null, problems: mapped.ok ? booking : mapped.problems, relation }
  }

  /** Deletes the entry in Exact and marks the export undone; repeat-safe. */
  async undo(tenantId: string, exportId: string): Promise<ExportRecord> {
    const exp = await findExport(this.db, tenantId, exportId)
    if (!exp) throw new AppError('not_found', `No export ${exportId}.`)
    if (exp.status === 'undone') return exp
    if (exp.status === 'failed') return (await markUndone(this.db, exp.id)) ?? this.undo(tenantId, exportId)
    const lease = await ExportLease.claim(this.db, exp.id, this.exact.logger, ['pending', 'exported', 'deleted_in_exact'])
    if (!lease) throw ERRORS.exportInProgress(exp.id)
    return lease.hold(async () => {
      try {
        const client = (await this.exact.clientFor(tenantId)).guarded(() => lease.assertHeld())
        let entryId = exp.entryId
        if (exp.status === 'pending') {
          const yourRef = capYourRef(exp.invoiceNumber, await findYourRefMaxLength(this.db, tenantId))
          entryId = (await findEntryByMarker(client, exp.type, yourRef, exp.marker))?.entryId ?? null
        }
        if (entryId) {
          await lease.confirm()
          const deleted = await deleteEntry(client, exp.type, entryId)
          // 403 or 404 to the key: gone already (a DELETE whose answer was lost), or refused. A filter tells.
          const outcome = deleted === 'deleted' ? 'deleted' : (await entryExists(client, exp.type, entryId)) ? 'still_there' : 'gone'
          await recordAttempt(this.db, exp.id, { action: 'delete', outcome, request: { entryId } })
          if (outcome === 'still_there') {
            throw new AppError('undo_refused', `Exact refused to delete entry ${exp.entryNumber}: it answered ${deleted} and the entry is still there; it may lack the right to delete it.`, {
              details: { exactMessage: 'Forbidden' },
            })
          }
        }
        return await this.db.transaction().execute(async (trx) => {
          const undone = (await markUndone(trx, exp.id, lease.holder)) ?? lease.lost('another holder settled the export')
          await enqueueWebhookEvent(trx, { tenantId, type: 'export.undone', payload: exportEvent(undone) })
          return undone
        })
      } catch (error) {
        if (error instanceof LeaseLostError) throw ERRORS.exportInProgress(exp.id, error)
        await lease.release()
        if (error instanceof AppError && error.code === 'undo_refused') throw error
        const appError = toAppError(error)
        if (appError.code === 'exact_rejected') {
          await recordAttempt(this.db, exp.id, { action: 'delete', outcome: 'refused', response: { message: appError.message } })
          throw new AppError('undo_refused', `Exact refused to delete entry ${exp.entryNumber}: ${(appError.details?.exactMessage as string) ?? appError.message}`, {
            details: { exactMessage: appError.details?.exactMessage ?? appError.message }, cause: error,
          })
        }
        throw appError
      }
    })
  }

  /** Pending exports whose lease has lapsed: the recovery pass's work list. */
  listAbandoned(limit: number): Promise<Array<{ tenantId: string; id: string }>> {
    return listAbandonedPending(this.db, limit)
  }

  /** A pending export nobody is driving (crash, lost answer): find it in Exact or send it now. */
  async recover(tenantId: string, exportId: string): Promise<ExportRecord | undefined> {
    const exp = await findExport(this.db, tenantId, exportId)
    const lease = exp?.status === 'pending' ? await ExportLease.claim(this.db, exp.id, this.exact.logger) : undefined
    if (!exp || !lease) return undefined
    try {
      const { invoice, settings } = await this.prepare(tenantId, exp.invoiceId)
      return await this.drive(exp, lease, invoice.content, settings, { priority: 'background' })
    } catch (error) {
      // Someone else drives it now; theirs is the outcome.
      if (error instanceof LeaseLostError) return undefined
      await lease.release()
      throw error
    }
  }

  private async prepare(tenantId: string, invoiceId: string): Promise<{ invoice: StoredInvoice<Invoice>; settings: Settings; yourRefMax?: number }> {
    const invoice = await findInvoice<Invoice>(this.db, tenantId, invoiceId)
    if (!invoice) throw new AppError('not_found', `No invoice ${invoiceId}; store it with PUT /invoices/${invoiceId} first.`)
    const settings = await this.settingsOf(tenantId)
    if (!settings) {
      // No settings because the connection is not ready (division_required, ...): say that instead.
      await this.exact.clientFor(tenantId)
      throw ERRORS.noSettings()
    }
    const yourRefMax = await findYourRefMaxLength(this.db, tenantId)
    assertInvoiceValid(invoice.content, settings, yourRefMax)
    return { invoice, settings, yourRefMax }
  }

  private mapOrThrow(invoice: Invoice, settings: Settings, marker: string, yourRefMaxLength?: number): Entry {
    const mapped = invoiceToEntry({ invoice, settings, marker, yourRefMaxLength })
    if (mapped.ok) return mapped.entry
    const first = mapped.problems[0]!
    const code = first.code === 'export_disabled' ? 'export_disabled' : 'mapping_missing'
    throw new AppError(code, first.message, { field: first.field, details: { errors: mapped.problems.map((p) => ({ field: p.field, message: p.message, code: p.code })) } })
  }

  /**
   * An export found live: exported is done; pending is driven here once nobody holds its lease
   * (its holder crashed, froze or lost the database), else awaited until it settles.
   */
  private async settle(exp: ExportRecord, invoice: Invoice, settings: Settings, options: ExportOptions): Promise<ExportRecord> {
    if (exp.status === 'exported') return exp
    const deadline = Date.now() + WAIT_FOR_OTHER_MS
    for (;;) {
      const lease = await ExportLease.claim(this.db, exp.id, this.exact.logger)
      if (lease) {
        try {
          return await this.drive(exp, lease, invoice, settings, options)
        } catch (error) {
          if (!(error instanceof LeaseLostError)) throw error
        }
      }
      const current = await findExport(this.db, exp.tenantId, exp.id)
      if (current && current.status !== 'pending') {
        if (current.status === 'failed') throw new AppError((current.errorCode as 'exact_rejected') ?? 'exact_rejected', current.errorDetail ?? 'The export failed.')
        return current
      }
      // Our own caller holds the lease, not Exact being down: 409, not 503.
      if (Date.now() >= deadline) throw ERRORS.exportInProgress(exp.id)
      await sleep(150)
    }
  }

  /** Drives with the lease; if it is lost on the way, follows whoever has the export now. */
  private async driveOrFollow(exp: ExportRecord, lease: ExportLease, invoice: Invoice, settings: Settings, options: ExportOptions): Promise<ExportRecord> {
    try {
      return await this.drive(exp, lease, invoice, settings, options)
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error
      return this.settle(exp, invoice, settings, options)
    }
  }

  /** Caller holds the lease. Never sends twice: an earlier attempt is looked for by its marker first. */
  private drive(exp: ExportRecord, lease: ExportLease, invoice: Invoice, settings: Settings, options: ExportOptions): Promise<ExportRecord> {
    return lease.hold(() => this.driveHeld(exp, lease, invoice, settings, options))
  }

  private async driveHeld(exp: ExportRecord, lease: ExportLease, invoice: Invoice, settings: Settings, options: ExportOptions): Promise<ExportRecord> {
    let sent = false
    try {
      // Every call to Exact first checks that this holder is still sure of its lease.
      const client = (options.client ?? (await this.exact.clientFor(exp.tenantId, options.priority ?? 'interactive'))).guarded(() => lease.assertHeld())
      const entry = this.mapOrThrow(invoice, settings, exp.marker, await findYourRefMaxLength(this.db, exp.tenantId))
      if ((await countAttempts(this.db, exp.id, 'create')) > 0) {
        // The YourRef this entry was sent with: what a lowered cap would have made of the number is searched too.
        const found = await findEntryByMarker(client, exp.type, entry.yourRef, exp.marker)
        await recordAttempt(this.db, exp.id, { action: 'recover', outcome: found ? 'found' : 'absent', response: found ?? undefined })
        if (found) return this.finish(exp, lease, found, entry, client, options)
      }
      const chart = await this.exact.chart(client, { mustHave: (c) => chartKnowsEntryCodes(entry, c) })
      this.assertBookable(entry, chart, settings)
      const relation = await this.relations.resolve(client, exp.tenantId, invoice.party, invoice.type, options.hints)
      lease.assertHeld()
      await setRelation(this.db, exp.id, relation)
      // Proved in the database just before sending (a holder that was frozen learns it here), and
      // recorded: if the process dies mid-call, recovery knows to search first.
      await lease.confirm()
      await recordAttempt(this.db, exp.id, { action: 'create', outcome: 'sending', request: { relationId: relation.id, entry } })
      sent = true
      const created = await createEntry(client, entry, relation.id, chart)
      await recordAttempt(this.db, exp.id, { action: 'create', outcome: 'created', response: created })
      return await this.finish(exp, lease, created, entry, client, options)
    } catch (error) {
      // Not ours to settle any more (the guard refused the call before it left, or a fenced write
      // matched nothing): whoever holds the lease now searches by marker and decides.
      if (error instanceof LeaseLostError) throw error
      const appError = toAppError(error)
      if (appError.code === 'exact_rejected' || (!sent && !TRANSIENT.has(appError.code))) {
        await this.fail(exp, lease, appError)
      } else {
        // Nothing certain: stay pending; the next request or the recovery pass searches first.
        try {
          if (sent) await recordAttempt(this.db, exp.id, { action: 'create', outcome: 'uncertain', response: { code: appError.code, message: appError.message } })
        } finally {
          await lease.release()
        }
      }
      throw appError
    }
  }

  /** What only the chart can refuse (booking-check.ts): raised before the relation is touched or anything is sent. */
  private assertBookable(entry: Entry, chart: ChartOfAccounts, settings: Settings): void {
    const problems = checkEntryAgainstChart(entry, chart, settings)
    if (problems.length === 0) return
    const first: BookingProblem = problems.find((p) => p.code === 'settings_invalid') ?? problems[0]!
    throw new AppError(first.code, first.message, {
      field: first.field, details: { errors: problems.map((p) => ({ field: p.field, message: p.message, code: p.code })) },
    })
  }

  /**
   * Marks the export booked. Unless told to leave it for later, Exact's own figures are read back
   * first (one call): a POST answer may carry a zero total (exact-reality #10), Exact derives the
   * Type, and only a read-back lists the entry's line IDs. A read-back that fails leaves the export
   * booked with the answer's figures and `readBackAt` null, for readBackPending to fill in.
   */
  private async finish(exp: ExportRecord, lease: ExportLease, booked: BookedEntry, entry: Entry, client: ExactClient, options: ExportOptions): Promise<ExportRecord> {
    const read = (options.readBack ?? 'now') === 'now' ? await this.readBack.readOne(exp, booked.entryId, client) : undefined
    const figures = entryFigures(exp.type, exp.total, read ?? booked, read !== undefined)
    await this.readBack.learnYourRefLength(exp, entry.yourRef, (read ?? booked).yourRef)
    return this.db.transaction().execute(async (trx) => {
      // Fenced: a holder that lost its lease sends no second export.succeeded.
      const done = (await markExported(trx, exp.id, lease.holder, {
        entryId: booked.entryId, entryNumber: read?.entryNumber ?? booked.entryNumber, paymentReference: entry.paymentReference ?? null, ...figures,
      })) ?? lease.lost('another holder settled the export')
      await enqueueWebhookEvent(trx, { tenantId: exp.tenantId, type: 'export.succeeded', payload: exportEvent(done) })
      return done
    })
  }

  /** Booked exports whose figures were never read back (a bulk job's), READ_BACK_BATCH per call. */
  readBackPending(tenantId: string, client: ExactClient, limit?: number): Promise<{ read: number; calls: number }> {
    return this.readBack.readPending(tenantId, client, limit)
  }

  private async fail(exp: ExportRecord, lease: ExportLease, error: AppError): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const failed = (await markFailed(trx, exp.id, lease.holder, error.code, error.message)) ?? lease.lost('another holder settled the export')
      await enqueueWebhookEvent(trx, { tenantId: exp.tenantId, type: 'export.failed', payload: exportEvent(failed) })
    })
  }
}

function toAppErrorOrThrow(error: unknown): never {
  throw toAppError(error)
}

export function exportEvent(e: ExportRecord) {
  return {
    exportId: e.id, invoiceId: e.invoiceId, type: e.type, status: e.status, entryNumber: e.entryNumber,
    ...(e.errorCode ? { error: { code: e.errorCode, detail: e.errorDetail } } : {}),
  }
}
