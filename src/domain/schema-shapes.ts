import { Type, type Static, type TSchema } from '@sinclair/typebox'

/**
 * Schema shapes that Fastify's serializer (fast-json-stringify) compiles to plain code. A
 * `Type.Union([X, Type.Null()])` or a union of literals is an `anyOf`, which it can only serialize
 * by running Ajv over each branch for every value of every response; a type list and an enum are a
 * typeof test. @fastify/swagger writes both as OpenAPI 3.0 (`nullable: true`, `enum`).
 */
export function Nullable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] })
}

export function StringEnum<const V extends readonly string[]>(values: V, options: { description?: string } = {}) {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options })
}
