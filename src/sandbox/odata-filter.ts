import { parseFilterDateTime } from './dates'
import { badRequest } from './errors'

/** Values a filter compares: strings (guids lower-case), numbers, booleans, Dates, null. */
export type FilterValue = string | number | boolean | Date | null

export type FilterNode =
  | { k: 'lit'; v: FilterValue }
  | { k: 'field'; name: string }
  | { k: 'cmp'; op: CmpOp; l: FilterNode; r: FilterNode }
  | { k: 'and' | 'or'; l: FilterNode; r: FilterNode }
  | { k: 'not'; e: FilterNode }
  | { k: 'call'; fn: string; args: FilterNode[] }

type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'
const CMP_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])
const FUNCTIONS: Record<string, number> = {
  substringof: 2,
  startswith: 2,
  endswith: 2,
  trim: 1,
  tolower: 1,
  toupper: 1,
  length: 1,
}

type Token =
  | { t: 'lit'; v: FilterValue; pos: number }
  | { t: 'id'; v: string; pos: number }
  | { t: 'punct'; v: '(' | ')' | ','; pos: number }

function syntaxError(pos: number, detail = ''): Error {
  return badRequest(`Syntax error at position ${pos}${detail ? `: ${detail}` : ''}.`)
}

function readQuoted(src: string, start: number): { text: string; end: number } {
  let text = ''
  let i = start + 1
  for (;;) {
    if (i >= src.length) throw syntaxError(start, 'unterminated string literal')
    if (src[i] === "'") {
      if (src[i + 1] === "'") {
        text += "'"
        i += 2
        continue
      }
      return { text, end: i + 1 }
    }
    text += src[i]
    i += 1
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]
    if (/\s/.test(c)) {
      i += 1
      continue
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: 'punct', v: c, pos: i })
      i += 1
      continue
    }
    if (c === "'") {
      const { text, end } = readQuoted(src, i)
      tokens.push({ t: 'lit', v: text, pos: i })
      i = end
      continue
    }
    const num = /^-?\d+(\.\d+)?([LlMmDdFf])?/.exec(src.slice(i))
    if (num && (c !== '-' || /\d/.test(src[i + 1] ?? ''))) {
      tokens.push({ t: 'lit', v: Number(num[0].replace(/[LlMmDdFf]$/, '')), pos: i })
      i += num[0].length
      continue
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i))
    if (!id) throw syntaxError(i, `unexpected '${c}'`)
    const word = id[0]
    const after = i + word.length
    if (src[after] === "'" && /^(guid|datetime|datetimeoffset)$/i.test(word)) {
      const { text, end } = readQuoted(src, after)
      tokens.push({ t: 'lit', v: typedLiteral(word.toLowerCase(), text, i), pos: i })
      i = end
      continue
    }
    const lower = word.toLowerCase()
    if (lower === 'true' || lower === 'false') tokens.push({ t: 'lit', v: lower === 'true', pos: i })
    else if (lower === 'null') tokens.push({ t: 'lit', v: null, pos: i })
    else tokens.push({ t: 'id', v: word, pos: i })
    i = after
  }
  return tokens
}

function typedLiteral(kind: string, text: string, pos: number): FilterValue {
  if (kind === 'guid') {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text))
      throw syntaxError(pos, 'invalid guid')
    return text.toLowerCase()
  }
  const ms = kind === 'datetime' ? parseFilterDateTime(text) : Date.parse(text)
  if (ms === null || Number.isNaN(ms)) throw syntaxError(pos, `invalid ${kind}`)
  return new Date(ms)
}

class Parser {
  private i = 0
  constructor(
    private readonly tokens: Token[],
    private readonly srcLength: number,
  ) {}

  parse(): FilterNode {
    const node = this.or()
    if (this.i < this.tokens.length) throw syntaxError(this.tokens[this.i].pos, 'unexpected token')
    return node
  }

  private peekWord(): string | null {
    const t = this.tokens[this.i]
    return t && t.t === 'id' ? t.v.toLowerCase() : null
  }

  private or(): FilterNode {
    let node = this.and()
    while (this.peekWord() === 'or') {
      this.i += 1
      node = { k: 'or', l: node, r: this.and() }
    }
    return node
  }

  private and(): FilterNode {
    let node = this.not()
    while (this.peekWord() === 'and') {
      this.i += 1
      node = { k: 'and', l: node, r: this.not() }
    }
    return node
  }

  private not(): FilterNode {
    if (this.peekWord() === 'not') {
      this.i += 1
      return { k: 'not', e: this.not() }
    }
    return this.comparison()
  }

  private comparison(): FilterNode {
    const left = this.primary()
    const op = this.peekWord()
    if (op && CMP_OPS.has(op)) {
      this.i += 1
      return { k: 'cmp', op: op as CmpOp, l: left, r: this.primary() }
    }
    return left
  }

