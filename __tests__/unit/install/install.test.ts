import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

// installBuildx and restorePlugin on the real file system, with the tool cache, the
// downloads and the GitHub Actions cache replaced: a release is a map of URLs to contents.
// (The integration test downloads over real HTTP and runs the installed plugin.)

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const GH = 'https://github.com/docker/buildx/releases/download'
const BINARY = Buffer.from('#!/bin/sh\necho "github.com/docker/buildx v0.29.1 a1b2c3"\n')

/** What the "network" serves: URL → content, or an HTTP status to fail with. */
const served = new Map<string, Buffer | string | number>()
const downloaded: string[] = []
/** The tool cache: "<tool>/<version>/<arch>" → directory. */
const toolEntries = new Map<string, string>()
/** The Actions cache: key → the binary saved under it. */
const actionsEntries = new Map<string, Buffer>()
let cacheService = false
let toolRoot = ''

const tc = {
  downloadTool: jest.fn(async (url: string, dest: string) => {
    downloaded.push(url)
    const body = served.get(url) ?? 404
    if (typeof body === 'number') throw Object.assign(new Error(`Unexpected HTTP response: ${body}`), { httpStatusCode: body })
    fs.writeFileSync(dest, body)
    return dest
  }),
  find: jest.fn((tool: string, version: string, arch: string) => toolEntries.get(`${tool}/${version.replace(/^v/, '')}/${arch}`) ?? ''),
  cacheFile: jest.fn(async (source: string, name: string, tool: string, version: string, arch: string) => {
    const dir = path.join(toolRoot, tool, version.replace(/^v/, ''), arch)
    fs.mkdirSync(dir, { recursive: true })
    fs.copyFileSync(source, path.join(dir, name))
    fs.writeFileSync(`${dir}.complete`, '') // as the package marks a finished entry (install.ts looks for it)
    toolEntries.set(`${tool}/${version.replace(/^v/, '')}/${arch}`, dir)
    return dir
  })
}
const cache = {
  isFeatureAvailable: jest.fn(() => cacheService),
  restoreCache: jest.fn(async (paths: string[], key: string) => {
    const saved = actionsEntries.get(key)
    if (!saved) return undefined
    fs.mkdirSync(paths[0], { recursive: true })
    fs.writeFileSync(path.join(paths[0], 'docker-buildx'), saved)
    return key
  }),
  saveCache: jest.fn(async (paths: string[], key: string) => {
    actionsEntries.set(key, fs.readFileSync(path.join(paths[0], 'docker-buildx')))
    return 1
  })
}
// checksums.txt comes through downloads.ts fetchText (node:https, no package): served from the map too.
const downloads = await import('../../../src/install/downloads.js')
const fetchText = jest.fn(async (url: string, what: string, hint: (status?: number) => string) => {
  downloaded.push(url)
  const body = served.get(url) ?? 404
  if (typeof body === 'number') throw new Error(`could not download ${what} (HTTP ${body}). ${hint(body)}`)
  return String(body)
})
jest.unstable_mockModule('../../../src/install/downloads.js', () => ({ ...downloads, fetchText }))
jest.unstable_mockModule('@actions/tool-cache', () => tc)
jest.unstable_mockModule('@actions/cache', () => cache)
const { installBuildx, restorePlugin } = await import('../../../src/install/install.js')

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'install-test-'))
const saved = { ...process.env }
let out = ''
let home = ''
let runDir = ''
const host = () => ({ env: { GITHUB_TOKEN: undefined } as NodeJS.ProcessEnv, home, runDir, platform: 'linux' as const, arch: 'x64' })
const plugin = () => path.join(home, '.docker', 'cli-plugins', 'docker-buildx')
const mode = (p: string) => fs.statSync(p).mode & 0o777
const warnings = () => out.split('\n').filter(l => l.startsWith('::warning::'))

