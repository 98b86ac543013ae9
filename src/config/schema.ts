import { isTable, keyPath, type TomlTable, type TomlValue } from './toml.js'
import { isLoopback } from './hosts.js'

// Which keys and value types BuildKit's buildkitd.toml takes. BuildKit decodes the file
// leniently (go-toml v2 without DisallowUnknownFields:
// https://github.com/moby/buildkit/blob/v0.29.0/cmd/buildkitd/config/load.go) and buildx copies
// unknown keys through unchanged, so a typo such as `mirror = [...]` silently gives a builder
// without a mirror. These checks name such keys, and values BuildKit can't decode, before
// anything is created. Pure: no I/O.
//
// The table below was read from BuildKit v0.29.0 and every key added up to v0.32.2
// (`git diff v0.29.0 v0.32.2`; each newer key carries the version that added it):
// - cmd/buildkitd/config/config.go: struct Config and everything it references
//   https://github.com/moby/buildkit/blob/v0.29.0/cmd/buildkitd/config/config.go
//   https://github.com/moby/buildkit/blob/v0.32.2/cmd/buildkitd/config/config.go
// - cmd/buildkitd/config/gcpolicy.go: Duration and DiskSpace (UnmarshalText)
// - util/resolver/config/config.go: [registry."<host>"] (RegistryConfig, TLSKeyPair)
// - cache/remotecache/gha/ghatypes/config.go: [cache.gha], whose verify.policy embeds
//   sigstore-go's certificate.Summary and Extensions (vendor/github.com/sigstore/sigstore-go/
//   pkg/fulcio/certificate/{summarize,extensions}.go; sigstore-go v1.1.4 in v0.29.0, v1.2.2 in
//   v0.32.2, same fields)
//
// How go-toml v2 (v2.2.4 in BuildKit v0.29.0, v2.3.1 in v0.32.2) matches keys to fields
// (vendor/github.com/pelletier/go-toml/v2/unmarshaler.go, structFieldPath and forEachField):
// - case-insensitively: it looks the key up as written, then `fieldPaths[strings.ToLower(name)]`
//   in a map that holds every field name lowercased too. So `Mirrors = [...]` IS BuildKit's
//   `mirrors`, and a key differing from a known one only in case is not reported here.
// - a field's name is its `toml` tag, else its Go field name (the sigstore fields have no toml
//   tag: written here as BuildKit's docs write them, matched case-insensitively all the same);
// - an embedded struct without a tag has its fields inline: GCConfig and NetworkConfig in
//   [worker.oci] and [worker.containerd], Summary and Extensions in cache.gha.verify.policy.
// - a key no field matches is skipped with everything below it, without a word.
// Types are strict: a string never fills an integer field, an integer never a string one, a
// float never an integer one; a pointer field (*bool, *int) takes what its base type takes.

/** A key BuildKit does not know, or a value it can't decode. */
export interface ConfigProblem {
  key: string
  message: string
}

/**
 * The newest BuildKit the table below was read from. A daemon newer than this may know keys
 * (and value types) the table doesn't: there an unknown key is passed through with a warning
 * (plan/check-keys.ts), never refused.
 */
export const SCHEMA_NEWEST = 'v0.32.2'

/** What the table finds in a config, for the rules of plan/check-keys.ts. */
export interface KeyFindings {
  /** Near misses of a known key (a typo whatever the daemon's version), and known mistakes */
  typos: ConfigProblem[]
  /** Keys the table does not know, and values it can't decode: wrong on a daemon it covers */
  unknown: ConfigProblem[]
  /** Known keys added after the table's oldest version, and the version that added each */
  newer: { key: string; since: string }[]
}

type Scalar =
  | 'bool'
  | 'string'
  | 'int'
  | 'strings'
  /** config.Duration: a Go duration string or whole seconds */
  | 'duration'
  /** config.DiskSpace: bytes, a size with a unit, or a percentage */
  | 'diskspace'
  /** map[string]any: anything goes */
  | 'any'
interface Fields {
  readonly [key: string]: Kind
}
type Kind =
  | Scalar
  /** A key added in a later version than the table's oldest (v0.29.0) */
  | { readonly since: string; readonly kind: Kind }
  | { readonly table: Fields }
  | { readonly tables: Fields }
  /** A map with free keys (registry hosts, labels), each value of kind `map`. */
  | { readonly map: Kind; readonly entry?: string }

