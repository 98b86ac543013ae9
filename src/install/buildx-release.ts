import { createHash } from 'node:crypto'
import * as path from 'node:path'
import { parseDownloadBase, parseSha256Input } from './downloads.js'
import { InputError } from '../runner/errors.js'
import { parseBool } from '../runner/lines.js'
import { compareVersions } from '../buildkit/versions.js'

// Installing a pinned buildx for the job (inputs `version`, `buildx-url`, `cache-binary`):
// what to fetch, from where, under which cache keys, and whether a buildx is new enough.
// Pure; the I/O is in install.ts.

/**
 * The oldest buildx this action works with. Each thing the action relies on, and the first
 * buildx release that has it (read in docker/buildx's sources at those tags):
 * - `--driver-opt env.NAME=value` for docker-container, which carries the owner mark:
 *   v0.4.0, driver/docker-container/factory.go
 * - `buildx rm --keep-state`: v0.6.0, commands/rm.go
 * - `buildx create --bootstrap`: v0.7.0, commands/create.go
 * - `--config` and `--append` together, the config copied onto the appended node, and the
 *   JSON records under buildx/instances/<name in lower case> whose Nodes carry Name,
 *   Endpoint, DriverOpts and Flags (the owner mark is read back from them): the record's
 *   Node has kept those fields since v0.7.0 (store/nodegroup.go NodeGroup.Update gives a new,
 *   appended node the config's files; store/store.go writes the JSON, store/util.go
 *   ValidateName lower-cases the name); current buildx renames the Go field
 *   BuildkitdFlags but keeps the JSON key "Flags"
 * - `buildkitd.default.toml` in buildx's config directory, applied when create gets no
 *   --config: v0.9.0 (util/confutil/config.go DefaultConfigFile, used by commands/create.go)
 * - and the one that sets the floor: certificate files of [registry."<host>"] copied to
 *   /etc/buildkit/certs/<host with every run of [^a-zA-Z0-9.-] replaced by _>/, which plan/plan.ts
 *   writes into the expected config (config/paths.ts containerCertDir) and verify compares with
 *   what the daemon reads. Before v0.11.0 buildx used the registry name as it is, so a
 *   registry with a port ("registry.local:5000") got certs/registry.local:5000/ and the
 *   read-back could never match: util/confutil/container.go at v0.11.0, docker/buildx commit
 *   1c96fdaf0 "driver(docker-container): fix incorrect path when writing certs".
 */
export const OLDEST_BUILDX = 'v0.11.0'

/** Where buildx's GitHub releases are: <base>/<tag>/<asset>. */
export const DEFAULT_BUILDX_URL = 'https://github.com/docker/buildx/releases/download'
/** `latest` is what GitHub calls the latest release of docker/buildx (never a pre-release). */
export const LATEST_RELEASE_API = 'https://api.github.com/repos/docker/buildx/releases/latest'

export interface InstallRequest {
  /** 'latest' or a release tag, always with its v: v0.29.1, v0.30.0-rc1 */
  version: 'latest' | string
  /** buildx-url: a mirror of the release download layout, no trailing slash */
  baseUrl?: string
  /** cache-binary: keep the binary in the GitHub Actions cache too */
  cacheBinary: boolean
  /** buildx-sha256: the binary's SHA-256, used instead of the release's checksums.txt */
  sha256?: string
}

const RELEASE = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?)$/

/**
 * The inputs `version`, `buildx-url` and `cache-binary`; undefined when `version` is empty
 * (the runner's buildx is used as it is, and the other two are not looked at).
 */
export function parseInstallInputs(get: (name: string) => string): InstallRequest | undefined {
  const version = get('version').trim()
  const url = get('buildx-url').trim()
  const sha256 = parseSha256Input('buildx-sha256', get('buildx-sha256'))
  if (version === '') {
    const set = url !== '' ? 'buildx-url' : sha256 !== undefined ? 'buildx-sha256' : undefined
    if (set) throw new InputError(set, undefined, 'is set but version is not: give version: vX.Y.Z, the buildx release it is for')
    return undefined
  }
  const cacheBinary = parseBool('cache-binary', get('cache-binary'), true)
  if (version.toLowerCase() === 'latest') {
    if (url !== '') {
      throw new InputError(
        'version',
        undefined,
        '"latest" is looked up with GitHub\'s API, which a buildx-url mirror does not have: give the release to download from buildx-url (version: vX.Y.Z)'
      )
    }
    if (sha256 !== undefined) {
      throw new InputError(
        'buildx-sha256',
        undefined,
        'pins one file, and "latest" changes with every release: give the release it is for (version: vX.Y.Z)'
      )
    }
    return { version: 'latest', cacheBinary }
  }
  const m = RELEASE.exec(version)
  if (!m) {
    // setup-buildx-action also takes git contexts (built from source) and lab:/cloud:
    // channels; this action installs released, checksummed binaries only.
    throw new InputError(
      'version',
      undefined,
      `"${version}" is not a buildx release: give a release tag like ${OLDEST_BUILDX} or v0.29.1 (building from a git ref and the lab/cloud channels ` +
        `are not supported), or latest`
    )
  }
  const tag = `v${m[1]}`
  if (compareVersions(tag, OLDEST_BUILDX) < 0) {
    throw new InputError(
      'version',
      undefined,
      `buildx ${tag} is older than ${OLDEST_BUILDX}, the oldest this action works with: give ${OLDEST_BUILDX} or later, or latest`
    )
  }
  const layout = `<version>/buildx-<version>.<os>-<arch> and <version>/checksums.txt`
  return {
    version: tag,
    ...(url === '' ? {} : { baseUrl: parseDownloadBase('buildx-url', url, 'buildx-sha256', sha256 !== undefined, layout) }),
    cacheBinary,
    ...(sha256 === undefined ? {} : { sha256 })
  }
}

