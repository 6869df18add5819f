import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifySchemaCompiler } from 'fastify'

type BuildValidator = (
  externalSchemas: unknown,
  options: { customOptions: Record<string, unknown>; plugins?: unknown[] },
) => FastifySchemaCompiler<unknown>

/**
 * Bodies are validated strictly: no type coercion (a JSON number is not money) and unknown fields
 * refused rather than dropped. Query strings and params keep Fastify's coercion ("?limit=10").
 */
export function buildValidator(
  externalSchemas: unknown,
  options: { customOptions?: Record<string, unknown>; plugins?: unknown[] },
) {
  const build = AjvCompiler() as unknown as BuildValidator
  const base = options.customOptions ?? {}
  const lenient = build(externalSchemas, {
    ...options,
    customOptions: { ...base, coerceTypes: 'array', removeAdditional: true },
  })
  const strict = build(externalSchemas, {
    ...options,
    customOptions: { ...base, coerceTypes: false, removeAdditional: false, allErrors: true },
  })
  return (route: Parameters<FastifySchemaCompiler<unknown>>[0]) =>
    route.httpPart === 'body' ? strict(route) : lenient(route)
}
