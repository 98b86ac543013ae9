import { createHash } from 'node:crypto'
import * as path from 'node:path'
import { parseDownloadBase, parseSha256Input } from '../install/downloads.js'
import { InputError } from '../runner/errors.js'
import { parseBool } from '../runner/lines.js'
import { imageRefProblem } from '../docker/refs.js'
import { jsonErrorAt, readInputFile } from '../runner/input-files.js'
import { DEFAULT_BUILDKIT_IMAGE, type Addition } from '../docker/buildx.js'
import type { TomlTable } from '../config/toml.js'

// CNI networking: inputs, and everything about the CNI-enabled image that can be decided
// without I/O (URLs, checksum parsing, Dockerfile, tag). Running the downloads and the
// build is image.ts.
//
// BuildKit's `cni` network mode needs the plugins in /opt/cni/bin and a network config in
// /etc/buildkit/cni.json (the defaults of [worker.oci] cniBinaryPath and cniConfigPath);
// stock moby/buildkit images ship neither. At start the daemon stats both and sets up one
// namespace (loopback plus the configured plugins), so a missing plugin fails the start
// (https://github.com/moby/buildkit/blob/master/util/network/cniprovider/cni.go).
// Its `bridge` mode (BuildKit v0.13 and later) needs nothing of the image but the
// buildkit-cni-* plugins stock images ship, and reports its worker network as `cni`
// (util/network/netproviders/network.go, Providers).
//
// Every network setting goes into the config file's [worker.oci] section, never into daemon
// flags: the read-back then verifies them like every other key, and the flag
// --oci-cni-config-path does not work (BuildKit v0.29 to v0.32 read its value from a
// misspelt name, "oci-cni-worker-path", in cmd/buildkitd/main_oci_worker.go, so the path
// becomes empty and the daemon exits).

/** buildx's default image, the base of the CNI image unless buildkit-image says otherwise. */
export { DEFAULT_BUILDKIT_IMAGE }
/** containernetworking/plugins release used unless cni-plugins-version says otherwise. */
export const DEFAULT_PLUGINS_VERSION = 'v1.9.1'
export const DEFAULT_PLUGINS_URL = 'https://github.com/containernetworking/plugins/releases/download'
export const IMAGE_REPOSITORY = 'localhost/buildkit-builder-cni'
/** The first BuildKit release with the bridge network mode. */
export const BRIDGE_SINCE = 'v0.13.0'
/** BuildKit's own default subnet for bridge mode (cniprovider.NewBridge). */
export const DEFAULT_BRIDGE_SUBNET = '10.10.0.0/16'
/** Daemon flags that would override the network settings the action writes into the config. */
export const NETWORK_FLAGS = ['--oci-worker-net', '--oci-cni-config-path', '--oci-cni-binary-dir'] as const

/**
 * A bridge network like BuildKit's own (hack/fixtures/cni.json): bridge buildkit0,
 * host-local IPAM on 10.10.0.0/16, masquerading out of the builder.
 */
export const DEFAULT_CNI_CONFIG = `${JSON.stringify(
  {
    cniVersion: '0.4.0',
    name: 'buildkit',
    type: 'bridge',
    bridge: 'buildkit0',
    isDefaultGateway: true,
    ipMasq: true,
    hairpinMode: true,
    ipam: { type: 'host-local', subnet: '10.10.0.0/16' }
  },
  null,
  2
)}\n`

export interface CniConfig {
  text: string
  /** Where it came from, for messages: a path or "the default bridge config" */
  source: string
  /** Plugin types it names (plugins and IPAM), plus loopback, which BuildKit always adds */
  types: string[]
  /** A .conflist (a "plugins" list) rather than a single network config */
  list: boolean
}

export interface CniBuild {
  baseImage: string
  pluginsVersion: string
  pluginsUrl: string
  config: CniConfig
  /** containernetworking/plugins name of the runner's architecture */
  arch: string
  /** cni-plugins-sha256: the archive's SHA-256, used instead of the published .sha256 */
  sha256?: string
}

/**
 * An image that already has CNI, what to build one from, or BuildKit's own bridge mode
 * (`cni: bridge`), with the subnet when one was given.
 */
