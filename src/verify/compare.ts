import { parse as parseToml } from 'smol-toml'
import { isTable, keyPath, sameValue, type TomlTable, type TomlValue } from '../config/toml.js'
import { type Expectation, type NodeExpectation } from '../plan/plan.js'
import { type ReadBack } from '../buildkit/read-back.js'
import { type DaemonInfo } from '../buildkit/daemon-info.js'

// Read-back checks: is the daemon running with what was planned? Pure: fed with the text
// docker printed, so every rule is tested against real captures
// (__tests__/fixtures/buildkit, from real buildx 0.29 and BuildKit 0.29).

export interface Difference {
  key: string
  expected?: TomlValue
  actual?: TomlValue
}

/**
 * Semantic diff of two TOML trees. buildx re-serialises the config it copies (go-toml v1:
 * sorted keys, parent tables added, its own quoting), so text never compares; values do.
 * Empty tables count as absent: a serialiser may add or drop them without meaning anything.
 */
export function diffTrees(expected: TomlTable, actual: TomlTable, parts: (string | number)[] = []): Difference[] {
  const diffs: Difference[] = []
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()
  for (const k of keys) {
    const e = prune(expected[k])
    const a = prune(actual[k])
    const at = [...parts, k]
    if (e === undefined && a === undefined) continue
    if (isTable(e) && isTable(a)) diffs.push(...diffTrees(e, a, at))
    else if (!sameValue(e, a)) diffs.push({ key: keyPath(at), expected: e, actual: a })
  }
  return diffs
}

function prune(v: TomlValue | undefined): TomlValue | undefined {
  if (!isTable(v)) return v
  const out: TomlTable = {}
  for (const [k, x] of Object.entries(v)) {
    const p = prune(x)
    if (p !== undefined) out[k] = p
  }
  return Object.keys(out).length === 0 ? undefined : out
}

export function formatValue(v: TomlValue | undefined): string {
  if (v === undefined) return '(absent)'
  // TOML's words for what JSON can't write (JSON.stringify would print null, or throw).
  const special = (x: unknown): string | undefined =>
    typeof x === 'bigint'
      ? x.toString()
      : typeof x === 'number' && !Number.isFinite(x)
        ? Number.isNaN(x)
          ? 'nan'
          : x > 0
            ? 'inf'
            : '-inf'
        : undefined
  const marks: string[] = []
  const text = JSON.stringify(v, (_k, x: unknown) => {
    const s = special(x)
    if (s === undefined) return x
    marks.push(s)
    return `\u0000${marks.length - 1}\u0000`
  })
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)])
}

/** A diff people can read: one line per key, what was asked and what the daemon has. */
export function formatDiff(diffs: Difference[]): string {
  return diffs.map(d => `  ${d.key}\n    - expected: ${formatValue(d.expected)}\n    + in builder: ${formatValue(d.actual)}`).join('\n')
}

/** `sha256sum FILE...` output: path → hash. */
export function parseSha256sum(text: string): Map<string, string> {
  const m = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim())
    if (match) m.set(match[2], match[1])
  }
  return m
}

/** Every way a node differs from the plan, as sentences; empty when it matches. */
export function compare(expect: Expectation, node: NodeExpectation, rb: ReadBack, daemon: DaemonInfo | undefined): string[] {
  const problems: string[] = []
  let actual: TomlTable | undefined
  try {
    actual = parseToml(rb.configText, { integersAsBigInt: 'asNeeded' }) as TomlTable
  } catch (err) {
    problems.push(`the config in the builder is not valid TOML: ${(err as Error).message.split('\n')[0]}`)
  }
  if (actual) {
    const diffs = diffTrees(expect.config, actual)
    if (diffs.length > 0) {
      problems.push(
        `the config in the builder differs from the one rendered (${diffs.length} key${diffs.length > 1 ? 's' : ''}):\n${formatDiff(diffs)}`
      )
    }
  }
  if (!containsInOrder(rb.cmd, node.args)) {
    problems.push(`the daemon was started with ${JSON.stringify(rb.cmd)}, not with ${JSON.stringify(node.args)}`)
  }
  if (daemon) {
    const missing = node.platforms.filter(p => !offers(daemon.platforms, p))
    if (missing.length > 0) {
      problems.push(
        `the node was given platform${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, but its daemon offers only ${daemon.platforms.join(', ')}; ` +
          'builds for them would fail there: register emulators on that host (docker/setup-qemu-action) or give the node only what it runs'
      )
    }
  }
  if (expect.files.length > 0) {
    const sums = parseSha256sum(rb.sha256Text ?? '')
    for (const f of expect.files) {
      const got = sums.get(f.path)
      if (got === undefined) problems.push(`${f.label}: ${f.path} is missing in the builder`)
      else if (got !== f.sha256) problems.push(`${f.label}: ${f.path} in the builder has SHA-256 ${got}, its source ${f.sha256}`)
    }
  }
  if (daemon && expect.network !== undefined && daemon.network !== expect.network) {
    problems.push(`the daemon runs with network mode "${daemon.network ?? 'unknown'}", not "${expect.network}"`)
  }
  return problems
}

/**
 * Whether a daemon offering `offered` runs `platform`: containerd's normalisation
 * (arm64/v8 is arm64, armhf is arm/v7), and an asked platform without a variant runs on any
 * variant of its architecture.
 */
export function offers(offered: string[], platform: string): boolean {
  const norm = (p: string): string[] => {
    const [os, arch = '', variant = ''] = p.toLowerCase().split('/')
    const a = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' }[arch] ?? arch
    const v =
      a === 'arm64' && variant === 'v8'
        ? ''
        : arch === 'armhf' && variant === ''
          ? 'v7'
          : arch === 'armel' && variant === ''
            ? 'v6'
            : variant
    return [os, a, v]
  }
  const [os, arch, variant] = norm(platform)
  return offered.some(o => {
    const [oo, oa, ov] = norm(o)
    return oo === os && oa === arch && (variant === '' || ov === variant)
  })
}

function containsInOrder(haystack: string[], needles: string[]): boolean {
  let i = 0
  for (const h of haystack) if (i < needles.length && h === needles[i]) i++
  return i === needles.length
}
