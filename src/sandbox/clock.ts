/**
 * The sandbox's own clock. Tests move it forward (token expiry, the 570 s rule, rate windows)
 * without waiting; freezing it makes minute windows deterministic.
 */
export class SandboxClock {
  private offsetMs = 0
  private frozenAt: number | null = null

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms
    else this.offsetMs += ms
  }

  set(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt = ms
    else this.offsetMs = ms - Date.now()
  }

  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === null) this.frozenAt = this.now()
    if (!frozen && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - Date.now()
      this.frozenAt = null
    }
  }

  get frozen(): boolean {
    return this.frozenAt !== null
  }
}
