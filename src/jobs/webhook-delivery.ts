import { deliverDueWebhooks, type DeliveryDeps, type DeliverySummary } from '../services/webhook-delivery'
import { OutageLog } from './outage'

export interface WebhookDeliveryLoop {
  /** Stops the loop; resolves once the running tick has finished. */
  stop(): Promise<void>
}

/**
 * Runs deliverDueWebhooks every `intervalMs` (a setTimeout chain: ticks never overlap in one
 * process). A failed tick (the database is away) waits longer each time, and says so once.
 */
export function startWebhookDelivery(
  deps: Omit<DeliveryDeps, 'now'> & { intervalMs?: number; clock?: () => Date },
): WebhookDeliveryLoop {
  const intervalMs = deps.intervalMs ?? 1_000
  const outage = new OutageLog(deps.logger, 'webhook delivery', {
    initialMs: intervalMs,
    maxMs: Math.max(intervalMs, 10_000),
  })
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const tick = async (): Promise<number> => {
    try {
      let summary: DeliverySummary
      // A full batch means more are due: keep going rather than wait a second per batch.
      do {
        summary = await deliverDueWebhooks({ ...deps, now: deps.clock?.() })
      } while (!stopped && summary.claimed === (deps.batchSize ?? 20))
      outage.succeeded()
      return intervalMs
    } catch (err) {
      return outage.failed(err)
    }
  }
  const schedule = (delayMs: number) => {
    if (stopped) return
    timer = setTimeout(() => {
      running = tick().then(schedule)
    }, delayMs)
  }
  schedule(intervalMs)
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
