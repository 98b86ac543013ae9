import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  actionsCacheKey,
  assetName,
  assetUrls,
  checksumFor,
  LATEST_RELEASE_API,
  latestRequestHeaders,
  latestTag,
  pluginPath as pluginPathFor,
  TOOL,
  toolCacheArch,
  type InstallRequest
} from './buildx-release.js'
import { lstatKind, stagingName } from './plugin-file.js'
import { download, fetchText, fileSha256, findInToolCache } from './downloads.js'
import * as log from '../runner/log.js'

// Installs the buildx the user pinned (input `version`) as the docker CLI's plugin for the
// rest of the job, and puts back what was there in post.
//
// Only a binary whose SHA-256 matches the release's checksums.txt (fetched on every install)
// or buildx-sha256 is ever installed: the download is checked before it is cached, a copy
// from either cache is checked against that same sum (never against anything stored with
// it: who can write the cache could write that too), and the copy in the plugin directory is checked once more before it
// takes the plugin's name (one rename, so `docker buildx` never sees half a file).
//
// Where the binary comes from, first hit wins:
// 1. the runner's tool cache (RUNNER_TOOL_CACHE), which only a self-hosted runner keeps
//    between jobs: one request, for checksums.txt (none with buildx-sha256);
// 2. the GitHub Actions cache (cache-binary), which is what survives on hosted runners;
// 3. the release download.
//
// @actions/tool-cache and @actions/cache are loaded only here, and only when a run downloads
// buildx or looks in the Actions cache: most runs don't, and both are large (a copy found in
// the tool cache is looked up without the package: downloads.ts findInToolCache).

export interface Installed {
  /** The release installed, e.g. v0.29.1 (`latest` resolved) */
  version: string
  /** Where the plugin was put: $DOCKER_CONFIG/cli-plugins/docker-buildx */
  pluginPath: string
  /** The plugin that was there before, moved aside under runDir; restorePlugin puts it back */
  backupPath?: string
  source: 'tool-cache' | 'actions-cache' | 'download'
  /** SHA-256 of the installed binary, as checksums.txt (or buildx-sha256) gives it */
  sha256: string
  /** The binary's release URL (where it came from, or would have) */
  url: string
}

export interface Host {
  /** DOCKER_CONFIG and GITHUB_TOKEN are read here. (@actions/tool-cache reads RUNNER_TOOL_CACHE
   * and RUNNER_TEMP from process.env itself, so those are looked at there.) */
  env: NodeJS.ProcessEnv
  home: string
  /** This run's directory: downloads and the backup of a previous plugin go there */
  runDir: string
  platform: NodeJS.Platform
  arch: string
}

type ToolCache = typeof import('@actions/tool-cache')
type ActionsCache = typeof import('@actions/cache')

/**
 * Installs the buildx asked for as the docker CLI's user plugin. Throws (and installs nothing,
 * leaving a plugin that was there as it was) when the binary can't be had or checked. The
 * caller keeps what it returns for post (restorePlugin) as soon as it returns.
 */
export async function installBuildx(req: InstallRequest, host: Host): Promise<Installed> {
  const version = req.version === 'latest' ? await latestVersion(req, host.env) : req.version
  const urls = assetUrls(req, version, host.platform, host.arch)
  const asset = assetName(version, host.platform, host.arch)
  const target = pluginPathFor(host.env, host.home, host.platform)
  const name = path.basename(target)
  const toolArch = toolCacheArch(req, version, host.platform, host.arch)
  const work = path.join(host.runDir, 'buildx-install')
  fs.mkdirSync(work, { recursive: true, mode: 0o700 })
  let cache: ActionsCache | undefined
  try {
    // The sum every copy is checked against, from either cache too: what buildx-sha256 pins,
    // or what the release publishes now. Nothing written beside a cached file is trusted.
    const expected = req.sha256 ?? (await expectedSha256(urls.checksums, asset))
    const sumSource = req.sha256 !== undefined ? 'buildx-sha256' : urls.checksums
    const cached = await fromToolCache(version, toolArch, name, urls.binary, expected, sumSource)
    if (cached) return await install(cached, expected, 'tool-cache', version, urls.binary, target, host.runDir)

    const tc: ToolCache = await import('@actions/tool-cache')
    cache = req.cacheBinary ? await actionsCache() : undefined
    const key = actionsCacheKey(version, host.platform, host.arch, expected)
    const restored = cache ? await fromActionsCache(cache, key, name, expected) : undefined
    let file: string
    if (restored) {
      file = restored
    } else {
      log.info(`downloading ${urls.binary}`)
      file = await download(tc, urls.binary, path.join(work, asset), `the buildx binary from ${urls.binary}`, releaseHint)
      const actual = await fileSha256(file)
      if (actual !== expected) {
        throw new Error(
          `checksum mismatch for ${urls.binary}: the file has SHA-256 ${actual}, ${sumSource} says ${expected}. ` +
            "Nothing was installed. Retry; with buildx-url, check that the mirror serves the release's files unchanged"
        )
      }
      log.info(`SHA-256 ${actual} matches ${sumSource}`)
    }
    await toToolCache(tc, file, name, version, toolArch)
    if (cache && !restored) await toActionsCache(cache, key, name, file)
    return await install(file, expected, restored ? 'actions-cache' : 'download', version, urls.binary, target, host.runDir)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
    if (cache) fs.rmSync(actionsCacheDir(), { recursive: true, force: true })
  }
}

