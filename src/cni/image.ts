import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Addition } from '../docker/buildx.js'
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
  type CniInputs,
  type PluginsUrls
} from './settings.js'
import * as docker from '../docker/cli.js'
import { hubImage } from '../docker/mirror-refs.js'
import type { ImageRef } from '../docker/refs.js'
import { sourceText, type ImageSource } from '../docker/through-mirror.js'
import { driverOptValue } from '../docker/driver-opts.js'
import { download, fetchText, findInToolCache } from '../install/downloads.js'
import * as log from '../runner/log.js'
import { readTgz } from '../install/tar.js'
import { testPause } from '../runner/test-pause.js'
import { compareVersions, parseBuildkitdVersion } from '../buildkit/versions.js'

const CHECK_INPUTS = (): string => 'Check cni-plugins-version and cni-plugins-url'

// Makes the builder's CNI networking possible before it is created: the user's image
// (cni-image), BuildKit's own bridge mode (cni: bridge: the daemon's version is checked), or
// an image built here from the base image, the containernetworking plugins (downloaded
// once and kept in the tool cache as the archive itself, which is checked against the
// published .sha256 or cni-plugins-sha256 every time it is read) and the network config.
//
// Runs at once on one runner share the tool cache and the engine's images, so: the cache
// entry is written and read under a lock; the image is built from this run's own verified
// copy of the plugins, under a temporary tag, checked (every plugin the config needs is in
// the image), and only then tagged; an image found under the tag is checked the same way
// before it is reused. Nothing partial is left under the final tag or in the cache.

const TOOL = 'cni-plugins'
const PLUGINS_IN_IMAGE = '/opt/cni/bin'

/**
 * `viaMirror`: takes a Docker Hub base image that is not on the runner from the docker.io
 * mirrors (pulled on the runner's engine, through-mirror.ts), when the mirrors are on.
 */
export async function prepareCni(
  cni: CniInputs,
  runDir: string,
  driverOpts: string[],
  viaMirror?: (ref: ImageRef) => Promise<ImageSource>
): Promise<Addition> {
  if ('image' in cni) {
    log.info(`using ${cni.image} as it is (cni-image): its plugins and config are its own`)
    return cniAddition(cni.image, `${cni.image} (cni-image)`)
  }
  if ('bridge' in cni) return bridge(cni.bridge.subnet, driverOpts)
  const { tag, from } = await imageFor(cni.build, runDir, viaMirror)
  return cniAddition(tag, `${tag} (built from ${from} with CNI plugins ${cni.build.pluginsVersion}, config: ${cni.build.config.source})`)
}

/** The base image on the runner: its ID, the build that names it (FROM), and where it came from. */
interface Base {
  id: string
  build: CniBuild
  /** For messages: the base image and, when it came from a mirror, which and its digest */
  from: string
}

/**
 * The base image when it is not on the runner: pulled through the docker.io mirrors when
 * they are on and serve it (the image is then built FROM the mirror's reference), else pulled
 * by its own reference.
 */
async function fetchBase(build: CniBuild, viaMirror?: (ref: ImageRef) => Promise<ImageSource>): Promise<Base> {
  const hub = viaMirror ? hubImage(build.baseImage) : undefined
  const source = hub && viaMirror ? await viaMirror(hub) : undefined
  const ref = source?.ref ?? build.baseImage
  const from = source?.mirror !== undefined ? `${ref} (${sourceText(source)}, ${source.digest ?? ''})` : ref
  return { id: await docker.ensureImage(ref), build: { ...build, baseImage: ref }, from }
}

/** The CNI image: the one a run before built (readyImage), or one built now. */
async function imageFor(
  asked: CniBuild,
  runDir: string,
  viaMirror?: (ref: ImageRef) => Promise<ImageSource>
): Promise<{ tag: string; from: string }> {
  // The base image (pulled when missing) and the archive's published sum at once; then the
  // plugins while a missing base image is still being pulled.
  const local = docker.imageId(asked.baseImage)
  const base = local.then(id => (id !== undefined ? { id, build: asked, from: asked.baseImage } : fetchBase(asked, viaMirror)))
  base.catch(() => undefined) // its error is thrown below, once the plugins are settled too
  const urls = pluginsUrls(asked.pluginsUrl, asked.pluginsVersion, asked.arch)
  const sum = await publishedSum(asked, urls)
  const ready = await settled(readyImage(asked, local, sum))
  if (ready.value) return { tag: ready.value, from: asked.baseImage }
  const [pluginsGot, baseGot] = await Promise.allSettled([plugins(asked, urls, sum, runDir), base])
  if (pluginsGot.status === 'rejected') throw pluginsGot.reason
  if (baseGot.status === 'rejected') throw baseGot.reason
  const pluginsDir = pluginsGot.value
  const { id: baseId, build, from } = baseGot.value
  checkPluginTypes(build, pluginsDir)
  const tag = imageTag(baseId, sum.sha256, build)
  const present = (await docker.imageId(tag)) !== undefined
  const missing = present ? await missingInImage(tag, build) : []
  if (present && missing.length === 0) {
    log.info(`${tag} is already present, with the plugins the config needs: not building it again`)
  } else {
    if (present) log.warning(`${tag} lacks the plugin(s) ${missing.join(', ')} (left by an interrupted or older run): building it again`)
    await buildChecked(tag, build, pluginsDir, runDir)
    log.info(
      `built ${tag} from ${build.baseImage} (${baseId.slice(0, 19)}), plugins ${build.pluginsVersion} (archive SHA-256 ${sum.sha256})`
    )
  }
  return { tag, from }
}

