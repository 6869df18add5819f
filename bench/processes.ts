/**
 * Child processes for the HTTP benchmark: the service and the bare baseline each run in a process
 * of their own (the load generator's CPU is not theirs), with their RSS read from /proc and, on
 * request, a V8 CPU profile summarised by self time.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { request } from 'undici'

export const ROOT = join(__dirname, '..')

export interface NodeProcess {
  url: string
  /** The node process itself (for `npm start`: the node under npm and sh). */
  pid: number
  startSeconds: number
  output(): string
  /** VmRSS and VmHWM (peak) in MB. */
  memory(): { rssMb: number; peakMb: number }
  /** SIGTERM (graceful shutdown, which writes a --cpu-prof profile), then the exit. */
  stop(): Promise<void>
}

/** Spawns `command args` with env, and waits until GET `url`/healthz answers 200. */
export async function startProcess(opts: {
  command: string
  args: string[]
  env: Record<string, string>
  url: string
  readyPath?: string
  findNode?: boolean
  timeoutMs?: number
}): Promise<NodeProcess> {
  const started = Date.now()
  const child: ChildProcess = spawn(opts.command, opts.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (c) => {
    out = (out + String(c)).slice(-20_000)
  })
  child.stderr?.on('data', (c) => {
    out = (out + String(c)).slice(-20_000)
  })
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const deadline = started + (opts.timeoutMs ?? 60_000)
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${opts.command} ${opts.args.join(' ')} exited with ${child.exitCode}:\n${out}`)
    const ok = await request(`${opts.url}${opts.readyPath ?? '/healthz'}`).then(
      async (r) => {
        await r.body.dump()
        return r.statusCode === 200
      },
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${opts.command} not ready in time:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const startSeconds = (Date.now() - started) / 1000
  const pid = opts.findNode ? nodeDescendant(child.pid!) : child.pid!
  return {
    url: opts.url,
    pid,
    startSeconds,
    output: () => out,
    memory: () => memoryOf(pid),
    async stop() {
      if (child.exitCode !== null) return
      // npm start: the signal goes to the node process, as a container's SIGTERM would.
      process.kill(pid, 'SIGTERM')
      if (pid !== child.pid) child.kill('SIGTERM')
      await exited
    },
  }
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

/** The node process under npm (npm -> sh -> node): the one that serves. */
function nodeDescendant(pid: number): number {
  const children = (p: number): number[] => {
    try {
      return readdirSync(`/proc/${p}/task`).flatMap((t) =>
        readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
      )
    } catch {
      return []
    }
  }
  const queue = [pid]
  let found = pid
  while (queue.length > 0) {
    const p = queue.shift()!
    const comm = (() => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim()
      } catch {
        return ''
      }
    })()
    if (comm === 'node' || comm.startsWith('node')) found = p
    queue.push(...children(p))
  }
  return found
}

export function profileDir(): string {
  return mkdtempSync(join(tmpdir(), 'eb-cpuprof-'))
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

/**
 * The top entries of a .cpuprofile by self time, as "share  function  file:line", plus the share
 * of time by package (node_modules/<pkg>, our src/, node: internals), which says more than any
 * one function when the cost is spread over a layer.
 */
export function summariseProfile(dir: string, opts: { lastSeconds: number; top?: number }): string[] {
  const top = opts.top ?? 20
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (!file) return [`no .cpuprofile in ${dir}`]
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: ProfileNode[]
    samples: number[]
    timeDeltas: number[]
    endTime: number
    startTime: number
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  // Only the load at the end (start-up, seeding and shutdown would blur what a request costs).
  const from = profile.endTime - opts.lastSeconds * 1e6
  let at = profile.startTime
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    at += delta
    if (at >= from) self.set(id, (self.get(id) ?? 0) + delta)
  })
  let total = 0
  const byFunction = new Map<string, number>()
  const byArea = new Map<string, number>()
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue
    total += us
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''
    const key = `${frame.functionName || '(anonymous)'}  ${where}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
    const area = areaOf(frame.url, frame.functionName)
    byArea.set(area, (byArea.get(area) ?? 0) + us)
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`
  const lines = [`busy time ${(total / 1e6).toFixed(2)} s (idle excluded); by area:`]
  for (const [area, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${pct(us)}  ${area}`)
  lines.push(`top ${top} functions by self time:`)
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${key}`)
  return lines
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '')
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length)
  return path.startsWith('/') ? relative(ROOT, path) : path
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : 'native'
  const path = url.replace(/^file:\/\//, '')
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/')
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  if (path.startsWith('node:')) return `node:${path.slice(5).split('/')[0]}`
  return path.includes('/dist/src/') || path.includes('/src/')
    ? `ours: ${relative(ROOT, path).split('/').slice(0, 3).join('/')}`
    : path
}