const table = (fields: Fields): Kind => ({ table: fields })
const since = (version: string, kind: Kind): Kind => ({ since: version, kind })
const tables = (fields: Fields): Kind => ({ tables: fields })

// type GCConfig: embedded in OCIConfig and ContainerdConfig, so its keys sit in the worker's table.
const GC_CONFIG: Fields = {
  gc: 'bool',
  gckeepstorage: 'diskspace', // deprecated for reservedSpace, still read
  reservedSpace: 'diskspace',
  maxUsedSpace: 'diskspace',
  minFreeSpace: 'diskspace',
  // type GCPolicy: [[worker.oci.gcpolicy]]
  gcpolicy: tables({
    all: 'bool',
    filters: 'strings',
    keepDuration: 'duration',
    keepBytes: 'diskspace', // deprecated for reservedSpace, still read
    reservedSpace: 'diskspace',
    maxUsedSpace: 'diskspace',
    minFreeSpace: 'diskspace'
  })
}

// type NetworkConfig: embedded like GCConfig.
const NETWORK_CONFIG: Fields = {
  networkMode: 'string',
  cniConfigPath: 'string',
  cniBinaryPath: 'string',
  cniPoolSize: 'int',
  bridgeName: 'string',
  bridgeSubnet: 'string'
}

const LABELS: Kind = { map: 'string' }

// type OCIConfig
const OCI_WORKER: Fields = {
  enabled: 'bool',
  labels: LABELS,
  platforms: 'strings',
  snapshotter: 'string',
  rootless: 'bool',
  noProcessSandbox: 'bool',
  ...GC_CONFIG,
  ...NETWORK_CONFIG,
  userRemapUnsupported: 'string',
  binary: 'string',
  proxySnapshotterPath: 'string',
  defaultCgroupParent: 'string',
  stargzSnapshotter: { map: 'any' },
  'apparmor-profile': 'string',
  selinux: 'bool',
  'max-parallelism': 'int'
}

// type ContainerdConfig
const CONTAINERD_WORKER: Fields = {
  address: 'string',
  enabled: 'bool',
  labels: LABELS,
  platforms: 'strings',
  namespace: 'string',
  // type ContainerdRuntime
  runtime: table({ name: 'string', path: 'string', options: { map: 'any' } }),
  ...GC_CONFIG,
  ...NETWORK_CONFIG,
  snapshotter: 'string',
  'apparmor-profile': 'string',
  selinux: 'bool',
  'max-parallelism': 'int',
  defaultCgroupParent: 'string',
  rootless: 'bool'
}

// util/resolver/config: type RegistryConfig
const REGISTRY: Fields = {
  mirrors: 'strings',
  http: 'bool',
  insecure: 'bool',
  ca: 'strings',
  keypair: tables({ key: 'string', cert: 'string' }), // type TLSKeyPair
  tlsconfigdir: 'strings'
}

// ghatypes.VerifyPolicy embeds certificate.Summary, which embeds certificate.Extensions.
const GHA_VERIFY_POLICY: Fields = {
  timestampThreshold: 'int',
  tlogThreshold: 'int',
  // certificate.Summary
  certificateIssuer: 'string',
  subjectAlternativeName: 'string',
  // certificate.Extensions
  issuer: 'string',
  githubWorkflowTrigger: 'string',
  githubWorkflowSHA: 'string',
  githubWorkflowName: 'string',
  githubWorkflowRepository: 'string',
  githubWorkflowRef: 'string',
  buildSignerURI: 'string',
  buildSignerDigest: 'string',
  runnerEnvironment: 'string',
  sourceRepositoryURI: 'string',
  sourceRepositoryDigest: 'string',
  sourceRepositoryRef: 'string',
  sourceRepositoryIdentifier: 'string',
  sourceRepositoryOwnerURI: 'string',
  sourceRepositoryOwnerIdentifier: 'string',
  buildConfigURI: 'string',
  buildConfigDigest: 'string',
  buildTrigger: 'string',
  runInvocationURI: 'string',
  sourceRepositoryVisibilityAtSigning: 'string'
}

