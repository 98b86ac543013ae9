import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from './errors.js'
import { parseBool } from './lines.js'
import type { Addition } from './buildx.js'

// CNI networking: inputs, and everything about the CNI-enabled image that can be decided
// without I/O (URLs, checksum parsing, Dockerfile, tag). Running the downloads and the
// build is cni-image.ts.
//
// BuildKit's `cni` network mode needs the plugins in /opt/cni/bin and a network config in
// /etc/buildkit/cni.json (the defaults of --oci-cni-binary-dir and --oci-cni-config-path);
// stock moby/buildkit images ship neither. At start the daemon stats both and sets up one
// namespace (loopback plus the configured plugins), so a missing plugin fails the start
// (https://github.com/moby/buildkit/blob/master/util/network/cniprovider/cni.go).

export const DEFAULT_BUILDKIT_IMAGE = 'moby/buildkit:buildx-stable-1'
/** containernetworking/plugins release used unless cni-plugins-version says otherwise. */
export const DEFAULT_PLUGINS_VERSION = 'v1.9.1'
export const DEFAULT_PLUGINS_URL = 'https://github.com/containernetworking/plugins/releases/download'
export const IMAGE_REPOSITORY = 'localhost/buildkit-builder-cni'
export const CNI_NET_FLAG = '--oci-worker-net=cni'

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
}

/** Either an image that already has CNI, or what to build one from. */
export type CniInputs = { image: string } | { build: CniBuild }

type Getter = (name: string) => string

export interface Platform {
  platform: string
  arch: string
  endianness: 'BE' | 'LE'
}

const BUILD_INPUTS = ['buildkit-image', 'cni-plugins-version', 'cni-plugins-url', 'cni-config'] as const

export function parseCniInputs(get: Getter, host: Platform): CniInputs | undefined {
  const image = get('cni-image').trim()
  const cniRaw = get('cni').trim()
  if (image !== '' && cniRaw.toLowerCase() === 'false') {
    throw new InputError('cni', undefined, 'is false, but cni-image is set; cni-image implies cni: true (drop one of them)')
  }
  const enabled = image !== '' || parseBool('cni', cniRaw, false)
  const given = BUILD_INPUTS.filter(n => get(n).trim() !== '')
  if (!enabled) {
    if (given.length > 0) {
      throw new InputError(given[0], undefined, 'is set, but CNI is off; set cni: true (or remove it)')
    }
    return undefined
  }
  if (image !== '') {
    if (/\s/.test(image)) throw new InputError('cni-image', undefined, `"${image}" is not an image reference`)
    if (given.length > 0) {
      throw new InputError(given[0], undefined, 'applies only when the action builds the CNI image; with cni-image the image is used as it is')
    }
    return { image }
  }
  const version = get('cni-plugins-version').trim() || DEFAULT_PLUGINS_VERSION
  if (!/^v\d+\.\d+\.\d+$/.test(version)) {
    throw new InputError('cni-plugins-version', undefined, `"${version}" is not a release tag like ${DEFAULT_PLUGINS_VERSION}`)
  }
  const url = (get('cni-plugins-url').trim() || DEFAULT_PLUGINS_URL).replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s/]+/.test(url)) {
    throw new InputError('cni-plugins-url', undefined, `"${url}" is not an http(s) URL`)
  }
  const configPath = get('cni-config').trim()
  return {
    build: {
      baseImage: get('buildkit-image').trim() || DEFAULT_BUILDKIT_IMAGE,
      pluginsVersion: version,
      pluginsUrl: url,
      config: configPath === '' ? parseCniConfig(DEFAULT_CNI_CONFIG, 'the default bridge config') : readCniConfig(configPath),
      arch: pluginArch(host)
    }
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
  let text: string
  try {
    text = fs.readFileSync(path.resolve(file), 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new InputError('cni-config', undefined, `file "${file}" ${code === 'ENOENT' ? 'does not exist' : `can't be read (${code})`}`)
  }
  return parseCniConfig(text, file)
}

/** Checks a CNI network config (or config list) and lists the plugin types it needs. */
export function parseCniConfig(text: string, source: string): CniConfig {
  const fail = (what: string): never => {
    throw new InputError('cni-config', undefined, `${source} ${what}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    return fail(`is not valid JSON: ${(err as Error).message}`)
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
    if (typeof plugin.type !== 'string' || !/^[\w.-]+$/.test(plugin.type)) fail(`${where} names no plugin "type"`)
    types.add(plugin.type as string)
    const ipam = plugin.ipam as Record<string, unknown> | undefined
    if (ipam && typeof ipam === 'object' && typeof ipam.type === 'string') types.add(ipam.type)
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

/** Where the config goes in the image, and the daemon flags that make it take it. */
export function configPlacement(config: CniConfig): { file: string; flags: string[] } {
  // BuildKit loads a single network config unless the path ends in .conflist.
  return config.list
    ? { file: '/etc/buildkit/cni.conflist', flags: ['--oci-cni-config-path=/etc/buildkit/cni.conflist'] }
    : { file: '/etc/buildkit/cni.json', flags: [] }
}

/** No RUN step: current BuildKit images already contain iptables, which the bridge plugin needs. */
export function dockerfile(build: CniBuild): string {
  const { file } = configPlacement(build.config)
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
 * plugins version and architecture, and the config. The same inputs give the same tag, so
 * a present image is reused instead of built again.
 */
export function imageTag(baseImageId: string, build: CniBuild): string {
  const h = createHash('sha256')
    .update([baseImageId, build.pluginsVersion, build.arch, build.config.text, dockerfile(build)].join('\0'))
    .digest('hex')
    .slice(0, 16)
  return `${IMAGE_REPOSITORY}:${build.pluginsVersion}-${h}`
}

/** The daemon flags CNI needs: the network mode, and where a built image keeps a config list. */
export function cniFlags(cni: CniInputs): string[] {
  return [CNI_NET_FLAG, ...('build' in cni ? configPlacement(cni.build.config).flags : [])]
}

/** What a CNI image adds to the builder: the image, the flags, and the network to expect. */
export function cniAddition(image: string, cni: CniInputs, description: string): Addition {
  return {
    driverOpts: [`image=${image}`],
    buildkitdFlags: cniFlags(cni),
    network: 'cni',
    description
  }
}