/** The archive's SHA-256 every copy is checked against, and where it comes from (for messages). */
interface Sum {
  sha256: string
  source: string
}

/**
 * cni-plugins-sha256, or the `.sha256` published beside the archive, fetched on every run
 * (one small request): never a sum stored in the tool cache, which whoever can change the
 * cached archive could change too.
 */
async function publishedSum(build: CniBuild, urls: PluginsUrls): Promise<Sum> {
  if (build.sha256 !== undefined) return { sha256: build.sha256, source: 'cni-plugins-sha256' }
  const text = await fetchText(urls.checksum, urls.checksum, CHECK_INPUTS)
  return { sha256: parseChecksum(text, urls.checksum), source: urls.checksum }
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
 * its tag comes from the base image and the trusted sum (a tag is only ever given to an image
 * built from an archive checked against that sum), so neither the plugins nor the tool cache
 * are touched (no lock, no copy). undefined when anything is missing (the base image too: it
 * is not waited for while it is pulled): imageFor then takes the full path, which says why.
 */
async function readyImage(build: CniBuild, local: Promise<string | undefined>, sum: Sum): Promise<string | undefined> {
  const baseId = await local
  if (baseId === undefined) return undefined // being pulled: an image built from it is unlikely, and the full path would find it
  const tag = imageTag(baseId, sum.sha256, build)
  if ((await docker.imageId(tag)) === undefined || (await missingInImage(tag, build)).length > 0) return undefined
  log.info(`CNI plugins ${build.pluginsVersion} (${build.arch}): archive SHA-256 ${sum.sha256} (${sum.source})`)
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

/**
 * The plugins the config needs, as this run's own copy (a directory under runDir), read out
 * of the archive in the same pass that hashes it: from the tool cache, which keeps the archive
 * itself, or downloaded (and then cached). Either way the archive must have the trusted sum
 * before any of its files is used. The cache is read and written under a lock, so runs at once
 * neither read an entry another is writing nor write one twice.
 */
async function plugins(build: CniBuild, urls: PluginsUrls, sum: Sum, runDir: string): Promise<string> {
  const cacheRoot = process.env.RUNNER_TOOL_CACHE
  if (!cacheRoot) throw new Error('RUNNER_TOOL_CACHE is not set: the CNI plugins are kept in the runner tool cache')
  const key = cacheArch(build.arch, urls.archive)
  const own = path.join(runDir, 'cni-plugins')
  return withLock(path.join(cacheRoot, TOOL, `.lock-${build.pluginsVersion}-${key}`), async () => {
    await testPause('cni-cache')
    const cached = await findInToolCache(cacheRoot, TOOL, build.pluginsVersion, key)
    const cachedArchive = cached ? path.join(cached, urls.fileName) : undefined
    if (cachedArchive && fs.existsSync(cachedArchive)) {
      const got = await readTgz(cachedArchive, new Set(build.config.types))
      if (got.sha256 !== sum.sha256) {
        throw new Error(
          `the tool cache holds a CNI plugins archive that is not the published one: ${cachedArchive} has SHA-256 ${got.sha256}, ` +
            `${sum.source} says ${sum.sha256}. Nothing was built from it. Remove the entry (${cached} and ${cached}.complete) from the ` +
            "runner's tool cache, and find out who wrote it: anyone who can write there can change what later jobs run"
        )
      }
      log.info(
        `CNI plugins ${build.pluginsVersion} (${build.arch}) from ${urls.archive} found in the tool cache: SHA-256 ${got.sha256} matches ${sum.source}`
      )
      writePlugins(got.files, own)
      return own
    }
    if (cached) log.info(`the tool cache entry ${cached} holds no archive (left by an older version of this action): downloading it again`)
    const tc = await toolCache()
    const work = path.join(runDir, 'cni-download')
    fs.mkdirSync(work, { recursive: true, mode: 0o700 })
    log.info(`downloading ${urls.archive}`)
    const archive = await download(tc, urls.archive, path.join(work, urls.fileName), urls.archive, CHECK_INPUTS)
    const got = await readTgz(archive, new Set(build.config.types))
    if (got.sha256 !== sum.sha256) {
      throw new Error(
        `checksum mismatch for ${urls.archive}: the archive has SHA-256 ${got.sha256}, ${sum.source} says ${sum.sha256}. ` +
          'Check cni-plugins-url (a mirror must serve the same files as the release)'
      )
    }
    log.info(`SHA-256 ${got.sha256} matches ${sum.source}`)
    writePlugins(got.files, own)
    const dir = await tc.cacheFile(archive, urls.fileName, TOOL, build.pluginsVersion, key)
    fs.rmSync(work, { recursive: true, force: true })
    log.info(`cached in ${dir}`)
    return own
  })
}

function writePlugins(files: Map<string, Buffer>, dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  for (const [name, data] of files) fs.writeFileSync(path.join(dir, name), data, { mode: 0o755 })
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
