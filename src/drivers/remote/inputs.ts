import type { InputProblem } from '../../inputs/driver-rules.js'
import { csvFields } from '../../docker/csv.js'
import { looksLikePem, type PemRef } from '../../config/certs.js'
import { InputError } from '../../runner/errors.js'
import type { Getter, Inputs, NodeSpec } from '../../inputs/model.js'
import { nodeInput, optionLike } from '../../inputs/nodes.js'

// The remote driver's input rules: the builder is a record that points at BuildKit daemons
// that run already (driver/remote, docker/buildx v0.29.1). Pure: inputs in, problems and the
// parsed TLS options out; driver.ts runs the driver.
//
// What buildx's sources say (v0.29.1):
// - driver/remote/factory.go New: any config file ("setting config file is not supported for
//   remote driver") and any daemon flag ("setting buildkit flags is not supported for remote
//   driver") are refused; the only driver options are servername, cacert, cert, key and
//   default-load, anything else is "invalid driver option X for remote driver" (so the
//   owner mark env.<NAME>= of the docker-container driver can't be used here); cacert, cert
//   and key must be absolute paths; TLS needs cacert; cert and key go together; servername
//   defaults to the endpoint's host name.
// - driver/remote/driver.go Dial: loadTLS reads the three files on every dial, so they must
//   exist for as long as the builder is used.
// - builder/builder.go Create: without --config, buildx takes buildkitd.default.toml when
//   there is one, which the remote driver then refuses; the endpoint is checked by
//   driver/remote/util/endpoint.go IsValidEndpoint (docker-container, kube-pod, npipe, ssh,
//   tcp, unix).
// - commands/inspect.go: the text `docker buildx inspect` prints (parseInspect).

/** How to give the remote daemon a setting: where it runs, not here. */
const WHERE_IT_RUNS =
  'the remote driver connects to a BuildKit daemon that already runs, and buildx refuses a config for it ("setting config file is not supported for ' +
  'remote driver"): the daemon\'s own buildkitd.toml applies. ' +
  'Set it where the daemon runs: start it with buildkitd --config /path/to/buildkitd.toml, or mount the file at /etc/buildkit/buildkitd.toml in its ' +
  'container (or pod)'

/** The driver options buildx's remote driver accepts (driver/remote/factory.go, v0.29.1). */
export const REMOTE_DRIVER_OPTS = ['servername', 'cacert', 'cert', 'key', 'default-load'] as const

/** A node's driver options split: TLS (files as a path or env:NAME) and the rest, as given. */
export interface RemoteTls {
  cacert?: PemRef
  cert?: PemRef
  key?: PemRef
  servername?: string
  /** Every other option (k=v), as given */
  other: string[]
}

/** The options of one driver-opts line: buildx reads it as CSV (csv.ts), so `cacert=/a,servername=b` is two. */
function optionFields(line: string): string[] {
  return csvFields(line)
    .map(f => f.trim())
    .filter(f => f !== '')
}

const TLS_KIND = { cacert: 'ca', cert: 'cert', key: 'key' } as const

/** The TLS options that can come from a file or env:NAME. */
export type TlsOption = 'cacert' | 'cert' | 'key'

/**
 * The variables docker/setup-buildx-action reads a remote node's TLS material from (PEM
 * text): BUILDER_NODE_<n>_AUTH_TLS_CACERT, _CERT and _KEY, n being 0 for the first node and
 * 1, 2, … for append's nodes in order (setup-buildx-action src/context.ts
 * builderNodeEnvPrefix, src/main.ts nodeIndex).
 */
export function tlsVarNames(node: Pick<NodeSpec, 'append'>): Record<TlsOption, string> {
  const prefix = `BUILDER_NODE_${node.append === undefined ? 0 : node.append + 1}_AUTH_TLS_`
  return { cacert: `${prefix}CACERT`, cert: `${prefix}CERT`, key: `${prefix}KEY` }
}

/** True for an endpoint setup-buildx-action gives the variables to: a URL whose scheme is tcp. */
function tcpEndpoint(endpoint: string): boolean {
  try {
    return new URL(endpoint).protocol === 'tcp:'
  } catch {
    return false
  }
}

/**
 * The node's BUILDER_NODE_<n>_AUTH_TLS_* variables that are set (an empty one too: it is
 * refused as empty when read), by option, read as docker/actions-toolkit reads them
 * (buildx/buildx.ts resolveCertsDriverOpts: only for an endpoint whose URL scheme is tcp:,
 * and only with the remote driver, which is the only one that asks here). `ignored`: the
 * ones set for a node that is not on tcp://, which setup-buildx-action ignores too.
 */
