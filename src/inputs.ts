import { getInput } from './commands.js'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { looksLikePem, pastedInsteadOfRef, type CertRequest, type PemRef } from './certs.js'
import { NETWORK_FLAGS, networkSettings, parseCniInputs, type CniInputs } from './cni.js'
import { checkConfigTree, isTable, keyPath, type TomlTable } from './config.js'
import { InputError } from './errors.js'
import { readInputFile } from './input-files.js'
import { CREDENTIALS, hostProblem, parseMirror, type MirrorEndpoint } from './hosts.js'
import { defaultConfigPath } from './buildx.js'
import { driverOptFields, parseDriverOptLine } from './driver-opts.js'
import { parseInstallInputs, type InstallRequest } from './buildx-install.js'
import { dockerDriverProblems } from './engine-inputs.js'
import { kubernetesInputProblems } from './kubernetes.js'
import { parseRemoteTls, remoteInputProblems } from './remote.js'
import { flagValues } from './flags.js'
import { inputLines, parseBool, splitShellWords } from './lines.js'
import { parseVerifyPull, type ImageRef } from './refs.js'
import {
  checkNodes,
  endpointProblem,
  MAX_BUILDER_NAME,
  MAX_REMOTE_BUILDER_NAME,
  nodeInput,
  parseAppend,
  parsePlatforms,
  type NodeSpec,
  type Yaml
} from './nodes.js'

// Reads every input into one typed, validated object before anything is created.
// Each parse function is pure (text in, value or InputError out) so tests can table them.

export type VerifyMode = 'true' | 'warn' | 'false'

export interface MirrorSpec {
  registry: string
  mirrors: MirrorEndpoint[]
  line: number
}

export interface BaseConfig {
  /** `buildkitd-config`, `buildkitd-config-inline` or `buildkitd.default.toml`, for messages */
  input: string
  /** The file it came from, when there is one */
  path?: string
  tree: TomlTable
  /** buildx's buildkitd.default.toml, taken because no config input was given */
  fromDefault?: boolean
}

/**
 * The daemon flags when buildkitd-flags is empty: docker/setup-buildx-action's default (its
 * README: "--allow-insecure-entitlement security.insecure --allow-insecure-entitlement
 * network.host", replaced when the input is set). buildx alone allows only network.host, so a
 * workflow moving over would otherwise lose RUN --security=insecure.
 */
export const DEFAULT_FLAGS = ['--allow-insecure-entitlement', 'security.insecure', '--allow-insecure-entitlement', 'network.host'] as const

export type DriverName = 'docker-container' | 'docker' | 'kubernetes' | 'remote'

export interface Inputs {
  name: string
  driver: DriverName
  /** The builder's nodes: the first from driver-opts, buildkitd-flags, endpoint and platforms; then append's */
  nodes: NodeSpec[]
  baseConfig?: BaseConfig
  mirrors: MirrorSpec[]
  httpRegistries: string[]
  insecureRegistries: string[]
  /** undefined: leave `debug` as the base config has it */
  debug?: boolean
  use: boolean
  verify: VerifyMode
  cleanup: boolean
  keepState: boolean
  /** Certificates named by the base config, then by registry-certs; not read yet */
  certRequests: CertRequest[]
  /** CNI networking, when asked for */
  cni?: CniInputs
  /** References the daemon must resolve after verification (`verify-pull`) */
  verifyPull: ImageRef[]
  /** Probe every registry and mirror of the config through the daemon */
  checkRegistries: boolean
  /** A pinned buildx to install (`version`, `buildx-url`) */
  install?: InstallRequest
  /** cache-binary: keep an installed buildx in the Actions cache (also when buildx is missing and the latest is installed) */
  cacheBinary: boolean
  /** kubernetes: client keys may go into the builder's ConfigMaps */
  allowKeysInConfigmap: boolean
}

type Getter = (name: string) => string

/** Reads the action's inputs (as the runner passes them unless a getter is given). */
/** Where buildx's own files are: the environment and home directory the runner gives. */
export interface Host {
  env: NodeJS.ProcessEnv
  home: string
  /** The yaml package, when `append` is set (nodes.ts Yaml) */
  yaml?: Yaml
}

