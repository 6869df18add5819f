import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../domain/app-error'

/**
 * Postgres refuses a NUL in text and jsonb (22021, 22P05: a 500 far from the cause), and a UTF-16
 * surrogate without its pair cannot be encoded as UTF-8 at all (pg would store U+FFFD, silently
 * changing the value; jsonb refuses the \\ud800 escape). Every string a request carries, keys
 * included, is checked before validation and refused as a 400 that names the field.
 */
// eslint-disable-next-line no-control-regex -- finding the NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** The first place under `root` holding an unstorable string, as `part/a/0/b`; undefined if none. */
export function findUnstorableText(root: unknown, part: string): string | undefined {
  // An explicit stack: a deeply nested JSON body must not overflow the call stack.
  const stack: Array<{ value: unknown; at: string }> = [{ value: root, at: part }]
  while (stack.length > 0) {
    const { value, at } = stack.pop()!
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return at
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], at: `${at}/${i}` })
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value).reverse()) {
        const pointer = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
        if (UNSTORABLE.test(key)) return pointer
        stack.push({ value: child, at: pointer })
      }
    }
  }
  return undefined
}

/** preValidation hook: params, query string and body, in that order. */
export async function refuseUnstorableText(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  // A binary body (a PDF) holds no text to store, and walking its bytes as an object would take seconds.
  const body = Buffer.isBuffer(request.body) ? undefined : request.body
  const field =
    findUnstorableText(request.params, 'params') ??
    findUnstorableText(request.query, 'querystring') ??
    findUnstorableText(body, 'body')
  if (field) {
    throw new AppError(
      'validation_failed',
      `${field} holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored`,
      {
        field,
        details: {
          errors: [
            { field, message: 'holds a NUL character or an unpaired UTF-16 surrogate', code: 'unstorable_text' },
          ],
        },
      },
    )
  }
}
