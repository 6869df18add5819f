import type { Db } from '../../db/database'
import { findBookedRequest, findExportByEntryId, markModifiedInExact } from '../../db/exports-repository'
import { enqueueWebhookEvent } from '../../db/webhook-outbox-repository'
import { entryDrift } from '../../domain/entry-drift'
import type { Entry } from '../../domain/entry'
import { readEntrySnapshot } from '../../exact/entries'
import type { Logger } from '../../logger'
import type { ExactSessions } from '../exact-session/exact-sessions'
import { exportEvent } from './export-context'

/**
 * An Exact event said an entry changed: if this service booked it, read it (one call) and compare
 * it with what was sent. The event's payload is not trusted; Exact is read. Idempotent: the same
 * differences again (a repeated event, SalesEntries and FinancialTransactions for one edit) write
 * nothing and send nothing; only a new set of differences sends `export.modified_in_exact`. A
 * deleted entry is left to the payment sync (sync/Deleted, deleted_in_exact as before).
 */
export class EntryChangeCheck {
  constructor(
    private readonly db: Db,
    private readonly exact: ExactSessions,
    private readonly logger: Logger,
  ) {}

  async check(
    tenantId: string,
    entryId: string,
  ): Promise<'not_ours' | 'gone' | 'unchanged' | 'modified' | 'no_baseline'> {
    const exp = await findExportByEntryId(this.db, tenantId, entryId)
    if (!exp) return 'not_ours'
    const sent = (await findBookedRequest(this.db, exp.id)) as { relationId?: string; entry?: Entry } | null
    if (!sent?.entry || !sent.relationId) {
      this.logger.warn(
        { tenantId, exportId: exp.id },
        'no record of what was booked for this export; its entry cannot be checked',
      )
      return 'no_baseline'
    }
    const client = await this.exact.clientFor(tenantId, 'background')
    const now = await readEntrySnapshot(client, exp.type, entryId)
    if (!now) return 'gone'
    const fields = entryDrift({ entry: sent.entry, relationId: sent.relationId }, now)
    return this.db.transaction().execute(async (trx) => {
      const locked = await findExportByEntryId(trx, tenantId, entryId, { lock: true })
      if (!locked) return 'not_ours'
      const before = [...locked.modifiedFields].sort().join(',')
      if (before === [...fields].sort().join(',')) return fields.length > 0 ? 'modified' : 'unchanged'
      const marked = await markModifiedInExact(trx, locked.id, fields)
      if (fields.length > 0) {
        await enqueueWebhookEvent(trx, {
          tenantId,
          type: 'export.modified_in_exact',
          payload: { ...exportEvent(marked), entryId, modifiedFields: fields },
        })
      }
      return fields.length > 0 ? 'modified' : 'unchanged'
    })
  }
}