export type CniInputs = { image: string } | { build: CniBuild } | { bridge: { subnet?: string } }

type Getter = (name: string) => string

export interface Platform {
  platform: string
  arch: string
  endianness: 'BE' | 'LE'
}

const BUILD_INPUTS = ['buildkit-image', 'cni-plugins-version', 'cni-plugins-url', 'cni-plugins-sha256', 'cni-config'] as const

/**
 * The CNI inputs: an image, what to build one from, or bridge mode; undefined when CNI is off.
 * Throws an InputError naming the first input that is wrong.
 */
export function parseCniInputs(get: Getter, host: Platform): CniInputs | undefined {
  const image = get('cni-image').trim()
  const cniRaw = get('cni').trim()
  const subnet = get('cni-subnet').trim()
  checkImageRefs(image, get('buildkit-image').trim())
  if (image !== '' && cniRaw.toLowerCase() === 'false') {
    throw new InputError('cni', undefined, 'is false, but cni-image is set; cni-image implies cni: true (drop one of them)')
  }
  const given = BUILD_INPUTS.filter(n => get(n).trim() !== '')
  if (cniRaw.toLowerCase() === 'bridge') return bridgeInputs(image, given, subnet)
  checkNotBridge(cniRaw, subnet)
  const enabled = image !== '' || parseBool('cni', cniRaw, false)
  if (!enabled) {
    if (given.length > 0) {
      throw new InputError(given[0], undefined, 'is set, but CNI is off; set cni: true (or remove it)')
    }
    return undefined
  }
  if (image !== '') return imageInputs(image, given)
  return { build: buildInputs(get, host) }
}

/** Throws an InputError for cni-image or buildkit-image when it is set and no image reference. */
function checkImageRefs(image: string, buildkitImage: string): void {
  // Checked first: every later message may name the image, and these values reach a
  // Dockerfile, a --driver-opt (CSV) and docker pull's arguments.
  for (const [name, value] of [
    ['cni-image', image],
    ['buildkit-image', buildkitImage]
  ] as const) {
    const problem = value === '' ? undefined : imageRefProblem(value)
    if (problem) throw new InputError(name, undefined, problem)
  }
}

/** cni: bridge, with its subnet when one is given; throws an InputError for an input of cni: true or a bad subnet. */
function bridgeInputs(image: string, given: readonly string[], subnet: string): CniInputs {
  const other = image !== '' ? 'cni-image' : given[0]
  if (other) {
    throw new InputError(
      other,
      undefined,
      "belongs to cni: true (a CNI image with plugins and config of its own); cni: bridge uses the stock image's plugins"
    )
  }
  if (subnet !== '') {
    const problem = subnetProblem(subnet)
    if (problem) throw new InputError('cni-subnet', undefined, problem)
  }
  return { bridge: subnet !== '' ? { subnet } : {} }
}

/** Throws an InputError when cni is not bridge but cni-subnet is set, or when cni is none of false, true, bridge. */
function checkNotBridge(cniRaw: string, subnet: string): void {
  if (subnet !== '') {
    throw new InputError(
      'cni-subnet',
      undefined,
      'applies to cni: bridge only; with cni: true the subnet is in the CNI config (cni-config)'
    )
  }
  if (!/^(true|false|)$/i.test(cniRaw)) {
    throw new InputError('cni', undefined, `"${cniRaw}" is not one of false, true, bridge`)
  }
}

/** The ready image of cni-image; throws an InputError for an input that only building one takes. */
function imageInputs(image: string, given: readonly string[]): CniInputs {
  if (given.length > 0) {
    throw new InputError(
      given[0],
      undefined,
      'applies only when the action builds the CNI image; with cni-image the image is used as it is'
    )
  }
  return { image }
}

