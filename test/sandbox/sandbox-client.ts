import { startSandbox, type SandboxOptions } from '../../src/sandbox/server'
import { opened } from '../helpers/leak-guard'

export const REDIRECT_URI = 'http://127.0.0.1:9/callback'

export interface Answer<T = any> {
  status: number
  headers: Headers
  body: T
  text: string
}

async function read(response: Response): Promise<Answer> {
  const text = await response.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  return { status: response.status, headers: response.headers, body, text }
}

export async function startTestSandbox(options: SandboxOptions = {}) {
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', ...options })
  const control = async (method: string, path: string, body?: unknown): Promise<Answer> =>
    read(
      await fetch(`${sandbox.url}/_sandbox${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    )
  const closed = opened(`sandbox on ${sandbox.url}`)
  return {
    url: sandbox.url,
    close: async () => {
      await sandbox.close()
      closed()
    },
    control,
  }
}

export type TestSandbox = Awaited<ReturnType<typeof startTestSandbox>>

/**
 * One sandbox for the describe block this is called in, reset and its clock frozen (freezeClock)
 * before each test. It starts in beforeAll, so read it inside hooks and tests, not at collection.
 */
export function useSandbox(options: SandboxOptions = {}): TestSandbox {
  let current: TestSandbox | undefined
  const started = (): TestSandbox => {
    if (!current) throw new Error('useSandbox: the sandbox is not started (read it inside a test)')
    return current
  }
  beforeAll(async () => {
    current = await startTestSandbox(options)
  })
  afterAll(async () => {
    await current?.close()
  })
  beforeEach(async () => {
    await started().control('POST', '/reset')
    await freezeClock(started().control)
  })
  return {
    get url() {
      return started().url
    },
    close: () => started().close(),
    control: (method, path, body) => started().control(method, path, body),
  }
}

export async function authorize(
  url: string,
  params: Record<string, string> = {},
): Promise<{ code: string; location: URL }> {
  const query = new URLSearchParams({
    client_id: 'test-client',
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    state: 'st-1',
    ...params,
  })
  const response = await fetch(`${url}/api/oauth2/auth?${query}`, { redirect: 'manual' })
  if (response.status !== 302) throw new Error(`authorize answered ${response.status}`)
  const location = new URL(response.headers.get('location') as string)
  return { code: location.searchParams.get('code') as string, location }
}

export async function tokenRequest(url: string, form: Record<string, string>): Promise<Answer> {
  return read(
    await fetch(`${url}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'test-client', client_secret: 'secret', ...form }),
    }),
  )
}

export interface Session {
  division: number
  accessToken: string
  refreshToken: string
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>
  /** Refreshes the token pair (the sandbox clock must be 570 s past the last issue). */
  refresh(): Promise<void>
}

/** Authorizes (a new division unless given), exchanges the code, and returns an API caller. */
export async function connect(url: string, params: Record<string, string> = {}): Promise<Session> {
  const { code } = await authorize(url, params)
  const token = await tokenRequest(url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
  if (token.status !== 200) throw new Error(`token exchange answered ${token.status}: ${token.text}`)
  const session: Session = {
    division: 0,
    accessToken: token.body.access_token,
    refreshToken: token.body.refresh_token,
    api: async (method, path, body, headers = {}) =>
      read(
        await fetch(
          path.startsWith('http')
            ? path
            : `${url}/api/v1/${path.startsWith('current/') ? '' : `${session.division}/`}${path}`,
          {
            method,
            headers: {
              authorization: `Bearer ${session.accessToken}`,
              accept: 'application/json',
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              ...headers,
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          },
        ),
      ),
    refresh: async () => {
      const answer = await tokenRequest(url, { grant_type: 'refresh_token', refresh_token: session.refreshToken })
      if (answer.status !== 200) throw new Error(`refresh answered ${answer.status}: ${answer.text}`)
      session.accessToken = answer.body.access_token
      session.refreshToken = answer.body.refresh_token
    },
  }
  const me = await session.api('GET', 'current/Me?$select=CurrentDivision')
  session.division = me.body.d.results[0].CurrentDivision
  return session
}

export async function glAccountId(session: Session, code: string): Promise<string> {
  const answer = await session.api('GET', `financial/GLAccounts?$filter=Code eq '${code}'&$select=ID`)
  return answer.body.d.results[0].ID
}

export async function createCustomer(session: Session, fields: Record<string, unknown> = {}): Promise<string> {
  const answer = await session.api('POST', 'crm/Accounts', { Name: 'Klant BV', Status: 'C', ...fields })
  if (answer.status !== 201) throw new Error(`account create answered ${answer.status}: ${answer.text}`)
  return answer.body.d.ID
}

/** A new division's session, its revenue GL account (8000) and one customer: what a sales entry needs. */
export async function connectWithCustomer(
  url: string,
  customerFields: Record<string, unknown> = {},
): Promise<{ s: Session; revenue: string; customer: string }> {
  const s = await connect(url)
  const revenue = await glAccountId(s, '8000')
  const customer = await createCustomer(s, customerFields)
  return { s, revenue, customer }
}

export async function createSupplier(session: Session, fields: Record<string, unknown> = {}): Promise<string> {
  return createCustomer(session, { Name: 'Leverancier BV', Status: null, IsSupplier: true, ...fields })
}

/** Freezes the sandbox clock a few seconds into a minute so minute windows do not roll mid-test. */
export async function freezeClock(
  control: (m: string, p: string, b?: unknown) => Promise<Answer>,
  iso = '2026-03-02T10:00:05.000Z',
): Promise<void> {
  await control('POST', '/clock', { set: iso, frozen: true })
}