// type Config: the whole file.
const CONFIG: Fields = {
  debug: 'bool',
  trace: 'bool',
  root: 'string',
  'insecure-entitlements': 'strings',
  proxyNetwork: since('v0.31.0', 'bool'),
  log: table({
    format: 'string',
    level: since('v0.30.0', 'string')
  }),
  grpc: table({
    address: 'strings',
    debugAddress: 'string',
    uid: 'int',
    gid: 'int',
    securityDescriptor: 'string',
    tls: table({ cert: 'string', key: 'string', ca: 'string' })
  }),
  otel: table({ socketPath: 'string' }),
  cdi: table({ disabled: 'bool', specDirs: 'strings', autoAllowed: 'strings' }),
  worker: table({ oci: table(OCI_WORKER), containerd: table(CONTAINERD_WORKER) }),
  registry: { map: table(REGISTRY), entry: 'a table ([registry."<host>"])' },
  dns: table({ nameservers: 'strings', options: 'strings', searchDomains: 'strings' }),
  history: table({ maxAge: 'duration', maxEntries: 'int' }),
  frontend: table({
    'dockerfile.v0': table({ enabled: 'bool' }),
    'gateway.v0': table({ enabled: 'bool', allowedRepositories: 'strings' })
  }),
  system: table({
    platformsCacheMaxAge: 'duration',
    maxRegistryConcurrency: since('v0.31.0', 'int')
  }),
  provenanceEnvDir: 'string',
  cache: table({
    // ghatypes.CacheConfig
    gha: table({
      sign: table({ command: 'strings' }),
      verify: table({ required: 'bool', policy: table(GHA_VERIFY_POLICY) })
    })
  })
}

// Mistakes with a known cause, by key path, where edit distance finds nothing near.
const KNOWN_MISTAKES = new Map([
  [
    'ghacache',
    'did you mean cache.gha? (the example in BuildKit\'s docs/buildkitd.toml.md writes [ghacache.sign] cmd = "", but BuildKit reads [cache.gha.sign] ' +
      'command = [...])'
  ]
])

/** Every key BuildKit does not know and every value it can't decode, in document order. Pure. */
export function unknownOrMistyped(tree: TomlTable): ConfigProblem[] {
  return collect(tree).problems.map(({ key, message }) => ({ key, message }))
}

/** The same, sorted by what they are (see KeyFindings), and the newer keys the config uses. Pure. */
export function keyFindings(tree: TomlTable): KeyFindings {
  const { problems, newer } = collect(tree)
  return {
    typos: problems.filter(p => p.typo).map(({ key, message }) => ({ key, message })),
    unknown: problems.filter(p => !p.typo).map(({ key, message }) => ({ key, message })),
    newer
  }
}

interface Collected {
  problems: (ConfigProblem & { typo: boolean })[]
  newer: KeyFindings['newer']
}

function collect(tree: TomlTable): Collected {
  const out: Collected = { problems: [], newer: [] }
  checkFields(tree, CONFIG, [], out)
  return out
}

type Path = (string | number)[]

function checkFields(t: TomlTable, fields: Fields, path: Path, out: Collected): void {
  const byName = lowered(fields)
  for (const [key, value] of Object.entries(t)) {
    const kind = byName.get(key.toLowerCase())
    if (kind === undefined) {
      const h = hint(key, value, path, fields)
      out.problems.push({ key: keyPath([...path, key]), message: `BuildKit has no such key; ${h.text}`, typo: h.typo })
    } else {
      checkValue(value, kind, [...path, key], out)
    }
  }
}

function checkValue(v: TomlValue, kind: Kind, path: Path, out: Collected): void {
  const wrong = (wants: string): void => {
    out.problems.push({ key: keyPath(path), message: `BuildKit wants ${wants}, not ${describe(v)}`, typo: false })
  }
  if (typeof kind !== 'string' && 'since' in kind) {
    out.newer.push({ key: keyPath(path), since: kind.since })
    return checkValue(v, kind.kind, path, out)
  }
  if (typeof kind === 'string') {
    switch (kind) {
      case 'any':
        return
      case 'bool':
        if (typeof v !== 'boolean') wrong('a boolean')
        return
      case 'string':
        if (typeof v !== 'string') wrong('a string')
        return
      case 'int':
        if (!isInteger(v)) wrong('an integer')
        return
      case 'strings':
        if (!Array.isArray(v)) return wrong('a list of strings')
        v.forEach((x, i) => checkValue(x, 'string', [...path, i], out))
        return
      case 'duration':
      case 'diskspace': {
        const problem = kind === 'duration' ? durationProblem(v) : diskSpaceProblem(v)
        if (problem !== undefined) out.problems.push({ key: keyPath(path), message: problem, typo: false })
        return
      }
    }
  }
  if ('table' in kind) {
    if (!isTable(v)) return wrong('a table')
    checkFields(v, kind.table, path, out)
  } else if ('tables' in kind) {
    if (!Array.isArray(v)) return wrong(`a list of tables ([[${keyPath(path)}]])`)
    v.forEach((x, i) => {
      if (isTable(x)) checkFields(x, kind.tables, [...path, i], out)
      else checkValue(x, table(kind.tables), [...path, i], out)
    })
  } else {
    if (!isTable(v)) return wrong('a table')
    for (const [k, x] of Object.entries(v)) {
      const at = [...path, k]
      if (kind.entry !== undefined && !isTable(x)) {
        out.problems.push({ key: keyPath(at), message: `BuildKit wants ${kind.entry}, not ${describe(x)}`, typo: false })
      } else {
        checkValue(x, kind.map, at, out)
      }
    }
  }
}

