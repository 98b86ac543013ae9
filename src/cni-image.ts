import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Addition } from './buildx.js'
import {
  BRIDGE_SINCE,
  cacheArch,
  cniAddition,
  configFile,
  DEFAULT_BUILDKIT_IMAGE,
  dockerfile,
  IMAGE_REPOSITORY,
  imageTag,
  parseChecksum,
  pluginsUrls,
  type CniBuild,
  type CniInputs
} from './cni.js'
import * as docker from './docker.js'
import { driverOptValue } from './driver-opts.js'
import { download, fileSha256, findCached, findInToolCache, readIfExists } from './downloads.js'
import * as log from './log.js'
import { testPause } from './test-pause.js'
import { compareVersions, parseBuildkitdVersion } from './versions.js'

const CHECK_INPUTS = (): string => 'Check cni-plugins-version and cni-plugins-url'

// Makes the builder's CNI networking possible before it is created: the user's image
// (cni-image), BuildKit's own bridge mode (cni: bridge: the daemon's version is checked), or
// an image built here from the base image, the containernetworking plugins (downloaded
// once, checked, kept in the tool cache) and the network config.
//
// Runs at once on one runner share the tool cache and the engine's images, so: the cache
// entry is written and read under a lock; the image is built from this run's own verified
// copy of the plugins, under a temporary tag, checked (every plugin the config needs is in
// the image), and only then tagged; an image found under the tag is checked the same way
// before it is reused. Nothing partial is left under the final tag or in the cache.

const TOOL = 'cni-plugins'
const PLUGINS_IN_IMAGE = '/opt/cni/bin'

export async function prepareCni(cni: CniInputs, runDir: string, driverOpts: string[]): Promise<Addition> {
  if ('image' in cni) {
    log.info(`using ${cni.image} as it is (cni-image): its plugins and config are its own`)
    return cniAddition(cni.image, `${cni.image} (cni-image)`)
  }
  if ('bridge' in cni) return bridge(cni.bridge.subnet, driverOpts)
  const tag = await imageFor(cni.build, runDir)
  return cniAddition(
    tag,
    `${tag} (built from ${cni.build.baseImage} with CNI plugins ${cni.build.pluginsVersion}, config: ${cni.build.config.source})`
  )
}

/** The CNI image: the one a run before built (readyImage), or one built now. */
async function imageFor(build: CniBuild, runDir: string): Promise<string> {
  // The base image (pulled when missing) and the plugins (downloaded when not cached) at once.
  const base = docker.ensureImage(build.baseImage)
  base.catch(() => undefined) // its error is thrown below, once the plugins are settled too
  const ready = await settled(readyImage(build, base))
  if (ready.value) return ready.value
  const [pluginsGot, baseGot] = await Promise.allSettled([plugins(build, runDir), base])
  if (pluginsGot.status === 'rejected') throw pluginsGot.reason
  if (baseGot.status === 'rejected') throw baseGot.reason
  const { dir: pluginsDir, sha256 } = pluginsGot.value
  const baseId = baseGot.value
  checkPluginTypes(build, pluginsDir)
  const tag = imageTag(baseId, sha256, build)
  const present = (await docker.imageId(tag)) !== undefined
  const missing = present ? await missingInImage(tag, build) : []
  if (present && missing.length === 0) {
    log.info(`${tag} is already present, with the plugins the config needs: not building it again`)
  } else {
    if (present) log.warning(`${tag} lacks the plugin(s) ${missing.join(', ')} (left by an interrupted or older run): building it again`)
    await buildChecked(tag, build, pluginsDir, runDir)
    log.info(`built ${tag} from ${build.baseImage} (${baseId.slice(0, 19)}), plugins ${build.pluginsVersion} (archive SHA-256 ${sha256})`)
  }
  return tag
}

/** A promise's outcome without throwing: its value, or undefined when it failed. */
async function settled<T>(p: Promise<T>): Promise<{ value?: T }> {
  try {
    return { value: await p }
  } catch {
    return {}
  }
}

/**
 * The image a run before this one built, when it is there with every plugin the config needs:
 * its tag comes from the base image and the archive's SHA-256 recorded in the tool cache, so
 * neither the plugins nor the tool-cache package are touched (no lock, no copy). undefined
 * when anything is missing: imageFor then takes the full path, which says why.
 */
