import type { Db } from '../db/database'
import {
  countOtherTenantsOnDivision,
  deleteSubscriptions,
  findTenantsByDivision,
  getEventState,
  listSubscriptions,
  listWantedSyncs,
  recordEvent,
  saveSubscription,
  takeWantedSync,
  wantSyncAgain,
} from '../db/exact-webhooks-repository'
import { AppError } from '../domain/app-error'
import {
  EXACT_WEBHOOK_TOPICS,
  entryTypeOfTopic,
  verifyExactWebhook,
  type ExactWebhookContent,
} from '../domain/exact-webhook'
import { findTargetsByEntryIds } from '../db/payments-repository'
import { isGuid } from '../exact/wire'
import { listWebhookSubscriptions, subscribeWebhook, unsubscribeWebhook } from '../exact/webhooks'
import type { Logger } from '../logger'
import type { ExactSessions } from './exact-session/exact-sessions'

export interface ExactWebhookConfig {
  /** The app's "Webhook secret" from Exact's App Center (not the client secret). */
  secret: string
  /** EXACT_WEBHOOK_URL: the public base URL the callback lives under (read when a tenant subscribes). */
  publicUrl: () => string
}

export const EXACT_WEBHOOK_PATH = '/exact/webhooks'

export interface ExactWebhookDeps {
  db: Db
  exact: ExactSessions
  logger: Logger
  config: ExactWebhookConfig | null
  /** PaymentSync.startTriggered: null when a run was going already. */
  startSync: (tenantId: string) => Promise<{ done: Promise<unknown> } | null>
  /** Checks a booked entry an Update event named against what was booked (item 2 of issue 13). */
  checkEntry?: (tenantId: string, entryId: string) => Promise<void>
  onOutcome?: (outcome: 'validation' | 'accepted' | 'ignored' | 'rejected') => void
  /** At most one triggered run per tenant per this long (default 30 s). */
  debounceMs?: number
  /** The events of one change come in a burst (BankEntries + FinancialTransactions): wait this long to sync once for all (default 1 s). */
  gatherMs?: number
}

export interface ExactWebhookStatus {
  enabled: boolean
  subscriptions: Array<{
    topic: string
    division: number
    status: 'subscribed' | 'shared' | 'failed'
    error: string | null
    createdAt: Date
  }>
  lastEvent: { at: Date; topic: string; action: string; key: string; received: number } | null
}

/**
 * Exact Online's webhooks as a trigger, never a source: an event only says "look again", and the
 * payment sync then reads Exact (its payload is not trusted beyond the division and the key that
 * says which booked entry to check). Everything here is a no-op without EXACT_WEBHOOK_SECRET and
 * EXACT_WEBHOOK_URL.
 */
export class ExactWebhookService {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>()
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly debounceMs: number
  private readonly gatherMs: number

  constructor(private readonly deps: ExactWebhookDeps) {
    this.debounceMs = deps.debounceMs ?? 30_000
    this.gatherMs = deps.gatherMs ?? 1_000
  }

  get enabled(): boolean {
    return this.deps.config !== null
  }

  private get callbackUrl(): string {
    return `${this.deps.config!.publicUrl().replace(/\/+$/, '')}${EXACT_WEBHOOK_PATH}`
  }

