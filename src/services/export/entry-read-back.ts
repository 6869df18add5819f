import type { Db } from '../../db/database'
import { findYourRefMaxLength, recordYourRefMaxLength } from '../../db/connection-capabilities-repository'
import { applyReadBack, listExportsToReadBack, type EntryFigures, type ExportRecord } from '../../db/exports-repository'
import { capYourRef, yourRefKeptLength } from '../../domain/entry'
import { entryTypeMismatch, knownTotal, totalDiffers } from '../../domain/entry-figures'
import type { ExactClient } from '../../exact/client'
import { READ_BACK_BATCH, readBackEntries, type BookedEntry, type EntryType } from '../../exact/entries'
import { ExactRefusedError } from '../../exact/errors'
import type { Logger } from '../../logger'

/**
 * Exact's own figures for booked entries, read back after the POST (exact-reality #10, #17, #12): a
 * POST answer may carry a zero total, Exact derives the entry's Type, and only a read-back lists the
 * line IDs that sync/Deleted tombstones carry. One entry right after its POST (a single export), or
 * READ_BACK_BATCH per call for what was left to read (a bulk job, a failed read-back).
 */
export class EntryReadBack {
  /**
   * Tenants whose read-back Exact refused (a 400 to the $expand or $select): not asked again by this
   * process, as every 400 counts toward the endpoint's error block, and the entries endpoint is the
   * one exports need. Their figures come from the POST answer.
   */
  private readonly refused = new Set<string>()

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** The booked entry as Exact has it now; undefined when that could not be read (the export stays booked). */
  async readOne(
    exp: Pick<ExportRecord, 'id' | 'tenantId' | 'type'>,
    entryId: string,
    client: ExactClient,
  ): Promise<BookedEntry | undefined> {
    if (this.refused.has(exp.tenantId)) return undefined
    try {
      return (await readBackEntries(client, exp.type, [entryId])).get(entryId.toLowerCase())
    } catch (error) {
      if (error instanceof ExactRefusedError && error.status === 400) this.refused.add(exp.tenantId)
      this.logger.warn(
        { err: error, exportId: exp.id },
        'could not read the booked entry back; its figures are read later',
      )
      return undefined
    }
  }

  /**
   * Reads back the figures of booked exports that have none yet, READ_BACK_BATCH entries per call,
   * at most `limit` exports per type. An entry Exact no longer has is marked read as it is (the
   * payment sync finds out it was deleted). Answers the exports read and the calls it took.
   */
  async readPending(
    tenantId: string,
    client: ExactClient,
    limit = READ_BACK_BATCH,
  ): Promise<{ read: number; calls: number }> {
    const done = { read: 0, calls: 0 }
    if (this.refused.has(tenantId)) return done
    for (const type of ['sales', 'purchase'] as const) {
      const pending = await listExportsToReadBack(this.db, tenantId, type, limit)
      if (pending.length === 0) continue
      let read: Map<string, BookedEntry>
      try {
        done.calls += Math.ceil(pending.length / READ_BACK_BATCH)
        read = await readBackEntries(
          client,
          type,
          pending.map((p) => p.entryId),
        )
      } catch (error) {
        if (error instanceof ExactRefusedError && error.status === 400) this.refused.add(tenantId)
        throw error
      }
      const cap = await findYourRefMaxLength(this.db, tenantId)
      await this.db.transaction().execute(async (trx) => {
        for (const p of pending) {
          const booked = read.get(p.entryId.toLowerCase())
          await applyReadBack(trx, p.id, booked ? entryFigures(type, p.total, booked, true) : null)
        }
      })
      for (const p of pending) {
        const booked = read.get(p.entryId.toLowerCase())
        if (booked)
          await this.learnYourRefLength({ id: p.id, tenantId }, capYourRef(p.invoiceNumber, cap), booked.yourRef)
      }
      done.read += pending.length
    }
    return done
  }

  /**
   * Exact kept only the start of the YourRef we sent (its length is not documented): from now on no
   * longer number is booked for this tenant, and the search after a lost answer looks for what
   * Exact keeps. This entry is booked and found; it is only logged.
   */
  async learnYourRefLength(
    exp: Pick<ExportRecord, 'id' | 'tenantId'>,
    sent: string,
    kept: string | null,
  ): Promise<void> {
    const length = yourRefKeptLength(sent, kept)
    if (length === null) return
    await recordYourRefMaxLength(this.db, exp.tenantId, length)
    this.logger.warn(
      { exportId: exp.id, sent, kept, length },
      'Exact cut the YourRef it was sent: longer invoice numbers are refused from now on',
    )
  }
}

/** What an answer says of a booked entry, in the export's terms (a zero total is no total). */
export function entryFigures(
  type: EntryType,
  ourTotal: string | null,
  booked: BookedEntry,
  readBack: boolean,
): EntryFigures {
  const exactTotal = knownTotal(booked.total)
  return {
    exactTotal,
    totalMismatch: totalDiffers(ourTotal, exactTotal),
    exactType: booked.type,
    typeMismatch: entryTypeMismatch(type, ourTotal, booked.type),
    readBack,
    lineIds: readBack ? (booked.lineIds ?? []) : [],
  }
}
