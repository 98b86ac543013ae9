import { stringify } from 'smol-toml'
import { InputError } from '../runner/errors.js'
import { CREDENTIALS, HOST_FORMAT, hostProblem } from './hosts.js'

// buildkitd.toml as a tree: the base config, the structured inputs merged over it, and the
// text written for buildx. Pure: no I/O.
// Reference: https://github.com/moby/buildkit/blob/master/docs/buildkitd.toml.md

export type TomlValue = string | number | bigint | boolean | Date | TomlValue[] | TomlTable
export interface TomlTable {
  [key: string]: TomlValue
}

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
}

/** How a key is written in messages and diffs: registry."docker.io".mirrors */
export function keyPath(parts: (string | number)[]): string {
  return parts
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p)}`))
    .join('')
}

/**
 * The shape checks buildx and BuildKit need from a base config. buildx 0.29 panics (a Go
 * stack trace, exit 2) on a keypair without `key` or `cert`, on a `ca` that is not an array
 * of strings, and on a registry entry that is not a table
 * (https://github.com/docker/buildx/blob/master/util/confutil/container.go); catch them
 * here, with the key named.
 */
export function checkConfigTree(tree: TomlTable, input: string): void {
  const fail = (parts: (string | number)[], what: string): never => {
    throw new InputError(input, undefined, `${keyPath(parts)} ${what}`)
  }
  if ('debug' in tree && typeof tree.debug !== 'boolean') fail(['debug'], 'must be true or false')
  if (!('registry' in tree)) return
  const registries = tree.registry
  if (!isTable(registries)) return fail(['registry'], 'must be a table of [registry."<host>"] sections')
  for (const [host, conf] of Object.entries(registries)) {
    const at = (...rest: (string | number)[]): (string | number)[] => ['registry', host, ...rest]
    // The key is the host BuildKit looks the section up by, and becomes a directory of the
    // certificate copies: held to the rules of the registry inputs (hosts.ts), but for _,
    // which host names on a docker network have (compose services) and base configs use.
    const problem = hostProblem(host.replace(/_/g, '-'))
    if (problem === CREDENTIALS) fail(['registry'], `has a section whose name ${CREDENTIALS.replace(/^the host /, '')}`)
    if (problem) fail(at(), `is not a registry section: its name must be a ${HOST_FORMAT} (${problem.replace(/^the host/, 'the name')})`)
    if (!isTable(conf)) fail(at(), 'must be a table')
    const reg = conf as TomlTable
    for (const flag of ['http', 'insecure']) {
      if (flag in reg && typeof reg[flag] !== 'boolean') fail(at(flag), 'must be true or false')
    }
    for (const list of ['mirrors', 'ca']) {
      if (!(list in reg)) continue
      const v = reg[list]
      if (!Array.isArray(v) || v.some(x => typeof x !== 'string' || x === '')) {
        fail(at(list), 'must be an array of non-empty strings')
      }
    }
    if ('keypair' in reg) {
      const kps = reg.keypair
      if (!Array.isArray(kps)) return fail(at('keypair'), 'must be an array of [[keypair]] tables')
      kps.forEach((kp, i) => {
        if (!isTable(kp)) fail(at('keypair', i), 'must be a table with cert and key')
        const t = kp as TomlTable
        for (const k of ['cert', 'key']) {
          if (typeof t[k] !== 'string' || t[k] === '') {
            fail(at('keypair', i), `has no ${k}; a client keypair needs both cert and key (buildx crashes on one without the other)`)
          }
        }
      })
    }
  }
}

/** What the structured inputs ask of one registry's section. */
export interface RegistrySettings {
  mirrors?: string[]
  http?: boolean
  insecure?: boolean
  ca?: string[]
  keypair?: { cert: string; key: string }[]
}

export interface Override {
  key: string
  from: TomlValue
  to: TomlValue
}

export interface MergeResult {
  tree: TomlTable
  /** Keys of the base config whose value the structured inputs replaced. */
  overrides: Override[]
}

/**
 * Merges the structured settings over the base config. Scalars and `mirrors` from the
 * inputs replace the base's value (each replacement is reported); `ca` and `keypair` are
 * taken whole from the settings, because the plan has already moved the base config's own
 * certificates into them.
 */
export function mergeConfig(
  base: TomlTable | undefined,
  top: { debug?: boolean; workerOci?: TomlTable },
  registries: Map<string, RegistrySettings>
): MergeResult {
  const tree = structuredClone(base ?? {}) as TomlTable
  const overrides: Override[] = []
  const set = (table: TomlTable, parts: string[], key: string, value: TomlValue): void => {
    if (key in table && !sameValue(table[key], value)) {
      overrides.push({ key: keyPath([...parts, key]), from: table[key], to: value })
    }
    table[key] = value
  }
  if (top.debug !== undefined) set(tree, [], 'debug', top.debug)
  if (top.workerOci) {
    // Network settings: a base config that says otherwise was refused earlier (networkConflicts).
    if (!isTable(tree.worker)) tree.worker = {}
    const worker = tree.worker as TomlTable
    if (!isTable(worker.oci)) worker.oci = {}
    for (const [k, v] of Object.entries(top.workerOci)) set(worker.oci as TomlTable, ['worker', 'oci'], k, v)
  }
  if (registries.size === 0) return { tree, overrides }
  if (!isTable(tree.registry)) tree.registry = {}
  const regs = tree.registry as TomlTable
  // Hosts in code-point order (not localeCompare, whose first call sets up a collator: ~15 ms).
  for (const [host, s] of [...registries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!isTable(regs[host])) regs[host] = {}
    const reg = regs[host] as TomlTable
    const parts = ['registry', host]
    if (s.mirrors !== undefined) set(reg, parts, 'mirrors', s.mirrors)
    if (s.http !== undefined) set(reg, parts, 'http', s.http)
    if (s.insecure !== undefined) set(reg, parts, 'insecure', s.insecure)
    if (s.ca !== undefined) reg.ca = s.ca
    else delete reg.ca
    if (s.keypair !== undefined) reg.keypair = s.keypair.map(kp => ({ cert: kp.cert, key: kp.key }))
    else delete reg.keypair
  }
  return { tree, overrides }
}

/** The TOML text of a tree; '' for an empty one. */
export function renderToml(tree: TomlTable): string {
  const text = stringify(tree).trim()
  return text === '' ? '' : `${text}\n`
}

/** Structural equality of TOML values (numbers compared by value, bigint or not). */
export function sameValue(a: TomlValue | undefined, b: TomlValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    // NaN is TOML's nan, the same value when written back (buildx writes nan too); with a
    // bigint on either side (an integer beyond 2^53), compare exactly.
    if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b))
    return String(a) === String(b)
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return false
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every(k => k in b && sameValue(a[k], b[k]))
  }
  return a === b
}