  /**
   * After a division is chosen: one subscription per topic in it. Exact allows one per topic per
   * app and division, so an existing one with our URL is adopted (another tenant of this service on
   * the same division, or an earlier connect), and one with another URL (an old deployment) is
   * replaced: Exact refuses PUT. Failures are kept per topic and never fail the connection: the
   * scheduled sync still runs.
   */
  async subscribe(tenantId: string): Promise<void> {
    if (!this.enabled) return
    const log = this.deps.logger.child({ tenantId })
    try {
      const client = await this.deps.exact.clientFor(tenantId, 'background')
      const division = client.division!
      const existing = await listWebhookSubscriptions(client)
      for (const topic of EXACT_WEBHOOK_TOPICS) {
        const found = existing.find((s) => s.topic === topic)
        try {
          if (found && found.callbackUrl === this.callbackUrl) {
            const stored = (await listSubscriptions(this.deps.db, tenantId)).find(
              (s) => s.topic === topic && s.exactId === found.id,
            )
            await saveSubscription(this.deps.db, tenantId, {
              topic,
              division,
              exactId: found.id,
              callbackUrl: found.callbackUrl,
              status: stored ? stored.status : 'shared',
              error: null,
            })
            continue
          }
          if (found) await unsubscribeWebhook(client, found.id)
          const made = await subscribeWebhook(client, topic, this.callbackUrl)
          await saveSubscription(this.deps.db, tenantId, {
            topic,
            division,
            exactId: made.id,
            callbackUrl: made.callbackUrl || this.callbackUrl,
            status: 'subscribed',
            error: null,
          })
        } catch (err) {
          log.warn(
            { err, topic },
            'could not subscribe an Exact webhook topic; the scheduled payment sync still covers it',
          )
          await saveSubscription(this.deps.db, tenantId, {
            topic,
            division,
            exactId: null,
            callbackUrl: this.callbackUrl,
            status: 'failed',
            error: (err as Error).message,
          })
        }
      }
    } catch (err) {
      log.warn({ err }, 'could not list Exact webhook subscriptions; the scheduled payment sync still runs')
    }
  }

  /** Before the tokens are forgotten: the subscriptions this tenant made, unless another tenant still books in that division. Must not throw. */
  async unsubscribe(tenantId: string): Promise<void> {
    const stored = await listSubscriptions(this.deps.db, tenantId)
    if (stored.length === 0) return
    try {
      const mine = stored.filter((s) => s.status === 'subscribed' && s.exactId)
      if (mine.length > 0 && (await countOtherTenantsOnDivision(this.deps.db, tenantId, mine[0]!.division)) === 0) {
        const client = await this.deps.exact.clientFor(tenantId, 'background')
        for (const s of mine)
          await unsubscribeWebhook(client, s.exactId!).catch((err) =>
            this.deps.logger.warn({ err, tenantId, topic: s.topic }, 'could not delete an Exact webhook subscription'),
          )
      }
    } catch (err) {
      this.deps.logger.warn(
        { err, tenantId },
        'could not delete the Exact webhook subscriptions; events for them are ignored once disconnected',
      )
    }
    await deleteSubscriptions(this.deps.db, tenantId)
  }

  async status(tenantId: string): Promise<ExactWebhookStatus> {
    const [subs, state] = await Promise.all([
      listSubscriptions(this.deps.db, tenantId),
      getEventState(this.deps.db, tenantId),
    ])
    return {
      enabled: this.enabled,
      subscriptions: subs.map((s) => ({
        topic: s.topic,
        division: s.division,
        status: s.status,
        error: s.error,
        createdAt: s.createdAt,
      })),
      lastEvent: state?.lastEventAt
        ? {
            at: state.lastEventAt,
            topic: state.lastEventTopic ?? '',
            action: state.lastEventAction ?? '',
            key: state.lastEventKey ?? '',
            received: state.eventsReceived,
          }
        : null,
    }
  }

  /**
   * One call of Exact to the callback, with its raw body. The validation POST (empty) is answered;
   * anything else must carry a valid HashCode (401 otherwise, counted). Answers fast: the sync and
   * the entry check run after the answer.
   */
  async receive(raw: Buffer): Promise<void> {
    if (!this.enabled) throw new AppError('not_found', 'Exact Online webhooks are not configured on this service.')
    const verdict = verifyExactWebhook(raw, this.deps.config!.secret)
    switch (verdict.kind) {
      case 'validation':
        this.deps.onOutcome?.('validation')
        return
      case 'forged':
        this.deps.onOutcome?.('rejected')
        throw new AppError('unauthorized', "The HashCode does not match the body for this app's webhook secret.")
      case 'malformed':
        // Signed by Exact but not understood: answering an error would only make Exact retry it.
        this.deps.onOutcome?.('ignored')
        this.deps.logger.warn('an Exact webhook event with a valid HashCode had no Topic, Division or Action; ignored')
        return
      case 'event': {
        const tenants = await findTenantsByDivision(this.deps.db, verdict.content.division)
        this.deps.onOutcome?.(tenants.length > 0 ? 'accepted' : 'ignored')
        for (const tenantId of tenants) await this.onEvent(tenantId, verdict.content)
        return
      }
      default: {
        const never: never = verdict
        return never
      }
    }
  }

