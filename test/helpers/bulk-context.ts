import { startBulkWorker, type BulkWorker, type BulkWorkerOptions } from '../../src/jobs/bulk-worker'
import type { Settings } from '../../src/domain/settings'
import { createLogger } from '../../src/logger'
import { api } from './bulk-fixtures'
import { startHarness, type Harness } from './harness'
import { opened } from './leak-guard'
import { connectedTenant, type TenantApi } from './tenant-api'

export interface BulkContext {
  h: Harness
  tenant: TenantApi
  worker: BulkWorker
  /** The tenant's HTTP API over a real socket. */
  call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>
}

/**
 * Registers the hooks every in-process bulk test shares: the service with its own sandbox (no rate
 * limit unless the test sets one), one connected tenant, and a bulk worker polling every 100 ms.
 * The fields are filled in beforeAll; read them inside tests, not at describe time.
 */
export function useBulkContext(
  opts: { settings?: () => Settings; worker?: Partial<Omit<BulkWorkerOptions, 'bulk' | 'logger'>> } = {},
): BulkContext {
  const ctx = {
    call: <T = any>(method: string, path: string, body?: unknown) =>
      api<T>(ctx.h.url, ctx.tenant.apiKey, method, path, body),
  } as BulkContext
  let workerStopped: (() => void) | undefined
  beforeAll(async () => {
    ctx.h = await startHarness({ unlimited: true })
    ctx.tenant = await connectedTenant(ctx.h, 'Acme', opts.settings?.())
    ctx.worker = startBulkWorker({
      bulk: ctx.h.services.bulk,
      logger: createLogger('silent'),
      pollMs: 100,
      ...opts.worker,
    })
    workerStopped = opened('the bulk worker of useBulkContext')
  })
  afterAll(async () => {
    await ctx.worker?.stop()
    workerStopped?.()
    await ctx.h?.close()
  })
  return ctx
}
