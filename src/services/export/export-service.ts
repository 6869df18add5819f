import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Db } from '../../db/database'
import { findInvoice, lockInvoice, type StoredInvoice } from '../../db/invoices-repository'
import {
  countAttempts, findBookedRequest, findExport, findUncertainGivenUp, revivePending, findLiveExport, findLiveExportByNumber, giveUpRecovery, insertPendingExport, listAbandonedPending,
  markExported, markFailed, markUndone, noteRecoveryMiss, recordAttempt, setRelation, type ExportRecord,
} from '../../db/exports-repository'
import { isUniqueViolation } from '../../db/database-errors'
import { findYourRefMaxLength } from '../../db/connection-capabilities-repository'
import { enqueueWebhookEvent } from '../../db/webhook-outbox-repository'
import { AppError, ERRORS } from '../../domain/app-error'
import { checkEntryAgainstChart, type BookingProblem, chartKnowsEntryCodes } from '../../domain/booking-check'
import type { ChartOfAccounts } from '../../domain/chart'
import { capYourRef, type Entry } from '../../domain/entry'
import type { Invoice } from '../../domain/invoice'
import { invoiceToEntry } from '../../domain/invoice-to-entry'
import { newMarker } from '../../domain/marker'
import { invoiceNumberKey } from '../../domain/invoice-number-key'
import { MAX_RECOVERY_ATTEMPTS, recoveryDelayMs } from '../../domain/recovery-backoff'
import type { Settings } from '../../domain/settings'
import type { ExactClient } from '../../exact/client'
import { deleteEntry, entryToWire, findEntryByMarker, postEntry, type BookedEntry } from '../../exact/entries'
import { entryExists } from '../../exact/payments'
import type { Priority } from '../../exact/rate-limiter'
import { toAppError } from '../exact-session/exact-errors'
import type { ExactSessions } from '../exact-session/exact-sessions'
import { ExportLease, LEASE_MS, LeaseLostError } from './export-lease'
import { assertInvoiceValid } from '../invoice-service'
import { EntryReadBack, entryFigures } from './entry-read-back'
import type { RelationHints, RelationService } from '../relation-service'
import type { DocumentService } from '../document-service'

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
  /** Book it even though another invoice of this type (and supplier) with the same number is booked. */
  allowDuplicateNumber?: boolean
}

/** What the recovery pass made of one export. */
export type RecoveryOutcome = 'exported' | 'failed' | 'backed_off' | 'needs_attention' | 'skipped'