/** A release of `version` as buildx publishes it (the binary and checksums.txt), under `base`. */
function release(version: string, binary: Buffer, base = GH, listed = sha(binary)): void {
  served.set(`${base}/${version}/buildx-${version}.linux-amd64`, binary)
  // As buildx writes it (sha256sum -b, darwin lines deleted), with another file's line first.
  served.set(
    `${base}/${version}/checksums.txt`,
    `${'0'.repeat(64)} *buildx-${version}.linux-amd64.provenance.json\n${listed} *buildx-${version}.linux-amd64\n`
  )
}

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))
beforeEach(() => {
  const t = fs.mkdtempSync(path.join(work, 't-'))
  home = path.join(t, 'home')
  runDir = path.join(t, 'temp', 'buildkit-builder-x')
  toolRoot = path.join(t, 'toolcache')
  for (const d of [home, runDir, toolRoot]) fs.mkdirSync(d, { recursive: true })
  Object.assign(process.env, { RUNNER_TOOL_CACHE: toolRoot, RUNNER_TEMP: path.join(t, 'temp') })
  served.clear()
  downloaded.length = 0
  toolEntries.clear()
  actionsEntries.clear()
  cacheService = false
  out = ''
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => ((out += String(chunk)), true))
  release('v0.29.1', BINARY)
})
afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...saved }
})