/**
 * The version in `docker buildx version` output, with its v: "github.com/docker/buildx
 * v0.29.1 a1b2c3" (commands/version.go prints package, version, revision) → v0.29.1.
 * Distribution builds print their own suffix (Debian: "0.29.1+ds1", Docker Desktop:
 * "v0.13.1-desktop.1"), kept as printed. A source build without a tag prints
 * "v0.0.0+unknown": undefined, as for output with no version at all.
 */
export function parseBuildxVersion(printed: string): string | undefined {
  const token = printed
    .trim()
    .split(/\s+/)
    .find(t => /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(t))
  if (token === undefined) return undefined
  const v = token.startsWith('v') ? token : `v${token}`
  return /^v0\.0\.0(?![\d.])/.test(v) ? undefined : v
}

/**
 * Why the runner's buildx can't serve this action (older than OLDEST_BUILDX, or than the
 * driver's oldestBuildx: kubernetes needs v0.12.0 for its owner mark), with what to
 * do; undefined when it can, or when its version can't be told (a source build).
 */
export function buildxVersionProblem(printed: string, driver?: { name: string; oldestBuildx?: string }): string | undefined {
  const v = parseBuildxVersion(printed)
  const oldest = driver?.oldestBuildx ?? OLDEST_BUILDX
  if (v === undefined || compareVersions(v, oldest) >= 0) return undefined
  const why =
    oldest === OLDEST_BUILDX ? 'the oldest this action works with' : `the oldest this action works with for the ${driver?.name} driver`
  return (
    `buildx is ${v}, older than ${oldest}, ${why}: ` +
    `set the input version (e.g. version: latest, or a release from ${oldest} on) to install one for this job, or upgrade buildx on the runner`
  )
}

/** The version a release tag or printed version stands for: no v, no +build suffix. */
function versionCore(v: string): string {
  return v.replace(/^v/, '').replace(/\+.*$/, '')
}

/**
 * Why the buildx the docker CLI runs is not the one installed (compare `docker buildx
 * version` after installBuildx with the version asked for); undefined when it is.
 */
export function installedVersionProblem(printed: string, wanted: string, pluginPath?: string): string | undefined {
  const got = parseBuildxVersion(printed)
  const firstLine = printed.trim().split(/\r?\n/)[0] ?? ''
  if (got === undefined) {
    return (
      `can't read a version in the output of docker buildx version ("${firstLine}"; expected "github.com/docker/buildx vX.Y.Z <revision>") to ` +
      `check that buildx ${wanted} is the one the docker CLI runs`
    )
  }
  if (versionCore(got) === versionCore(wanted)) return undefined
  return (
    `docker buildx runs buildx ${got}, not ${wanted}${pluginPath ? `, which was installed at ${pluginPath}` : ''}: ` +
    'the docker CLI found another buildx first (a cliPluginsExtraDirs entry in its config.json is searched before the user plugin directory), ' +
    'or the docker CLI uses another DOCKER_CONFIG than this step was given'
  )
}

/** buildx's own names for an OS and architecture (Go's GOOS/GOARCH, arm with its variant). */
export interface GoPlatform {
  os: string
  arch: string
}

// What buildx releases (docker-bake.hcl, target "binaries-cross"). The asset is named
// buildx-<version>.<os>-<arch>[-<variant>][.exe] (Dockerfile, stage "releaser").
const RELEASED = new Set([
  'darwin/amd64',
  'darwin/arm64',
  'freebsd/amd64',
  'freebsd/arm64',
  'linux/amd64',
  'linux/arm-v6',
  'linux/arm-v7',
  'linux/arm64',
  'linux/ppc64le',
  'linux/riscv64',
  'linux/s390x',
  'netbsd/amd64',
  'netbsd/arm64',
  'openbsd/amd64',
  'openbsd/arm64',
  'windows/amd64',
  'windows/arm64'
])

