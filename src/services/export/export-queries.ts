import type { Db } from '../../db/database'
import { findExport, findLatestExport, listAttempts, listExports, type AttemptRecord, type ExportRecord } from '../../db/exports-repository'
import { AppError, ERRORS } from '../../domain/app-error'
import type { ExportStatus, InvoiceType } from '../../domain/types'

export interface ExportListQuery {
  status?: ExportStatus
  type?: InvoiceType
  changedSinceExport?: boolean
  errorCode?: string
  cursor?: string
  limit?: number
}

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

  async list(tenantId: string, q: ExportListQuery): Promise<{ items: ExportRecord[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 200)
    const items = await listExports(this.db, tenantId, {
      status: q.status, type: q.type, changedSinceExport: q.changedSinceExport, errorCode: q.errorCode, after: q.cursor ? decodeCursor(q.cursor) : undefined, limit,
    })
    const last = items.at(-1)
    return { items: items.map(({ cursorTime: _, ...e }) => e), nextCursor: items.length === limit && last ? encodeCursor(last) : null }
  }
}

const POSTGRES_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}(:[0-9]{2})?$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function encodeCursor(e: { cursorTime: string; id: string }): string {
  return Buffer.from(JSON.stringify([e.cursorTime, e.id])).toString('base64url')
}

/** Checked here, so a forged cursor is a 400 and never reaches Postgres as a bad cast (500). */
function decodeCursor(cursor: string): { cursorTime: string; id: string } {
  try {
    const [cursorTime, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof cursorTime === 'string' && POSTGRES_TIME.test(cursorTime) && typeof id === 'string' && UUID.test(id)) return { cursorTime, id }
  } catch {
    // not base64 JSON: refused below
  }
  throw ERRORS.invalidCursor('querystring/cursor')
}
