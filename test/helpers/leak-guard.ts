/**
 * What the test helpers opened and have not closed yet, by name, for the leak guard's message
 * (leak-guard-environment.ts): "harness on http://127.0.0.1:4711" says more than "1 listening server".
 */
export const OPEN_KEY = '__ebOpen'
export type OpenRegistry = Map<number, string>

let next = 0

/** Registers something a helper opened; call the returned function once it is closed. */
export function opened(what: string): () => void {
  // Absent outside Jest (the benches use the helpers too): nothing to guard there.
  const registry = (globalThis as Record<string, unknown>)[OPEN_KEY] as OpenRegistry | undefined
  if (!registry) return () => undefined
  const id = ++next
  registry.set(id, what)
  return () => {
    registry.delete(id)
  }
}
