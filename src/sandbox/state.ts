import { DEFAULT_BEHAVIOUR, type Behaviour } from './behaviour'
import { SandboxClock } from './clock'
import { IdFactory } from './ids'
import type { Division } from './model'
import { seedDivision } from './seed'
import { Stats } from './stats'

const FIRST_DIVISION = 100001
const FIRST_TIMESTAMP = 100000

export interface SandboxConfig {
  clientId?: string
  clientSecret?: string
  publicUrl?: string
  limits: { perMinute: number; perDay: number }
}

/** Everything the sandbox remembers, in memory. One instance per started server. */
export class SandboxState {
  readonly clock = new SandboxClock()
  readonly ids = new IdFactory()
  readonly stats = new Stats()
  readonly divisions = new Map<number, Division>()
  readonly behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR }
  private readonly timestamps = new Map<number, { next: number }>()
  private nextDivisionId = FIRST_DIVISION

  constructor(readonly config: SandboxConfig) {}

  createDivision(requested?: number): Division {
    const id = requested ?? this.nextDivisionId
    this.nextDivisionId = Math.max(this.nextDivisionId, id + 1)
    const division = seedDivision(id, this.timestampsOf(id))
    this.divisions.set(id, division)
    return division
  }

  division(id: number): Division | undefined {
    return this.divisions.get(id)
  }

  /** Back to the seed: same division numbers and seeded ids, no accounts, entries or payments. */
  resetData(): void {
    for (const id of [...this.divisions.keys()]) {
      this.divisions.set(id, seedDivision(id, this.timestampsOf(id)))
    }
  }

  private timestampsOf(id: number): { next: number } {
    let counter = this.timestamps.get(id)
    if (!counter) {
      counter = { next: FIRST_TIMESTAMP }
      this.timestamps.set(id, counter)
    }
    return counter
  }
}
