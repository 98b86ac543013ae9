import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { DEFAULT_CNI_CONFIG } from '../../src/cni.js'
import { newRun, readOutputs, readSummary, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import { afterTest, buildkitImage, cleanUpTests, containerOf, describeDocker, docker, dockerProblem, errors, leftovers, uniqueName } from './docker-env.js'

// CNI end to end: the plugins archive is served over HTTP on 127.0.0.1 by this test (real
// plugins: Debian's containernetworking-plugins, or CNI_TEST_PLUGINS_DIR), the action
// downloads and checks it, builds the CNI image on the engine's default builder from the
// BuildKit image under test, and the daemon must report the cni network.
jest.setTimeout(240_000)

const VERSION = 'v1.1.1' // Debian bookworm's containernetworking-plugins is 1.1.1
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-it-'))
const toolCache = path.join(work, 'toolcache')
const served = path.join(work, 'served')
const requests: string[] = []
let server: http.Server
let baseUrl = ''
const builtImages = new Set<string>()

/** Real plugin binaries to pack. Against a real BuildKit image they must run there (static). */
function pluginsSource(): string {
  const dir = process.env.CNI_TEST_PLUGINS_DIR || '/usr/lib/cni'
  if (!fs.existsSync(path.join(dir, 'bridge'))) {
    throw new Error(`no CNI plugins in ${dir}: install Debian's containernetworking-plugins (.ci/run does) or set CNI_TEST_PLUGINS_DIR`)
  }
  if (process.env.BUILDKIT_IMAGE && !process.env.CNI_TEST_PLUGINS_DIR) {
    throw new Error(
      'BUILDKIT_IMAGE names a real daemon, which executes the plugins: set CNI_TEST_PLUGINS_DIR to statically linked ones ' +
        "(a containernetworking/plugins release; Debian's are linked against glibc, which BuildKit's Alpine image lacks)"
    )
  }
  return dir
}

/** Publishes an archive of `dir` as release `version`, with a .sha256 (or a wrong one). */
function publish(version: string, dir: string, sum?: string): void {
  const name = `cni-plugins-linux-${os.arch() === 'x64' ? 'amd64' : os.arch()}-${version}.tgz`
  fs.mkdirSync(path.join(served, version), { recursive: true })
  const archive = path.join(served, version, name)
  execFileSync('tar', ['-czf', archive, '-C', dir, '.'])
  const real = createHash('sha256').update(fs.readFileSync(archive)).digest('hex')
  fs.writeFileSync(`${archive}.sha256`, `${sum ?? real}  ${name}\n`)
}

beforeAll(async () => {
  if (dockerProblem) return
  publish(VERSION, pluginsSource())
  publish('v0.0.1', pluginsSource(), 'f'.repeat(64))
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    const file = path.join(served, decodeURIComponent((req.url ?? '').replace(/^\/releases\//, '')))
    if (!file.startsWith(served) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases`
})
afterAll(async () => {
  if (server) await new Promise(resolve => server.close(resolve))
  for (const image of builtImages) docker(['rmi', '-f', image])
  fs.rmSync(work, { recursive: true, force: true })
})

afterEach(cleanUpTests)
function start(name: string, inputs: Record<string, string>): Run {
  const run = newRun({ inputs: { name, use: 'false', 'driver-opts': 'network=host', ...inputs }, env: { RUNNER_TOOL_CACHE: toolCache } })
  afterTest(name, run)
  return run
}
const buildInputs = () => ({ cni: 'true', 'buildkit-image': buildkitImage(), 'cni-plugins-version': VERSION, 'cni-plugins-url': baseUrl })
const imageOf = (stdout: string): string => {
  const m = /BuildKit image: (\S+)/.exec(stdout)
  if (m) builtImages.add(m[1])
  return m?.[1] ?? ''
}

describeDocker('CNI networking', () => {
  test('builds the CNI image from the BuildKit image, verifies the daemon runs with cni; a second run reuses image and plugins', async () => {
    const name = uniqueName('cni')
    const run = start(name, buildInputs())
    requests.length = 0
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const image = imageOf(main.stdout)
    expect(image).toMatch(/^localhost\/buildkit-builder-cni:v1\.1\.1-[0-9a-f]{16}$/)
    expect(requests.sort()).toEqual([`/releases/${VERSION}/cni-plugins-linux-amd64-${VERSION}.tgz`, `/releases/${VERSION}/cni-plugins-linux-amd64-${VERSION}.tgz.sha256`].sort())
    expect(main.stdout).toMatch(/SHA-256 [0-9a-f]{64} matches/)
    expect(main.stdout).toContain(`built ${image} from ${buildkitImage()}`)

    // The daemon itself says cni; the image holds the plugins and the config.
    const workers = JSON.parse(docker(['exec', containerOf(name), 'buildctl', 'debug', 'workers', '--format', '{{json .}}']).stdout)
    expect(workers[0].labels['org.mobyproject.buildkit.worker.network']).toBe('cni')
    expect(JSON.parse(docker(['inspect', '--format', '{{json .Config.Cmd}}', containerOf(name)]).stdout)).toContain('--oci-worker-net=cni')
    expect(docker(['exec', containerOf(name), 'cat', '/etc/buildkit/cni.json']).stdout).toBe(DEFAULT_CNI_CONFIG)
    for (const p of ['bridge', 'host-local', 'loopback']) expect(docker(['exec', containerOf(name), 'test', '-x', `/opt/cni/bin/${p}`]).status).toBe(0)
    expect(readOutputs(run).verified).toBe('true')
    expect(readSummary(run)).toContain('<tr><th align="left">Network mode</th><td>cni</td></tr>')
    expect(readSummary(run)).toContain(`<tr><th align="left">BuildKit image</th><td>${image} (built from`)
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect(fs.readdirSync(path.join(toolCache, 'cni-plugins'))).toEqual(['1.1.1'])

    // Second run: the plugins come from the tool cache, the image is already there.
    const name2 = uniqueName('cni-again')
    const run2 = start(name2, buildInputs())
    requests.length = 0
    const main2 = await runMain(run2)
    expect(errors(main2.stdout)).toEqual([])
    expect(requests).toEqual([])
    expect(main2.stdout).toContain(`CNI plugins ${VERSION} (amd64) found in the tool cache`)
    expect(main2.stdout).toContain(`${image} is already present: not building it again`)
    expect(main2.stdout).not.toContain('$ docker buildx build')
    expect(readOutputs(run2).verified).toBe('true')
    expect((await runPost(run2)).exitCode).toBe(0)
    expect(leftovers(name2, run2.runnerTemp)).toEqual([])
  })

  test('a checksum that does not match: the error names both sums, nothing is cached or left', async () => {
    const name = uniqueName('cni-sum')
    const run = start(name, { ...buildInputs(), 'cni-plugins-version': 'v0.0.1' })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^checksum mismatch for ${baseUrl}/v0.0.1/cni-plugins-linux-amd64-v0.0.1.tgz: the archive has SHA-256 [0-9a-f]{64}, .*\\.sha256 says f{64}`))
    ])
    expect(fs.existsSync(path.join(toolCache, 'cni-plugins', '0.0.1'))).toBe(false)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
  })

  test('a release that does not exist: HTTP 404 named, nothing left', async () => {
    const name = uniqueName('cni-404')
    const run = start(name, { ...buildInputs(), 'cni-plugins-version': 'v9.9.9' })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([expect.stringMatching(/^could not download .*v9.9.9\/cni-plugins-linux-amd64-v9.9.9.tgz \(HTTP 404\)/)])
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('a config naming a plugin the release lacks fails before any image is built', async () => {
    const name = uniqueName('cni-type')
    const config = path.join(work, 'needs-nope.json')
    fs.writeFileSync(config, JSON.stringify({ cniVersion: '0.4.0', name: 'x', type: 'nope-plugin' }))
    const run = start(name, { ...buildInputs(), 'cni-config': config })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([expect.stringMatching(/needs the plugin\(s\) nope-plugin, which CNI plugins v1\.1\.1/)])
    expect(main.stdout).not.toContain('$ docker buildx build')
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('cni-image without plugins: the daemon refuses to start with its own error, nothing is left', async () => {
    const name = uniqueName('cni-noplugins')
    const run = start(name, { 'cni-image': buildkitImage() })
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout)).toEqual([expect.stringMatching(/^docker buildx create failed/)])
    // The real daemon's message (fixture 03-cni-without-plugins).
    expect(main.stdout).toContain('failed to read cni config "/etc/buildkit/cni.json"')
    expect(main.stdout).toContain("last lines of the daemon's log:")
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })
})
