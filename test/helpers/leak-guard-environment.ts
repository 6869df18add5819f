import { TestEnvironment } from 'jest-environment-node'
import { OPEN_KEY, type OpenRegistry } from './leak-guard'

/**
 * Node's environment plus a leak guard: a test file fails when, after its own afterAll hooks, it has
 * left something running that it opened: a listening server (a Fastify app, the sandbox), a socket
 * (a pg pool's connection), a child process, a timer (a Scheduler's cron, a pool's idle timer), or
 * a helper's resource it never closed (leak-guard.ts: a harness, a bulk worker, a service process).
 * A setupFilesAfterEnv afterAll cannot do this: Jest runs a file's afterAll hooks in the order they
 * were added, so the setup file's would run before the test file's own clean-up. Here the check
 * runs on circus' run_finish event, after every hook, and reports as a failure of the file.
 *
 * Handles are counted (process.getActiveResourcesInfo) against the count before the file loaded.
 * Timers are not: Jest's own come and go in the same process, so only the timers the file's code
 * set through its global setTimeout/setInterval are followed. Closing is partly asynchronous (a
 * socket's end, a child's exit event), so what is left must still be there after SETTLE_MS.
 */
const WATCHED_HANDLES: Record<string, string> = {
  TCPServerWrap: 'listening server',
  TCPSocketWrap: 'socket',
  ProcessWrap: 'child process',
}
const SETTLE_MS = 3_000

interface CircusEvent {
  name: string
  test?: { errors: unknown[] }
}
interface CircusState {
  unhandledErrors: unknown[]
}

export default class LeakGuardEnvironment extends TestEnvironment {
  private before = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly open: OpenRegistry = new Map()
  private failed = false

  override async setup(): Promise<void> {
    await super.setup()
    this.before = countHandles()
    this.global[OPEN_KEY] = this.open
    // KEEP_TEST_DB (postgres.ts) keeps the database of a file that has failed so far.
    this.global.__ebTestFileFailed = () => this.failed
    for (const name of ['setTimeout', 'setInterval'] as const) {
      const original = this.global[name] as (...args: unknown[]) => NodeJS.Timeout
      const followed = (...args: unknown[]) => {
        const timer = original(...args)
        if (this.timers.size >= 1_000) forgetEnded(this.timers)
        this.timers.add(timer)
        return timer
      }
      this.global[name] = Object.assign(followed, original) as never
    }
  }

  async handleTestEvent(event: CircusEvent, state: CircusState): Promise<void> {
    if (event.name === 'test_done' && event.test!.errors.length > 0) this.failed = true
    if (event.name === 'hook_failure') this.failed = true
    if (event.name !== 'run_finish') return
    const leaks = await leftOpen({ handlesBefore: this.before, timers: this.timers, open: this.open })
    if (leaks.length > 0) {
      const error = new Error(
        `leak guard: this test file left open ${leaks.join('; ')}. Close it in an afterAll (or finally); ` +
          'npx jest --detectOpenHandles <file> shows where it was opened.',
      )
      // The stack would point here, at the guard, not at the test file that leaked.
      error.stack = `Error: ${error.message}`
      state.unhandledErrors.push(error)
    }
  }
}

export interface Opened {
  /** countHandles() before the file ran. */
  handlesBefore: Map<string, number>
  /** Timers the file set; the ended ones are skipped. */
  timers: Set<NodeJS.Timeout>
  /** What the helpers registered and have not closed. */
  open: OpenRegistry
}

/** What was opened and is still open after `settleMs`; empty when nothing was left. */
export async function leftOpen(opened: Opened, settleMs = SETTLE_MS): Promise<string[]> {
  const deadline = Date.now() + settleMs
  for (;;) {
    forgetEnded(opened.timers)
    const grown = [...countHandles()].filter(([kind, n]) => n > (opened.handlesBefore.get(kind) ?? 0))
    if ((grown.length === 0 && opened.timers.size === 0 && opened.open.size === 0) || Date.now() >= deadline) {
      return [
        ...opened.open.values(),
        ...grown.map(
          ([kind, n]) => `${n - (opened.handlesBefore.get(kind) ?? 0)} ${WATCHED_HANDLES[kind]}(s) (${kind})`,
        ),
        ...(opened.timers.size > 0 ? [`${opened.timers.size} timer(s)`] : []),
      ]
    }
    await new Promise((resolve) => setTimeout(resolve, 50).unref())
  }
}

/** Ref'd handles of the watched kinds, by kind: what keeps the process alive. */
export function countHandles(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo())
    if (kind in WATCHED_HANDLES) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  return counts
}

/** Drops timers that fired (a timeout), were cleared, or were unref'd: none keeps the process alive. */
function forgetEnded(timers: Set<NodeJS.Timeout>): void {
  for (const t of timers) if ((t as unknown as { _destroyed: boolean })._destroyed || !t.hasRef()) timers.delete(t)
}