async function readyImage(build: CniBuild, base: Promise<string>): Promise<string | undefined> {
  const cacheRoot = process.env.RUNNER_TOOL_CACHE
  if (!cacheRoot) return undefined
  const urls = pluginsUrls(build.pluginsUrl, build.pluginsVersion, build.arch)
  const cached = findCached(cacheRoot, TOOL, build.pluginsVersion, cacheArch(build.arch, urls.archive))
  const recorded = cached ? readIfExists(`${cached}.archive-sha256`) : undefined
  if (!recorded) return undefined
  const tag = imageTag(await base, recorded, build)
  if ((await docker.imageId(tag)) === undefined || (await missingInImage(tag, build)).length > 0) return undefined
  log.info(
    `CNI plugins ${build.pluginsVersion} (${build.arch}) from ${urls.archive} recorded in the tool cache (archive SHA-256 ${recorded})`
  )
  log.info(`${tag} is already present, with the plugins the config needs: not building it again`)
  return tag
}

/** cni: bridge needs a daemon that has the mode: BuildKit v0.13 or later. */
async function bridge(subnet: string | undefined, driverOpts: string[]): Promise<Addition> {
  const image = driverOptValue(driverOpts, 'image') ?? DEFAULT_BUILDKIT_IMAGE
  const printed = await docker.buildkitdVersion(image)
  const version = parseBuildkitdVersion(printed)
  if (version === undefined) {
    log.warning(
      `can't tell the BuildKit version of ${image} from "${printed.trim()}": assuming it has the bridge network mode (${BRIDGE_SINCE} and later)`
    )
  } else if (compareVersions(version, BRIDGE_SINCE) < 0) {
    throw new Error(
      `${image} runs BuildKit ${version}, which has no bridge network mode (it came with ${BRIDGE_SINCE}): ` +
        'use a newer image (driver-opts image=…), or cni: true, which builds an image with CNI plugins'
    )
  } else {
    log.info(`${image} runs BuildKit ${version}: bridge network mode, subnet ${subnet ?? "BuildKit's default (10.10.0.0/16)"}`)
  }
  return cniAddition(undefined, `${image} (BuildKit ${version ?? 'version unknown'}), bridge network mode`)
}

interface Plugins {
  /** This run's own copy, under runDir */
  dir: string
  /** SHA-256 of the archive it came from */
  sha256: string
}

/**
 * The plugins, as this run's own copy: from the tool cache, or downloaded and checked (and
 * then cached). The cache is read and written under a lock, so runs at once neither read an
 * entry another is writing nor write one twice.
 */
async function plugins(build: CniBuild, runDir: string): Promise<Plugins> {
  const cacheRoot = process.env.RUNNER_TOOL_CACHE
  if (!cacheRoot) throw new Error('RUNNER_TOOL_CACHE is not set: the CNI plugins are kept in the runner tool cache')
  const urls = pluginsUrls(build.pluginsUrl, build.pluginsVersion, build.arch)
  const key = cacheArch(build.arch, urls.archive)
  const own = path.join(runDir, 'cni-plugins')
  return withLock(path.join(cacheRoot, TOOL, `.lock-${build.pluginsVersion}-${key}`), async () => {
    await testPause('cni-cache')
    const cached = await findInToolCache(cacheRoot, TOOL, build.pluginsVersion, key)
    const recorded = cached ? readIfExists(`${cached}.archive-sha256`) : undefined
    if (cached && recorded) {
      log.info(
        `CNI plugins ${build.pluginsVersion} (${build.arch}) from ${urls.archive} found in the tool cache (archive SHA-256 ${recorded})`
      )
      fs.cpSync(cached, own, { recursive: true })
      return { dir: own, sha256: recorded }
    }
    const tc = await toolCache()
    const work = path.join(runDir, 'cni-download')
    fs.mkdirSync(work, { recursive: true, mode: 0o700 })
    log.info(`downloading ${urls.archive}`)
    const archive = await download(tc, urls.archive, path.join(work, urls.fileName), urls.archive, CHECK_INPUTS)
    const sumFile = await download(tc, urls.checksum, path.join(work, `${urls.fileName}.sha256`), urls.checksum, CHECK_INPUTS)
    const expected = parseChecksum(fs.readFileSync(sumFile, 'utf8'), urls.checksum)
    const actual = await fileSha256(archive)
    if (actual !== expected) {
      throw new Error(
        `checksum mismatch for ${urls.archive}: the archive has SHA-256 ${actual}, ${urls.checksum} says ${expected}. ` +
          'Check cni-plugins-url (a mirror must serve the same files as the release)'
      )
    }
    log.info(`SHA-256 ${actual} matches ${urls.checksum}`)
    await tc.extractTar(archive, own)
    fs.rmSync(work, { recursive: true, force: true })
    const dir = await tc.cacheDir(own, TOOL, build.pluginsVersion, key)
    fs.writeFileSync(`${dir}.archive-sha256`, actual)
    log.info(`cached in ${dir}`)
    return { dir: own, sha256: actual }
  })
}

