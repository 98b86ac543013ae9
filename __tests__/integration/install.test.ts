import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { installedVersionProblem, parseBuildxVersion, toolCacheArch } from '../../src/install/buildx-release.js'
import { installBuildx, restorePlugin, type Installed } from '../../src/install/install.js'
import { describeDocker, dockerProblem } from './docker-env.js'
import { startReleaseServer, trustInThisProcess, type ReleaseServer } from './release-server.js'

// Installing a pinned buildx end to end: the real @actions/tool-cache downloads over https from
// a release-like layout served on 127.0.0.1 with a test CA (release-server.ts; the machine's
// own buildx plugin, published as "v9.9.9"), the plugin lands in a DOCKER_CONFIG of the test's own, and the real docker CLI
// must then run it. The machine's own ~/.docker is never touched.
jest.setTimeout(120_000)

const GOARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch]
const ASSET = (v: string) => `buildx-${v}.linux-${GOARCH}`
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'install-it-'))
const dockerConfig = path.join(work, 'docker-config')
const home = path.join(work, 'home')
const runnerTemp = path.join(work, 'runner-temp')
const toolCache = path.join(work, 'toolcache')
let requests: string[] = []
/** URL path → content */
const files = new Map<string, Buffer | string | { redirect: string }>()
let server: ReleaseServer | undefined
let base = ''
let binary = Buffer.alloc(0)
let ownVersion: string | undefined
const saved = { ...process.env }

/** The buildx the docker CLI finds without a user plugin directory: the system's. */
function systemBuildx(): string {
  const empty = fs.mkdtempSync(path.join(work, 'empty-config-'))
  const r = spawnSync('docker', ['info', '--format', '{{json .ClientInfo.Plugins}}'], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_CONFIG: empty }
  })
  const listed = (JSON.parse(r.stdout.trim() || '[]') as { Name: string; Path: string }[]).find(p => p.Name === 'buildx')?.Path
  const candidates = [listed, '/usr/libexec/docker/cli-plugins/docker-buildx', '/usr/lib/docker/cli-plugins/docker-buildx']
  const found = candidates.find((p): p is string => p !== undefined && fs.existsSync(p) && fs.statSync(p).isFile())
  if (!found) throw new Error(`no buildx plugin binary on this machine (looked at ${candidates.filter(Boolean).join(', ')})`)
  return found
}

/** `docker <args>` with the test's DOCKER_CONFIG. */
function dockerWithConfig(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: dockerConfig } })
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr }
}

const host = (runDir: string) => ({ env: { DOCKER_CONFIG: dockerConfig }, home, runDir, platform: 'linux' as const, arch: process.arch })
const newRunDir = () => fs.mkdtempSync(path.join(runnerTemp, 'buildkit-builder-'))
const plugin = path.join(dockerConfig, 'cli-plugins', 'docker-buildx')
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

beforeAll(async () => {
  if (dockerProblem || !GOARCH) return
  for (const d of [dockerConfig, home, runnerTemp, toolCache]) fs.mkdirSync(d, { recursive: true })
  const source = systemBuildx()
  binary = fs.readFileSync(source)
  ownVersion = parseBuildxVersion(spawnSync(source, ['version'], { encoding: 'utf8' }).stdout)
  // v9.9.9: the release as published (checksums.txt as `sha256sum -b` writes it).
  files.set(`/r/v9.9.9/${ASSET('v9.9.9')}`, binary)
  files.set('/r/v9.9.9/checksums.txt', `${sha('provenance')} *${ASSET('v9.9.9')}.provenance.json\n${sha(binary)} *${ASSET('v9.9.9')}\n`)
  // v9.9.8: a checksums.txt that does not match the binary.
  files.set(`/r/v9.9.8/${ASSET('v9.9.8')}`, binary)
  files.set('/r/v9.9.8/checksums.txt', `${'e'.repeat(64)} *${ASSET('v9.9.8')}\n`)
  server = await startReleaseServer(files)
  trustInThisProcess(server)
  requests = server.requests
  base = `${server.https}/r`
  // What @actions/tool-cache reads; and no Actions cache service, as on a self-hosted runner.
  Object.assign(process.env, { RUNNER_TOOL_CACHE: toolCache, RUNNER_TEMP: runnerTemp })
  for (const v of ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2']) delete process.env[v]
})
afterAll(async () => {
  process.env = saved
  if (server) await server.close()
  fs.rmSync(work, { recursive: true, force: true })
})
let out = ''
beforeEach(() => {
  requests.length = 0
  // The log lines (and @actions/tool-cache's debug lines) are kept, not printed.
  out = ''
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => ((out += String(chunk)), true))
})
afterEach(() => {
  jest.restoreAllMocks()
})

