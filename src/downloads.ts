import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'

// What fetching a release asset takes, for the CNI plugins (cni-image.ts) and buildx
// (install.ts) alike: the download through @actions/tool-cache with an error that says what
// to check, the SHA-256 of a file, and the SHA-256 recorded beside a cached copy.

type ToolCache = Pick<typeof import('@actions/tool-cache'), 'downloadTool'>

/**
 * Downloads `url` to `dest`. On failure: "could not download WHAT (HTTP n)" or the network
 * error, then `hint(status)`: what to check.
 */
export async function download(tc: ToolCache, url: string, dest: string, what: string, hint: (status?: number) => string): Promise<string> {
  try {
    return await tc.downloadTool(url, dest)
  } catch (err) {
    const status = (err as { httpStatusCode?: number }).httpStatusCode
    throw new Error(`could not download ${what}${status ? ` (HTTP ${status})` : `: ${(err as Error).message}`}. ${hint(status)}`, {
      cause: err
    })
  }
}

/** The SHA-256 of a file, read as a stream. */
export async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** A small file's trimmed text (a recorded SHA-256), or undefined when there is none. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}

const NUM = '(?:0|[1-9]\\d*)'
const PRE = '(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)'
/** A version tool-cache takes as explicit (semver.valid after semver.clean), without its "v" */
const EXPLICIT = new RegExp(`^v?(${NUM}\\.${NUM}\\.${NUM}(?:-${PRE}(?:\\.${PRE})*)?)$`)

/**
 * @actions/tool-cache's find(tool, version, arch) for a release version, without loading the
 * package: it brings @actions/core and an HTTP client (~100 ms of a step's start-up) for a
 * lookup of two paths. The package's layout (tool-cache.js find, _completeToolPath):
 * <cache root>/<tool>/<version without "v">/<arch>, complete once <arch>.complete exists.
 * '' when not cached; undefined for a version the package would read as a range (ask it).
 * A unit test holds this to the package's own find and cacheDir.
 */
export function findCached(cacheRoot: string, tool: string, version: string, arch: string): string | undefined {
  const m = EXPLICIT.exec(version)
  if (!m) return undefined
  const dir = path.join(cacheRoot, tool, m[1], arch)
  return fs.existsSync(dir) && fs.existsSync(`${dir}.complete`) ? dir : ''
}

/** A tool cache entry as the package's find gives it ('' when absent), loading the package only for a version findCached can't read. */
export async function findInToolCache(cacheRoot: string, tool: string, version: string, arch: string): Promise<string> {
  return findCached(cacheRoot, tool, version, arch) ?? (await import('@actions/tool-cache')).find(tool, version, arch)
}