/** Builds under a temporary tag, checks the plugins in the image, then tags it. */
async function buildChecked(tag: string, build: CniBuild, pluginsDir: string, runDir: string): Promise<void> {
  const temporary = `${IMAGE_REPOSITORY}:building-${randomUUID()}`
  try {
    await docker.buildImage(temporary, writeContext(build, pluginsDir, runDir))
    const missing = await missingInImage(temporary, build)
    if (missing.length > 0) throw new Error(`the image built for CNI lacks the plugin(s) ${missing.join(', ')} in ${PLUGINS_IN_IMAGE}`)
    await docker.tagImage(temporary, tag)
  } finally {
    await docker.removeImageTag(temporary)
  }
}

/** Plugins the config needs that the image does not have in /opt/cni/bin. */
async function missingInImage(image: string, build: CniBuild): Promise<string[]> {
  return docker.missingInImageDir(image, PLUGINS_IN_IMAGE, build.config.types)
}

/** @actions/tool-cache, loaded only to download and cache: most of what this step would load. */
const toolCache = (): Promise<typeof import('@actions/tool-cache')> => import('@actions/tool-cache')

/**
 * Runs `fn` holding a lock directory (mkdir is atomic). A lock older than ten minutes is
 * taken to be left by a run that died, and broken.
 */
async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(lock), { recursive: true })
  for (let waited = 0; ; waited += 200) {
    try {
      fs.mkdirSync(lock)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const age = Date.now() - (statTime(lock) ?? Date.now())
      if (age > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true })
      else if (waited >= 5 * 60_000)
        throw new Error(`the CNI plugins cache is locked by another run (${lock}) for over 5 minutes`, { cause: err })
      else {
        if (waited === 0) log.info(`another run is filling the CNI plugins cache: waiting (${lock})`)
        await new Promise(r => setTimeout(r, 200))
      }
    }
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(lock, { recursive: true, force: true })
  }
}

function statTime(p: string): number | undefined {
  try {
    return fs.statSync(p).mtimeMs
  } catch {
    return undefined
  }
}

/** Every plugin the config names must be in the archive: BuildKit would fail to start. */
function checkPluginTypes(build: CniBuild, dir: string): void {
  const missing = build.config.types.filter(t => !fs.existsSync(path.join(dir, t)))
  if (missing.length > 0) {
    throw new Error(
      `${build.config.source} needs the plugin(s) ${missing.join(', ')}, which CNI plugins ${build.pluginsVersion} (${build.pluginsUrl}) does not have`
    )
  }
}

/** The build context: Dockerfile, the plugins the daemon runs (from this run's copy) and the config. */
function writeContext(build: CniBuild, pluginsDir: string, runDir: string): string {
  const ctx = path.join(runDir, 'cni-image')
  fs.mkdirSync(path.join(ctx, 'plugins'), { recursive: true, mode: 0o700 })
  // The daemon runs the config's plugins and loopback, nothing else (BuildKit
  // util/network/cniprovider/cni.go New: WithConfFile or WithConfListFile, WithLoNetwork): the
  // rest of a release (~35 of its 44 MB) would only make the build send and the image carry it.
  for (const t of build.config.types) fs.copyFileSync(path.join(pluginsDir, t), path.join(ctx, 'plugins', t))
  fs.writeFileSync(path.join(ctx, path.basename(configFile(build.config))), build.config.text)
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), dockerfile(build))
  return ctx
}