describe('installBuildx', () => {
  test('downloads, checks and installs the plugin, executable, and keeps it in the tool cache', async () => {
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())
    expect(got).toEqual({
      version: 'v0.29.1',
      pluginPath: plugin(),
      source: 'download',
      sha256: sha(BINARY),
      url: `${GH}/v0.29.1/buildx-v0.29.1.linux-amd64`
    })
    expect(fs.readFileSync(plugin())).toEqual(BINARY)
    expect(mode(plugin())).toBe(0o755)
    expect(downloaded).toEqual([`${GH}/v0.29.1/checksums.txt`, `${GH}/v0.29.1/buildx-v0.29.1.linux-amd64`])
    expect(tc.cacheFile).toHaveBeenCalledWith(expect.any(String), 'docker-buildx', 'buildx', 'v0.29.1', 'amd64')
    // Nothing is left beside the plugin or in the run's directory.
    expect(fs.readdirSync(path.dirname(plugin()))).toEqual(['docker-buildx'])
    expect(fs.readdirSync(runDir)).toEqual([])
    expect(out).toContain(`SHA-256 ${sha(BINARY)} matches ${GH}/v0.29.1/checksums.txt`)
  })

  test('standalone (no docker CLI): buildx in the given directory, the plugin directory untouched; one tool cache entry serves both ways', async () => {
    const dir = path.join(runDir, 'buildx-standalone')
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false }, { ...host(), standaloneDir: dir })
    expect(got).toEqual(expect.objectContaining({ pluginPath: path.join(dir, 'buildx'), source: 'download' }))
    expect(got.backupPath).toBeUndefined()
    expect(fs.readdirSync(dir)).toEqual(['buildx'])
    expect(fs.readFileSync(path.join(dir, 'buildx'))).toEqual(BINARY)
    expect(mode(path.join(dir, 'buildx'))).toBe(0o755)
    expect(fs.existsSync(path.dirname(plugin()))).toBe(false)
    expect(tc.cacheFile).toHaveBeenCalledWith(expect.any(String), 'docker-buildx', 'buildx', 'v0.29.1', 'amd64')
    // The plugin install that follows takes the same entry.
    downloaded.length = 0
    expect((await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())).source).toBe('tool-cache')
    expect(downloaded).toEqual([`${GH}/v0.29.1/checksums.txt`])
  })

  test('DOCKER_CONFIG decides where the plugin goes', async () => {
    const cfg = path.join(home, 'elsewhere')
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false }, { ...host(), env: { DOCKER_CONFIG: cfg } })
    expect(got.pluginPath).toBe(path.join(cfg, 'cli-plugins', 'docker-buildx'))
    expect(fs.readFileSync(got.pluginPath)).toEqual(BINARY)
    expect(fs.existsSync(plugin())).toBe(false)
  })

  test('the second install comes from the tool cache, checked against checksums.txt fetched again (the binary not downloaded)', async () => {
    await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    fs.rmSync(plugin())
    downloaded.length = 0
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    expect(got.source).toBe('tool-cache')
    expect(downloaded).toEqual([`${GH}/v0.29.1/checksums.txt`])
    expect(out).toContain(`SHA-256 ${sha(BINARY)} matches ${GH}/v0.29.1/checksums.txt`)
    expect(fs.readFileSync(plugin())).toEqual(BINARY)
    expect(mode(plugin())).toBe(0o755)
  })

  test('with buildx-sha256, a tool cache hit needs no request at all', async () => {
    await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    fs.rmSync(plugin())
    downloaded.length = 0
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false, sha256: sha(BINARY) }, host())
    expect(got.source).toBe('tool-cache')
    expect(downloaded).toEqual([])
    expect(out).toContain('matches buildx-sha256')
  })

  // A planted entry: another binary, with a .sha256 of its own beside it (as the action used
  // to write and trust) and the .complete marker. It is refused, never run nor replaced.
  test.each<[string, (file: string) => void]>([
    ['a changed binary', file => fs.writeFileSync(file, 'truncated')],
    [
      'a planted binary with its own .sha256',
      file => {
        fs.writeFileSync(file, '#!/bin/sh\necho planted\n')
        fs.writeFileSync(`${file}.sha256`, sha('#!/bin/sh\necho planted\n'))
      }
    ]
  ])('a tool cache entry that is not the release (%s) is an error naming the path and both sums', async (_, plant) => {
    await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    fs.rmSync(plugin())
    const dir = toolEntries.get('buildx/0.29.1/amd64') ?? ''
    const entry = path.join(dir, 'docker-buildx')
    plant(entry)
    const actual = sha(fs.readFileSync(entry))
    await expect(installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())).rejects.toThrow(
      `the tool cache holds a buildx v0.29.1 that is not the release's: ${entry} has SHA-256 ${actual}, ${GH}/v0.29.1/checksums.txt says ${sha(BINARY)}. ` +
        `Nothing was installed or run. Remove the entry (${dir} and ${dir}.complete) from the runner's tool cache`
    )
    expect(fs.existsSync(plugin())).toBe(false)
    // With buildx-sha256 the pinned sum is the one named.
    await expect(installBuildx({ version: 'v0.29.1', cacheBinary: false, sha256: sha(BINARY) }, host())).rejects.toThrow(
      `buildx-sha256 says ${sha(BINARY)}`
    )
  })

  test('a tool cache entry without its binary is downloaded again', async () => {
    await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    fs.rmSync(path.join(toolEntries.get('buildx/0.29.1/amd64') ?? '', 'docker-buildx'))
    downloaded.length = 0
    expect((await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())).source).toBe('download')
    expect(downloaded).toHaveLength(2)
  })

  test('buildx-sha256 replaces checksums.txt: not fetched, and a download that differs is refused naming it', async () => {
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false, sha256: sha(BINARY) }, host())
    expect(got).toMatchObject({ source: 'download', sha256: sha(BINARY) })
    expect(downloaded).toEqual([`${GH}/v0.29.1/buildx-v0.29.1.linux-amd64`])
    fs.rmSync(plugin())
    await expect(installBuildx({ version: 'v0.29.2', cacheBinary: false, sha256: sha('x') }, host())).rejects.toThrow(/HTTP 404/)
    release('v0.29.2', BINARY)
    await expect(installBuildx({ version: 'v0.29.2', cacheBinary: false, sha256: sha('x') }, host())).rejects.toThrow(
      `the file has SHA-256 ${sha(BINARY)}, buildx-sha256 says ${sha('x')}`
    )
  })

  test('a checksum mismatch is an error naming both hashes and the URL, and installs and caches nothing', async () => {
    const listed = sha('another binary')
    release('v0.29.1', BINARY, GH, listed)
    const url = `${GH}/v0.29.1/buildx-v0.29.1.linux-amd64`
    await expect(installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())).rejects.toThrow(
      `checksum mismatch for ${url}: the file has SHA-256 ${sha(BINARY)}, ${GH}/v0.29.1/checksums.txt says ${listed}`
    )
    expect(fs.existsSync(plugin())).toBe(false)
    expect(tc.cacheFile).not.toHaveBeenCalled()
    expect(fs.readdirSync(runDir)).toEqual([])
  })

  test('a mismatch leaves a plugin that was there untouched, with no backup made', async () => {
    fs.mkdirSync(path.dirname(plugin()), { recursive: true })
    fs.writeFileSync(plugin(), "the runner's own buildx", { mode: 0o750 })
    release('v0.29.1', BINARY, GH, sha('x'))
    await expect(installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())).rejects.toThrow(/checksum mismatch/)
    expect(fs.readFileSync(plugin(), 'utf8')).toBe("the runner's own buildx")
    expect(mode(plugin())).toBe(0o750)
    expect(fs.readdirSync(path.dirname(plugin()))).toEqual(['docker-buildx'])
  })

  test('an asset checksums.txt does not list is refused before it is downloaded', async () => {
    await expect(
      installBuildx({ version: 'v0.29.1', cacheBinary: false }, { ...host(), platform: 'darwin', arch: 'arm64' })
    ).rejects.toThrow(
      `${GH}/v0.29.1/checksums.txt lists no SHA-256 for buildx-v0.29.1.darwin-arm64, so it can't be checked and is not installed`
    )
    expect(downloaded).toEqual([`${GH}/v0.29.1/checksums.txt`])
  })

  test.each<[string, number, RegExp]>([
    [
      'binary',
      404,
      /could not download the buildx binary from https:\S+buildx-v0.29.1.linux-amd64 \(HTTP 404\)\. Check that version names a buildx release/
    ],
    ['checksums', 404, /could not download the release's checksums from https:\S+\/v0.29.1\/checksums.txt \(HTTP 404\)/],
    ['binary', 503, /\(HTTP 503\)\. Retry, or check the runner's network/]
  ])('a failed download of the %s (HTTP %d) is an error naming the URL', async (what, status, message) => {
    served.set(what === 'binary' ? `${GH}/v0.29.1/buildx-v0.29.1.linux-amd64` : `${GH}/v0.29.1/checksums.txt`, status)
    await expect(installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())).rejects.toThrow(message)
    expect(fs.existsSync(plugin())).toBe(false)
  })

  test("buildx-url: the mirror's files, under a tool cache entry of their own", async () => {
    const base = 'https://mirror.corp/buildx'
    const mirrored = Buffer.from('mirrored buildx')
    release('v0.29.1', mirrored, base)
    await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host()) // GitHub's, cached
    const got = await installBuildx({ version: 'v0.29.1', baseUrl: base, cacheBinary: false }, host())
    expect(got).toMatchObject({ source: 'download', url: `${base}/v0.29.1/buildx-v0.29.1.linux-amd64`, sha256: sha(mirrored) })
    expect(fs.readFileSync(plugin())).toEqual(mirrored)
    expect(tc.cacheFile).toHaveBeenLastCalledWith(
      expect.any(String),
      'docker-buildx',
      'buildx',
      'v0.29.1',
      expect.stringMatching(/^amd64-[0-9a-f]{12}$/)
    )
  })

  test('without RUNNER_TOOL_CACHE (a local run) it downloads and installs, caching nothing', async () => {
    delete process.env.RUNNER_TOOL_CACHE
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    expect(got.source).toBe('download')
    expect(tc.find).not.toHaveBeenCalled()
    expect(tc.cacheFile).not.toHaveBeenCalled()
  })
})

