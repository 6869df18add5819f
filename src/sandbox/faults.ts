export interface FaultConfig {
  /** Share of API calls answered 503 with an HTML maintenance page; nothing is written. */
  errorRate: number
  /** Share of successful writes whose answer is lost: the write happens, the socket is destroyed. */
  timeoutAfterCommitRate: number
  latencyMs: number
  seed: number
  /** Retry-After on the maintenance page; tests shorten it so clients that honour it do not idle. */
  retryAfterSeconds: number
}

export const NO_FAULTS: FaultConfig = {
  errorRate: 0,
  timeoutAfterCommitRate: 0,
  latencyMs: 0,
  seed: 1,
  retryAfterSeconds: 30,
}

/** mulberry32: small, fast and the same sequence for the same seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Faults {
  config: FaultConfig = { ...NO_FAULTS }
  private random = mulberry32(NO_FAULTS.seed)

  set(partial: Partial<FaultConfig>): FaultConfig {
    this.config = { ...NO_FAULTS, ...partial }
    this.random = mulberry32(this.config.seed)
    return this.config
  }

  /** Draws only when the rate is set, so turning faults off does not shift a seeded sequence. */
  drawError(): boolean {
    return this.config.errorRate > 0 && this.random() < this.config.errorRate
  }

  drawTimeout(): boolean {
    return this.config.timeoutAfterCommitRate > 0 && this.random() < this.config.timeoutAfterCommitRate
  }
}

export const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html><head><title>Exact Online - Onderhoud</title></head>
<body><h1>Exact Online is tijdelijk niet beschikbaar</h1>
<p>We are performing maintenance. Please try again later.</p></body></html>`
