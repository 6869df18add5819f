import type { Scheduler } from './scheduler'

/**
 * Exact's refresh token dies 30 days after it was issued unless spent, so a tenant that books
 * nothing for a month (payment sync off) would be disconnected without a word. Once a day, every
 * connection whose tokens are older than 20 days is refreshed once, under its row lock like every
 * other refresh (services/connection-service.ts keepAlive).
 */
export function scheduleTokenKeepAlive(
  scheduler: Scheduler,
  connections: { keepAlive(): Promise<unknown> },
  cronExpr = '17 3 * * *',
): void {
  scheduler.every('token-keep-alive', cronExpr, () => connections.keepAlive())
}
