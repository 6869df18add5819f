import type { Row } from './types'

/**
 * Rows are rebuilt only when their source changed: every mutation bumps a row version (Timestamp), so
 * the version string names the state a cached row was built from. Keeps lookups fast with many entries.
 */
export class RowCache<T extends object> {
  private readonly cache = new WeakMap<T, { version: string; row: Row }>()

  get(source: T, version: string, build: () => Row): Row {
    const hit = this.cache.get(source)
    if (hit && hit.version === version) return hit.row
    const row = build()
    this.cache.set(source, { version, row })
    return row
  }
}