/** What to build the CNI image from (cni: true): base image, plugins release and where from, config, architecture. */
function buildInputs(get: Getter, host: Platform): CniBuild {
  const version = get('cni-plugins-version').trim() || DEFAULT_PLUGINS_VERSION
  if (!/^v\d+\.\d+\.\d+$/.test(version)) {
    throw new InputError('cni-plugins-version', undefined, `"${version}" is not a release tag like ${DEFAULT_PLUGINS_VERSION}`)
  }
  const sha256 = parseSha256Input('cni-plugins-sha256', get('cni-plugins-sha256'))
  const layout = '<version>/cni-plugins-linux-<arch>-<version>.tgz and its .sha256'
  const url = parseDownloadBase(
    'cni-plugins-url',
    get('cni-plugins-url').trim() || DEFAULT_PLUGINS_URL,
    'cni-plugins-sha256',
    !!sha256,
    layout
  )
  const configPath = get('cni-config').trim()
  return {
    baseImage: get('buildkit-image').trim() || DEFAULT_BUILDKIT_IMAGE,
    pluginsVersion: version,
    pluginsUrl: url,
    config: configPath === '' ? parseCniConfig(DEFAULT_CNI_CONFIG, 'the default bridge config') : readCniConfig(configPath),
    arch: pluginArch(host),
    ...(sha256 === undefined ? {} : { sha256 })
  }
}

// Architectures containernetworking/plugins publishes Linux archives for, by Node's name.
const ARCHES: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips: 'mips',
  mipsel: 'mipsle'
}

export function pluginArch(host: Platform): string {
  if (host.platform !== 'linux') {
    throw new InputError('cni', undefined, `CNI plugins are released for Linux only; this runner is ${host.platform}`)
  }
  const arch = host.arch === 'ppc64' && host.endianness === 'LE' ? 'ppc64le' : ARCHES[host.arch]
  if (!arch) {
    throw new InputError(
      'cni',
      undefined,
      `containernetworking/plugins publishes no archive for this runner's architecture (${host.arch}); give a ready image as cni-image`
    )
  }
  return arch
}

export function readCniConfig(file: string): CniConfig {
  return parseCniConfig(readInputFile('cni-config', undefined, file), file)
}

/** A plugin type is the name of a file in the plugins directory: no path, not . or .. */
const isPluginName = (v: unknown): v is string => typeof v === 'string' && /^[\w.-]+$/.test(v) && !/^\.+$/.test(v)