/** Node's platform and arch names (process.platform, process.arch) as buildx names them. */
export function goPlatform(platform: NodeJS.Platform, arch: string): GoPlatform {
  const os = platform === 'win32' ? 'windows' : platform
  // Node's 'arm' is 32-bit ARM; Node 20 and later ship no armv6 build, so it is v7. Node's
  // 'ppc64' on Linux is little-endian (Node has no big-endian Linux build).
  const goArch = (
    { x64: 'amd64', arm64: 'arm64', arm: 'arm-v7', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>
  )[arch]
  if (goArch === undefined || !RELEASED.has(`${os}/${goArch}`)) {
    throw new Error(
      `buildx publishes no binary for this runner (${platform}/${arch}${goArch ? `, buildx's ${os}/${goArch}` : ''}); it has ${[...RELEASED].join(', ')}. ` +
        "Leave version empty to use the runner's own buildx"
    )
  }
  return { os, arch: goArch }
}

/** The release asset: buildx-v0.29.1.linux-amd64, buildx-v0.29.1.windows-amd64.exe. */
export function assetName(version: string, platform: NodeJS.Platform, arch: string): string {
  const p = goPlatform(platform, arch)
  return `buildx-${version}.${p.os}-${p.arch}${p.os === 'windows' ? '.exe' : ''}`
}

/** The binary and the release's checksums.txt, under buildx-url or GitHub's release downloads. */
export function assetUrls(
  req: Pick<InstallRequest, 'baseUrl'>,
  version: string,
  platform: NodeJS.Platform,
  arch: string
): { binary: string; checksums: string } {
  const dir = `${(req.baseUrl ?? DEFAULT_BUILDX_URL).replace(/\/+$/, '')}/${version}`
  return { binary: `${dir}/${assetName(version, platform, arch)}`, checksums: `${dir}/checksums.txt` }
}

/**
 * The SHA-256 (lower case) that checksums.txt gives for an asset: sha256sum lines
 * "<hex>  <name>", or "<hex> *<name>" as buildx writes them (`sha256sum -b`,
 * .github/workflows/build.yml). Since buildx v0.10.0 the darwin lines (hack/hash-files), and
 * since v0.36.0 the windows lines, are deleted from the file (those binaries are signed
 * after it is made): undefined then.
 */
export function checksumFor(checksumsText: string, asset: string): string | undefined {
  for (const line of checksumsText.split(/\r?\n/)) {
    const m = /^\s*([0-9a-fA-F]{64}) [ *](?:\.\/)?(.+?)\s*$/.exec(line)
    if (m && m[2] === asset) return m[1].toLowerCase()
  }
  return undefined
}

/**
 * The user's plugin directory of the docker CLI, $DOCKER_CONFIG/cli-plugins (DOCKER_CONFIG
 * defaults to ~/.docker), which it searches before the system ones
 * (docker/cli cli-plugins/manager/manager.go getPluginDirs): a buildx put there is what every
 * later `docker buildx` of the job runs. docker/setup-buildx-action installs there too.
 */
export function pluginPath(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  const configDir = env.DOCKER_CONFIG || path.join(home, '.docker')
  return path.join(configDir, 'cli-plugins', platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx')
}

/** The tool cache's name for the binary. */
export const TOOL = 'buildx'

/**
 * The tool cache's "arch" for an install: buildx's arch, and for a buildx-url a hash of the
 * binary's URL too, so that a mirror's file is never taken for GitHub's (the tool cache is
 * looked in before anything is downloaded, so before there is a checksum to compare).
 */
export function toolCacheArch(req: Pick<InstallRequest, 'baseUrl'>, version: string, platform: NodeJS.Platform, arch: string): string {
  const goArch = goPlatform(platform, arch).arch
  if (req.baseUrl === undefined) return goArch
  return `${goArch}-${createHash('sha256')
    .update(assetUrls(req, version, platform, arch).binary)
    .digest('hex')
    .slice(0, 12)}`
}

/**
 * The GitHub Actions cache key of a binary: release, platform and the start of its SHA-256
 * from checksums.txt, so a hit is the very file the release lists (and it is checked again).
 */
export function actionsCacheKey(version: string, platform: NodeJS.Platform, arch: string, sha256: string): string {
  const p = goPlatform(platform, arch)
  return `buildx-${version}-${p.os}-${p.arch}-${sha256.slice(0, 16)}`
}

/** The request for the latest release: GitHub's API headers, and the token when there is one. */
export function latestRequestHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': 'buildkit-builder-action'
  }
  if (env.GITHUB_TOKEN) headers.Authorization = `Bearer ${env.GITHUB_TOKEN}`
  return headers
}

/** The release tag in GitHub's answer for the latest release. */
export function latestTag(body: string): string {
  let tag: unknown
  try {
    tag = (JSON.parse(body) as { tag_name?: unknown }).tag_name
  } catch {
    throw new Error(`${LATEST_RELEASE_API} answered with something that is not JSON: give a release (version: vX.Y.Z) instead of latest`)
  }
  if (typeof tag !== 'string' || !/^v\d+\.\d+\.\d+$/.test(tag)) {
    throw new Error(
      `${LATEST_RELEASE_API} gave no release tag like v0.29.1 (tag_name: ${JSON.stringify(tag)}): give a release (version: vX.Y.Z) instead of latest`
    )
  }
  return tag
}
