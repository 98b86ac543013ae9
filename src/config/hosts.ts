import { BlockList, isIP } from 'node:net'

// Registry and mirror addresses as BuildKit understands them.
//
// A registry key in buildkitd.toml is `host[:port]` (BuildKit looks its section up by the
// host of the image reference). A mirror may also carry a path and a scheme: BuildKit
// parses it as a URL and keeps only host and path, then looks up `http`/`insecure` in the
// section of the mirror's *host*
// (https://github.com/moby/buildkit/blob/master/util/resolver/utils.go, extractMirrorHostAndPath).

const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?'
const HOST_RE = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::(\\d{1,5}))?$`)
const PATH_RE = /^(?:\/[a-zA-Z0-9._~-]+)*\/?$/

export const HOST_FORMAT = 'host[:port], e.g. registry.example.com or 127.0.0.1:5000'

/**
 * For an address with user[:password]@ in it, which no message quotes. BuildKit takes no
 * credentials in a registry's or mirror's address; it asks docker's credentials (docker login).
 */
export const CREDENTIALS =
  'the host holds credentials (user[:password]@, not shown here); give the address alone and the credentials to docker login, whose credentials BuildKit uses'

/**
 * Why `value` is not a `host[:port]`, or undefined when it is one. `input` tailors the hint
 * for a scheme. `section`: the host names a [registry."…"] section of its own, which buildx
 * can't read for an IPv6 literal (its TOML parser, go-toml v1, refuses ']' in a table key:
 * "table key cannot contain ']'", measured with buildx 0.29.1).
 */
export function hostProblem(value: string, input = '', section = true): string | undefined {
  if (value === '') return 'the host is empty'
  // Before anything quotes the value: user:password@ would be printed whole.
  if (value.includes('@')) return CREDENTIALS
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)
  if (scheme) {
    const hint =
      input === 'http-registries'
        ? `write it without ${scheme[0]}: this list is the plain-HTTP one already`
        : `list a plain-HTTP registry in http-registries`
    return `"${value}" has a scheme; registries are plain ${HOST_FORMAT} (${hint})`
  }
  const m = HOST_RE.exec(value)
  if (!m) return `"${value}" is not a ${HOST_FORMAT}`
  if (m[1] !== undefined) {
    const port = Number(m[1])
    if (port < 1 || port > 65535) return `"${value}" has port ${m[1]}, outside 1-65535`
  }
  if (value.startsWith('[')) {
    const ip = value.slice(1, value.indexOf(']'))
    if (isIP(ip) !== 6) return `"${value}" is not a ${HOST_FORMAT}: "${ip}" is not an IPv6 address`
    if (section) {
      return (
        `"${value}" is an IPv6 address, which buildx can't take as a registry: its config parser refuses ']' in [registry."${value}"]; give the ` +
        `registry a host name (e.g. an /etc/hosts entry on the runner)`
      )
    }
  }
  return undefined
}

export interface MirrorEndpoint {
  /** host[:port]: the key of the mirror's own [registry."…"] section */
  host: string
  /** '' or a path such as /v2-mirror */
  path: string
  /** Scheme the user wrote, if any. */
  scheme?: 'http' | 'https'
}

/** Parses `[http(s)://]host[:port][/path]`; returns the endpoint or why it is not one. */
export function parseMirror(value: string): MirrorEndpoint | string {
  if (value.includes('@')) return `mirror: ${CREDENTIALS}`
  let rest = value
  let scheme: 'http' | 'https' | undefined
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest)
  if (m) {
    const s = m[1].toLowerCase()
    if (s !== 'http' && s !== 'https') {
      return `mirror "${value}" has scheme "${m[1]}"; only http:// and https:// are allowed`
    }
    scheme = s
    rest = rest.slice(m[0].length)
  }
  const slash = rest.indexOf('/')
  const host = slash === -1 ? rest : rest.slice(0, slash)
  const path = slash === -1 ? '' : rest.slice(slash)
  // A mirror reached over plain HTTP needs a section of its own; one over HTTPS does not.
  const problem = hostProblem(host, 'mirrors', scheme === 'http')
  if (problem) return `mirror ${problem.replace(/^the host/, `"${value}": the host`)}`
  if (path !== '' && !PATH_RE.test(path)) {
    return `mirror "${value}" has path "${path}"; a path may hold only letters, digits and ._~-/`
  }
  return { host, path: path.replace(/\/$/, ''), scheme }
}

/** How the mirror is written in `mirrors = [...]`: host and path, without the scheme. */
export function mirrorRef(m: MirrorEndpoint): string {
  return m.host + m.path
}

/**
 * Whether BuildKit counts a host as local, as containerd's docker.MatchLocalhost does
 * (core/remotes/docker/registry.go, vendored in BuildKit); with `http` unset, BuildKit speaks
 * plain HTTP to such a host (util/resolver/resolver.go, fillInsecureOpts). Local means "::1", "[::1]", or
 * net.SplitHostPort's host part being "localhost" or a loopback IP (127.0.0.0/8, ::1, and
 * IPv4-mapped 127.x). Like Go's net.ParseIP, node's isIP takes no IPv4 octet with a leading
 * zero; it takes an IPv6 zone (%eth0), which Go does not, so that is refused first.
 */
export function isLoopback(host: string): boolean {
  if (host === '::1' || host === '[::1]') return true
  let h: string
  const split = /^\[([^[\]]*)\]:(.*)$/.exec(host) ?? /^([^:[\]]*):([^:[\]]*)$/.exec(host)
  if (split !== null) {
    if (split[2] === '') return false
    h = split[1]
  } else if (!host.includes(':')) {
    h = host // no port
  } else {
    return false // SplitHostPort fails: too many colons
  }
  if (h === 'localhost') return true
  // A name is neither an IPv4 address (digits and dots) nor an IPv6 one (colons): isIP is not
  // asked, since its first IPv6 check compiles a large pattern (~8 ms of a step's start-up).
  if (!h.includes(':') && !/^[0-9.]+$/.test(h)) return false
  const family = h.includes('%') ? 0 : isIP(h)
  return family !== 0 && loopback().check(h, family === 4 ? 'ipv4' : 'ipv6')
}

// Made at the first address that needs it: node:net's BlockList is compiled on first use.
let loopbackList: BlockList | undefined
function loopback(): BlockList {
  if (loopbackList) return loopbackList
  loopbackList = new BlockList()
  loopbackList.addSubnet('127.0.0.0', 8, 'ipv4')
  loopbackList.addAddress('::1', 'ipv6')
  return loopbackList
}