interface Loaded {
  invoice: Invoice
  settings: Settings
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
    private readonly exact: ExactSessions,
    private readonly relations: RelationService,
    private readonly settingsOf: (tenantId: string) => Promise<Settings | undefined>,
    private readonly documents?: DocumentService,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.readBack = new EntryReadBack(db, exact.logger)
  }

  async exportInvoice(tenantId: string, invoiceId: string, options: ExportOptions = {}): Promise<ExportResult> {
    const { invoice, settings, yourRefMax } = await this.prepare(tenantId, invoiceId)
    const marker = newMarker(randomBytes(5))
    const entry = this.mapOrThrow(invoice.content, settings, marker, yourRefMax)
    const numberKey = options.allowDuplicateNumber ? null : invoiceNumberKey(invoice.content)

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
      if (numberKey) {
        const other = await findLiveExportByNumber(trx, tenantId, invoice.type, numberKey, invoiceId)
        if (other) throw duplicateNumber(invoice.content, other)
      }
      // A send of this very content whose outcome nobody learned (the recovery pass gave up): drive
      // that export again, so its marker is searched before anything is sent, instead of a new one.
      const givenUp = await findUncertainGivenUp(trx, tenantId, invoiceId)
      if (givenUp && givenUp.contentHash === locked.contentHash) {
        return { kind: 'new' as const, export: await revivePending(trx, givenUp.id, { leaseMs: LEASE_MS, leaseHolder: taken.holder, numberKey }) }
      }
      const created = await insertPendingExport(trx, {
        tenantId, invoiceId, type: invoice.type, marker, contentHash: locked.contentHash, invoiceNumber: invoice.number,
        journal: entry.journal, total: entry.total, leaseMs: LEASE_MS, leaseHolder: taken.holder, numberKey,
      })
      return { kind: 'new' as const, export: created }
    }).catch(async (error: unknown) => {
      // The look above cannot see another invoice's insert that has not committed yet (that invoice's
      // row lock is not ours): the unique index refuses whichever insert comes second.
      if (!numberKey || !isUniqueViolation(error, 'exports_one_live_per_number')) throw error
      throw duplicateNumber(invoice.content, await findLiveExportByNumber(this.db, tenantId, invoice.type, numberKey, invoiceId))
    })

    switch (decision.kind) {
      case 'new': {
        const lease = ExportLease.inserted(this.db, decision.export.id, taken, this.exact.logger)
        const booked = await this.driveOrFollow(decision.export, lease, { invoice: invoice.content, settings }, options)
        return { export: await this.withDocument(booked, options), outcome: 'created' }
      }
      case 'same':
        return { export: await this.withDocument(await this.settle(decision.export, { invoice: invoice.content, settings }, options), options), outcome: 'existing' }
      case 'replace':
        if (decision.export.status === 'pending') throw ERRORS.exportInProgress(decision.export.id)
        return { export: await this.withDocument(await this.replace(decision.export, invoice, settings, entry, numberKey, options), options), outcome: 'created' }
      default: {
        const never: never = decision
        throw new Error(`unexpected decision ${String(never)}`)
      }
    }
  }

  /**
   * The invoice's document, after the booking and apart from it: the entry stays booked whatever
   * happens here, and a document that could not be attached yet says so on the export (pending:
   * the recovery pass tries again; failed: Exact refused it).
   */
  private async withDocument(exp: ExportRecord, options: ExportOptions): Promise<ExportRecord> {
    if (!this.documents || exp.status !== 'exported' || !(await this.documents.has(exp.tenantId, exp.invoiceId))) return exp
    await this.documents.attach(exp.tenantId, exp.id, { client: options.client, priority: options.priority })
    return (await findExport(this.db, exp.tenantId, exp.id)) ?? exp
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
        // After the entry: were its DELETE refused, the booking would stand without its document.
        if (this.documents) await this.documents.removeFromExact(client, exp, lease)
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

  /**
   * ?replace=true (review L11). The new version is checked against the chart and its relation
   * resolved, then booked, and only then is the old entry deleted, so a refusal of the new one
   * leaves the invoice with the entry it had. If Exact refuses to delete the old entry (a matched
   * payment, a closed period), the new entry is deleted again, the old export stays exported and
   * the answer is a 409 replace_refused with Exact's reason. Both writes happen under the old
   * export's lease, and each is recorded on it before it is sent.
   */
  private async replace(old: ExportRecord, invoice: StoredInvoice<Invoice>, settings: Settings, entry: Entry, numberKey: string | null, options: ExportOptions): Promise<ExportRecord> {
    if (numberKey) {
      const other = await findLiveExportByNumber(this.db, old.tenantId, invoice.type, numberKey, old.invoiceId)
      if (other) throw duplicateNumber(invoice.content, other)
    }
    const lease = await ExportLease.claim(this.db, old.id, this.exact.logger, ['exported'])
    if (!lease) throw ERRORS.exportInProgress(old.id)
    return lease.hold(async () => {
      try {
        const client = (options.client ?? (await this.exact.clientFor(old.tenantId, options.priority ?? 'interactive'))).guarded(() => lease.assertHeld())
        const chart = await this.exact.chart(client, { mustHave: (c) => chartKnowsEntryCodes(entry, c) })
        this.assertBookable(entry, chart, settings)
        const relation = await this.relations.resolve(client, old.tenantId, invoice.content.party, invoice.content.type, options.hints)
        const body = entryToWire(entry, relation.id, chart)
        await lease.confirm()
        await recordAttempt(this.db, old.id, { action: 'create', outcome: 'replacement_sending', request: { marker: entry.marker, relationId: relation.id, entry } })
        const created = await this.postOrFind(client, entry, body)
        await lease.confirm()
        const refusal = await this.deleteRefusal(client, old)
        if (refusal !== undefined) {
          // Take the new entry back out: the invoice keeps exactly the entry it had.
          await deleteEntry(client, entry.type, created.entryId)
          await recordAttempt(this.db, old.id, { action: 'delete', outcome: 'refused', response: { message: refusal, replacementRemoved: created.entryId } })
          throw new AppError('replace_refused',
            `Exact refused to delete entry ${old.entryNumber}: ${refusal}. The new version (entry ${created.entryNumber}) was deleted again; export ${old.id} stays as it was.`, {
              details: { exactMessage: refusal, exportId: old.id, entryNumber: old.entryNumber },
            })
        }
        await recordAttempt(this.db, old.id, { action: 'delete', outcome: 'deleted', request: { entryId: old.entryId } })
        // The old entry's document goes with it; the new entry gets the invoice's PDF once it is marked exported.
        if (this.documents) await this.documents.removeFromExact(client, old, lease)
        const taken = ExportLease.newHolder()
        const fresh = await this.db.transaction().execute(async (trx) => {
          const undone = (await markUndone(trx, old.id, lease.holder)) ?? lease.lost('another holder settled the export')
          await enqueueWebhookEvent(trx, { tenantId: old.tenantId, type: 'export.undone', payload: exportEvent(undone) })
          const inserted = await insertPendingExport(trx, {
            tenantId: old.tenantId, invoiceId: old.invoiceId, type: invoice.type, marker: entry.marker, contentHash: invoice.contentHash,
            invoiceNumber: invoice.number, journal: entry.journal, total: entry.total, leaseMs: LEASE_MS, leaseHolder: taken.holder, numberKey,
          })
          await setRelation(trx, inserted.id, relation)
          // As a plain export records them: a crash before it is marked exported is recovered by its marker.
          await recordAttempt(trx, inserted.id, { action: 'create', outcome: 'sending', request: { relationId: relation.id, entry } })
          await recordAttempt(trx, inserted.id, { action: 'create', outcome: 'created', response: created })
          return inserted
        })
        const newLease = ExportLease.inserted(this.db, fresh.id, taken, this.exact.logger)
        return await newLease.hold(() => this.finish(fresh, newLease, created, entry, client, options))
      } catch (error) {
        if (error instanceof LeaseLostError) throw ERRORS.exportInProgress(old.id, error)
        await lease.release()
        throw toAppError(error)
      }
    })
  }

  /** The POST; after a lost answer the marker is searched once, so an uncertain replacement is not left behind unseen. */
  private async postOrFind(client: ExactClient, entry: Entry, body: Record<string, unknown>): Promise<BookedEntry> {
    try {
      return await postEntry(client, entry.type, body)
    } catch (error) {
      if (toAppError(error).code !== 'exact_unavailable') throw error
      const found = await findEntryByMarker(client, entry.type, entry.yourRef, entry.marker)
      if (found) return found
      throw error
    }
  }

  /** Deletes the booked entry; Exact's reason when it refuses, undefined once it is gone. */
  private async deleteRefusal(client: ExactClient, exp: ExportRecord): Promise<string | undefined> {
    try {
      const deleted = await deleteEntry(client, exp.type, exp.entryId!)
      if (deleted === 'deleted') return undefined
      return (await entryExists(client, exp.type, exp.entryId!)) ? 'Forbidden (the entry is still there)' : undefined
    } catch (error) {
      const appError = toAppError(error)
      if (appError.code !== 'exact_rejected') throw error
      return String(appError.details?.exactMessage ?? appError.message)
    }
  }

  /** Pending exports whose lease has lapsed and whose back-off is over: the recovery pass's work list, due first. */
  listAbandoned(limit: number): Promise<Array<{ tenantId: string; id: string }>> {
    return listAbandonedPending(this.db, limit, this.clock())
  }

  /**
   * A pending export nobody is driving (crash, lost answer): found in Exact, or sent now, or failed
   * for a definite reason (the same decisions a request makes, before anything is sent). One that
   * stays pending is backed off (recovery-backoff.ts) and, past the cap, failed as needs_attention.
   */
  async recover(tenantId: string, exportId: string): Promise<{ outcome: RecoveryOutcome; error?: AppError }> {
    const exp = await findExport(this.db, tenantId, exportId)
    const now = this.clock()
    // Another replica's pass may have backed it off since the list was read.
    if (!exp || exp.status !== 'pending' || (exp.nextRecoveryAt && exp.nextRecoveryAt > now)) return { outcome: 'skipped' }
    const lease = await ExportLease.claim(this.db, exp.id, this.exact.logger)
    if (!lease) return { outcome: 'skipped' }
    try {
      const done = await this.drive(exp, lease, async () => {
        const { invoice, settings } = await this.prepare(tenantId, exp.invoiceId)
        return { invoice: invoice.content, settings }
      }, { priority: 'background' })
      return { outcome: done.status === 'exported' ? 'exported' : 'failed' }
    } catch (error) {
      // Someone else drives it now; theirs is the outcome.
      if (error instanceof LeaseLostError) return { outcome: 'skipped' }
      await lease.release()
      const appError = toAppError(error)
      const current = await findExport(this.db, tenantId, exportId)
      if (current?.status !== 'pending') return { outcome: 'failed', error: appError }
      return { outcome: await this.backOff(current, appError), error: appError }
    }
  }

  /** Counts a miss (fenced by the count seen, so two replicas' passes count it once) and sets the next try, or gives up. */
  private async backOff(exp: ExportRecord, error: AppError): Promise<RecoveryOutcome> {
    const misses = exp.recoveryAttempts + 1
    if (misses >= MAX_RECOVERY_ATTEMPTS) {
      const detail = `The recovery pass gave up after ${misses} attempts over about a day; the last one answered ${error.code}: ${error.message} ` +
        'Check the connection and the invoice, then export it again: an unchanged invoice resumes this export, whose marker is searched for first.'
      const failed = await this.db.transaction().execute(async (trx) => {
        const row = await giveUpRecovery(trx, exp.id, exp.recoveryAttempts, 'needs_attention', detail)
        if (row) await enqueueWebhookEvent(trx, { tenantId: exp.tenantId, type: 'export.failed', payload: exportEvent(row) })
        return row
      })
      return failed ? 'needs_attention' : 'skipped'
    }
    const nextAt = new Date(this.clock().getTime() + recoveryDelayMs(misses))
    return (await noteRecoveryMiss(this.db, exp.id, exp.recoveryAttempts, nextAt)) === undefined ? 'skipped' : 'backed_off'
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
  private async settle(exp: ExportRecord, loaded: Loaded, options: ExportOptions): Promise<ExportRecord> {
    if (exp.status === 'exported') return exp
    const deadline = Date.now() + WAIT_FOR_OTHER_MS
    for (;;) {
      const lease = await ExportLease.claim(this.db, exp.id, this.exact.logger)
      if (lease) {
        try {
          return await this.drive(exp, lease, async () => loaded, options)
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
  private async driveOrFollow(exp: ExportRecord, lease: ExportLease, loaded: Loaded, options: ExportOptions): Promise<ExportRecord> {
    try {
      return await this.drive(exp, lease, async () => loaded, options)
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error
      return this.settle(exp, loaded, options)
    }
  }

  /** Caller holds the lease. Never sends twice: an earlier attempt is looked for by its marker first. */
  private drive(exp: ExportRecord, lease: ExportLease, load: () => Promise<Loaded>, options: ExportOptions): Promise<ExportRecord> {
    return lease.hold(() => this.driveHeld(exp, lease, load, options))
  }

  /**
   * Everything that can be decided without Exact's answer to the POST is decided before the send is
   * recorded (review H1): the invoice and settings, the mapping, the chart, the relation and the
   * wire body itself. A definite local refusal then fails the export with its reason; only what
   * happens to the POST itself can leave it pending.
   */
  private async driveHeld(exp: ExportRecord, lease: ExportLease, load: () => Promise<Loaded>, options: ExportOptions): Promise<ExportRecord> {
    let sent = false
    try {
      // Every call to Exact first checks that this holder is still sure of its lease.
      const client = (options.client ?? (await this.exact.clientFor(exp.tenantId, options.priority ?? 'interactive'))).guarded(() => lease.assertHeld())
      const yourRefMax = await findYourRefMaxLength(this.db, exp.tenantId)
      let mapped: { invoice: Invoice; settings: Settings; entry: Entry } | { refusal: unknown }
      try {
        const { invoice, settings } = await load()
        mapped = { invoice, settings, entry: this.mapOrThrow(invoice, settings, exp.marker, yourRefMax) }
      } catch (error) {
        mapped = { refusal: error }
      }
      if ((await countAttempts(this.db, exp.id, 'create')) > 0) {
        // An earlier POST may have landed: that is looked for before any refusal settles the export.
        // The YourRef it was sent with: what a lowered cap would have made of the number is searched too.
        const yourRef = 'entry' in mapped ? mapped.entry.yourRef : capYourRef(exp.invoiceNumber, yourRefMax)
        const found = await findEntryByMarker(client, exp.type, yourRef, exp.marker)
        await recordAttempt(this.db, exp.id, { action: 'recover', outcome: found ? 'found' : 'absent', response: found ?? undefined })
        if (found) return this.finish(exp, lease, found, 'entry' in mapped ? mapped.entry : await this.sentEntry(exp), client, options)
      }
      if ('refusal' in mapped) throw mapped.refusal
      const { invoice, settings, entry } = mapped
      const chart = await this.exact.chart(client, { mustHave: (c) => chartKnowsEntryCodes(entry, c) })
      this.assertBookable(entry, chart, settings)
      const relation = await this.relations.resolve(client, exp.tenantId, invoice.party, invoice.type, options.hints)
      const body = entryToWire(entry, relation.id, chart)
      lease.assertHeld()
      await setRelation(this.db, exp.id, relation)
      // Proved in the database just before sending (a holder that was frozen learns it here), and
      // recorded: if the process dies mid-call, recovery knows to search first.
      await lease.confirm()
      await recordAttempt(this.db, exp.id, { action: 'create', outcome: 'sending', request: { relationId: relation.id, entry } })
      sent = true
      const created = await postEntry(client, entry.type, body)
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

  /** The entry as an earlier attempt sent it (its 'sending' record), for adopting it when the invoice no longer maps. */
  private async sentEntry(exp: ExportRecord): Promise<Entry> {
    const request = (await findBookedRequest(this.db, exp.id)) as { entry?: Entry } | null
    if (!request?.entry) throw new AppError('internal', `Export ${exp.id} has a create attempt but no recorded request.`)
    return request.entry
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

function duplicateNumber(invoice: Invoice, other: ExportRecord | undefined): AppError {
  const whose = invoice.type === 'purchase' ? ' from this supplier' : ''
  return new AppError('duplicate_invoice_number',
    `${invoice.type === 'sales' ? 'Sales' : 'Purchase'} invoice number ${invoice.number}${whose} is already booked for invoice ${other?.invoiceId ?? '(another)'}` +
    ` (export ${other?.id ?? 'unknown'}); export with ?allowDuplicateNumber=true if both are meant to be booked.`, {
    field: '/number', details: { invoiceId: other?.invoiceId ?? null, exportId: other?.id ?? null, number: invoice.number },
  })
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
