import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseBuildxVersion, toolCacheArch } from '../../src/install/buildx-release.js'
import { newRun, readOutputs, runMain, runPost } from '../../scripts/runner.mjs'
import { afterTest, cleanUpTests, describeDocker, dockerProblem, driverOpts, errors, uniqueName } from './docker-env.js'
import { startReleaseServer, type ReleaseServer } from './release-server.js'

// `version` through the action as a runner runs it: main installs the pinned buildx from a
// release-like layout served over https on 127.0.0.1 (release-server.ts, trusted through
// NODE_EXTRA_CA_CERTS; this machine's own buildx binary, published under its own version),
// creates and verifies the builder with it, and post puts the docker CLI's
// plugin directory back as it was. A DOCKER_CONFIG of the test's own: ~/.docker is not touched.
jest.setTimeout(180_000)

const GOARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch]
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'install-action-'))
const dockerConfig = path.join(work, 'docker-config')
const plugin = path.join(dockerConfig, 'cli-plugins', 'docker-buildx')
const files = new Map<string, Buffer | string | { redirect: string }>()
let requests: string[] = []
let server: ReleaseServer | undefined
let base = ''
let binary = Buffer.alloc(0)
let tag = ''

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const dockerWithConfig = (args: string[]): string =>
  spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: dockerConfig } }).stdout

beforeAll(async () => {
  if (dockerProblem || !GOARCH) return
  fs.mkdirSync(dockerConfig, { recursive: true })
  // The system's buildx, found with an empty DOCKER_CONFIG (no user plugin in the way).
  const listed = JSON.parse(dockerWithConfig(['info', '--format', '{{json .ClientInfo.Plugins}}']).trim() || '[]') as {
    Name: string
    Path: string
  }[]
  const source = listed.find(p => p.Name === 'buildx')?.Path ?? '/usr/libexec/docker/cli-plugins/docker-buildx'
  binary = fs.readFileSync(fs.realpathSync(source))
  // Its release tag without a distribution suffix (Debian's 0.29.1+ds1 is the v0.29.1 release).
  tag = (parseBuildxVersion(spawnSync(source, ['version'], { encoding: 'utf8' }).stdout) ?? '').replace(/\+.*$/, '')
  const asset = `buildx-${tag}.linux-${GOARCH}`
  files.set(`/r/${tag}/${asset}`, binary)
  files.set(`/r/${tag}/checksums.txt`, `${sha(binary)} *${asset}\n`)
  server = await startReleaseServer(files)
  requests = server.requests
  base = `${server.https}/r`
})
afterEach(cleanUpTests)
afterAll(async () => {
  if (server) await server.close()
  fs.rmSync(work, { recursive: true, force: true })
})