/** Reads the action's inputs (as the runner passes them unless a getter is given). */
export function getInputs(get: Getter = name => getInput(name), host: Host = { env: process.env, home: os.homedir() }): Inputs {
  const configPath = get('buildkitd-config')
  const configInline = get('buildkitd-config-inline')
  if (configPath !== '' && configInline !== '') {
    throw new InputError(
      'buildkitd-config',
      undefined,
      'buildkitd-config and buildkitd-config-inline are both set; give one of them ' +
        '(docker/setup-buildx-action would take the file and drop the inline config without a word)'
    )
  }
  const driver = parseDriver(get('driver'))
  const defaultFile = defaultConfigPath(host.env, host.home)
  // buildx applies its default file to the builders it creates; the docker driver's builder
  // is not created, and takes no config.
  const defaultApplies = driver !== 'docker' && fs.existsSync(defaultFile)
  const baseConfig =
    configPath !== ''
      ? readBaseConfigFile(configPath)
      : configInline !== ''
        ? parseBaseConfig('buildkitd-config-inline', configInline)
        : defaultApplies
          ? { ...readBaseConfigFile(defaultFile, 'buildkitd.default.toml'), fromDefault: true }
          : undefined
  const name = parseName(get('name'), driver)
  const inputs: Inputs = {
    name,
    driver,
    nodes: withRemoteTls(
      driver,
      checkNodes(name, firstNode(get, driver), parseAppend(get('append'), driver, defaultFlags(driver), host.yaml), driver)
    ),
    baseConfig,
    mirrors: parseMirrors(get('mirrors')),
    httpRegistries: parseHostList('http-registries', get('http-registries')),
    insecureRegistries: parseHostList('insecure-registries', get('insecure-registries')),
    debug: get('debug') === '' ? undefined : parseBool('debug', get('debug')),
    use: parseBool('use', get('use'), true),
    verify: parseVerify(get('verify')),
    cleanup: parseBool('cleanup', get('cleanup'), true),
    keepState: parseBool('keep-state', get('keep-state'), false),
    certRequests: [...(baseConfig ? certRequestsFromConfig(baseConfig) : []), ...parseRegistryCerts(get('registry-certs'))],
    cni: parseCniInputs(get, { platform: process.platform, arch: process.arch, endianness: os.endianness() }),
    verifyPull: parseVerifyPull(get('verify-pull')),
    checkRegistries: parseBool('check-registries', get('check-registries'), false),
    install: parseInstallInputs(get),
    cacheBinary: parseBool('cache-binary', get('cache-binary'), true),
    allowKeysInConfigmap: parseBool('allow-keys-in-configmap', get('allow-keys-in-configmap'), false)
  }
  // What the driver can't take first: it says what to do instead.
  const problems =
    driver === 'docker'
      ? dockerDriverProblems(inputs, get)
      : driver === 'kubernetes'
        ? kubernetesInputProblems(inputs)
        : driver === 'remote'
          ? remoteInputProblems(inputs, get)
          : []
  if (problems.length > 0) throw new InputError(problems[0].input, undefined, problems[0].message)
  checkConsistency(inputs)
  return inputs
}

/** The default daemon flags: none for the remote driver, whose daemon runs with its own. */
function defaultFlags(driver: DriverName): string[] {
  return driver === 'remote' ? [] : [...DEFAULT_FLAGS]
}

/** remote: each node's TLS files for the connection to its daemon, from its driver-opts. */
function withRemoteTls(driver: DriverName, nodes: NodeSpec[]): NodeSpec[] {
  return driver === 'remote' ? nodes.map(n => ({ ...n, tls: parseRemoteTls(n.driverOpts, nodeInput(n, 'driver-opts')) })) : nodes
}

/** The first node: the top-level driver-opts, buildkitd-flags, endpoint and platforms. */
function firstNode(get: Getter, driver: DriverName): NodeSpec {
  const endpoint = get('endpoint').trim()
  const problem = endpointProblem(endpoint, driver)
  if (problem) throw new InputError('endpoint', undefined, problem)
  return {
    endpoint,
    driverOpts: parseDriverOpts(get('driver-opts')),
    buildkitdFlags: get('buildkitd-flags').trim() === '' ? defaultFlags(driver) : parseBuildkitdFlags(get('buildkitd-flags')),
    platforms: parsePlatforms('platforms', get('platforms')),
    label: 'the first node'
  }
}

