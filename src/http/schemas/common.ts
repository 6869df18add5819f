import { Type, type Static, type TSchema } from '@sinclair/typebox'

export { Nullable, StringEnum } from '../../domain/schema-shapes'

/**
 * A reference to a schema registered once with `app.addSchema` (see `COMPONENTS`): Ajv and the
 * serializer resolve it by `$id`, and the spec names it `#/components/schemas/<$id>`. The static
 * type is the referenced schema's.
 */
export function Ref<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T>>(Type.Ref(idOf(schema)))
}

/** A `$ref` or null: a type list cannot sit beside a `$ref`, so this one is an `anyOf`. */
export function NullableRef<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>(Type.Union([Type.Ref(idOf(schema)), Type.Null()]))
}

function idOf(schema: TSchema): string {
  if (!schema.$id) throw new Error('Ref needs a schema with an $id (a registered component)')
  return schema.$id
}

export const DateTime = (options: { description?: string } = {}) => Type.String({ format: 'date-time', ...options })

export const Uuid = (options: { description?: string } = {}) => Type.String({ format: 'uuid', ...options })

export const UuidParams = Type.Object({ id: Uuid() })

/** An opaque page cursor: the `nextCursor` of the previous answer, passed back as it is. */
export const Cursor = (options: { description?: string } = {}) =>
  Type.String({ maxLength: 200, description: 'nextCursor of the previous page', ...options })