  private expect(v: '(' | ')' | ','): void {
    const t = this.tokens[this.i]
    if (!t || t.t !== 'punct' || t.v !== v) throw syntaxError(t?.pos ?? this.srcLength, `'${v}' expected`)
    this.i += 1
  }

  private primary(): FilterNode {
    const t = this.tokens[this.i]
    if (!t) throw syntaxError(this.srcLength, 'expression expected')
    if (t.t === 'punct') {
      if (t.v !== '(') throw syntaxError(t.pos, `unexpected '${t.v}'`)
      this.i += 1
      const inner = this.or()
      this.expect(')')
      return inner
    }
    this.i += 1
    if (t.t === 'lit') return { k: 'lit', v: t.v }
    const next = this.tokens[this.i]
    if (next && next.t === 'punct' && next.v === '(') {
      const fn = t.v.toLowerCase()
      if (!(fn in FUNCTIONS)) throw badRequest(`Unknown function '${t.v}' at position ${t.pos}.`)
      this.i += 1
      const args: FilterNode[] = [this.or()]
      while (this.tokens[this.i]?.t === 'punct' && this.tokens[this.i].v === ',') {
        this.i += 1
        args.push(this.or())
      }
      this.expect(')')
      if (args.length !== FUNCTIONS[fn]) throw badRequest(`Function '${t.v}' takes ${FUNCTIONS[fn]} argument(s).`)
      return { k: 'call', fn, args }
    }
    if (t.v.includes('/')) throw badRequest('Filtering on navigation properties is not supported.')
    return { k: 'field', name: t.v }
  }
}

export function parseFilter(src: string): FilterNode {
  return new Parser(tokenize(src), src.length).parse()
}

export function filterFields(node: FilterNode, into: Set<string> = new Set()): Set<string> {
  switch (node.k) {
    case 'field':
      into.add(node.name)
      break
    case 'cmp':
    case 'and':
    case 'or':
      filterFields(node.l, into)
      filterFields(node.r, into)
      break
    case 'not':
      filterFields(node.e, into)
      break
    case 'call':
      node.args.forEach((a) => filterFields(a, into))
      break
    case 'lit':
      break
  }
  return into
}

function normalise(v: unknown): FilterValue {
  if (v === undefined || v === null) return null
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  return Number(String(v)) // Big amounts
}

function compare(op: CmpOp, a: FilterValue, b: FilterValue): boolean {
  if (a === null || b === null) {
    if (op === 'eq') return a === b
    if (op === 'ne') return a !== b
    return false
  }
  let x: string | number | boolean = a instanceof Date ? a.getTime() : a
  let y: string | number | boolean = b instanceof Date ? b.getTime() : b
  if (typeof x !== typeof y) {
    throw badRequest(`Operator '${op}' incompatible with operand types '${typeof x}' and '${typeof y}'.`)
  }
  // SQL Server's default collation: string comparisons ignore case.
  if (typeof x === 'string') {
    x = x.toLowerCase()
    y = (y as string).toLowerCase()
  }
  switch (op) {
    case 'eq':
      return x === y
    case 'ne':
      return x !== y
    case 'gt':
      return x > y
    case 'ge':
      return x >= y
    case 'lt':
      return x < y
    case 'le':
      return x <= y
  }
}

function str(v: FilterValue): string | null {
  return v === null ? null : String(v)
}

function call(fn: string, args: FilterValue[]): FilterValue {
  const [a, b] = args.map(str)
  switch (fn) {
    case 'substringof':
      return a !== null && b !== null && b.toLowerCase().includes(a.toLowerCase())
    case 'startswith':
      return a !== null && b !== null && a.toLowerCase().startsWith(b.toLowerCase())
    case 'endswith':
      return a !== null && b !== null && a.toLowerCase().endsWith(b.toLowerCase())
    case 'trim':
      return a === null ? null : a.trim()
    case 'tolower':
      return a === null ? null : a.toLowerCase()
    case 'toupper':
      return a === null ? null : a.toUpperCase()
    case 'length':
      return a === null ? null : a.length
    default:
      throw badRequest(`Unknown function '${fn}'.`)
  }
}

export function evaluate(node: FilterNode, row: Record<string, unknown>): FilterValue {
  switch (node.k) {
    case 'lit':
      return node.v
    case 'field':
      return normalise(row[node.name])
    case 'cmp':
      return compare(node.op, evaluate(node.l, row), evaluate(node.r, row))
    case 'and':
      return evaluate(node.l, row) === true && evaluate(node.r, row) === true
    case 'or':
      return evaluate(node.l, row) === true || evaluate(node.r, row) === true
    case 'not':
      return evaluate(node.e, row) !== true
    case 'call':
      return call(
        node.fn,
        node.args.map((a) => evaluate(a, row)),
      )
  }
}