/** Rules that span inputs. */
export function checkConsistency(inputs: Inputs): void {
  // BuildKit v0.29 to v0.32 empty the CNI config path when this flag is given (it reads a
  // misspelt name, cmd/buildkitd/main_oci_worker.go), and the daemon then exits.
  const flagged = inputs.nodes.find(n => flagValues(n.buildkitdFlags, '--oci-cni-config-path').length > 0)
  if (flagged) {
    throw new InputError(
      nodeInput(flagged, 'buildkitd-flags'),
      undefined,
      '--oci-cni-config-path does not work: BuildKit reads its value from a misspelt name and the daemon exits with failed to read cni config ""; ' +
        'set [worker.oci] cniConfigPath in buildkitd-config instead (cni: true with a .conflist cni-config does it for you)'
    )
  }
  if (inputs.cni) checkNetwork(inputs, inputs.cni)
  for (const spec of inputs.mirrors) {
    for (const m of spec.mirrors) {
      if (m.scheme === 'https' && inputs.httpRegistries.includes(m.host)) {
        throw new InputError(
          'mirrors',
          spec.line,
          `mirror "https://${m.host}" is also listed in http-registries; BuildKit reaches a host over HTTP or HTTPS, not both`
        )
      }
    }
  }
}

/** CNI against the other inputs: the builder's image, its network, daemon flags, a base config. */
function checkNetwork(inputs: Inputs, cni: CniInputs): void {
  const mode = 'bridge' in cni ? 'cni: bridge' : 'image' in cni ? 'cni-image' : 'cni: true'
  // A CNI image this action builds is only on the runner's engine, for the runner's architecture.
  const away = inputs.nodes.find((n, i) => i > 0 || n.endpoint !== '')
  if (away && mode === 'cni: true') {
    throw new InputError(
      'cni',
      undefined,
      `true with ${away.label} on endpoint "${away.endpoint}": the CNI image this action builds exists only on the runner's engine, for its architecture; ` +
        'push a CNI image and give it as cni-image, or use cni: bridge'
    )
  }
  // Each option as buildx reads it: `"network=host"` and `a=1,network=host` are network=host.
  const opts = inputs.nodes.flatMap(n => n.driverOpts.map(o => ({ o, n, fields: driverOptFields([o]) })))
  const find = (key: string, value?: string): { o: string; n: NodeSpec } | undefined =>
    opts.find(x => x.fields.some(f => f.key === key && (value === undefined || f.value === value)))
  const image = find('image')
  if (image && !('bridge' in cni)) {
    throw new InputError(
      nodeInput(image.n, 'driver-opts'),
      undefined,
      `"${image.o}" conflicts with ${mode}, which sets the builder image; use cni-image for a ready CNI image, buildkit-image for the base of the one ` +
        `built, or cni: bridge with your image`
    )
  }
  // With the runner's network the CNI bridge and its iptables rules are made in the runner's
  // own network namespace, and outlive the builder.
  const host = find('network', 'host')
  if (host) {
    throw new InputError(
      nodeInput(host.n, 'driver-opts'),
      undefined,
      `"${host.o}" with ${mode}: the CNI bridge (and its iptables rules) would be created in the runner's own network namespace and stay after the ` +
        `builder is removed; ` +
        'drop network=host (the builder gets its own namespace), or drop CNI'
    )
  }
  for (const flag of NETWORK_FLAGS) {
    const n = inputs.nodes.find(x => flagValues(x.buildkitdFlags, flag).length > 0)
    if (n) {
      throw new InputError(
        nodeInput(n, 'buildkitd-flags'),
        undefined,
        `${flag} overrides the network settings of ${mode} (the action writes them into [worker.oci]); remove it`
      )
    }
  }
  const base = inputs.baseConfig
  const worker = base && isTable(base.tree.worker) && isTable(base.tree.worker.oci) ? base.tree.worker.oci : undefined
  if (!base || !worker) return
  for (const [key, value] of Object.entries(networkSettings(cni))) {
    if (key in worker && worker[key] !== value) {
      throw new InputError(
        base.input,
        undefined,
        `worker.oci.${key} is ${JSON.stringify(worker[key])}, but ${mode} needs ${JSON.stringify(value)}; remove it from the base config or drop ${mode}`
      )
    }
  }
}

