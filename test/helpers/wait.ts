/**
 * Polls `condition` until it holds; throws naming `what` on timeout. Tests wait on a condition they
 * can observe, never on a fixed sleep that happens to be long enough on an idle machine.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  opts: { timeoutMs?: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what}`)
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20))
  }
}
