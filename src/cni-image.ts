import * as log from './log.js'
import * as tc from '@actions/tool-cache'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  cniAddition,
  configPlacement,
  dockerfile,
  imageTag,
  parseChecksum,
  pluginsUrls,
  type CniBuild,
  type CniInputs
} from './cni.js'
import * as docker from './docker.js'
import type { Addition } from './buildx.js'

// Makes a CNI-enabled BuildKit image available: the user's (cni-image), or one built here
// from the base image, the containernetworking plugins (downloaded once, checked, kept in
// the tool cache) and the network config. Downloads and the build context live in the
// run's directory; the built image stays on the runner so the next run reuses it.

const TOOL = 'cni-plugins'

export async function prepareCni(cni: CniInputs, runDir: string): Promise<Addition> {
  if ('image' in cni) {
    log.info(`using ${cni.image} as it is (cni-image): its plugins and config are its own`)
    return cniAddition(cni.image, cni, `${cni.image} (cni-image)`)
  }
  const build = cni.build
  const pluginsDir = await plugins(build, runDir)
  checkPluginTypes(build, pluginsDir)
  const baseId = await docker.ensureImage(build.baseImage)
  const tag = imageTag(baseId, build)
  if ((await docker.imageId(tag)) !== undefined) {
    log.info(`${tag} is already present: not building it again`)
  } else {
    const context = writeContext(build, pluginsDir, runDir)
    await docker.buildImage(tag, context)
    log.info(`built ${tag} from ${build.baseImage} (${baseId.slice(0, 19)}), plugins ${build.pluginsVersion}`)
  }
  return cniAddition(
    tag,
    cni,
    `${tag} (built from ${build.baseImage} with CNI plugins ${build.pluginsVersion}, config: ${build.config.source})`
  )
}

/** The plugins directory in the tool cache, downloaded and checked first if it is not there. */
async function plugins(build: CniBuild, runDir: string): Promise<string> {
  if (!process.env.RUNNER_TOOL_CACHE) {
    throw new Error('RUNNER_TOOL_CACHE is not set: the CNI plugins are kept in the runner tool cache')
  }
  const cached = tc.find(TOOL, build.pluginsVersion, build.arch)
  if (cached) {
    log.info(`CNI plugins ${build.pluginsVersion} (${build.arch}) found in the tool cache: ${cached}`)
    return cached
  }
  const urls = pluginsUrls(build.pluginsUrl, build.pluginsVersion, build.arch)
  const work = path.join(runDir, 'cni-download')
  fs.mkdirSync(work, { recursive: true, mode: 0o700 })
  log.info(`downloading ${urls.archive}`)
  const archive = await download(urls.archive, path.join(work, urls.fileName))
  const sumFile = await download(urls.checksum, path.join(work, `${urls.fileName}.sha256`))
  const expected = parseChecksum(fs.readFileSync(sumFile, 'utf8'), urls.checksum)
  const actual = await fileSha256(archive)
  if (actual !== expected) {
    throw new Error(
      `checksum mismatch for ${urls.archive}: the archive has SHA-256 ${actual}, ${urls.checksum} says ${expected}. ` +
        'Check cni-plugins-url (a mirror must serve the same files as the release)'
    )
  }
  log.info(`SHA-256 ${actual} matches ${urls.checksum}`)
  const extracted = await tc.extractTar(archive, path.join(work, 'plugins'))
  const dir = await tc.cacheDir(extracted, TOOL, build.pluginsVersion, build.arch)
  log.info(`cached in ${dir}`)
  return dir
}

async function download(url: string, dest: string): Promise<string> {
  try {
    return await tc.downloadTool(url, dest)
  } catch (err) {
    const status = (err as tc.HTTPError).httpStatusCode
    throw new Error(
      `could not download ${url}${status ? ` (HTTP ${status})` : `: ${(err as Error).message}`}. ` +
        'Check cni-plugins-version and cni-plugins-url'
    )
  }
}

async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** Every plugin the config names must be in the archive: BuildKit would fail to start. */
function checkPluginTypes(build: CniBuild, dir: string): void {
  const missing = build.config.types.filter(t => !fs.existsSync(path.join(dir, t)))
  if (missing.length > 0) {
    throw new Error(
      `${build.config.source} needs the plugin(s) ${missing.join(', ')}, which CNI plugins ${build.pluginsVersion} (${dir}) does not have`
    )
  }
}

/** The build context: Dockerfile, the plugins and the config. */
function writeContext(build: CniBuild, pluginsDir: string, runDir: string): string {
  const ctx = path.join(runDir, 'cni-image')
  fs.mkdirSync(ctx, { recursive: true, mode: 0o700 })
  fs.cpSync(pluginsDir, path.join(ctx, 'plugins'), { recursive: true })
  fs.writeFileSync(path.join(ctx, path.basename(configPlacement(build.config).file)), build.config.text)
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), dockerfile(build))
  return ctx
}