/** Checks a CNI network config (or config list) and lists the plugin types it needs. */
export function parseCniConfig(text: string, source: string): CniConfig {
  const fail = (what: string): never => {
    throw new InputError('cni-config', undefined, `${source} ${what}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    // Not the parser's message: it quotes the file's start, which may be a secret named by mistake.
    return fail(`is not valid JSON (${jsonErrorAt(err, text)})`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('is not a JSON object')
  const conf = data as Record<string, unknown>
  const list = Array.isArray(conf.plugins)
  const plugins = list ? (conf.plugins as unknown[]) : [conf]
  const types = new Set<string>()
  plugins.forEach((p, i) => {
    const where = list ? `plugins[${i}]` : 'the config'
    if (typeof p !== 'object' || p === null) fail(`${where} is not an object`)
    const plugin = p as Record<string, unknown>
    if (!isPluginName(plugin.type)) fail(`${where} names no plugin "type"`)
    types.add(plugin.type as string)
    const ipam = plugin.ipam as Record<string, unknown> | undefined
    if (ipam && typeof ipam === 'object' && typeof ipam.type === 'string') {
      if (!isPluginName(ipam.type)) fail(`${where}.ipam names no plugin "type" (${JSON.stringify(ipam.type)} is not a file name)`)
      types.add(ipam.type)
    }
  })
  if (types.size === 0) fail('names no plugin type')
  types.add('loopback')
  return { text, source, types: [...types].sort(), list }
}

export interface PluginsUrls {
  archive: string
  checksum: string
  fileName: string
}

/**
 * The tool-cache key of a plugins archive: the architecture and where the archive comes from
 * (a hash of its URL), so archives of one version name from different mirrors don't share an
 * entry. The entry holds the archive itself, checked against the published sum on every read.
 */
export function cacheArch(arch: string, archiveUrl: string): string {
  return `${arch}-${createHash('sha256').update(archiveUrl).digest('hex').slice(0, 12)}`
}

/** `<base>/<version>/cni-plugins-linux-<arch>-<version>.tgz`, and its `.sha256` beside it. */
export function pluginsUrls(base: string, version: string, arch: string): PluginsUrls {
  const fileName = `cni-plugins-linux-${arch}-${version}.tgz`
  const archive = `${base.replace(/\/+$/, '')}/${version}/${fileName}`
  return { archive, checksum: `${archive}.sha256`, fileName }
}

/** The hash in a `.sha256` file: `<hex>  <file name>` (or the hex alone). */
export function parseChecksum(text: string, url: string): string {
  const m = /^\s*([0-9a-fA-F]{64})(\s|$)/.exec(text)
  if (!m) throw new Error(`${url} holds no SHA-256 sum (expected "<64 hex digits>  <file name>")`)
  return m[1].toLowerCase()
}

/** Where the network config goes in the image: BuildKit loads a config list only from a path ending in .conflist. */
export function configFile(config: CniConfig): string {
  return config.list ? '/etc/buildkit/cni.conflist' : '/etc/buildkit/cni.json'
}

/** Why `value` is not an IPv4 subnet (a.b.c.d/n), or undefined. */
export function subnetProblem(value: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value)
  if (!m || m.slice(1, 5).some(o => Number(o) > 255) || Number(m[5]) > 32) {
    return `"${value}" is not an IPv4 subnet like ${DEFAULT_BRIDGE_SUBNET}`
  }
  const bits = Number(m[5])
  const addr = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0)
  if (bits < 8 || bits > 30) return `"${value}" is a /${bits}; give a subnet from /8 to /30 (build steps each take an address of it)`
  if (addr % 2 ** (32 - bits) !== 0) return `"${value}" has host bits set; the subnet is ${network(addr, bits)}`
  return undefined
}

function network(addr: number, bits: number): string {
  const n = addr - (addr % 2 ** (32 - bits))
  return `${[24, 16, 8, 0].map(s => Math.floor(n / 2 ** s) % 256).join('.')}/${bits}`
}

/** No RUN step: current BuildKit images already contain iptables, which the bridge plugin needs. */
export function dockerfile(build: CniBuild): string {
  const file = configFile(build.config)
  return [
    `FROM ${build.baseImage}`,
    'COPY plugins/ /opt/cni/bin/',
    `COPY ${path.basename(file)} ${file}`,
    `LABEL org.opencontainers.image.base.name="${build.baseImage}" \\`,
    `      io.github.buildkit-builder-action.cni-plugins="${build.pluginsVersion}"`,
    ''
  ].join('\n')
}

/**
 * The image's tag, from everything that decides its content: the base image's ID, the
 * plugins archive's SHA-256 (two archives of one version name from different
 * cni-plugins-url must not share a tag), and the config. The same inputs give the same
 * tag, so a present image is reused instead of built again.
 */
export function imageTag(baseImageId: string, archiveSha256: string, build: CniBuild): string {
  const h = createHash('sha256')
    .update([baseImageId, archiveSha256, build.arch, build.config.text, dockerfile(build)].join('\0'))
    .digest('hex')
    .slice(0, 16)
  return `${IMAGE_REPOSITORY}:${build.pluginsVersion}-${h}`
}

/** What [worker.oci] must say for the network asked for: the one place for network settings. */
export function networkSettings(cni: CniInputs): TomlTable {
  if ('bridge' in cni) return { networkMode: 'bridge', ...(cni.bridge.subnet ? { bridgeSubnet: cni.bridge.subnet } : {}) }
  if ('image' in cni) return { networkMode: 'cni' }
  return { networkMode: 'cni', cniConfigPath: configFile(cni.build.config), cniBinaryPath: '/opt/cni/bin' }
}

/** The network mode as the user asked for it, for the log and the summary. */
export function networkAsked(cni: CniInputs): string {
  return 'bridge' in cni ? 'bridge (cni: bridge)' : 'image' in cni ? 'cni (cni-image)' : 'cni (cni: true)'
}

/**
 * What CNI adds to the builder: the image (none for bridge: the user's or buildx's default),
 * and the network the daemon must report. The network settings themselves go into the
 * config (networkSettings, through the plan).
 */
export function cniAddition(image: string | undefined, description: string): Addition {
  return { driverOpts: image !== undefined ? [`image=${image}`] : [], network: 'cni', description }
}
