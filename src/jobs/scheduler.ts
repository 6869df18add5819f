import { createTask, validate, type ScheduledTask } from 'node-cron'
import type { Logger } from '../logger'
import { CRON_TIMEZONE } from './cron'
import { OutageLog } from './outage'

export type Tick = (now: Date) => Promise<unknown>

interface Entry {
  name: string
  fn: Tick
  task: ScheduledTask
  running: Promise<void> | null
  /** A tick that fails because the database is away says so once; the next fire is its retry. */
  outage: OutageLog
}

/**
 * node-cron only triggers: each tick is a plain async function of its dependencies. Every
 * replica's cron fires, so a tick must claim its work safely (advisory locks, SKIP LOCKED). A tick
 * never overlaps itself in one process (a fire while it runs is skipped), and stop() waits for
 * the ticks in progress.
 */
export class Scheduler {
  private readonly entries: Entry[] = []
  private started = false
  private stopping = false

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Registers a tick, e.g. `scheduler.every('export-recovery', '* * * * *', (now) => recovery.run(now))`. */
  every(name: string, cronExpr: string, fn: Tick): void {
    if (!validate(cronExpr)) throw new Error(`scheduler: "${cronExpr}" (${name}) is not a cron expression`)
    if (this.entries.some((e) => e.name === name))
      throw new Error(`scheduler: a tick named ${name} is already registered`)
    const entry = { name, fn, running: null, outage: new OutageLog(this.logger, `tick ${name}`) } as Entry
    entry.task = createTask(
      cronExpr,
      () => {
        void this.fire(entry)
      },
      { name, timezone: CRON_TIMEZONE },
    )
    this.entries.push(entry)
    if (this.started && !this.stopping) void entry.task.start()
  }

  start(): void {
    if (this.started) return
    this.started = true
    for (const e of this.entries) void e.task.start()
  }

  /** Runs a tick now, as cron would (tests, benchmarks); resolves when it has finished. */
  async runNow(name: string): Promise<void> {
    const entry = this.entries.find((e) => e.name === name)
    if (!entry) throw new Error(`scheduler: no tick named ${name}`)
    await this.fire(entry)
  }

  /** Started and not stopping: what /readyz reports. */
  isRunning(): boolean {
    return this.started && !this.stopping
  }

  /** Stops firing, then waits for the ticks in progress. */
  async stop(): Promise<void> {
    this.stopping = true
    for (const e of this.entries) {
      await e.task.stop()
      await e.task.destroy()
    }
    await Promise.allSettled(this.entries.map((e) => e.running).filter((p): p is Promise<void> => p !== null))
  }

  private async fire(entry: Entry): Promise<void> {
    if (this.stopping) return
    if (entry.running) {
      this.logger.debug({ tick: entry.name }, 'previous tick still running; this fire is skipped')
      return entry.running
    }
    entry.running = this.runTick(entry).finally(() => {
      entry.running = null
    })
    return entry.running
  }

  private async runTick(entry: Entry): Promise<void> {
    const started = Date.now()
    try {
      const summary = await entry.fn(this.clock())
      entry.outage.succeeded()
      this.logger.debug({ tick: entry.name, ms: Date.now() - started, summary }, 'tick finished')
    } catch (err) {
      entry.outage.failed(err)
    }
  }
}

/** The payment sync's tick: every minute, start the tenants whose slot has come (services/payment-sync.ts). */
export function schedulePaymentSync(scheduler: Scheduler, paymentSync: { runDue(now: Date): Promise<unknown> }): void {
  scheduler.every('payment-sync', '* * * * *', (now) => paymentSync.runDue(now))
}
