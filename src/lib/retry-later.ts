/**
 * Runs `attempt` and, while it fails (the database is away), again every `everyMs` until `forMs`
 * have passed; never throws and never keeps the process alive. For clean-up whose absence is safe
 * but slow (a lease or claim that would otherwise only lapse): once the database answers again,
 * the work it frees is taken up at once instead of after the lapse.
 */
export function retryInBackground(attempt: () => Promise<unknown>, opts: { everyMs: number; forMs: number }): void {
  const deadline = Date.now() + opts.forMs
  const run = () => {
    attempt().catch(() => {
      if (Date.now() + opts.everyMs > deadline) return
      setTimeout(run, opts.everyMs).unref()
    })
  }
  run()
}
