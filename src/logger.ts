import pino, { type Logger, type DestinationStream } from 'pino'

export type { Logger }

/** Query parameters whose values are secrets (the OAuth callback's code and state). */
const SECRET_QUERY = /([?&](?:code|state|refresh_token|access_token|client_secret)=)[^&]*/gi

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]')
}

/**
 * Never log an API key, token, secret or authorization code: headers and known fields are redacted
 * by path, URLs by the query parameters that carry them. The OAuth code is redacted by its exact
 * paths only: a wildcard `*.code` would also hide every `err.code` (ECONNREFUSED, Postgres' 57P01,
 * an AppError's code), which is what an operator reads first.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          '*.apiKey',
          '*.accessToken',
          '*.refreshToken',
          '*.access_token',
          '*.refresh_token',
          '*.clientSecret',
          '*.client_secret',
          '*.secret',
          'query.code',
          'query.state',
          'req.query.code',
          'req.query.state',
          'apiKey',
          'accessToken',
          'refreshToken',
          'secret',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method: string; url: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        err: pino.stdSerializers.err,
      },
    },
    // Asynchronous by default: a line costs a buffer append, and lines that arrive while a write is
    // under way go out together in the next. pino flushes what is left when the process exits.
    destination ?? pino.destination({ dest: 1, sync: false }),
  )
}