export function parseVerify(value: string): VerifyMode {
  const v = value.trim().toLowerCase()
  if (v === '') return 'true'
  if (v === 'true' || v === 'false' || v === 'warn') return v
  throw new InputError('verify', undefined, `"${value}" is not one of true, warn, false`)
}

// buildx: "name needs to start with a letter and may not contain symbols, except ._-", and
// it registers the builder, its node and its container under the name in lower case
// (store/util.go ValidateName): `My-Builder` is buildx_buildkit_my-builder0.
const NAME_RE = /^[a-zA-Z][a-zA-Z0-9._-]*$/

export function parseName(value: string, driver: DriverName = 'docker-container'): string {
  const v = value.trim()
  if (v === '') return `builder-${randomUUID()}`
  const max = driver === 'remote' ? MAX_REMOTE_BUILDER_NAME : MAX_BUILDER_NAME
  if (v.length > max) {
    const why =
      driver === 'remote'
        ? "buildx keeps build records in a directory named after the first node, <name>0-<this run's owner mark>"
        : "buildx names each node's state volume buildx_buildkit_<name><n>_state"
    throw new InputError(
      'name',
      undefined,
      `is ${v.length} characters; a builder name has at most ${max} (${why}, and a file name has at most 255)`
    )
  }
  if (!NAME_RE.test(v)) {
    throw new InputError(
      'name',
      undefined,
      `"${v}" is not a valid builder name; it must start with a letter and hold only letters, digits and ._-`
    )
  }
  return v.toLowerCase()
}

export function parseDriver(value: string): DriverName {
  const v = value.trim()
  if (v === '' || v === 'docker-container') return 'docker-container'
  if (v === 'docker' || v === 'kubernetes' || v === 'remote') return v
  throw new InputError('driver', undefined, `driver "${v}" is not supported; docker-container, kubernetes, remote and docker are`)
}

/** `driver-opts`: one --driver-opt a line, each read as buildx reads it (driver-opts.ts). */
export function parseDriverOpts(text: string): string[] {
  return inputLines(text).map(l => {
    const opts = parseDriverOptLine(l.text)
    if (typeof opts === 'string') throw new InputError('driver-opts', l.n, opts)
    return l.text
  })
}

/**
 * Splits daemon flags as buildx does (shell words: quotes and backslashes), so the action
 * can merge its own flags in without duplicates.
 */
export function parseBuildkitdFlags(text: string): string[] {
  const words = splitShellWords(text)
  if (words === undefined) {
    throw new InputError('buildkitd-flags', undefined, 'a quote is not closed')
  }
  for (const w of words) {
    if (w === '--config' || w.startsWith('--config=')) {
      throw new InputError('buildkitd-flags', undefined, '--config is set by this action; give the file as buildkitd-config instead')
    }
  }
  return words
}

export function parseHostList(input: string, text: string): string[] {
  const seen = new Set<string>()
  const hosts: string[] = []
  for (const l of inputLines(text)) {
    for (const part of l.text.split(',')) {
      const host = part.trim()
      if (host === '') continue
      const problem = hostProblem(host, input)
      if (problem) throw new InputError(input, l.n, problem)
      if (!seen.has(host)) hosts.push(host)
      seen.add(host)
    }
  }
  return hosts
}

