import { isTable, type TomlTable } from '../config/toml.js'
import { isLoopback } from '../config/hosts.js'
import { DOCKER_HUB, type ImageRef } from '../docker/refs.js'
import { type Resolution, RESOLVE_TIMEOUT_SECONDS } from '../buildkit/resolve.js'

// Proof of effect: the daemon resolves image references with the configuration under test,
// and its own log says which host served each one. Pure: fed with what buildctl and
// `docker logs` printed, so every rule is tested against real captures
// (__tests__/fixtures/buildkit/05-*, BuildKit v0.29).
//
// How BuildKit resolves (containerd's resolver, vendored in BuildKit:
// vendor/github.com/containerd/containerd/v2/core/remotes/docker/resolver.go, Resolve):
// the hosts are the registry's mirrors in the configured order, then the registry itself
// (util/resolver/resolver.go, NewRegistryConfig). Each host that fails logs ONE info line,
// without debug mode, in the span `resolving <ref>` (source/containerimage/source.go):
//   msg="trying next host" error="…"                  a transport error (the URL is in it)
//   msg="trying next host after status: 404 Not Found" an HTTP status (no URL, no host)
//   msg="fetch failed" / "fetch failed after status: …" the same for the last host
// and a host that answers stops the loop. So a successful resolution was served by the
// host after the last failed one; with k failure lines, by hosts[k].

/** Where a probe for check-registries points: a repository no registry should hold. */
export const PROBE_REPOSITORY = 'buildkit-builder-check/absent'
export const PROBE_TAG = 'probe'

export interface HostChain {
  registry: string
  /** As configured: the registry's mirrors (`host[:port][/path]`), then the registry */
  hosts: string[]
  /** How many of `hosts` are mirrors (they come first) */
  mirrors: number
}

/**
 * A mirror as BuildKit takes it: parsed as a URL, keeping host and path
 * (util/resolver/utils.go, extractMirrorHostAndPath), so `http://m:5000/x/` is `m:5000/x`.
 */
export function mirrorEntry(raw: string): string {
  const noScheme = raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
  return noScheme.replace(/\/+$/, '')
}

/** The host[:port] of a chain entry. */
export function entryHost(entry: string): string {
  const slash = entry.indexOf('/')
  return slash === -1 ? entry : entry.slice(0, slash)
}

export function hostChain(tree: TomlTable, registry: string): HostChain {
  const regs = isTable(tree.registry) ? tree.registry : {}
  const section = regs[registry]
  const mirrors = isTable(section) && Array.isArray(section.mirrors) ? (section.mirrors as string[]).map(mirrorEntry) : []
  return { registry, hosts: [...mirrors, registry], mirrors: mirrors.length }
}

/** Which chain entry a request URL went to (docker.io is served by registry-1.docker.io). */
function entryForUrlHost(chain: HostChain, urlHost: string): number {
  const host = urlHost === 'registry-1.docker.io' ? DOCKER_HUB : urlHost
  return chain.hosts.findIndex(e => entryHost(e) === host)
}

// ---------------------------------------------------------------------------------------
// The daemon's log

/** One failed host, as the resolver logged it. */
export interface Attempt {
  /** `404 Not Found`, `401 Unauthorized`, … when the host answered with a status */
  status?: string
  /** The transport error, when it did not answer */
  error?: string
}

const LOGFMT_RE = /([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)/g

/** logrus's text format (key=value, values quoted as Go's %q when needed), or JSON. */
export function parseLogLine(line: string): Record<string, string> | undefined {
  const t = line.trim()
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, unknown>
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
    } catch {
      return undefined
    }
  }
  const fields: Record<string, string> = {}
  for (const m of t.matchAll(LOGFMT_RE)) fields[m[1]] = m[2].startsWith('"') ? unquote(m[2]) : m[2]
  return 'msg' in fields ? fields : undefined
}

