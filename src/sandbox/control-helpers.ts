import type { FastifyReply } from 'fastify'
import type { Division } from './model'
import type { SandboxState } from './state'

export function controlError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message })
}

export function divisionOr404(state: SandboxState, reply: FastifyReply, param: string): Division | null {
  const division = state.division(Number(param))
  if (!division) controlError(reply, 404, 'unknown_division', `No division ${param}.`)
  return division ?? null
}
