import { DEFAULT_BEHAVIOUR, type Behaviour } from '../../src/sandbox/behaviour'
import { sandboxJson, type Harness } from './harness'

/** Switches the sandbox's answers for the unconfirmed points (PUT /_sandbox/behaviour). */
export async function setBehaviour(h: Harness, behaviour: Partial<Behaviour>): Promise<void> {
  await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: behaviour })
}

/** Back to the sandbox's documented defaults, keeping its ledger. */
export async function resetBehaviour(h: Harness): Promise<void> {
  await setBehaviour(h, DEFAULT_BEHAVIOUR)
}

export async function setFaults(
  h: Harness,
  faults: { errorRate?: number; timeoutAfterCommitRate?: number; seed?: number },
): Promise<void> {
  await sandboxJson(h, '/_sandbox/faults', {
    method: 'PUT',
    body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0, ...faults },
  })
}

export async function sandboxStats(
  h: Harness,
): Promise<{ calls: number; errorAnswers: number; byResource: Record<string, number> }> {
  return sandboxJson(h, '/_sandbox/stats')
}