export function tlsFromEnv(
  node: Pick<NodeSpec, 'append' | 'endpoint'>,
  env: NodeJS.ProcessEnv
): { vars: Partial<Record<TlsOption, string>>; ignored: string[] } {
  const names = tlsVarNames(node)
  const set = (Object.keys(names) as TlsOption[]).filter(k => env[names[k]] !== undefined)
  if (!tcpEndpoint(node.endpoint)) return { vars: {}, ignored: set.map(k => names[k]) }
  return { vars: Object.fromEntries(set.map(k => [k, names[k]])), ignored: [] }
}

/**
 * Splits a node's driver options into the TLS ones and the rest. cacert=, cert= and key= are
 * a file path (relative to the workspace: the action copies it and gives buildx the absolute
 * path it needs) or env:NAME, as in registry-certs; `fromEnv` names the variables that give
 * an option instead (tlsFromEnv), which may not be given in driver-opts as well. Throws an
 * InputError naming the input.
 */
export function parseRemoteTls(driverOpts: string[], input = 'driver-opts', fromEnv: Partial<Record<TlsOption, string>> = {}): RemoteTls {
  const tls: RemoteTls = { other: [] }
  // Checked before any other rule and never echoed: such an option is (part of) a key or a
  // certificate pasted in, and any other message could quote it.
  if (driverOpts.some(o => looksLikePem(o) || optionFields(o).some(f => looksLikePem(f.slice(f.indexOf('=') + 1))))) {
    throw new InputError(
      input,
      undefined,
      'holds PEM text; put the PEM in a secret and pass it as env:NAME (e.g. cacert=env:BUILDKIT_CA, with env: BUILDKIT_CA: ${{ secrets.BUILDKIT_CA }} ' +
        'on the step)'
    )
  }
  const seen = new Set<string>()
  for (const field of driverOpts.flatMap(optionFields)) {
    const eq = field.indexOf('=')
    const key = eq === -1 ? field : field.slice(0, eq)
    const value = eq === -1 ? '' : field.slice(eq + 1)
    if (key === 'cacert' || key === 'cert' || key === 'key' || key === 'servername') {
      if (seen.has(key)) throw new InputError(input, undefined, `${key}= is given twice`)
      seen.add(key)
      if (value === '' || value === 'env:') {
        throw new InputError(input, undefined, key === 'servername' ? 'servername= has no name' : `${key}= has no file path or env:NAME`)
      }
      if (key === 'servername') tls.servername = value
      else tls[key] = { kind: TLS_KIND[key], ref: value, input }
    } else tls.other.push(field)
  }
  for (const [key, name] of Object.entries(fromEnv) as [TlsOption, string][]) {
    // setup-buildx-action appends the variables' options after driver-opts, and buildx keeps
    // the last value of a key without a word (driver-opts are a map): refused instead.
    if (tls[key]) {
      throw new InputError(
        input,
        undefined,
        `${key}= is given both here and by the environment variable ${name} (docker/setup-buildx-action's TLS variables for remote nodes); ` +
          'buildx would silently keep one of them: give it in one place'
      )
    }
    tls[key] = { kind: TLS_KIND[key], ref: `env:${name}`, input }
  }
  // buildx's own rules (driver/remote/factory.go New), told before anything runs.
  if (tls.cert && !tls.key) throw new InputError(input, undefined, 'cert= has no key=; a client certificate needs its key')
  if (tls.key && !tls.cert) throw new InputError(input, undefined, 'key= has no cert=; a client key needs its certificate')
  if (!tls.cacert && (tls.cert || tls.servername !== undefined)) {
    throw new InputError(
      input,
      undefined,
      `${tls.cert ? 'cert= and key=' : 'servername='} need cacert=, the CA that signed the daemon's certificate (buildx: "tls enabled, but missing ` +
        `keys cacert")`
    )
  }
  return tls
}

/**
 * The BUILDER_NODE_<n>_AUTH_TLS_* variables that are set and go to no node, each with why:
 * its node is not on tcp:// (setup-buildx-action ignores them there too), or there is no
 * node n. Only the names are told, never the values.
 */
export function tlsVarWarnings(nodes: readonly NodeSpec[], env: NodeJS.ProcessEnv): string[] {
  const warnings = nodes.flatMap(n =>
    tlsFromEnv(n, env).ignored.map(
      name => `${name} is set, but ${n.label}'s endpoint (${n.endpoint}) is not tcp://: ignored, as docker/setup-buildx-action ignores it`
    )
  )
  for (const name of Object.keys(env).sort()) {
    const m = /^BUILDER_NODE_(\d+)_AUTH_TLS_(CACERT|CERT|KEY)$/.exec(name)
    if (m && Number(m[1]) >= nodes.length) {
      warnings.push(`${name} is set, but the builder has no node ${m[1]} (0 is the first node, 1 the first of append, …): ignored`)
    }
  }
  return warnings
}

