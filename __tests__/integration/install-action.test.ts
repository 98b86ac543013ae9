import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseBuildxVersion } from '../../src/buildx-install.js'
import { newRun, readOutputs, runMain, runPost } from '../../scripts/runner.mjs'
import { afterTest, cleanUpTests, describeDocker, dockerProblem, driverOpts, errors, uniqueName } from './docker-env.js'

// `version` through the action as a runner runs it: main installs the pinned buildx from a
// release-like layout on 127.0.0.1 (this machine's own buildx binary, published under its
// own version), creates and verifies the builder with it, and post puts the docker CLI's
// plugin directory back as it was. A DOCKER_CONFIG of the test's own: ~/.docker is not touched.
jest.setTimeout(180_000)

const GOARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch]
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'install-action-'))
const dockerConfig = path.join(work, 'docker-config')
const plugin = path.join(dockerConfig, 'cli-plugins', 'docker-buildx')
const files = new Map<string, Buffer | string>()
const requests: string[] = []
let server: http.Server | undefined
let base = ''
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
  const binary = fs.readFileSync(fs.realpathSync(source))
  // Its release tag without a distribution suffix (Debian's 0.29.1+ds1 is the v0.29.1 release).
  tag = (parseBuildxVersion(spawnSync(source, ['version'], { encoding: 'utf8' }).stdout) ?? '').replace(/\+.*$/, '')
  const asset = `buildx-${tag}.linux-${GOARCH}`
  files.set(`/r/${tag}/${asset}`, binary)
  files.set(`/r/${tag}/checksums.txt`, `${sha(binary)} *${asset}\n`)
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    const body = files.get(req.url ?? '')
    if (body === undefined) res.writeHead(404).end('not found')
    else res.writeHead(200).end(body)
  })
  await new Promise<void>(resolve => server?.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/r`
})
afterEach(cleanUpTests)
afterAll(async () => {
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  fs.rmSync(work, { recursive: true, force: true })
})

describeDocker('version: a pinned buildx through the action', () => {
  test('main installs and checks it, the builder is made with it; post removes the plugin it added', async () => {
    const name = uniqueName('version')
    const run = newRun({
      inputs: { name, use: 'false', 'driver-opts': driverOpts(), version: tag, 'buildx-url': base, 'cache-binary': 'false' },
      env: { DOCKER_CONFIG: dockerConfig }
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
        env: { DOCKER_CONFIG: dockerConfig }
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
})