function unquote(q: string): string {
  try {
    return JSON.parse(q) as string
  } catch {
    // Go's %q may use escapes JSON lacks (\x00, \a); keep the rest readable.
    return q.slice(1, -1).replace(/\\(["\\])/g, '$1')
  }
}

/**
 * The failed hosts of one resolution, in order: the info lines of span `resolving <ref>`.
 * Older BuildKit (containerd 1.x) logged a 404 as "trying next host - response was
 * http.StatusNotFound"; both forms are read.
 */
export function attemptsFor(log: string, ref: string): Attempt[] {
  const span = `resolving ${ref}`
  const attempts: Attempt[] = []
  for (const line of log.split('\n')) {
    if (!line.includes(span)) continue
    const f = parseLogLine(line)
    if (!f || f.span !== span || f.level !== 'info') continue
    const m = /^(?:trying next host|fetch failed)(?: after status: (.+)| - response was http\.StatusNotFound)?$/.exec(f.msg)
    if (!m) continue
    if (m[1] !== undefined) attempts.push({ status: m[1] })
    else if (f.msg.includes('StatusNotFound')) attempts.push({ status: '404 Not Found' })
    else attempts.push({ error: f.error ?? '' })
  }
  return attempts
}

/** The reference the frontend resolved, as it printed it (`load metadata for <ref>`). */
export function resolvedRef(stderr: string, fallback: string): string {
  const m = /\[internal\] load metadata for (\S+)/.exec(stderr)
  return m ? m[1] : fallback
}

/** buildctl's final error line, without its `error: failed to solve: ` prefix. */
export function buildctlError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(l => l !== '')
  const err = [...lines].reverse().find(l => l.startsWith('error:'))
  const line = err ?? lines[lines.length - 1] ?? '(no output)'
  return line.replace(/^error: (failed to solve: )?/, '')
}

// ---------------------------------------------------------------------------------------
// Errors in words a user can act on

/** Where the inputs gave certificates for a registry, for messages (`registry-certs line 2`). */
export interface CertSource {
  ca?: string
  keypair?: string
}

export interface ExplainContext {
  tree: TomlTable
  certs: Map<string, CertSource>
}

export type ErrorKind =
  | 'unknown-authority'
  | 'wrong-name'
  | 'expired'
  | 'client-cert'
  | 'http-to-https'
  | 'https-to-http'
  | 'not-found'
  | 'auth'
  | 'token'
  | 'forbidden'
  | 'refused'
  | 'dns'
  | 'timeout'
  | 'server'
  | 'other'

/** What kind of failure a resolver error or status is. */
export function errorKind(a: Attempt): ErrorKind {
  if (a.status !== undefined) {
    const code = Number(a.status.split(' ')[0])
    if (code === 404) return 'not-found'
    if (code === 401) return 'auth'
    if (code === 403) return 'forbidden'
    if (code === 400) return 'https-to-http'
    return code >= 500 ? 'server' : 'other'
  }
  const e = a.error ?? ''
  // The registry answered with a token challenge and the token server failed: the client
  // (buildctl here, buildx in builds) fetches tokens, not the daemon (docker/buildx#2008).
  if (/failed to fetch (anonymous|oauth) token/.test(e)) return 'token'
  if (/x509: certificate signed by unknown authority|x509: .*unknown authority/.test(e)) return 'unknown-authority'
  if (/x509: certificate is (valid for|not valid for any names)|x509: cannot validate certificate/.test(e)) return 'wrong-name'
  if (/x509: certificate has expired or is not yet valid/.test(e)) return 'expired'
  if (/remote error: tls: (bad certificate|certificate required|unknown certificate authority|unknown certificate)/.test(e))
    return 'client-cert'
  if (/server gave HTTP response to HTTPS client|first record does not look like a TLS handshake/.test(e)) return 'http-to-https'
  if (/: not found\b/.test(e)) return 'not-found'
  if (
    /\b401 Unauthorized\b|pull access denied|insufficient_scope|authorization failed|failed to authorize|missing username or secret/.test(e)
  )
    return 'auth'
  if (/\b403 Forbidden\b/.test(e)) return 'forbidden'
  if (/connection refused/.test(e)) return 'refused'
  if (/no such host|server misbehaving|Temporary failure in name resolution/.test(e)) return 'dns'
  if (/i\/o timeout|deadline exceeded|Client\.Timeout|TLS handshake timeout/.test(e)) return 'timeout'
  if (/\b5\d\d [A-Z]/.test(e)) return 'server'
  return 'other'
}

/** The registry section a host's settings come from (a mirror's own, by its host). */
function section(ctx: ExplainContext, host: string): TomlTable | undefined {
  const regs = isTable(ctx.tree.registry) ? ctx.tree.registry : {}
  const s = regs[host]
  return isTable(s) ? s : undefined
}

/** One sentence: what went wrong at `entry` and what to do about it. */
export function explain(kind: ErrorKind, entry: string, a: Attempt, ctx: ExplainContext, role: 'mirror' | 'registry'): string {
  const host = entryHost(entry)
  const who = `${role} ${entry}`
  const certs = ctx.certs.get(host)
  const sec = section(ctx, host)
  switch (kind) {
    case 'unknown-authority':
      return certs?.ca
        ? `${who} presents a TLS certificate that the CA given in ${certs.ca} does not sign: give the CA that issued ${host}'s certificate`
        : `${who} presents a TLS certificate signed by a CA the builder does not trust: its CA is missing; add it with registry-certs: "${host} ` +
            `ca=env:NAME" (or a file path)`
    case 'wrong-name':
      return `${who} presents a TLS certificate made out for other names: reach it by a name its certificate has, or give it a certificate for ${host}`
    case 'expired':
      return `${who} presents a TLS certificate that has expired (or is not valid yet)`
    case 'client-cert':
      return certs?.keypair
        ? `${who} refused the client certificate given in ${certs.keypair} (is it signed by a CA the registry trusts?)`
        : `${who} wants a client certificate (mTLS) and none was given: add one with registry-certs: "${host} cert=env:CERT key=env:KEY"`
    case 'http-to-https':
      return a.status
        ? `${who} answered ${a.status} to plain HTTP: it probably speaks HTTPS; remove it from http-registries (or drop http:// from the mirror)`
        : `${who} speaks plain HTTP, but the builder spoke HTTPS to it: list it in http-registries (for a mirror, write http://${host})`
    case 'not-found':
      return `${who} does not have the image (404 Not Found)`
    case 'auth':
      return (
        `${who} answered over the configured connection and asks for credentials; the daemon has none of its own (builds get them from the ` +
        `runner's docker login)`
      )
    case 'token': {
      const server = /"(https?:\/\/[^/"]+)/.exec(a.error ?? '')?.[1] ?? 'its token server'
      return (
        `${who} asked for a token and fetching it from ${server} failed: tokens are fetched by the client (buildctl in the builder here, buildx ` +
        `on the runner in builds), which must trust that server's CA and reach it`
      )
    }
    case 'forbidden':
      return `${who} refused access (403 Forbidden)`
    case 'refused': {
      const loopback = isLoopback(host)
        ? ` (in the builder, ${host.replace(/:\d+$/, '')} is the builder's own container unless driver-opts has network=host)`
        : ''
      return `nothing listens at ${who} (connection refused): is it running at that address?${loopback}`
    }
    case 'dns': {
      const name = /lookup (\S+?)(?: on |:|$)/.exec(a.error ?? '')?.[1] ?? host.replace(/:\d+$/, '')
      return `${name} does not resolve (DNS), so ${who} can't be reached: check the name`
    }
    case 'timeout':
      return `${who} did not answer in time`
    case 'server':
      return `${who} answered ${a.status ?? 'with a server error'}: a problem on the server's side`
    default:
      return sec?.http === true ? `${who} failed over plain HTTP (http = true)` : `${who} failed`
  }
}