  private async onEvent(tenantId: string, c: ExactWebhookContent): Promise<void> {
    // A new sales or purchase entry carries no payment, and neither does the financial transaction
    // of an entry this service just booked (every export fires both).
    const newEntry =
      c.action === 'Create' &&
      (entryTypeOfTopic(c.topic) !== null ||
        (c.topic === 'FinancialTransactions' &&
          isGuid(c.key) &&
          (await findTargetsByEntryIds(this.deps.db, tenantId, [c.key])).length > 0))
    const wantsSync = !newEntry
    await recordEvent(this.deps.db, tenantId, {
      topic: c.topic,
      action: c.action,
      key: c.key,
      wantsSync,
      gatherMs: this.gatherMs,
    })
    if (wantsSync) await this.armFromState(tenantId)
    if (
      c.action === 'Update' &&
      this.deps.checkEntry &&
      (entryTypeOfTopic(c.topic) !== null || c.topic === 'FinancialTransactions') &&
      c.key
    ) {
      this.track(
        this.deps
          .checkEntry(tenantId, c.key)
          .catch((err) =>
            this.deps.logger.warn({ err, tenantId, key: c.key }, 'could not check an entry Exact reported changed'),
          ),
      )
    }
  }

  /**
   * Starts the wanted sync when its window is open, else waits for the window. The window and the
   * wish live in the database (takeWantedSync), so of several replicas one runs it; the timer only
   * makes it prompt, and the per-minute sweep (runWanted) covers a replica that died with one.
   */
  async trySync(tenantId: string): Promise<void> {
    const { taken, retryAt } = await takeWantedSync(this.deps.db, tenantId, this.debounceMs)
    if (!taken) {
      if (retryAt) this.arm(tenantId, retryAt.getTime())
      return
    }
    const run = await this.deps.startSync(tenantId).catch((err) => {
      this.deps.logger.warn({ err, tenantId }, 'could not start the payment sync an Exact event asked for')
      return undefined
    })
    if (run === null || run === undefined) {
      // One was running (it may have read Exact before this change) or it could not start: once more, after the window.
      await wantSyncAgain(this.deps.db, tenantId)
      await this.armFromState(tenantId)
      return
    }
    // Events that came while it ran are wanted again after the window.
    this.track(run.done.then(() => this.armFromState(tenantId)))
  }

  /** The per-minute sweep: wanted syncs whose window is open and whose timer is gone (a restart, another replica). */
  async runWanted(): Promise<{ started: number }> {
    const tenants = await listWantedSyncs(this.deps.db)
    for (const tenantId of tenants) await this.trySync(tenantId)
    return { started: tenants.length }
  }

  /** Something this process started is pending: a timer, a sync start, a run or an entry check (tests wait on it). */
  get busy(): boolean {
    return this.timers.size > 0 || this.inFlight.size > 0
  }

  /** Resolves when nothing this process started is left: timers are cleared (the wish stays in the database). */
  async drain(): Promise<void> {
    for (const { timer } of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
    for (const { timer } of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }

  private async armFromState(tenantId: string): Promise<void> {
    const state = await getEventState(this.deps.db, tenantId)
    if (state?.syncPending) this.arm(tenantId, state.nextSyncAfter?.getTime() ?? Date.now())
  }

  private arm(tenantId: string, at: number): void {
    const current = this.timers.get(tenantId)
    if (current && current.at <= at) return
    if (current) clearTimeout(current.timer)
    // The database's now() decides; a few ms late is fine, early would only find the window shut and re-arm.
    const timer = setTimeout(
      () => {
        this.timers.delete(tenantId)
        this.track(
          this.trySync(tenantId).catch((err) =>
            this.deps.logger.warn({ err, tenantId }, 'webhook-triggered payment sync failed to start'),
          ),
        )
      },
      Math.max(0, at - Date.now()) + 5,
    )
    this.timers.set(tenantId, { at, timer })
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.inFlight.delete(tracked))
    this.inFlight.add(tracked)
  }
}