describe('the GitHub Actions cache (cache-binary)', () => {
  const key = `buildx-v0.29.1-linux-amd64-${sha(BINARY).slice(0, 16)}`

  test('a miss downloads and saves under the release, platform and hash; a fresh runner then restores it', async () => {
    cacheService = true
    expect((await installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())).source).toBe('download')
    expect(cache.restoreCache).toHaveBeenCalledWith([path.join(process.env.RUNNER_TEMP ?? '', 'buildkit-buildx-binary')], key)
    expect(cache.saveCache).toHaveBeenCalledWith([path.join(process.env.RUNNER_TEMP ?? '', 'buildkit-buildx-binary')], key)
    expect(actionsEntries.get(key)).toEqual(BINARY)

    // A new hosted runner: empty tool cache, empty plugin dir, the Actions cache kept.
    toolEntries.clear()
    fs.rmSync(toolRoot, { recursive: true })
    fs.mkdirSync(toolRoot)
    fs.rmSync(plugin())
    downloaded.length = 0
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())
    expect(got.source).toBe('actions-cache')
    expect(downloaded).toEqual([`${GH}/v0.29.1/checksums.txt`]) // the hash to look up and check with, not the binary
    expect(fs.readFileSync(plugin())).toEqual(BINARY)
    expect(toolEntries.has('buildx/0.29.1/amd64')).toBe(true)
    expect(cache.saveCache).toHaveBeenCalledTimes(1)
    // The fixed directory the cache works in is gone again.
    expect(fs.existsSync(path.join(process.env.RUNNER_TEMP ?? '', 'buildkit-buildx-binary'))).toBe(false)
  })

  test('an entry with other content is not used', async () => {
    cacheService = true
    actionsEntries.set(key, Buffer.from('poisoned'))
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())
    expect(got.source).toBe('download')
    expect(fs.readFileSync(plugin())).toEqual(BINARY)
    expect(warnings().join('\n')).toMatch(new RegExp(`holds a buildx with SHA-256 ${sha('poisoned')}, not ${sha(BINARY)}: not using it`))
  })

  test('a failed save is a warning, and the plugin is installed', async () => {
    cacheService = true
    cache.saveCache.mockRejectedValueOnce(new Error('Cache service responded with 503'))
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())
    expect(got.source).toBe('download')
    expect(fs.readFileSync(plugin())).toEqual(BINARY)
    expect(warnings().join('\n')).toMatch(
      /could not save buildx to the GitHub Actions cache as buildx-v0.29.1-linux-amd64-\w+: Cache service responded with 503/
    )
  })

  test('a save the cache client declines (-1) is reported as not saved', async () => {
    cacheService = true
    cache.saveCache.mockResolvedValueOnce(-1)
    expect((await installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())).source).toBe('download')
    expect(out).toMatch(
      /buildx was not saved to the GitHub Actions cache as buildx-v0.29.1-linux-amd64-\w+: the next run downloads it again/
    )
    expect(out).not.toMatch(/saved to the GitHub Actions cache as buildx-v0.29.1-linux-amd64-\w+\n/)
  })

  test('a failed restore is a warning, and it downloads', async () => {
    cacheService = true
    cache.restoreCache.mockRejectedValueOnce(new Error('tar failed'))
    expect((await installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())).source).toBe('download')
    expect(warnings().join('\n')).toMatch(/could not restore .* tar failed/)
  })

  test('no cache service: nothing restored or saved', async () => {
    cacheService = false
    expect((await installBuildx({ version: 'v0.29.1', cacheBinary: true }, host())).source).toBe('download')
    expect(cache.isFeatureAvailable).toHaveBeenCalled()
    expect(cache.restoreCache).not.toHaveBeenCalled()
    expect(cache.saveCache).not.toHaveBeenCalled()
  })

  test('cache-binary: false does not ask for the service', async () => {
    cacheService = true
    await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    expect(cache.isFeatureAvailable).not.toHaveBeenCalled()
    expect(cache.restoreCache).not.toHaveBeenCalled()
    expect(cache.saveCache).not.toHaveBeenCalled()
  })
})