const describeInstall = GOARCH ? describeDocker : describe.skip
describeInstall('installing a pinned buildx', () => {
  let first: Installed

  test('downloads, checks and installs it; the docker CLI runs it from DOCKER_CONFIG', async () => {
    const runDir = newRunDir()
    first = await installBuildx({ version: 'v9.9.9', baseUrl: base, cacheBinary: true }, host(runDir))
    expect(first).toMatchObject({ version: 'v9.9.9', pluginPath: plugin, source: 'download', sha256: sha(binary) })
    expect(first.backupPath).toBeUndefined()
    expect(requests).toEqual(['/r/v9.9.9/checksums.txt', `/r/v9.9.9/${ASSET('v9.9.9')}`])
    expect(fs.statSync(plugin).mode & 0o777).toBe(0o755)
    expect(fs.readdirSync(runDir)).toEqual([])

    const version = dockerWithConfig(['buildx', 'version'])
    expect(version.status).toBe(0)
    expect(ownVersion).toMatch(/^v\d+\.\d+\.\d+/)
    expect(parseBuildxVersion(version.stdout)).toBe(ownVersion)
    // The CLI took the plugin from the user directory, not the system one.
    const plugins = JSON.parse(dockerWithConfig(['info', '--format', '{{json .ClientInfo.Plugins}}']).stdout) as {
      Name: string
      Path: string
    }[]
    expect(plugins.find(p => p.Name === 'buildx')?.Path).toBe(plugin)
    // The check the caller makes: this binary is really v0.x, not the v9.9.9 it was served as.
    expect(installedVersionProblem(version.stdout, ownVersion ?? '')).toBeUndefined()
    expect(installedVersionProblem(version.stdout, 'v9.9.9', plugin)).toMatch(/runs buildx v\S+, not v9\.9\.9/)
  })

  test('the second install comes from the tool cache, checked against checksums.txt asked for again (the binary is not)', async () => {
    fs.rmSync(plugin)
    const again = await installBuildx({ version: 'v9.9.9', baseUrl: base, cacheBinary: true }, host(newRunDir()))
    expect(again.source).toBe('tool-cache')
    expect(requests).toEqual(['/r/v9.9.9/checksums.txt'])
    expect(out).toContain(`found in the tool cache (${path.join(toolCache, 'buildx', '9.9.9')}`)
    expect(out).toContain(`SHA-256 ${sha(binary)} matches ${base}/v9.9.9/checksums.txt`)
    expect(sha(fs.readFileSync(plugin))).toBe(sha(binary))
    expect(dockerWithConfig(['buildx', 'version']).status).toBe(0)
  })

  test('restorePlugin removes the plugin it installed when there was none before', () => {
    expect(fs.existsSync(plugin)).toBe(true) // the tool cache's copy, installed by the test before
    expect(restorePlugin(first)).toMatch(/^removed the buildx plugin this run installed/)
    expect(fs.existsSync(plugin)).toBe(false)
    expect(restorePlugin(first)).toMatch(/already removed/)
  })

  test('a wrong checksum is an error, and nothing is installed or cached', async () => {
    const runDir = newRunDir()
    await expect(installBuildx({ version: 'v9.9.8', baseUrl: base, cacheBinary: true }, host(runDir))).rejects.toThrow(
      `checksum mismatch for ${base}/v9.9.8/${ASSET('v9.9.8')}: the file has SHA-256 ${sha(binary)}, ${base}/v9.9.8/checksums.txt says ${'e'.repeat(64)}`
    )
    expect(fs.existsSync(plugin)).toBe(false)
    expect(fs.existsSync(path.join(toolCache, 'buildx', '9.9.8'))).toBe(false)
    expect(fs.readdirSync(runDir)).toEqual([])
    expect(fs.readdirSync(path.dirname(plugin))).toEqual([])
  })

  test('a plugin that was there is backed up, and restorePlugin puts it back', async () => {
    // A plugin of the runner's own (self-hosted): a script the docker CLI accepts as buildx.
    const own = [
      '#!/bin/sh',
      'if [ "$1" = docker-cli-plugin-metadata ]; then echo \'{"SchemaVersion":"0.1.0","Vendor":"test","Version":"v0.0.1-own","ShortDescription":"the ' +
        "runner'\"'\"'s own\"}'; exit 0; fi",
      'echo "github.com/docker/buildx v0.0.1-own test"',
      ''
    ].join('\n')
    fs.writeFileSync(plugin, own, { mode: 0o750 })
    expect(dockerWithConfig(['buildx', 'version']).stdout).toContain('v0.0.1-own')

    const runDir = newRunDir()
    const got = await installBuildx({ version: 'v9.9.9', baseUrl: base, cacheBinary: true }, host(runDir))
    expect(got.backupPath).toBeDefined()
    expect(got.backupPath?.startsWith(runDir + path.sep)).toBe(true)
    expect(fs.readFileSync(got.backupPath ?? '', 'utf8')).toBe(own)
    expect(parseBuildxVersion(dockerWithConfig(['buildx', 'version']).stdout)).toBe(ownVersion)

    expect(restorePlugin(got)).toMatch(/^put back the buildx plugin/)
    expect(fs.readFileSync(plugin, 'utf8')).toBe(own)
    expect(fs.statSync(plugin).mode & 0o777).toBe(0o750)
    expect(dockerWithConfig(['buildx', 'version']).stdout).toContain('v0.0.1-own')
    expect(restorePlugin(got)).toMatch(/already back/)
    expect(fs.readdirSync(path.dirname(plugin))).toEqual(['docker-buildx'])
  })

  test('a buildx planted in the tool cache with its own .sha256 and .complete is refused, not installed nor run', async () => {
    // What the runner's tool cache would hold if someone wrote it: a script that leaves a mark
    // when run, the .sha256 the action used to trust, and the marker of a finished entry.
    fs.rmSync(plugin, { force: true })
    // The entry's arch holds a hash of the mirror's URL (toolCacheArch), as the action names it.
    const dir = path.join(toolCache, 'buildx', '9.9.7', toolCacheArch({ baseUrl: base }, 'v9.9.7', 'linux', process.arch))
    const mark = path.join(work, 'planted-ran')
    const planted = `#!/bin/sh\ntouch ${mark}\necho "github.com/docker/buildx v9.9.7 planted"\n`
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'docker-buildx'), planted, { mode: 0o755 })
    fs.writeFileSync(path.join(dir, 'docker-buildx.sha256'), sha(planted))
    fs.writeFileSync(`${dir}.complete`, '')
    files.set(`/r/v9.9.7/${ASSET('v9.9.7')}`, binary)
    files.set('/r/v9.9.7/checksums.txt', `${sha(binary)} *${ASSET('v9.9.7')}\n`)

    const runDir = newRunDir()
    await expect(installBuildx({ version: 'v9.9.7', baseUrl: base, cacheBinary: true }, host(runDir))).rejects.toThrow(
      `the tool cache holds a buildx v9.9.7 that is not the release's: ${path.join(dir, 'docker-buildx')} has SHA-256 ${sha(planted)}, ` +
        `${base}/v9.9.7/checksums.txt says ${sha(binary)}. Nothing was installed or run. Remove the entry (${dir} and ${dir}.complete)`
    )
    expect(requests).toEqual(['/r/v9.9.7/checksums.txt'])
    expect(fs.existsSync(plugin)).toBe(false)
    expect(fs.existsSync(mark)).toBe(false)
    // buildx-sha256 pins the same file: refused as well, with no request at all.
    requests.length = 0
    await expect(installBuildx({ version: 'v9.9.7', baseUrl: base, cacheBinary: true, sha256: sha(binary) }, host(runDir))).rejects.toThrow(
      `buildx-sha256 says ${sha(binary)}`
    )
    expect(requests).toEqual([])
    expect(fs.existsSync(plugin)).toBe(false)
    expect(fs.readdirSync(runDir)).toEqual([])
  })

  test('checksums.txt redirected from https to http is refused', async () => {
    files.set('/r/v9.9.6/checksums.txt', { redirect: `${server?.http}/r/v9.9.9/checksums.txt` })
    await expect(installBuildx({ version: 'v9.9.6', baseUrl: base, cacheBinary: true }, host(newRunDir()))).rejects.toThrow(
      `could not download the release's checksums from ${base}/v9.9.6/checksums.txt: the server redirected to a http: URL, which is refused`
    )
    expect(requests).toEqual(['/r/v9.9.6/checksums.txt'])
    expect(fs.existsSync(plugin)).toBe(false)
  })

  test('an http:// mirror with buildx-sha256: downloaded, checked against the pin, installed', async () => {
    const got = await installBuildx(
      { version: 'v9.9.9', baseUrl: `${server?.http}/r`, cacheBinary: false, sha256: sha(binary) },
      host(newRunDir())
    )
    expect(got).toMatchObject({ source: 'download', sha256: sha(binary) })
    expect(requests).toEqual([`/r/v9.9.9/${ASSET('v9.9.9')}`])
    expect(out).toContain(`SHA-256 ${sha(binary)} matches buildx-sha256`)
    expect(restorePlugin(got)).toMatch(/^removed/)
  })
})
