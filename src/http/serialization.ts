import fastJsonStringify from 'fast-json-stringify'

type Schema = Record<string, unknown>

/**
 * Response serializers built from schemas with their `$ref`s inlined. Given the shared schemas
 * as external schemas, fast-json-stringify resolves all of them again for each of the ~300 route
 * responses, which doubled the app's start (4 s more on a loaded machine). Inlined, each serializer
 * compiles only its own shape, as it did before the shapes were components; the spec and the
 * validators still see the `$ref`s.
 */
export function buildSerializer(
  externalSchemas: Record<string, Schema> | undefined,
  serializerOpts: Record<string, unknown> = {},
) {
  const byId = new Map<string, Schema>()
  for (const schema of Object.values(externalSchemas ?? {})) collectIds(schema, byId)
  return ({ schema }: { schema: Schema }) =>
    fastJsonStringify(inline(schema, byId, []) as never, serializerOpts as never)
}

function inline(node: unknown, byId: Map<string, Schema>, path: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, byId, path))
  if (node === null || typeof node !== 'object') return node
  const ref = (node as Schema).$ref
  if (typeof ref === 'string') {
    const id = ref.replace(/#$/, '')
    const target = byId.get(id)
    if (!target) throw new Error(`response schema refers to ${ref}, which is not a registered schema`)
    if (path.includes(id)) throw new Error(`response schema ${id} refers to itself: inlining it would not end`)
    return inline(target, byId, [...path, id])
  }
  // Several copies of one shape may land in one response schema: an $id each would collide.
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== '$id')
      .map(([k, v]) => [k, inline(v, byId, path)]),
  )
}

/** A schema nested with its own `$id` (WebhookDelivery in WebhookDeliveryPage) is referable too. */
function collectIds(node: unknown, byId: Map<string, Schema>): void {
  if (Array.isArray(node)) return node.forEach((n) => collectIds(n, byId))
  if (node === null || typeof node !== 'object') return
  const id = (node as Schema).$id
  if (typeof id === 'string') byId.set(id, node as Schema)
  for (const v of Object.values(node)) collectIds(v, byId)
}
