import type { Db } from '../db/database'
import { findExport, findLatestExport, listAttempts, listExports, type AttemptRecord, type ExportRecord } from '../db/exports-repository'
import { AppError } from '../domain/app-error'
import type { ExportStatus, InvoiceType } from '../domain/types'

export interface ExportListQuery {
  status?: ExportStatus
  type?: InvoiceType
  changedSinceExport?: boolean
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
      status: q.status, type: q.type, changedSinceExport: q.changedSinceExport, after: q.cursor ? decodeCursor(q.cursor) : undefined, limit,
    })
    const last = items.at(-1)
    return { items, nextCursor: items.length === limit && last ? encodeCursor(last) : null }
  }
}

function encodeCursor(e: ExportRecord): string {
  return Buffer.from(JSON.stringify([e.createdAt.toISOString(), e.id])).toString('base64url')
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    const date = new Date(createdAt)
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error('bad cursor')
    return { createdAt: date, id }
  } catch {
    throw new AppError('validation_failed', 'cursor is not one this service handed out', { field: 'querystring/cursor' })
  }
}