describe('latest', () => {
  const API = 'https://api.github.com/repos/docker/buildx/releases/latest'

  test('is the tag of the latest GitHub release, asked with the token when there is one', async () => {
    const binary = Buffer.from('buildx 0.30.1')
    release('v0.30.1', binary)
    const fetch = jest
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(new Response(JSON.stringify({ tag_name: 'v0.30.1', prerelease: false }), { status: 200 }))
    const got = await installBuildx({ version: 'latest', cacheBinary: false }, { ...host(), env: { GITHUB_TOKEN: 'ghs_token' } })
    expect(got).toMatchObject({ version: 'v0.30.1', sha256: sha(binary) })
    expect(fetch).toHaveBeenCalledTimes(1)
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe(API)
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer ghs_token')
    expect(fs.readFileSync(plugin())).toEqual(binary)
  })

  test('without a token no Authorization is sent', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{"tag_name":"v0.29.1"}', { status: 200 }))
    await installBuildx({ version: 'latest', cacheBinary: false }, host())
    expect((fetch.mock.calls[0][1]?.headers as Record<string, string>).Authorization).toBeUndefined()
  })

  test.each<[string, () => Promise<Response>, NodeJS.ProcessEnv, RegExp]>([
    [
      'rate limited, no token',
      async () => new Response('{"message":"API rate limit exceeded"}', { status: 403, headers: { 'x-ratelimit-remaining': '0' } }),
      {},
      /answered HTTP 403: GitHub's API rate limit is used up \(60 requests .* set GITHUB_TOKEN: \$\{\{ github.token \}\}.*Give a release/
    ],
    [
      'rate limited, with a token',
      async () => new Response('{}', { status: 429 }),
      { GITHUB_TOKEN: 't' },
      /HTTP 429: GitHub's API rate limit is used up\. Give a release/
    ],
    ['a server error', async () => new Response('oops', { status: 502 }), {}, /answered HTTP 502\. Give a release/],
    [
      'no network',
      async () => {
        throw new TypeError('fetch failed')
      },
      {},
      /could not ask https:\/\/api.github.com\S+ for the latest buildx: fetch failed\. Give a release/
    ]
  ])('%s: an error saying to pin a release', async (_what, answer, env, message) => {
    jest.spyOn(globalThis, 'fetch').mockImplementation(answer)
    await expect(installBuildx({ version: 'latest', cacheBinary: false }, { ...host(), env })).rejects.toThrow(message)
    expect(downloaded).toEqual([])
    expect(fs.existsSync(plugin())).toBe(false)
  })

  test('is refused with buildx-url, without asking GitHub', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch')
    await expect(installBuildx({ version: 'latest', baseUrl: 'https://mirror.corp/buildx', cacheBinary: false }, host())).rejects.toThrow(
      /not on buildx-url/
    )
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('a plugin that was there before, and restorePlugin', () => {
  test('a file is backed up under runDir and put back, mode and all; a second restore is harmless', async () => {
    fs.mkdirSync(path.dirname(plugin()), { recursive: true })
    fs.writeFileSync(plugin(), "the runner's own buildx")
    fs.chmodSync(plugin(), 0o700)
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    expect(got.backupPath).toBe(path.join(runDir, 'buildx-plugin-backup', 'docker-buildx'))
    expect(fs.readFileSync(got.backupPath ?? '', 'utf8')).toBe("the runner's own buildx")
    expect(fs.readFileSync(plugin())).toEqual(BINARY)

    expect(restorePlugin(got)).toBe(`put back the buildx plugin that was at ${plugin()} before this run`)
    expect(fs.readFileSync(plugin(), 'utf8')).toBe("the runner's own buildx")
    expect(mode(plugin())).toBe(0o700)
    expect(fs.existsSync(got.backupPath ?? '')).toBe(false)
    expect(fs.readdirSync(path.dirname(plugin()))).toEqual(['docker-buildx'])

    expect(restorePlugin(got)).toMatch(/already back/)
    expect(fs.readFileSync(plugin(), 'utf8')).toBe("the runner's own buildx")
  })

  test('a symbolic link is put back as the same link', async () => {
    const real = path.join(home, 'system-buildx')
    fs.writeFileSync(real, 'system buildx', { mode: 0o755 })
    fs.mkdirSync(path.dirname(plugin()), { recursive: true })
    fs.symlinkSync(real, plugin())
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    expect(fs.lstatSync(plugin()).isSymbolicLink()).toBe(false)
    expect(fs.readFileSync(real, 'utf8')).toBe('system buildx') // not written through the link
    restorePlugin(got)
    expect(fs.readlinkSync(plugin())).toBe(real)
    expect(fs.readFileSync(real, 'utf8')).toBe('system buildx')
  })

  test('with none before, restore removes ours; a second restore is harmless', async () => {
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    expect(got.backupPath).toBeUndefined()
    expect(restorePlugin(got)).toBe(`removed the buildx plugin this run installed at ${plugin()} (there was none before)`)
    expect(fs.existsSync(plugin())).toBe(false)
    expect(restorePlugin(got)).toMatch(/already removed/)
  })

  test('with none before, a plugin some later step put there is left alone', async () => {
    const got = await installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())
    fs.writeFileSync(plugin(), 'installed by a later step')
    expect(restorePlugin(got)).toMatch(/left .* alone: it is no longer the buildx this run installed/)
    expect(fs.readFileSync(plugin(), 'utf8')).toBe('installed by a later step')
  })

  test('a directory where the plugin goes is an error, and stays', async () => {
    fs.mkdirSync(plugin(), { recursive: true })
    await expect(installBuildx({ version: 'v0.29.1', cacheBinary: false }, host())).rejects.toThrow(`${plugin()} is not a file`)
    expect(fs.statSync(plugin()).isDirectory()).toBe(true)
  })
})

test("the caches' clients are loaded only when buildx is installed (runs without version stay fast)", () => {
  for (const f of ['install/install.ts', 'install/buildx-release.ts', 'install/setup.ts']) {
    const text = fs.readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'src', f), 'utf8')
    expect(text).not.toMatch(/^import (?!type )[^;]*from '@actions\/(tool-)?cache'/m)
  }
})
