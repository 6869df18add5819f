import { hostname } from 'node:os'
import type { Db } from '../db/database'
import {
  cancelBulkJob,
  findActiveBulkJob,
  findBulkJob,
  insertBulkJob,
  listBulkFailures,
  listBulkJobs,
  listRunnableBulkJobs,
  type BulkJobRecord,
} from '../db/bulk-repository'
import { AppError } from '../domain/app-error'
import type { BulkJobType } from '../domain/bulk-job'
import type { Logger } from '../logger'
import { BulkRunner, type BulkExporter, type RelationPrimer, type RunSummary } from './bulk-runner'
import type { ExactSessions } from './exact-session/exact-sessions'

export interface BulkServiceDeps {
  db: Db
  exact: ExactSessions
  exports: BulkExporter
  relations: RelationPrimer
  logger: Logger
  workerId?: string
}

/** A job as stored, with its failed items (the view is http/schemas/bulk.ts). */
export type BulkJobWithFailures = BulkJobRecord & { failures: Awaited<ReturnType<typeof listBulkFailures>> }

/**
 * Bulk export (DESIGN "Bulk"): the job and its items live in Postgres; any replica's worker
 * (jobs/bulk-worker.ts) runs them through the same exactly-once export as a single invoice.
 */
export class BulkService {
  private readonly runner: BulkRunner
  private readonly createdListeners: Array<() => void> = []

  constructor(private readonly deps: BulkServiceDeps) {
    this.runner = new BulkRunner({ ...deps, workerId: deps.workerId ?? `${hostname()}:${process.pid}` })
  }

  /** The worker subscribes so a new job starts at once rather than at its next poll. */
  onJobCreated(listener: () => void): void {
    this.createdListeners.push(listener)
  }

  /** A new job, or the active one of this type (`created` false) so a double click starts one job. */
  async start(tenantId: string, type: BulkJobType): Promise<{ job: BulkJobWithFailures; created: boolean }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const created = await this.deps.db.transaction().execute((trx) => insertBulkJob(trx, tenantId, type))
      if (created) {
        this.deps.logger.info({ tenantId, bulkJobId: created.id, type, total: created.total }, 'bulk job created')
        for (const listener of this.createdListeners) listener()
        return { job: await this.withFailures(created), created: true }
      }
      const active = await findActiveBulkJob(this.deps.db, tenantId, type)
      if (active) return { job: await this.withFailures(active), created: false }
      // The active job finished between the two statements: try again.
    }
    throw new AppError(
      'bulk_job_starting',
      'Another bulk job of this type was starting at the same moment; send the request again.',
      { retryAfterSeconds: 1 },
    )
  }

  async get(tenantId: string, id: string): Promise<BulkJobWithFailures> {
    const job = await findBulkJob(this.deps.db, tenantId, id)
    if (!job) throw new AppError('not_found', `No bulk job ${id}.`)
    return this.withFailures(job)
  }

  async list(tenantId: string, limit = 50): Promise<BulkJobRecord[]> {
    return listBulkJobs(this.deps.db, tenantId, limit)
  }

  /** Stops claiming its invoices; what is booked stays booked. A finished job answers as it is. */
  async cancel(tenantId: string, id: string): Promise<BulkJobWithFailures> {
    const cancelled = await cancelBulkJob(this.deps.db, tenantId, id)
    if (cancelled) this.deps.logger.info({ tenantId, bulkJobId: id }, 'bulk job cancelled')
    return this.get(tenantId, id)
  }

  /** For the worker: jobs due now whose tenant this process is not working on already. */
  async runnable(busyTenants: string[], limit: number): Promise<BulkJobRecord[]> {
    return listRunnableBulkJobs(this.deps.db, this.deps.exact.clock(), busyTenants, limit)
  }

  async run(job: BulkJobRecord, signal: AbortSignal): Promise<RunSummary> {
    return this.runner.run(job, signal)
  }

  private async withFailures(job: BulkJobRecord): Promise<BulkJobWithFailures> {
    const failures = job.failed > 0 ? await listBulkFailures(this.deps.db, job.id) : []
    return { ...job, failures }
  }
}
