import type { FastifyInstance } from 'fastify'
import type { SandboxState } from './state'

/** Filled in with the payments step. */
export function registerPaymentControl(_app: FastifyInstance, _state: SandboxState): void {}