/** A node's TLS options: its driver-opts and its BUILDER_NODE_<n>_AUTH_TLS_* variables (tlsFromEnv). */
export function parseNodeTls(node: NodeSpec, env: NodeJS.ProcessEnv = process.env): RemoteTls {
  return parseRemoteTls(node.driverOpts, nodeInput(node, 'driver-opts'), tlsFromEnv(node, env).vars)
}

/** True when the node talks TLS to its daemon (and so needs files that outlive nothing). */
export function usesTls(tls: RemoteTls): boolean {
  return tls.cacert !== undefined
}

/** What the inputs ask that the remote driver can't do, each with what to do instead. */
export function remoteInputProblems(inputs: Inputs, get: (name: string) => string, env: NodeJS.ProcessEnv = process.env): InputProblem[] {
  const problems = [
    ...configProblems(inputs, get),
    ...daemonSettingProblems(get),
    ...daemonFlagProblems(get),
    ...networkAndImageProblems(get),
    ...noEffectProblems(get)
  ]
  const nodes = driverOptProblems(inputs.nodes, env)
  return [...problems, ...nodes.problems, ...cleanupProblems(inputs, nodes.tls)]
}

/** True when the input is given (not blank). */
function isSet(get: Getter, name: string): boolean {
  return get(name).trim() !== ''
}

/** True when the input is true. */
function isTrue(get: Getter, name: string): boolean {
  return get(name).trim().toLowerCase() === 'true'
}

/** A daemon setting the input asks for, refused: it is set where the daemon runs. */
function refuse(input: string, what: string): InputProblem {
  return { input, message: `${what}: ${WHERE_IT_RUNS}` }
}

/** The base configs the remote driver refuses: the config inputs and a buildkitd.default.toml buildx would apply. */
function configProblems(inputs: Inputs, get: Getter): InputProblem[] {
  const problems: InputProblem[] = []
  for (const name of ['buildkitd-config', 'buildkitd-config-inline']) {
    if (isSet(get, name)) problems.push(refuse(name, "a base config can't be given to a remote daemon"))
  }
  if (inputs.baseConfig?.fromDefault) {
    problems.push({
      input: 'driver',
      message:
        `remote: buildx applies ${inputs.baseConfig.path ?? 'buildkitd.default.toml'} to every new builder (builder/builder.go Create), and the remote ` +
        `driver refuses any config, so buildx create would fail; ` +
        "move that file away for this job; the remote daemon's own buildkitd.toml applies (set it where the daemon runs)"
    })
  }
  return problems
}

/** The inputs that are settings of the daemon's buildkitd.toml, each with where it goes there, in the order they are checked. */
const DAEMON_SETTINGS: readonly (readonly [input: string, what: string])[] = [
  ['mirrors', 'registry mirrors are the daemon\'s ([registry."<host>"] mirrors = [...])'],
  ['http-registries', 'plain-HTTP registries are the daemon\'s ([registry."<host>"] http = true)'],
  ['insecure-registries', 'insecure registries are the daemon\'s ([registry."<host>"] insecure = true)'],
  [
    'registry-certs',
    'registry certificates are the daemon\'s ([registry."<host>"] ca = [...] and [[registry."<host>".keypair]], with the files where the daemon ' +
      'runs); the certificates for the connection to the daemon itself are driver-opts cacert=, cert=, key='
  ],
  ['debug', "debug logging is the daemon's (debug = true in its buildkitd.toml, or buildkitd --debug)"]
]

/** The registry and debug settings given, refused: they are the remote daemon's own. */
function daemonSettingProblems(get: Getter): InputProblem[] {
  return DAEMON_SETTINGS.filter(([name]) => isSet(get, name)).map(([name, what]) => refuse(name, what))
}

/** Daemon flags, of the builder or of an appended node, which buildx refuses for the remote driver. */
function daemonFlagProblems(get: Getter): InputProblem[] {
  const problems: InputProblem[] = []
  if (isSet(get, 'buildkitd-flags')) {
    problems.push({
      input: 'buildkitd-flags',
      message:
        'buildx refuses daemon flags for the remote driver ("setting buildkit flags is not supported for remote driver"): give them to buildkitd where ' +
        'it runs, or put the settings in its buildkitd.toml'
    })
  }
  // An appended node's buildkitd-flags (nodes.ts gives every node the default flags when it
  // has none, so the raw YAML is what tells whether they were written).
  if (/^[\s-]*buildkitd-flags\s*:/m.test(get('append'))) {
    problems.push({
      input: 'append',
      message:
        'buildkitd-flags of a node: buildx refuses daemon flags for the remote driver ("setting buildkit flags is not supported for remote driver"); ' +
        'give them to buildkitd where it runs'
    })
  }
  return problems
}