const loweredCache = new WeakMap<Fields, Map<string, Kind>>()
function lowered(fields: Fields): Map<string, Kind> {
  let m = loweredCache.get(fields)
  if (m === undefined) {
    m = new Map(Object.entries(fields).map(([k, kind]) => [k.toLowerCase(), kind]))
    loweredCache.set(fields, m)
  }
  return m
}

function isInteger(v: TomlValue): boolean {
  // smol-toml gives an integer as a number, or a bigint when large (or when asked to). A float
  // with no fraction (4.0) arrives as the number 4 too, so it passes here, although BuildKit
  // would refuse it for an integer field.
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))
}

function describe(v: TomlValue): string {
  if (typeof v === 'string') return 'a string'
  if (typeof v === 'boolean') return 'a boolean'
  if (isInteger(v)) return 'an integer'
  if (typeof v === 'number') return 'a float'
  if (v instanceof Date) return 'a date'
  if (Array.isArray(v)) return 'a list'
  return 'a table'
}

/**
 * The nearest known key, or the keys this level takes; `typo` when the key is surely a mistake
 * whatever BuildKit's version: a known one, an unquoted dotted key, or a near miss (an edit or
 * two, case, - and _ aside: singular and plural are one edit).
 */
function hint(key: string, value: TomlValue, path: Path, fields: Fields): { text: string; typo: boolean } {
  const known = KNOWN_MISTAKES.get(keyPath([...path, key]))
  if (known !== undefined) return { text: known, typo: true }
  const names = Object.keys(fields)
  const byLower = new Map(names.map(n => [n.toLowerCase(), n]))
  // frontend.dockerfile.v0 unquoted is frontend → dockerfile → v0, not "dockerfile.v0".
  if (isTable(value)) {
    for (const child of Object.keys(value)) {
      const dotted = byLower.get(`${key}.${child}`.toLowerCase())
      if (dotted !== undefined) return { text: `did you mean ${quoted(dotted)}? (a key with a dot in it must be quoted)`, typo: true }
    }
  }
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of names) {
    const d = keyDistance(key, name)
    if (d < bestDistance) {
      best = name
      bestDistance = d
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, key.length / 3))
    return { text: `did you mean ${quoted(best)}?`, typo: bestDistance <= 2 }
  return { text: `keys here: ${names.map(quoted).join(', ')}`, typo: false }
}

function quoted(key: string): string {
  return keyPath([key])
}

/** Edit distance ignoring case, and ignoring - and _ (max_parallelism vs max-parallelism, reserved_space vs reservedSpace). */
function keyDistance(a: string, b: string): number {
  const strip = (s: string): string => s.toLowerCase().replace(/[-_]/g, '')
  return Math.min(editDistance(a.toLowerCase(), b.toLowerCase()), editDistance(strip(a), strip(b)))
}

