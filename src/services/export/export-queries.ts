import type { Db } from '../../db/database'
import {
  findExport,
  findLatestExport,
  listAttempts,
  listExports,
  type AttemptRecord,
  type ExportFilter,
  type ExportRecord,
} from '../../db/exports-repository'
import { AppError } from '../../domain/app-error'
import { decodeTimeIdCursor, encodeTimeIdCursor } from '../../domain/cursor'

/** The repository's filter, with the page as the opaque cursor handed out before (GET /exports takes this shape). */
type ExportListFilter = Omit<ExportFilter, 'after' | 'limit'> & { cursor?: string; limit?: number }

/** Reads of export state; the writes live in export-service.ts. */
export class ExportQueries {
  constructor(private readonly db: Db) {}

  async get(tenantId: string, id: string): Promise<ExportRecord & { attempts: AttemptRecord[] }> {
    const found = await findExport(this.db, tenantId, id)
    if (!found) throw new AppError('not_found', `No export ${id}.`)
    return { ...found, attempts: await listAttempts(this.db, id) }
  }

  async latestForInvoice(tenantId: string, invoiceId: string): Promise<ExportRecord> {
    const found = await findLatestExport(this.db, tenantId, invoiceId)
    if (!found) throw new AppError('not_found', `Invoice ${invoiceId} has not been exported.`)
    return found
  }

  async list(tenantId: string, q: ExportListFilter): Promise<{ items: ExportRecord[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 200)
    const items = await listExports(this.db, tenantId, {
      status: q.status,
      type: q.type,
      changedSinceExport: q.changedSinceExport,
      errorCode: q.errorCode,
      after: q.cursor ? decodeTimeIdCursor(q.cursor, 'querystring/cursor') : undefined,
      limit,
    })
    const last = items.at(-1)
    return {
      items: items.map(({ cursorTime: _, ...e }) => e),
      nextCursor: items.length === limit && last ? encodeTimeIdCursor(last) : null,
    }
  }
}
