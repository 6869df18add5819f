import { createTask, validate } from 'node-cron'
import { PaymentSyncSchedule, type CronMatcher } from '../domain/sync-windows'

/**
 * Every cron expression is read in UTC, whatever the host's zone: replicas in different zones
 * then agree on the same windows, and a DST change does not move or skip a sync.
 */
export const CRON_TIMEZONE = 'UTC'

export function isCronExpression(expr: string): boolean {
  return validate(expr)
}

/** node-cron's own matcher for `expr`, so the sync windows agree with when the scheduler fires. */
export function cronMatcher(expr: string): CronMatcher {
  if (!validate(expr)) throw new Error(`not a cron expression: ${expr}`)
  // A task that is never started: only its matcher is used.
  const task = createTask(expr, () => undefined, { timezone: CRON_TIMEZONE })
  return (minute) => task.match(minute)
}

/** PAYMENT_SYNC_CRON as the windows the scheduled payment sync spreads tenants over. */
export function paymentSyncSchedule(expr: string): PaymentSyncSchedule {
  return new PaymentSyncSchedule(expr, cronMatcher(expr))
}