/** Damerau-Levenshtein distance, optimal string alignment variant (a swap of neighbours costs 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
      }
    }
  }
  return d[a.length][b.length]
}

// Duration and DiskSpace (cmd/buildkitd/config/gcpolicy.go) are filled by their UnmarshalText,
// which go-toml v2 hands the bytes of any scalar: a string's content, or an integer's, float's,
// boolean's or date's text as written (tryTextUnmarshaler in go-toml's unmarshaler.go). Both
// strip one pair of surrounding double quotes, take "" as unset, and refuse what they can't
// parse. Limits here: smol-toml gives an integer's value, not its spelling, so 0x10 and 1_000
// pass although the Go parsers read the text "0x10" or (for a Duration) "1_000" and refuse it.
// A list or table given for either is refused here, though BuildKit may let it through as unset
// (go-toml v2.2.4 hands UnmarshalText "" for a list or inline table; v2.3.1 refuses a list but
// fills the field-less struct from a table): it is never what the writer meant.

const DURATION_WANTS = 'a duration: a string such as "48h" or "1h30m" (units ns, us, ms, s, m, h), or a whole number of seconds'
const DISK_SPACE_WANTS = 'a disk space: a number of bytes, a string such as "512MB" or "2GiB", or a percentage such as "10%"'

function durationProblem(v: TomlValue): string | undefined {
  // An integer's text goes to strconv.ParseInt: any whole number of seconds.
  if (isInteger(v)) return undefined
  if (typeof v !== 'string') return `BuildKit wants ${DURATION_WANTS}; not ${describe(v)}`
  const text = stripQuotes(v)
  // Duration.UnmarshalText: time.ParseDuration, else strconv.ParseInt(text, 10, 64) seconds.
  if (text === '' || (text !== undefined && (isGoDuration(text) || isGoInt64(text)))) return undefined
  return `BuildKit can't read ${JSON.stringify(v)} as a duration; it wants ${DURATION_WANTS}`
}

function diskSpaceProblem(v: TomlValue): string | undefined {
  if (typeof v === 'string') {
    const text = stripQuotes(v)
    if (text === '' || (text !== undefined && isDiskSpace(text))) return undefined
    return `BuildKit can't read ${JSON.stringify(v)} as a disk space; it wants ${DISK_SPACE_WANTS}`
  }
  // An integer's or float's text goes to units.RAMInBytes, which refuses a negative size (and
  // inf or nan, which have no digit).
  if (typeof v === 'bigint' || typeof v === 'number') {
    if (Number.isFinite(Number(v)) && Number(v) >= 0) return undefined
    return `BuildKit can't read ${String(v)} as a disk space; it wants ${DISK_SPACE_WANTS}`
  }
  return `BuildKit wants ${DISK_SPACE_WANTS}; not ${describe(v)}`
}

/** gcpolicy.go stripQuotes; undefined for a lone `"`, on which Go's s[1:0] panics. */
function stripQuotes(s: string): string | undefined {
  if (s === '"') return undefined
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s
}

const DURATION_UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 }
const DURATION_SEGMENT = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gu
const MAX_INT64 = 2n ** 63n - 1n

/** Go's time.ParseDuration: [-+]? then "0", or number+unit segments, within ±2^63 ns. */
function isGoDuration(text: string): boolean {
  const s = text.replace(/^[-+]/, '')
  if (s === '0') return true
  if (!new RegExp(`^(?:${DURATION_SEGMENT.source})+$`, 'u').test(s)) return false
  // Go refuses a total beyond 2^63-1 ns (about 292 years); a float sum is near enough here.
  let ns = 0
  for (const m of s.matchAll(DURATION_SEGMENT)) ns += Number(m[1]) * DURATION_UNIT_NS[m[2]]
  return ns <= Number(MAX_INT64)
}

/** Go's strconv.ParseInt(text, 10, 64). */
function isGoInt64(text: string): boolean {
  if (!/^[-+]?\d+$/.test(text)) return false
  const n = BigInt(text.replace(/^\+/, ''))
  return n <= MAX_INT64 && n >= -MAX_INT64 - 1n
}

/** DiskSpace.UnmarshalText: "<int>%" (strconv.ParseInt), else units.RAMInBytes (go-units v0.5.0 size.go). */
function isDiskSpace(text: string): boolean {
  if (text.endsWith('%')) return isGoInt64(text.slice(0, -1))
  // parseSize: the number ends at the last digit, dot or space; one space may stand before the unit.
  const sep = Math.max(...[...'0123456789. '].map(c => text.lastIndexOf(c)))
  if (sep === -1) return false
  const num = text[sep] === ' ' ? text.slice(0, sep) : text.slice(0, sep + 1)
  const suffix = text.slice(sep + 1)
  const size = goParseFloat(num)
  if (size === undefined || size < 0) return false
  if (suffix === '') return true
  if (new TextEncoder().encode(suffix).length > 3) return false
  return /^(?:b|[kmgtp](?:b|ib)?)$/.test(suffix.toLowerCase())
}