describeDocker('version: a pinned buildx through the action', () => {
  test('main installs and checks it, the builder is made with it; post removes the plugin it added', async () => {
    const name = uniqueName('version')
    const run = newRun({
      inputs: { name, use: 'false', 'driver-opts': driverOpts(), version: tag, 'buildx-url': base, 'cache-binary': 'false' },
      env: { DOCKER_CONFIG: dockerConfig, ...server?.trust }
    })
    afterTest(name, run)
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).toContain(`buildx ${tag} installed at ${plugin} (from the release download, SHA-256 `)
    expect(readOutputs(run).verified).toBe('true')
    expect(fs.existsSync(plugin)).toBe(true)
    expect(requests.filter(r => r.endsWith('checksums.txt'))).toHaveLength(1)
    // The docker CLI with that DOCKER_CONFIG now runs the installed plugin.
    expect(
      JSON.parse(dockerWithConfig(['info', '--format', '{{json .ClientInfo.Plugins}}'])).find((p: { Name: string }) => p.Name === 'buildx')
        .Path
    ).toBe(plugin)

    const post = await runPost(run)
    expect(errors(post.stdout)).toEqual([])
    expect(post.stdout).toContain(`removed the buildx plugin this run installed at ${plugin} (there was none before)`)
    expect(fs.existsSync(plugin)).toBe(false)
  })

  test('a checksum that does not match: the step fails, nothing is installed, nothing is left', async () => {
    const name = uniqueName('version-bad')
    const asset = `buildx-${tag}.linux-${GOARCH}`
    const good = files.get(`/r/${tag}/checksums.txt`)!
    files.set(`/r/${tag}/checksums.txt`, `${'0'.repeat(64)} *${asset}\n`)
    try {
      const run = newRun({
        inputs: { name, use: 'false', 'driver-opts': driverOpts(), version: tag, 'buildx-url': base, 'cache-binary': 'false' },
        env: { DOCKER_CONFIG: dockerConfig, ...server?.trust }
      })
      afterTest(name, run)
      const main = await runMain(run)
      expect(main.exitCode).toBe(1)
      expect(errors(main.stdout).join('\n')).toMatch(/SHA-256/)
      expect(fs.existsSync(plugin)).toBe(false)
      expect(fs.readdirSync(run.runnerTemp)).toEqual([])
    } finally {
      files.set(`/r/${tag}/checksums.txt`, good)
    }
  })

  test('a buildx planted in the tool cache with its own .sha256 and .complete: the step fails naming it, it is never run', async () => {
    const name = uniqueName('version-planted')
    const run = newRun({
      inputs: { name, use: 'false', 'driver-opts': driverOpts(), version: tag, 'buildx-url': base, 'cache-binary': 'false' },
      env: { DOCKER_CONFIG: dockerConfig, ...server?.trust }
    })
    afterTest(name, run)
    const mark = path.join(work, 'planted-ran')
    const planted = `#!/bin/sh\ntouch ${mark}\necho "github.com/docker/buildx ${tag} planted"\n`
    const dir = path.join(run.env.RUNNER_TOOL_CACHE, 'buildx', tag.slice(1), toolCacheArch({ baseUrl: base }, tag, 'linux', process.arch))
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'docker-buildx'), planted, { mode: 0o755 })
    fs.writeFileSync(path.join(dir, 'docker-buildx.sha256'), sha(planted))
    fs.writeFileSync(`${dir}.complete`, '')
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout)).toEqual([
      expect.stringContaining(
        `the tool cache holds a buildx ${tag} that is not the release's: ${path.join(dir, 'docker-buildx')} has SHA-256 ${sha(planted)}, ` +
          `${base}/${tag}/checksums.txt says ${sha(binary)}. Nothing was installed or run. Remove the entry (${dir} and ${dir}.complete)`
      )
    ])
    expect(fs.existsSync(mark)).toBe(false)
    expect(fs.existsSync(plugin)).toBe(false)
    expect(main.stdout).not.toMatch(/\$ (docker buildx|\S*docker-buildx) create/)
    expect(fs.readdirSync(run.runnerTemp)).toEqual([])
  })

  test('an http:// buildx-url without buildx-sha256 is refused before anything is asked for; with it, the pinned binary is used', async () => {
    const httpBase = `${server?.http}/r`
    const refusedName = uniqueName('version-http')
    const refused = newRun({
      inputs: { name: refusedName, use: 'false', 'driver-opts': driverOpts(), version: tag, 'buildx-url': httpBase },
      env: { DOCKER_CONFIG: dockerConfig }
    })
    // Removed after the test whatever happens: code that lets the URL through creates a builder.
    afterTest(refusedName, refused)
    requests.length = 0
    const main = await runMain(refused)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout).join('\n')).toContain(
      'input "buildx-url": is an http:// URL: what it serves, the published checksum included, could be changed on the way. ' +
        'Give an https URL, or pin the file with buildx-sha256 (its SHA-256)'
    )
    expect(requests).toEqual([])

    const name = uniqueName('version-pinned')
    const run = newRun({
      inputs: {
        name,
        use: 'false',
        'driver-opts': driverOpts(),
        version: tag,
        'buildx-url': httpBase,
        'buildx-sha256': sha(binary),
        'cache-binary': 'false'
      },
      env: { DOCKER_CONFIG: dockerConfig }
    })
    afterTest(name, run)
    const pinned = await runMain(run)
    expect(errors(pinned.stdout)).toEqual([])
    expect(pinned.stdout).toContain(`SHA-256 ${sha(binary)} matches buildx-sha256`)
    expect(requests).toEqual([`/r/${tag}/buildx-${tag}.linux-${GOARCH}`])
    expect((await runPost(run)).exitCode).toBe(0)
    expect(fs.existsSync(plugin)).toBe(false)
  })
})