/** `latest`: the tag of docker/buildx's latest GitHub release. */
async function latestVersion(req: InstallRequest, env: NodeJS.ProcessEnv): Promise<string> {
  if (req.baseUrl !== undefined)
    throw new Error('version "latest" is looked up on GitHub, not on buildx-url: give a release (version: vX.Y.Z)')
  let res: Response
  try {
    res = await fetch(LATEST_RELEASE_API, { headers: latestRequestHeaders(env), signal: AbortSignal.timeout(30_000) })
  } catch (err) {
    throw new Error(
      `could not ask ${LATEST_RELEASE_API} for the latest buildx: ${(err as Error).message}. Give a release (version: vX.Y.Z) instead of latest`,
      {
        cause: err
      }
    )
  }
  const body = await res.text()
  if (!res.ok) {
    const limited = res.status === 429 || (res.status === 403 && res.headers.get('x-ratelimit-remaining') === '0')
    throw new Error(
      `${LATEST_RELEASE_API} answered HTTP ${res.status}` +
        (limited
          ? `: GitHub's API rate limit is used ` +
            `up${env.GITHUB_TOKEN ? '' : " (60 requests an hour per address without a token: set GITHUB_TOKEN: ${{ github.token }} in the step's env)"}`
          : '') +
        '. Give a release (version: vX.Y.Z) instead of latest'
    )
  }
  const tag = latestTag(body)
  log.info(`latest buildx release: ${tag}`)
  return tag
}

/**
 * The copy in the tool cache, when there is one and it has the SHA-256 `expected` (from
 * buildx-sha256 or the release's checksums.txt, never from the cache itself). undefined when
 * there is none (or the entry is incomplete): downloaded then. A copy that differs is an
 * error: someone with write access to the runner's tool cache changed it, or it was cached
 * from another file; it is not run, and not silently replaced either.
 */
async function fromToolCache(
  version: string,
  toolArch: string,
  name: string,
  url: string,
  expected: string,
  sumSource: string
): Promise<string | undefined> {
  // @actions/tool-cache asserts RUNNER_TOOL_CACHE; without it (a local run) there is no cache.
  const cacheRoot = process.env.RUNNER_TOOL_CACHE
  if (!cacheRoot) return undefined
  const dir = await findInToolCache(cacheRoot, TOOL, version, toolArch)
  if (!dir) return undefined
  const file = path.join(dir, name)
  if (!fs.existsSync(file)) {
    log.info(`the tool cache entry ${dir} is incomplete: downloading ${url} again`)
    return undefined
  }
  const actual = await fileSha256(file)
  if (actual !== expected) {
    throw new Error(
      `the tool cache holds a buildx ${version} that is not the release's: ${file} has SHA-256 ${actual}, ${sumSource} says ${expected}. ` +
        `Nothing was installed or run. Remove the entry (${dir} and ${dir}.complete) from the runner's tool cache, ` +
        'and find out who wrote it: anyone who can write there can change what later jobs run'
    )
  }
  log.info(`buildx ${version} from ${url} found in the tool cache (${dir}), SHA-256 ${actual} matches ${sumSource}`)
  return file
}

/** Keeps a checked binary in the tool cache; a failure only costs the next run a download. */
async function toToolCache(tc: ToolCache, file: string, name: string, version: string, toolArch: string): Promise<void> {
  if (!process.env.RUNNER_TOOL_CACHE) return
  try {
    const dir = await tc.cacheFile(file, name, TOOL, version, toolArch)
    log.info(`cached in ${dir}`)
  } catch (err) {
    log.warning(`could not keep buildx ${version} in the tool cache: ${(err as Error).message}`)
  }
}

/** @actions/cache when the runner has a cache service; undefined otherwise (e.g. GHES without one, a local run). */
async function actionsCache(): Promise<ActionsCache | undefined> {
  const cache: ActionsCache = await import('@actions/cache')
  if (cache.isFeatureAvailable()) return cache
  log.info('no GitHub Actions cache service on this runner: cache-binary does nothing here')
  return undefined
}

/**
 * The directory the Actions cache entry is made from and restored to. The cache binds an
 * entry to the exact paths it was saved from, so this must be the same in every run: not the
 * run's own directory (mkdtemp), but a fixed one in RUNNER_TEMP, removed when the install is done.
 */
function actionsCacheDir(): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'buildkit-buildx-binary')
}