const DEC = String.raw`\d+(?:_\d+)*`
const HEX = String.raw`[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*`
const GO_DECIMAL_FLOAT = new RegExp(String.raw`^[-+]?(?:${DEC}(?:\.(?:${DEC})?)?|\.${DEC})(?:[eE][-+]?${DEC})?$`)
const GO_HEX_FLOAT = new RegExp(String.raw`^([-+]?)0[xX]_?(?:(${HEX})(?:\.(${HEX})?)?|\.(${HEX}))[pP]([-+]?${DEC})$`)

/**
 * Go's strconv.ParseFloat(num, 64) for the forms that give a size: decimal and hexadecimal,
 * with _ between digits; undefined when Go returns an error (bad syntax, or beyond float64).
 * "inf" and "nan" (Go takes them before a space and unit, as in "inf GB") give a meaningless
 * size, so they are refused here.
 */
function goParseFloat(num: string): number | undefined {
  let value: number
  if (GO_DECIMAL_FLOAT.test(num)) {
    value = Number(num.replace(/_/g, ''))
  } else {
    const m = GO_HEX_FLOAT.exec(num)
    if (m === null) return undefined
    const [, sign, whole = '', fraction, onlyFraction, exp] = m
    const frac = (fraction ?? onlyFraction ?? '').replace(/_/g, '')
    const mantissa = [...(whole.replace(/_/g, '') + frac)].reduce((acc, d) => acc * 16 + parseInt(d, 16), 0)
    value = (sign === '-' ? -1 : 1) * mantissa * 2 ** (Number(exp.replace(/_/g, '')) - 4 * frac.length)
  }
  return Number.isFinite(value) ? value : undefined
}

/** A mirror written with http:// whose own [registry."host"] section lacks http = true. */
export function httpMirrorsWithoutHttp(tree: TomlTable): ConfigProblem[] {
  // BuildKit parses each mirror as a URL and keeps only host and path (extractMirrorHostAndPath,
  // https://github.com/moby/buildkit/blob/v0.29.0/util/resolver/utils.go), then takes
  // http/insecure from the section of the mirror's own host, looked up by exact key
  // (NewRegistryConfig and fillInsecureOpts, util/resolver/resolver.go): it speaks plain HTTP
  // only when that section says http = true, or, with http unset, when the host is loopback
  // (docker.MatchLocalhost). `insecure = true` alone keeps HTTPS, skipping verification.
  // Field names match case-insensitively, as go-toml matches them.
  const out: ConfigProblem[] = []
  const registries = field(tree, 'registry')
  if (!isTable(registries)) return out
  for (const [registry, section] of Object.entries(registries)) {
    if (!isTable(section)) continue
    const mirrors = field(section, 'mirrors')
    if (!Array.isArray(mirrors)) continue
    mirrors.forEach((mirror, i) => {
      if (typeof mirror !== 'string') return
      const host = httpMirrorHost(mirror)
      if (host === undefined) return
      const own = registries[host]
      const http = isTable(own) ? field(own, 'http') : undefined
      if (http === true || (http === undefined && isLoopback(host))) return
      if (http !== undefined && typeof http !== 'boolean') return // a type problem, reported by unknownOrMistyped
      const ownKey = keyPath(['registry', host])
      const why =
        http === false
          ? `but [${ownKey}] says http = false, so BuildKit drops the scheme and speaks HTTPS to ${host}; set http = true there`
          : `but BuildKit drops the scheme and speaks HTTPS to ${host} unless its own section says so; add [${ownKey}] http = true`
      out.push({
        key: keyPath(['registry', registry, 'mirrors', i]),
        message: `${JSON.stringify(mirror)} is plain HTTP, ${why}, or give it with the mirrors input (${registry}=${mirror}), which adds that section`
      })
    })
  }
  return out
}

/** The value of the last key matching `name` case-insensitively: the one go-toml keeps. */
function field(t: TomlTable, name: string): TomlValue | undefined {
  let found: TomlValue | undefined
  for (const [k, v] of Object.entries(t)) if (k.toLowerCase() === name) found = v
  return found
}

/**
 * The host of a mirror written as http://host[:port][/path], as Go's url.Parse gives it (not
 * lowercased, port kept, user info dropped); undefined for any other mirror, and for one whose
 * host Go would not parse (BuildKit then reads the whole text as a host name, a different problem).
 */
function httpMirrorHost(mirror: string): string | undefined {
  const m = /^http:\/\/([^/?#]*)/i.exec(mirror)
  if (m === null) return undefined
  const host = m[1].slice(m[1].lastIndexOf('@') + 1)
  return /^(?:\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::\d*)?$/.test(host) ? host : undefined
}