function raw(a: Attempt): string {
  return a.status !== undefined ? `status ${a.status}` : (a.error ?? '')
}

function roleOf(chain: HostChain, i: number): 'mirror' | 'registry' {
  return i < chain.mirrors ? 'mirror' : 'registry'
}

// ---------------------------------------------------------------------------------------
// verify-pull

export type PullStatus = 'ok' | 'auth-required' | 'failed'

/** One entry of the `pulls` output. */
export interface Pull {
  ref: string
  status: PullStatus
  /** true when the reference raises no problem: resolved (through a mirror when the registry has one) or auth-required */
  ok: boolean
  /** The chain entry that answered, as configured; null when failed or unknown */
  host: string | null
  /** Whether a mirror served it; null when the registry has no mirror or the host is unknown */
  via_mirror: boolean | null
  error: string | null
  /** The node whose daemon resolved it */
  node?: string
}

export interface Judged {
  pull: Pull
  /** A verification problem, as a sentence; undefined when there is none */
  problem?: string
  /** For auth-required: what it means */
  hint?: string
}

/**
 * What one resolution proves. `attempts` is undefined when no daemon log could be read
 * (then the host is unknown).
 */
export function judgePull(
  ref: ImageRef,
  chain: HostChain,
  res: Resolution | undefined,
  attempts: Attempt[] | undefined,
  ctx: ExplainContext
): Judged {
  const name = ref.normalised
  if (!res) return failedPull(name, 'the builder did not run the resolution (see the log above)')
  const tried = attempts ?? []
  const sentences = tried.map((a, i) => (i < chain.hosts.length ? explain(errorKind(a), chain.hosts[i], a, ctx, roleOf(chain, i)) : ''))
  const daemonSays = res.exitCode === 0 ? '' : buildctlError(res.stderr)
  if (res.exitCode === 0) return resolvedPull(ref, chain, attempts, sentences)
  if (res.timedOut) return failedPull(name, timeoutError(chain, tried, sentences))
  // A host that asked for credentials answered over the configured TLS: the config did
  // its part. BuildKit reports the most relevant error (a status beats a transport error),
  // so the final error can name it even when the log can't be read.
  const authAt = tried.findIndex(a => errorKind(a) === 'auth')
  if (authAt !== -1 || errorKind({ error: daemonSays }) === 'auth') return authRequiredPull(name, chain, authAt)
  return failedPull(name, `${failureWords(chain, tried, sentences, daemonSays, ctx).join('; ')} (daemon: ${daemonSays})`)
}

