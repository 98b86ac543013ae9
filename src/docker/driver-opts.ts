import { looksLikePem } from '../config/certs.js'
import { csvRecord } from './csv.js'
import { KEPT_ENV, KEPT_LABEL, OWNER_ENV, OWNER_LABEL } from './owner-mark.js'
import { imageRefProblem, quoteShort } from './refs.js'

// driver-opts as buildx reads them: each --driver-opt is one CSV record (builder/builder.go
// csvToMap: csvvalue.Fields, encoding/csv's rules with its defaults), and every field of it
// is one key=value option (strings.SplitN(v, "=", 2); the last of a key wins). So
// `"network=host"` is the option network=host, and `image=x,network=host` is two options:
// the action reads them the same way before it looks at image= or network=, or lets a line
// through. Pure: text in, fields or a problem out.

export { csvRecord }

export interface DriverOpt {
  key: string
  value: string
}

const KEY_RE = /^[a-zA-Z][a-zA-Z0-9._-]*$/
const EXAMPLE = 'e.g. image=moby/buildkit:latest, or "env.A=1,2",network=host'

/** The options of one driver-opts line, or why buildx or this action would not take it. */
export function parseDriverOptLine(line: string): DriverOpt[] | string {
  // Never echoed: such a line is (part of) a key or certificate pasted in.
  if (looksLikePem(line)) return 'holds PEM text; give a file path or env:NAME (e.g. cacert=env:BUILDKIT_CA) instead'
  const fields = csvRecord(line)
  if (typeof fields === 'string') return `${quoteShort(line)} is not read by buildx, which takes each line as CSV: ${fields}`
  const opts: DriverOpt[] = []
  for (const f of fields) {
    const eq = f.indexOf('=')
    const key = eq === -1 ? f : f.slice(0, eq)
    if (eq === -1 || !KEY_RE.test(key)) return `${quoteShort(f)} is not key=value (${EXAMPLE})`
    const value = f.slice(eq + 1)
    if (looksLikePem(value)) return `${key}= holds PEM text; give a file path or env:NAME instead`
    const problem = optProblem(key, value)
    if (problem) return problem
    opts.push({ key, value })
  }
  return opts
}

function optProblem(key: string, value: string): string | undefined {
  // The owner mark is the action's to set (owner-mark.ts, drivers/<name>/owner.ts): with it a builder would pass for another
  // run's, or another run's for this one's, and be removed by the wrong teardown.
  if (key.toLowerCase() === `env.${OWNER_ENV}`.toLowerCase()) {
    return `env.${OWNER_ENV} is the mark this action puts on the builders it creates, to remove only its own; remove it`
  }
  if (key === 'labels' && value.includes(OWNER_LABEL)) {
    return `labels sets ${OWNER_LABEL}, the mark this action puts on the builders it creates, to remove only its own; remove that label`
  }
  // The kept mark likewise: with it a builder of any run would pass for a kept one and be reused.
  if (key.toLowerCase() === `env.${KEPT_ENV}`.toLowerCase()) {
    return `env.${KEPT_ENV} is the mark this action puts on a builder kept with cleanup: false, to reuse only such builders; remove it`
  }
  if (key === 'labels' && value.includes(KEPT_LABEL)) {
    return `labels sets ${KEPT_LABEL}, the mark this action puts on a builder kept with cleanup: false, to reuse only such builders; remove that label`
  }
  if (key === 'image') {
    const problem = imageRefProblem(value)
    if (problem) return `image= ${problem}`
  }
  return undefined
}

/** The options of lines already checked (parseDriverOptLine); a line that is not is skipped. */
export function driverOptFields(lines: readonly string[]): DriverOpt[] {
  return lines.flatMap(l => {
    const opts = parseDriverOptLine(l)
    return typeof opts === 'string' ? [] : opts
  })
}

/** The value buildx keeps for a key: the last one given. */
export function driverOptValue(lines: readonly string[], key: string): string | undefined {
  return driverOptFields(lines)
    .filter(o => o.key === key)
    .pop()?.value
}
