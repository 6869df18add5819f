import { errors } from 'undici'
import { ExactRefusedError, ExactUnavailableError } from './errors'

/** Turns what undici throws into an ExactUnavailableError that says whether Exact could have acted. */
export function networkError(err: unknown, resource: string): ExactUnavailableError {
  const code = (err as { code?: string } | null)?.code
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
    return new ExactUnavailableError({ reason: 'timeout', resource, message: (err as Error).message, cause: err })
  }
  // Nothing left this process: the request provably never reached Exact.
  if (
    err instanceof errors.ConnectTimeoutError ||
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN'
  ) {
    return new ExactUnavailableError({
      reason: 'connection',
      resource,
      message: (err as Error).message,
      mayHaveReachedExact: false,
      cause: err,
    })
  }
  const message = err instanceof Error ? err.message : String(err)
  return new ExactUnavailableError({ reason: 'connection', resource, message, cause: err })
}

export type Headers = Record<string, string | string[] | undefined>

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or nonsense. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const v = header(headers, 'retry-after')
  if (v === undefined) return undefined
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

export function looksLikeHtml(headers: Headers, text: string): boolean {
  const ct = header(headers, 'content-type') ?? ''
  return ct.includes('text/html') || /^\s*</.test(text)
}

/**
 * Exact's error body `{"error":{"code":"","message":{"lang":"","value":"A\r\nB"}}}` -> "A; B".
 * Returns undefined when the body is not Exact's error shape (a proxy's page, an empty body).
 */
export function exactErrorMessage(text: string): string | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  const error = (body as { error?: unknown } | null)?.error
  if (error === null || typeof error !== 'object') return undefined
  const message = (error as { message?: unknown }).message
  const value =
    typeof message === 'string'
      ? message
      : message !== null && typeof message === 'object'
        ? (message as { value?: unknown }).value
        : undefined
  if (typeof value !== 'string') return undefined
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ')
}

/**
 * Classifies a non-2xx, non-401, non-429 answer of the REST API. 500 with Exact's error body is a
 * business-rule refusal; a gateway status (502/503/504) or a body that is not Exact's is an
 * outage whatever it says, because a proxy cannot know whether Exact acted.
 */
export function errorForStatus(
  status: number,
  headers: Headers,
  text: string,
  resource: string,
  notFound: (args: { status: number; exactMessage: string; resource: string }) => ExactRefusedError,
): ExactRefusedError | ExactUnavailableError {
  const exactMessage = exactErrorMessage(text)
  const reason = header(headers, 'reason')
  if (status === 408) {
    return new ExactUnavailableError({ reason: 'timeout', resource, status, message: 'HTTP 408' })
  }
  if (status === 404) return notFound({ status, exactMessage: exactMessage ?? 'Not found', resource })
  if (status >= 400 && status < 500) {
    return new ExactRefusedError({
      status,
      exactMessage: exactMessage ?? reason ?? (text.slice(0, 200) || `HTTP ${status}`),
      resource,
      reason,
    })
  }
  const gateway = status === 502 || status === 503 || status === 504
  if (!gateway && exactMessage !== undefined) {
    return new ExactRefusedError({ status, exactMessage, resource, reason })
  }
  return new ExactUnavailableError({
    reason: looksLikeHtml(headers, text) ? 'maintenance' : 'server_error',
    resource,
    status,
    message: `HTTP ${status}`,
    retryAfterMs: retryAfterMs(headers),
  })
}