/** A reference that did not resolve, with why, as its pull entry and problem. */
function failedPull(name: string, error: string): Judged {
  return { pull: { ref: name, host: null, via_mirror: null, status: 'failed', ok: false, error }, problem: `${name}: ${error}` }
}

/** A reference the daemon resolved: the host that served it, and a problem when the registry served it instead of its mirrors. */
function resolvedPull(ref: ImageRef, chain: HostChain, attempts: Attempt[] | undefined, sentences: string[]): Judged {
  const name = ref.normalised
  // k failed hosts: hosts[k] answered. A digest is looked up under /manifests, then under
  // /blobs with every host again (resolver.go, paths), hence the modulo.
  const k = (attempts ?? []).length
  const idx = attempts === undefined ? -1 : k < chain.hosts.length ? k : ref.digest ? k % chain.hosts.length : -1
  const host = idx === -1 ? null : chain.hosts[idx]
  const viaMirror = chain.mirrors === 0 || host === null ? null : idx < chain.mirrors
  const pull: Pull = { ref: name, status: 'ok', ok: true, host, via_mirror: viaMirror, error: null }
  if (viaMirror === false) {
    const why = sentences.filter(s => s !== '').join('; ')
    pull.ok = false
    pull.error = `served by the registry ${chain.registry}, not by its mirror${chain.mirrors > 1 ? 's' : ''}: ${why}`
    return { pull, problem: `${name}: ${pull.error}` }
  }
  return { pull }
}

/** Why a resolution that timed out failed: the hosts that failed, and the one it was trying when known. */
function timeoutError(chain: HostChain, tried: Attempt[], sentences: string[]): string {
  const at = tried.length < chain.hosts.length ? ` while trying ${roleOf(chain, tried.length)} ${chain.hosts[tried.length]}` : ''
  return [...sentences, `the daemon did not resolve it within ${RESOLVE_TIMEOUT_SECONDS} s${at}`].join('; ')
}

/** A reference whose host asked for credentials (the first such host, when the log names it), with what that means. */
function authRequiredPull(name: string, chain: HostChain, authAt: number): Judged {
  const host = authAt !== -1 && authAt < chain.hosts.length ? chain.hosts[authAt] : null
  const viaMirror = chain.mirrors === 0 || host === null ? null : authAt < chain.mirrors
  const hint =
    `${host ?? chain.registry} answered over the configured TLS and wants credentials: the daemon itself has none; builds get them from ` +
    `the runner's docker login (docker/login-action) through buildx`
  return { pull: { ref: name, status: 'auth-required', ok: true, host, via_mirror: viaMirror, error: null }, hint }
}