export function parseMirrors(text: string): MirrorSpec[] {
  const specs: MirrorSpec[] = []
  for (const l of inputLines(text)) {
    if (l.text.includes('@')) throw new InputError('mirrors', l.n, CREDENTIALS.replace(/^the host/, 'the line'))
    const eq = l.text.indexOf('=')
    if (eq === -1) {
      throw new InputError('mirrors', l.n, `"${l.text}" is not REGISTRY=MIRROR[,MIRROR...] (e.g. docker.io=mirror.gcr.io)`)
    }
    const registry = l.text.slice(0, eq).trim()
    const problem = hostProblem(registry)
    if (problem) throw new InputError('mirrors', l.n, `registry ${problem.replace(/^the host/, 'name')}`)
    const earlier = specs.find(s => s.registry === registry)
    if (earlier) {
      throw new InputError(
        'mirrors',
        l.n,
        `registry "${registry}" is already given on line ${earlier.line}; list all its mirrors on one line`
      )
    }
    const values = l.text
      .slice(eq + 1)
      .split(',')
      .map(v => v.trim())
      .filter(v => v !== '')
    if (values.length === 0) {
      throw new InputError('mirrors', l.n, `registry "${registry}" has no mirror after "="`)
    }
    const mirrors: MirrorEndpoint[] = []
    for (const v of values) {
      const parsed = parseMirror(v)
      if (typeof parsed === 'string') throw new InputError('mirrors', l.n, parsed)
      if (parsed.host === registry && parsed.path === '') {
        throw new InputError('mirrors', l.n, `registry "${registry}" is given as its own mirror`)
      }
      mirrors.push(parsed)
    }
    specs.push({ registry, mirrors, line: l.n })
  }
  return specs
}

export function readBaseConfigFile(file: string, input = 'buildkitd-config'): BaseConfig {
  const text = readInputFile(input, undefined, file)
  return { ...parseBaseConfig(input, text), path: path.resolve(file) }
}

export function parseBaseConfig(input: string, text: string): BaseConfig {
  let tree: TomlTable
  try {
    // Integers beyond 2^53 as bigint, as TOML (and BuildKit's int64) allow.
    tree = parseToml(text, { integersAsBigInt: 'asNeeded' }) as TomlTable
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '')
      throw new InputError(input, err.line, `invalid TOML at column ${err.column}: ${first}`)
    }
    throw err
  }
  checkConfigTree(tree, input)
  return { input, tree }
}

const CERT_KEYS = ['ca', 'cert', 'key'] as const

/**
 * `registry-certs`: one certificate set per line, `REGISTRY ca=REF cert=REF key=REF`, where
 * REF is a file path or env:NAME. Several lines for one registry add CAs and keypairs.
 */
export function parseRegistryCerts(text: string): CertRequest[] {
  const input = 'registry-certs'
  const requests: CertRequest[] = []
  const lines = inputLines(text)
  // Checked for every line before any other rule, and never echoed: such a line is (part
  // of) a key or certificate pasted in, and any other message could quote it.
  const pasted = lines.find(l => looksLikePem(l.text))
  if (pasted) {
    throw new InputError(
      input,
      pasted.n,
      'holds PEM text; put the PEM in a secret and pass it as env:NAME (env: NAME: ${{ secrets.NAME }} on the step)'
    )
  }
  for (const l of lines) {
    const [registry, ...fields] = l.text.split(/\s+/)
    // Also before any other rule, and never echoed: key=LS0tLS1CRUdJTi… is a key pasted as
    // base64, which a "does not exist" message would print whole.
    for (const [i, f] of [registry, ...fields].entries()) {
      const eq = f.indexOf('=')
      if (pastedInsteadOfRef(f) || (eq !== -1 && pastedInsteadOfRef(f.slice(eq + 1)))) {
        const key = f.slice(0, eq)
        const what = i > 0 && (CERT_KEYS as readonly string[]).includes(key) ? `${key}=` : `field ${i + 1}`
        throw new InputError(
          input,
          l.n,
          `${what} holds what looks like key or certificate text (PEM or base64), not a file path or env:NAME; put it in a secret and pass ` +
            'env:NAME (env: NAME: ${{ secrets.NAME }} on the step)'
        )
      }
    }
    if (registry.includes('=')) {
      throw new InputError(input, l.n, `starts with "${registry}"; a line is REGISTRY ca=... cert=... key=...`)
    }
    const problem = hostProblem(registry)
    if (problem) throw new InputError(input, l.n, `registry ${problem.replace(/^the host/, 'name')}`)
    const refs: Partial<Record<(typeof CERT_KEYS)[number], PemRef>> = {}
    for (const f of fields) {
      const eq = f.indexOf('=')
      const key = f.slice(0, eq) as (typeof CERT_KEYS)[number]
      const ref = f.slice(eq + 1)
      if (eq === -1 || !CERT_KEYS.includes(key)) {
        throw new InputError(input, l.n, `"${f}" is not ca=REF, cert=REF or key=REF (REF: a file path or env:NAME)`)
      }
      if (refs[key]) throw new InputError(input, l.n, `${key}= is given twice; use one line per set`)
      if (ref === '' || ref === 'env:') throw new InputError(input, l.n, `${key}= has no file path or env:NAME`)
      refs[key] = { kind: key, ref, input, line: l.n }
    }
    if (!refs.ca && !refs.cert && !refs.key) {
      throw new InputError(input, l.n, `registry "${registry}" has no ca=, cert= or key=`)
    }
    if (!refs.cert !== !refs.key) {
      throw new InputError(input, l.n, `${refs.cert ? 'cert= has no key=' : 'key= has no cert='}; a client keypair needs both on one line`)
    }
    requests.push({
      registry,
      cas: refs.ca ? [refs.ca] : [],
      keypairs: refs.cert && refs.key ? [{ cert: refs.cert, key: refs.key }] : []
    })
  }
  return requests
}