/** The network and image inputs given (cni: false asks nothing), refused: they are chosen where the daemon runs. */
function networkAndImageProblems(get: Getter): InputProblem[] {
  const problems: InputProblem[] = []
  for (const name of ['cni', 'cni-image', 'cni-subnet', 'cni-config', 'cni-plugins-version', 'cni-plugins-url', 'buildkit-image']) {
    if (!isSet(get, name) || (name === 'cni' && get(name).trim().toLowerCase() === 'false')) continue
    problems.push(
      refuse(
        name,
        `the daemon's network and image are chosen where it runs (CNI: [worker.oci] networkMode = "cni" with cniConfigPath and cniBinaryPath in its ` +
          `buildkitd.toml, the plugins in its image)`
      )
    )
  }
  return problems
}

/** keep-state and check-registries set true, which can do nothing with a remote daemon. */
function noEffectProblems(get: Getter): InputProblem[] {
  const problems: InputProblem[] = []
  if (isTrue(get, 'keep-state')) {
    problems.push({
      input: 'keep-state',
      message:
        "true does nothing with the remote driver: the daemon's state is its own, and removing the builder removes only buildx's record of it"
    })
  }
  if (isTrue(get, 'check-registries')) {
    problems.push({
      input: 'check-registries',
      message:
        "the registries a remote daemon's config names are not known to this action (its buildkitd.toml is where it runs); list references in " +
        'verify-pull to prove that the daemon resolves them'
    })
  }
  return problems
}

/** Each node's driver options the remote driver can't take, and whether any node talks TLS to its daemon. */
function driverOptProblems(nodes: readonly NodeSpec[], env: NodeJS.ProcessEnv): { problems: InputProblem[]; tls: boolean } {
  const problems: InputProblem[] = []
  let tls = false
  for (const node of nodes) {
    const input = nodeInput(node, 'driver-opts')
    try {
      const parsed = parseNodeTls(node, env)
      tls ||= usesTls(parsed)
      for (const o of parsed.other) {
        const problem = otherOptionProblem(input, o)
        if (problem) problems.push(problem)
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      problems.push({ input, message: err.message.replace(/^input "[^"]*": /, '') })
    }
  }
  return { problems, tls }
}

/** What is wrong with a driver option that is not a TLS one: a default-load that is no boolean, or any other option. */
function otherOptionProblem(input: string, o: string): InputProblem | undefined {
  const key = o.split('=')[0]
  if (key === 'default-load') {
    if (/^(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.test(o.slice(key.length + 1))) return undefined
    return { input, message: `"${o}": default-load is true or false` }
  }
  return {
    input,
    message:
      `"${o}": the remote driver takes only ${REMOTE_DRIVER_OPTS.join(', ')} (buildx: "invalid driver option ${key} for remote ` +
      `driver"); the daemon's image, network and resources are set where it runs`
  }
}

/** cleanup: false with TLS files, which are deleted with the run directory that the kept builder reads them from. */
function cleanupProblems(inputs: Inputs, tls: boolean): InputProblem[] {
  if (!tls || inputs.cleanup) return []
  return [
    {
      input: 'cleanup',
      message:
        'false with cacert=, cert= or key= in driver-opts (or BUILDER_NODE_<n>_AUTH_TLS_* variables): buildx reads those files every time it ' +
        'connects to the daemon (driver/remote/driver.go Dial), and this action copies them into its run directory, which is deleted when the job ends; ' +
        'a builder left behind would then fail to connect. Keep cleanup: true, or create such a builder yourself with files that outlive the job'
    }
  ]
}

// The BuildKit addresses buildx's remote driver dials (util/remoteutil IsValidEndpoint).
const BUILDKIT_ADDR_RE = /^(tcp|unix|ssh|docker-container|kube-pod|npipe):\/\/\S+$/

/** The daemon's address, which this driver can't do without. */
export function remoteEndpointProblem(endpoint: string): string | undefined {
  if (endpoint === '') return "the remote driver needs an endpoint, the BuildKit daemon's address (e.g. tcp://buildkitd:1234)"
  const dash = optionLike(endpoint)
  if (dash) return dash
  return BUILDKIT_ADDR_RE.test(endpoint) ? undefined : `"${endpoint}" is not a BuildKit address; write tcp://host:port or unix:///path`
}

/**
 * buildx keeps build records in a directory named after the first node (localstate:
 * ~/.docker/buildx/refs/<builder>/<node>/), and this driver's first node is
 * <builder>0-<owner uuid> (owner-mark.ts remoteNodeName): a file name has at most 255.
 */
export const REMOTE_NAME_LIMIT = {
  length: 255 - '0-'.length - 36,
  why: "buildx keeps build records in a directory named after the first node, <name>0-<this run's owner mark>, and a file name has at most 255"
}