/** Why a resolution failed, as sentences: each failed host's, the daemon's own error when the log has none, or that no host has it. */
function failureWords(chain: HostChain, tried: Attempt[], sentences: string[], daemonSays: string, ctx: ExplainContext): string[] {
  let words = sentences.filter(s => s !== '')
  if (words.length === 0) {
    // No log lines: explain the daemon's own error, naming the host its URL points at.
    const a: Attempt = { error: daemonSays }
    const url = /"(?:https?):\/\/([^/"]+)/.exec(daemonSays)
    const i = url ? entryForUrlHost(chain, url[1]) : -1
    const entry = i === -1 ? chain.hosts[chain.hosts.length - 1] : chain.hosts[i]
    const kind = errorKind(a)
    words = [kind === 'other' ? `the daemon could not resolve it` : explain(kind, entry, a, ctx, i === -1 ? 'registry' : roleOf(chain, i))]
  }
  if (tried.length > 0 && tried.every(a => errorKind(a) === 'not-found')) {
    words = [`no host has it: ${chain.hosts.join(', ')} answered 404 Not Found`]
  }
  return words
}

// ---------------------------------------------------------------------------------------
// check-registries

export interface RegistryCheck {
  host: string
  ok: boolean
  error: string | null
  /** The node whose daemon asked */
  node?: string
}

export interface Probe {
  ref: ImageRef
  chain: HostChain
}

/**
 * One probe per registry section of the config, resolving a reference no host should
 * have: through a registry with mirrors it tries every mirror and then the registry, so
 * one probe checks the whole chain. A section that is only some registry's mirror is
 * checked through that registry.
 */
export function probes(tree: TomlTable): Probe[] {
  const regs = isTable(tree.registry) ? tree.registry : {}
  const chains = Object.keys(regs)
    .sort()
    .map(r => hostChain(tree, r))
  const mirrored = new Set(chains.flatMap(c => c.hosts.slice(0, c.mirrors).map(entryHost)))
  return chains
    .filter(c => c.mirrors > 0 || !mirrored.has(c.registry))
    .map(chain => {
      const repository = PROBE_REPOSITORY
      const normalised = `${chain.registry}/${repository}:${PROBE_TAG}`
      return { chain, ref: { input: normalised, registry: chain.registry, repository, tag: PROBE_TAG, normalised } }
    })
}

/** Which hosts of a probe's chain answered over their configured connection. */
export function judgeProbe(
  chain: HostChain,
  res: Resolution | undefined,
  attempts: Attempt[] | undefined,
  ctx: ExplainContext
): RegistryCheck[] {
  if (!res) return chain.hosts.map(host => ({ host, ok: false, error: 'the builder did not run the check (see the log above)' }))
  const tried = attempts ?? []
  const out: RegistryCheck[] = []
  chain.hosts.forEach((host, i) => {
    const role = roleOf(chain, i)
    if (i < tried.length) {
      const a = tried[i]
      const kind = errorKind(a)
      // Any answer about the repository (absent, or needs credentials, or not allowed)
      // came over the configured connection: that is what the check proves.
      if (kind === 'not-found' || kind === 'auth' || kind === 'forbidden') out.push({ host, ok: true, error: null })
      else out.push({ host, ok: false, error: `${explain(kind, host, a, ctx, role)} (daemon: ${raw(a)})` })
    } else if (i === tried.length) {
      if (res.exitCode === 0) out.push({ host, ok: true, error: null })
      else if (res.timedOut) out.push({ host, ok: false, error: `${role} ${host} did not answer within ${RESOLVE_TIMEOUT_SECONDS} s` })
      else {
        const daemonSays = buildctlError(res.stderr)
        const kind = errorKind({ error: daemonSays })
        if (kind === 'not-found' || kind === 'auth' || kind === 'forbidden') out.push({ host, ok: true, error: null })
        else
          out.push({
            host,
            ok: false,
            error: `${kind === 'other' ? `${role} ${host} failed` : explain(kind, host, { error: daemonSays }, ctx, role)} (daemon: ${daemonSays})`
          })
      }
    }
    // Hosts after one that answered were not tried: nothing to say about them here.
  })
  return out
}
