import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { InputError } from '../runner/errors.js'

// What fetching a release asset takes, for the CNI plugins (cni/image.ts) and buildx
// (install.ts) alike: the download through @actions/tool-cache with an error that says what
// to check, the published checksums (fetchText), the SHA-256 of a file, the tool cache lookup,
// and the checks of the URL and checksum inputs.

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

/**
 * A small text file (a release's checksums) over http(s), with node:https itself: no package
 * is loaded, so a run whose binary is in the tool cache still checks it against the published
 * sum at the cost of one request. Redirects are followed (GitHub's release downloads redirect
 * to their storage), but never from https to http: the sum would then come unauthenticated.
 * On failure: "could not download WHAT (HTTP n)" or the network error, then `hint(status)`.
 */
export async function fetchText(url: string, what: string, hint: (status?: number) => string, redirects = 5): Promise<string> {
  if (proxied(url)) return viaToolCache(url, what, hint)
  const { status, location, body } = await get(url).catch((err: Error) => {
    throw new Error(`could not download ${what}: ${err.message}. ${hint()}`, { cause: err })
  })
  if (status >= 300 && status < 400 && location !== undefined) {
    const next = new URL(location, url)
    if (new URL(url).protocol === 'https:' && next.protocol !== 'https:') {
      throw new Error(
        `could not download ${what}: the server redirected to a ${next.protocol} URL, which is refused (the download must stay on https)`
      )
    }
    if (redirects === 0) throw new Error(`could not download ${what}: too many redirects. ${hint()}`)
    return fetchText(next.href, what, hint, redirects - 1)
  }
  if (status !== 200) throw new Error(`could not download ${what} (HTTP ${status}). ${hint(status)}`)
  return body
}

/**
 * Whether the runner sends requests through a proxy (https_proxy, http_proxy), which node:https
 * does not use: @actions/tool-cache's client does (and no_proxy), and refuses https → http
 * redirects too.
 */
function proxied(url: string): boolean {
  const env = process.env
  return !!(url.startsWith('https:') ? env.https_proxy || env.HTTPS_PROXY : env.http_proxy || env.HTTP_PROXY)
}

async function viaToolCache(url: string, what: string, hint: (status?: number) => string): Promise<string> {
  const parent = process.env.RUNNER_TEMP || os.tmpdir()
  fs.mkdirSync(parent, { recursive: true })
  const dir = fs.mkdtempSync(path.join(parent, 'buildkit-builder-sum-'))
  try {
    return fs.readFileSync(await download(await import('@actions/tool-cache'), url, path.join(dir, 'sum'), what, hint), 'utf8')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** One GET: status, Location and (for a 200) the body as text, at most 1 MiB. */
async function get(url: string): Promise<{ status: number; location?: string; body: string }> {
  const client = url.startsWith('https:') ? await import('node:https') : await import('node:http')
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers: { 'User-Agent': 'buildkit-builder-action' }, timeout: 30_000 }, res => {
      const status = res.statusCode ?? 0
      if (status !== 200) {
        res.resume()
        resolve({ status, location: res.headers.location, body: '' })
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > 1 << 20) req.destroy(new Error('the file is over 1 MiB, too large for a checksums file'))
        else chunks.push(c)
      })
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')))
    req.on('error', reject)
  })
}

/**
 * A checksum input (buildx-sha256, cni-plugins-sha256): 64 hex digits, lower-cased;
 * undefined when empty.
 */
export function parseSha256Input(input: string, value: string): string | undefined {
  const v = value.trim()
  if (v === '') return undefined
  if (!/^[0-9a-fA-F]{64}$/.test(v)) {
    throw new InputError(input, undefined, `is not a SHA-256: give the 64 hex digits of the file's sum (as sha256sum prints it)`)
  }
  return v.toLowerCase()
}

/**
 * A base URL input of release downloads (buildx-url, cni-plugins-url), without trailing
 * slashes. Refused, without repeating the URL (it may hold a secret): credentials, a query or
 * fragment (they would be printed with every download), a scheme other than http(s), and
 * http:// unless the file is pinned by its checksum input: over http, what is served, the
 * published checksums included, can be changed on the way.
 */
export function parseDownloadBase(input: string, value: string, checksumInput: string, pinned: boolean, layout: string): string {
  let u: URL
  try {
    u = new URL(value)
  } catch {
    throw new InputError(input, undefined, `is not a URL: give the https URL under which ${layout} are`)
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new InputError(input, undefined, `is a ${u.protocol} URL: give an https URL`)
  }
  if (u.username !== '' || u.password !== '') {
    throw new InputError(
      input,
      undefined,
      'holds a user name or password, which would be printed in the log: give a URL without credentials'
    )
  }
  if (u.search !== '' || u.hash !== '') {
    throw new InputError(
      input,
      undefined,
      'has a query or fragment (not repeated here: it may hold a token); the version and file name are appended to its path, so give the base URL alone'
    )
  }
  if (u.protocol === 'http:' && !pinned) {
    throw new InputError(
      input,
      undefined,
      'is an http:// URL: what it serves, the published checksum included, could be changed on the way. ' +
        `Give an https URL, or pin the file with ${checksumInput} (its SHA-256)`
    )
  }
  return value.trim().replace(/\/+$/, '')
}