/** Certificates a base config names (its shape is already checked by checkConfigTree). */
export function certRequestsFromConfig(base: BaseConfig): CertRequest[] {
  const regs = isTable(base.tree.registry) ? base.tree.registry : {}
  const requests: CertRequest[] = []
  for (const [registry, conf] of Object.entries(regs)) {
    if (!isTable(conf)) continue
    const ref = (kind: 'ca' | 'cert' | 'key', value: string, where: (string | number)[]): PemRef => {
      const at = keyPath(['registry', registry, ...where])
      // Never echoed: a key pasted into the config instead of its path.
      if (pastedInsteadOfRef(value)) {
        throw new InputError(base.input, undefined, `${at} holds what looks like key or certificate text (PEM or base64), not a file path`)
      }
      return { kind, ref: value, input: base.input, where: at }
    }
    const cas = Array.isArray(conf.ca) ? (conf.ca as string[]).map((p, i) => ref('ca', p, ['ca', i])) : []
    const keypairs = Array.isArray(conf.keypair)
      ? (conf.keypair as TomlTable[]).map((kp, i) => ({
          cert: ref('cert', kp.cert as string, ['keypair', i, 'cert']),
          key: ref('key', kp.key as string, ['keypair', i, 'key'])
        }))
      : []
    if (cas.length > 0 || keypairs.length > 0) requests.push({ registry, cas, keypairs })
  }
  return requests
}

/**
 * cleanup: false keeps the builder after the job, and with it every client key it was given:
 * the copy in the builder (its container's /etc/buildkit/certs, or kubernetes ConfigMaps) and
 * buildx's record of the builder, which keeps the files of buildx create --config, the keys
 * with them (~/.docker/buildx/instances/<name>: the node's Files). The remote driver's keys
 * are refused with cleanup: false (remote.ts). Warnings, not errors: a self-hosted runner may
 * want the builder kept, and its owner should know what stays.
 */
export function keptKeyWarnings(inputs: Pick<Inputs, 'cleanup' | 'certRequests' | 'driver' | 'name'>): string[] {
  if (inputs.cleanup) return []
  const keyed = [...new Set(inputs.certRequests.filter(r => r.keypairs.length > 0).map(r => r.registry))]
  if (keyed.length === 0) return []
  const where = inputs.driver === 'kubernetes' ? "in the builder's ConfigMaps" : "in the builder's container (/etc/buildkit/certs)"
  return [
    `input "cleanup": false with client keys (for ${keyed.join(', ')}): the builder stays after the job, and the keys stay with it, ${where} and in ` +
      `buildx's record of the builder (~/.docker/buildx/instances/${inputs.name}, which keeps the files given to buildx create). On a runner ` +
      `that is not thrown away after the job, remove the builder when done (docker buildx rm ${inputs.name}), or keep cleanup: true`
  ]
}
