import { DEFAULT_BEHAVIOUR, type Behaviour } from './behaviour'
import { SandboxClock } from './clock'
import { IdFactory } from './ids'
import type { Division } from './model'
import { seedDivision, type DivisionProfile } from './seed'
import { Stats } from './stats'
import { SyncStamps } from './sync-stamps'
import { WebhookDispatcher, type WebhookOptions } from './webhooks/dispatcher'
import type { Emit } from './webhooks/topics'

const FIRST_DIVISION = 100001
const FIRST_TIMESTAMP = 100000

export interface SandboxConfig {
  clientId?: string
  clientSecret?: string
  publicUrl?: string
  limits: { perMinute: number; perDay: number }
  webhooks: WebhookOptions
}

/** Everything the sandbox remembers, in memory. One instance per started server. */
export class SandboxState {
  readonly clock = new SandboxClock()
  readonly ids = new IdFactory()
  readonly stats = new Stats()
  readonly divisions = new Map<number, Division>()
  readonly behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR }
  private readonly stamps = new Map<number, SyncStamps>()
  readonly webhooks: WebhookDispatcher
  private nextDivisionId = FIRST_DIVISION

  constructor(readonly config: SandboxConfig) {
    this.webhooks = new WebhookDispatcher(config.webhooks, this.clock, this.behaviour)
  }

  /** Sends the webhooks of changes in `division` to its subscriptions. */
  emitter(division: Division): Emit {
    return (events) => this.webhooks.emit(division, events)
  }

  createDivision(requested?: number, profile: DivisionProfile = {}): Division {
    const id = requested ?? this.nextDivisionId
    this.nextDivisionId = Math.max(this.nextDivisionId, id + 1)
    const division = seedDivision(id, this.stampsOf(id), profile)
    this.divisions.set(id, division)
    return division
  }

  /** The division with that number, created (seeded) when missing. */
  divisionOrCreate(id: number): Division {
    return this.division(id) ?? this.createDivision(id)
  }

  division(id: number): Division | undefined {
    return this.divisions.get(id)
  }

  /** Back to the seed: same division numbers, names, countries and seeded ids; no accounts, entries or payments. */
  resetData(): void {
    for (const [id, old] of [...this.divisions]) {
      this.divisions.set(
        id,
        seedDivision(id, this.stampsOf(id), { description: old.description, country: old.country }),
      )
    }
  }

  private stampsOf(id: number): SyncStamps {
    let stamps = this.stamps.get(id)
    if (!stamps) {
      stamps = new SyncStamps(FIRST_TIMESTAMP)
      this.stamps.set(id, stamps)
    }
    return stamps
  }
}
