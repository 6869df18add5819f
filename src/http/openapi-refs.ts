type Json = unknown

/**
 * @fastify/swagger emits a schema nested with its own `$id` (Party in Invoice, Settings in
 * SettingsView) as a component and also leaves it inline in its parent, without the `$id` that
 * would tell the two apart. Each inline copy equal to a component becomes a `$ref` to it, so a
 * generated client has one `Party` type, not an anonymous twin inside `Invoice`.
 */
export function refNestedComponents<T extends { components?: { schemas?: Record<string, Json> } }>(spec: T): T {
  const schemas = spec.components?.schemas ?? {}
  const byShape = new Map(Object.entries(schemas).map(([name, schema]) => [JSON.stringify(schema), name]))
  const replace = (node: Json, own: string | undefined): Json => {
    if (Array.isArray(node)) return node.map((n) => replace(n, undefined))
    if (node === null || typeof node !== 'object') return node
    const name = byShape.get(JSON.stringify(node))
    if (name !== undefined && name !== own) return { $ref: `#/components/schemas/${name}` }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replace(v, undefined)]))
  }
  for (const [name, schema] of Object.entries(schemas)) schemas[name] = replace(schema, name)
  return { ...spec, paths: replace((spec as { paths?: Json }).paths, undefined) }
}

type Operation = { operationId?: string; requestBody?: { required?: boolean } }

/** The spec says `required: false` for a body the route accepts being left out. */
export function markOptionalBodies<T extends { paths?: object }>(spec: T, operationIds: readonly string[]): T {
  for (const item of Object.values(spec.paths ?? {}) as Record<string, unknown>[]) {
    for (const op of Object.values(item ?? {}) as Operation[]) {
      if (op?.requestBody && op.operationId && operationIds.includes(op.operationId)) op.requestBody.required = false
    }
  }
  return spec
}