async function fromActionsCache(cache: ActionsCache, key: string, name: string, expected: string): Promise<string | undefined> {
  const dir = actionsCacheDir()
  fs.rmSync(dir, { recursive: true, force: true })
  let hit: string | undefined
  try {
    hit = await cache.restoreCache([dir], key)
  } catch (err) {
    log.warning(`could not restore ${key} from the GitHub Actions cache: ${(err as Error).message}. Downloading instead`)
    return undefined
  }
  if (hit === undefined) {
    // A miss, or a failure the cache client has already reported: either way, download.
    log.info(`${key} was not restored from the GitHub Actions cache: downloading`)
    return undefined
  }
  const file = path.join(dir, name)
  const actual = fs.existsSync(file) ? await fileSha256(file) : '(no file)'
  if (actual !== expected) {
    log.warning(
      `the GitHub Actions cache entry ${hit} holds a buildx with SHA-256 ${actual}, not ${expected}: not using it, downloading instead`
    )
    return undefined
  }
  log.info(`buildx restored from the GitHub Actions cache (${hit}), SHA-256 ${actual}`)
  return file
}

async function toActionsCache(cache: ActionsCache, key: string, name: string, file: string): Promise<void> {
  const dir = actionsCacheDir()
  try {
    fs.rmSync(dir, { recursive: true, force: true })
    fs.mkdirSync(dir, { recursive: true })
    fs.copyFileSync(file, path.join(dir, name))
    // -1: not saved; the cache client has said why (a warning, or that another job is saving
    // the same key, which is no failure).
    if ((await cache.saveCache([dir], key)) === -1)
      log.info(`buildx was not saved to the GitHub Actions cache as ${key}: the next run downloads it again`)
    else log.info(`saved to the GitHub Actions cache as ${key}`)
  } catch (err) {
    log.warning(`could not save buildx to the GitHub Actions cache as ${key}: ${(err as Error).message}. The next run downloads it again`)
  }
}

/** The SHA-256 checksums.txt gives for the asset, fetched now (on every install, cache hit or not). */
async function expectedSha256(url: string, asset: string): Promise<string> {
  const text = await fetchText(url, `the release's checksums from ${url}`, releaseHint)
  const sum = checksumFor(text, asset)
  if (sum === undefined) {
    throw new Error(
      `${url} lists no SHA-256 for ${asset}, so it can't be checked and is not installed. ` +
        '(buildx lists no darwin binaries, nor windows ones from v0.36.0 on: they are signed after the list is made.) ' +
        "Use a release and platform it lists, or leave version empty to use the runner's buildx"
    )
  }
  return sum
}

/**
 * Copies the checked binary into the plugin directory under a temporary name, checks the
 * copy, moves a plugin already there aside (into runDir, for post), and renames the copy to
 * the plugin's name.
 */
async function install(
  file: string,
  sha256: string,
  source: Installed['source'],
  version: string,
  url: string,
  target: string,
  runDir: string
): Promise<Installed> {
  const dir = path.dirname(target)
  fs.mkdirSync(dir, { recursive: true })
  const staged = stagingName(target)
  try {
    fs.copyFileSync(file, staged)
    fs.chmodSync(staged, 0o755)
    const actual = await fileSha256(staged)
    if (actual !== sha256) throw new Error(`the copy of buildx at ${staged} has SHA-256 ${actual}, not ${sha256}: nothing was installed`)
    const backupPath = backUp(target, runDir)
    fs.renameSync(staged, target)
    log.info(
      `installed buildx ${version} at ${target} (from the ` +
        `${source === 'download' ? 'download' : source === 'tool-cache' ? 'tool cache' : 'GitHub Actions cache'})`
    )
    if (backupPath) log.info(`the buildx plugin that was there is kept at ${backupPath} and put back in post`)
    return { version, pluginPath: target, ...(backupPath ? { backupPath } : {}), source, sha256, url }
  } finally {
    fs.rmSync(staged, { force: true })
  }
}

/**
 * Keeps a copy of what is at the plugin's path (a file, or a link as a link) under runDir, or
 * undefined when nothing is. Copied, not moved: the plugin stays in place until the new one
 * replaces it, and runDir may be on another file system.
 */
function backUp(target: string, runDir: string): string | undefined {
  const kind = lstatKind(target)
  if (kind === undefined) return undefined
  if (kind === 'other') throw new Error(`${target} is not a file: move it away, or leave version empty to use the runner's buildx`)
  const dir = path.join(runDir, 'buildx-plugin-backup')
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const backup = path.join(dir, path.basename(target))
  fs.rmSync(backup, { force: true })
  if (kind === 'link') fs.symlinkSync(fs.readlinkSync(target), backup)
  else fs.copyFileSync(target, backup) // keeps the mode
  return backup
}

/** What to check when a release asset can't be downloaded. */
function releaseHint(status?: number): string {
  return status === 404
    ? 'Check that version names a buildx release that has this platform, and that buildx-url (if set) mirrors the release layout'
    : "Retry, or check the runner's network"
}

export { restorePlugin } from './plugin-file.js'
