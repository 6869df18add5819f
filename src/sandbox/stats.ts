/** Counters for GET /_sandbox/stats. Control calls are never counted. */
export class Stats {
  calls = 0
  byResource: Record<string, number> = {}
  rateLimited = 0
  errorAnswers = 0
  tokenRequests = 0
  faults = { errors: 0, timeouts: 0 }

  countCall(method: string, resource: string): void {
    this.calls += 1
    const key = `${method} ${resource}`
    this.byResource[key] = (this.byResource[key] ?? 0) + 1
  }

  reset(): void {
    this.calls = 0
    this.byResource = {}
    this.rateLimited = 0
    this.errorAnswers = 0
    this.tokenRequests = 0
    this.faults = { errors: 0, timeouts: 0 }
  }

  toJSON(): object {
    return {
      calls: this.calls,
      byResource: this.byResource,
      rateLimited: this.rateLimited,
      errorAnswers: this.errorAnswers,
      tokenRequests: this.tokenRequests,
      faults: this.faults,
    }
  }
}
