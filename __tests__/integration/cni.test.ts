import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { cacheArch, DEFAULT_CNI_CONFIG, pluginsUrls } from '../../src/cni/settings.js'
import { newRun, readOutputs, readSummary, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import {
  afterTest,
  buildkitImage,
  cleanUpTests,
  configInBuilder,
  ensureDebianPackages,
  until,
  containerOf,
  describeDocker,
  docker,
  dockerProblem,
  errors,
  eventsNow,
  leftovers,
  pulledSince,
  uniqueName
} from './docker-env.js'
import { pushLocalImage, startRegistries } from './registry-env.js'
import { serveDir, startReleaseServer, type ReleaseServer } from './release-server.js'

// CNI end to end: the plugins archive is served over https on 127.0.0.1 by this test
// (release-server.ts, its test CA trusted through NODE_EXTRA_CA_CERTS; real
// plugins: Debian's containernetworking-plugins, or CNI_TEST_PLUGINS_DIR), the action
// downloads and checks it, builds the CNI image on the engine's default builder from the
// BuildKit image under test, and the daemon must report the cni network.
jest.setTimeout(240_000)

const VERSION = 'v1.1.1' // Debian bookworm's containernetworking-plugins is 1.1.1
// A config of this test run's own, so the image tag is new: no image an earlier run left on
// the engine is reused (the tag comes from the base image, the archive and the config).
const RUN_CONFIG = JSON.stringify({ ...JSON.parse(DEFAULT_CNI_CONFIG), name: `buildkit-it-${process.pid}-${Date.now()}` })
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-it-'))
const toolCache = path.join(work, 'toolcache')
const served = path.join(work, 'served')
let requests: string[] = []
let server: ReleaseServer | undefined
let baseUrl = ''
const builtImages = new Set<string>()
let mirrorLoopback = ''

/** Real plugin binaries to pack. Against a real BuildKit image they must run there (static). */
function pluginsSource(): string {
  const dir = process.env.CNI_TEST_PLUGINS_DIR || '/usr/lib/cni'
  if (!process.env.CNI_TEST_PLUGINS_DIR) {
    ensureDebianPackages('the CNI tests', [
      { what: 'CNI plugins in /usr/lib/cni', present: () => fs.existsSync(path.join(dir, 'bridge')), pkg: 'containernetworking-plugins' }
    ])
  }
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

/** Publishes an archive of `dir` as release `version` under /<prefix>, with a .sha256 (or a wrong one). */
function publish(version: string, dir: string, sum?: string, prefix = 'releases'): void {
  const name = `cni-plugins-linux-${os.arch() === 'x64' ? 'amd64' : os.arch()}-${version}.tgz`
  fs.mkdirSync(path.join(served, prefix, version), { recursive: true })
  const archive = path.join(served, prefix, version, name)
  execFileSync('tar', ['-czf', archive, '-C', dir, '.'])
  const real = createHash('sha256').update(fs.readFileSync(archive)).digest('hex')
  fs.writeFileSync(`${archive}.sha256`, `${sum ?? real}  ${name}\n`)
}

const archiveName = (version: string) => `cni-plugins-linux-${os.arch() === 'x64' ? 'amd64' : os.arch()}-${version}.tgz`
const archiveOf = (version: string, prefix = 'releases') => path.join(served, prefix, version, archiveName(version))
const sumOf = (version: string, prefix = 'releases') =>
  createHash('sha256')
    .update(fs.readFileSync(archiveOf(version, prefix)))
    .digest('hex')

beforeAll(async () => {
  if (dockerProblem) return
  publish(VERSION, pluginsSource())
  publish('v0.0.1', pluginsSource(), 'f'.repeat(64))
  fs.writeFileSync(path.join(work, 'run.json'), RUN_CONFIG)
  // Another archive under the same version name, as a different mirror might serve it: its
  // loopback has bytes of its own at the end (an ELF file runs the same with them).
  const other = path.join(work, 'other')
  fs.cpSync(pluginsSource(), other, { recursive: true })
  fs.appendFileSync(path.join(other, 'loopback'), `mirror ${process.pid}`)
  mirrorLoopback = createHash('sha256')
    .update(fs.readFileSync(path.join(other, 'loopback')))
    .digest('hex')
  publish(VERSION, other, undefined, 'mirror')
  server = await startReleaseServer()
  serveDir(server, served)
  requests = server.requests
  baseUrl = `${server.https}/releases`
})
afterAll(async () => {
  if (server) await server.close()
  for (const image of builtImages) docker(['rmi', '-f', image])
  fs.rmSync(work, { recursive: true, force: true })
})

afterEach(cleanUpTests)
// network=none: with CNI, the builder must not share the runner's network (the action refuses
// network=host), and this engine has no default bridge.
function start(name: string, inputs: Record<string, string>, env: Record<string, string> = {}): Run {
  const run = newRun({
    inputs: { name, use: 'false', 'driver-opts': 'network=none', ...inputs },
    env: { RUNNER_TOOL_CACHE: toolCache, ...server?.trust, ...env }
  })
  afterTest(name, run)
  return run
}
const buildInputs = () => ({
  cni: 'true',
  'buildkit-image': buildkitImage(),
  'cni-plugins-version': VERSION,
  'cni-plugins-url': baseUrl,
  'cni-config': path.join(work, 'run.json')
})
const workers = (name: string) =>
  JSON.parse(docker(['exec', containerOf(name), 'buildctl', 'debug', 'workers', '--format', '{{json .}}']).stdout)
/** Temporary tags left on `image` (only ours: other runs on this engine may be building now). */
const tagsLeft = (image: string): string[] => {
  const id = docker(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim()
  return docker(['image', 'ls', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', 'localhost/buildkit-builder-cni'])
    .stdout.split('\n')
    .filter(l => l.includes(':building-') && l.endsWith(` ${id}`))
}
const imageOf = (stdout: string): string => {
  const m = /BuildKit image: (\S+)/.exec(stdout)
  if (m) builtImages.add(m[1])
  return m?.[1] ?? ''
}

describeDocker('CNI networking', () => {
  test('buildkit-image only on a docker.io mirror: pulled from the mirror, the image built FROM its reference; Docker Hub never asked', async () => {
    // A real registry on 127.0.0.1 (registry-env.ts) holds the base under a tag of this run,
    // which exists nowhere else; Docker Hub is unreachable from these machines.
    const regs = await startRegistries()
    const original = `moby/buildkit:cni-mirror-${process.pid}-${Date.now()}`
    const pushed = pushLocalImage(buildkitImage(), regs.httpMirror, original)
    try {
      const name = uniqueName('cni-mirror')
      // A tool cache of its own: the other tests count the downloads into theirs.
      const run = start(
        name,
        { ...buildInputs(), 'buildkit-image': original, mirrors: `docker.io=http://${regs.httpMirror}` },
        { RUNNER_TOOL_CACHE: path.join(work, 'toolcache-mirror') }
      )
      const since = eventsNow()
      const main = await runMain(run)
      const pulled = pulledSince(since)
      expect(errors(main.stdout)).toEqual([])
      const image = imageOf(main.stdout)
      expect(main.stdout).toContain(
        `the CNI image's base (buildkit-image) ${original}: pulled ${pushed.ref} from the docker.io mirror ${regs.httpMirror}, digest ${pushed.digest}`
      )
      expect(main.stdout).toContain(`built ${image} from ${pushed.ref}`)
      expect(workers(name)[0].labels['org.mobyproject.buildkit.worker.network']).toBe('cni')
      expect(readOutputs(run).verified).toBe('true')
      expect(readSummary(run)).toContain(`(built from ${pushed.ref} (docker.io mirror ${regs.httpMirror}, ${pushed.digest})`)
      // The engine's own account: the mirror's reference pulled, the Docker Hub one never.
      expect(pulled).toContain(pushed.ref)
      expect(pulled.filter(p => p === original || p === `docker.io/${original}`)).toEqual([])
      expect((await runPost(run)).exitCode).toBe(0)
      expect(leftovers(name, run.runnerTemp)).toEqual([])
    } finally {
      regs.stop()
      docker(['image', 'rm', '--no-prune', pushed.ref])
    }
  })

  test('builds the CNI image from the BuildKit image, verifies the daemon runs with cni; a second run reuses image and plugins', async () => {
    const name = uniqueName('cni')
    const run = start(name, buildInputs())
    requests.length = 0
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const image = imageOf(main.stdout)
    expect(image).toMatch(/^localhost\/buildkit-builder-cni:v1\.1\.1-[0-9a-f]{16}$/)
    expect(requests.sort()).toEqual(
      [
        `/releases/${VERSION}/cni-plugins-linux-amd64-${VERSION}.tgz`,
        `/releases/${VERSION}/cni-plugins-linux-amd64-${VERSION}.tgz.sha256`
      ].sort()
    )
    expect(main.stdout).toMatch(/SHA-256 [0-9a-f]{64} matches/)
    expect(main.stdout).toContain(`built ${image} from ${buildkitImage()}`)

    // The daemon itself says cni; the network settings are in the config, not in flags; the
    // image holds the plugins and the config.
    expect(workers(name)[0].labels['org.mobyproject.buildkit.worker.network']).toBe('cni')
    expect(configInBuilder(name).worker).toEqual({
      oci: { networkMode: 'cni', cniConfigPath: '/etc/buildkit/cni.json', cniBinaryPath: '/opt/cni/bin' }
    })
    expect(docker(['inspect', '--format', '{{json .Config.Cmd}}', containerOf(name)]).stdout).not.toContain('oci-worker-net')
    expect(docker(['exec', containerOf(name), 'cat', '/etc/buildkit/cni.json']).stdout).toBe(RUN_CONFIG)
    for (const p of ['bridge', 'host-local', 'loopback'])
      expect(docker(['exec', containerOf(name), 'test', '-x', `/opt/cni/bin/${p}`]).status).toBe(0)
    // Only the plugins the daemon runs: the config's and loopback, not the whole release.
    expect(
      docker(['exec', containerOf(name), 'ls', '/opt/cni/bin'])
        .stdout.split('\n')
        .filter(Boolean)
    ).toEqual(['bridge', 'host-local', 'loopback'])
    expect(readOutputs(run).verified).toBe('true')
    expect(readSummary(run)).toContain('<tr><th align="left">Network mode</th><td>cni (asked: cni (cni: true))</td></tr>')
    expect(tagsLeft(image)).toEqual([])
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
    // Only the published sum is asked for: the image's tag comes from it.
    expect(requests).toEqual([`/releases/${VERSION}/cni-plugins-linux-amd64-${VERSION}.tgz.sha256`])
    expect(main2.stdout).toContain(
      `CNI plugins ${VERSION} (amd64): archive SHA-256 ${sumOf(VERSION)} (${baseUrl}/${VERSION}/cni-plugins-linux-amd64-${VERSION}.tgz.sha256)`
    )
    expect(main2.stdout).toContain(`${image} is already present, with the plugins the config needs: not building it again`)
    expect(main2.stdout).not.toContain('$ docker buildx build')
    expect(readOutputs(run2).verified).toBe('true')
    expect((await runPost(run2)).exitCode).toBe(0)
    expect(leftovers(name2, run2.runnerTemp)).toEqual([])
  })

  test('an image under the tag that lacks the plugins (left by an older run): warned about, built again, verified', async () => {
    // A config of this test's own: its own tag, which only this test replaces.
    const config = path.join(work, 'lacking.json')
    fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(RUN_CONFIG), name: `${JSON.parse(RUN_CONFIG).name}-lacking` }))
    const first = start(uniqueName('cni-lacking'), { ...buildInputs(), 'cni-config': config })
    const main1 = await runMain(first)
    expect(errors(main1.stdout)).toEqual([])
    expect((await runPost(first)).exitCode).toBe(0)
    const image = imageOf(main1.stdout)
    const built = docker(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim()
    // The base image (no /opt/cni/bin) under the tag instead; the image built above is removed.
    expect(docker(['tag', buildkitImage(), image]).status).toBe(0)
    docker(['rmi', built])

    const name = uniqueName('cni-lacking-again')
    const run = start(name, { ...buildInputs(), 'cni-config': config })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).toContain(
      `::warning::${image} lacks the plugin(s) bridge, host-local, loopback (left by an interrupted or older run): building it again`
    )
    expect(main.stdout).toContain('$ docker buildx build')
    expect(imageOf(main.stdout)).toBe(image)
    expect(readOutputs(run).verified).toBe('true')
    for (const p of ['bridge', 'host-local', 'loopback'])
      expect(docker(['exec', containerOf(name), 'test', '-x', `/opt/cni/bin/${p}`]).status).toBe(0)
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('a checksum that does not match: the error names both sums, nothing is cached or left', async () => {
    const name = uniqueName('cni-sum')
    const run = start(name, { ...buildInputs(), 'cni-plugins-version': 'v0.0.1' })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^checksum mismatch for ${baseUrl}/v0.0.1/cni-plugins-linux-amd64-v0.0.1.tgz: the archive has SHA-256 [0-9a-f]{64}, .*\\.sha256 says f{64}`
        )
      )
    ])
    expect(fs.existsSync(path.join(toolCache, 'cni-plugins', '0.0.1'))).toBe(false)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
  })

  test('a release that does not exist: HTTP 404 named, nothing left', async () => {
    const name = uniqueName('cni-404')
    const run = start(name, { ...buildInputs(), 'cni-plugins-version': 'v9.9.9' })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(/^could not download .*v9.9.9\/cni-plugins-linux-amd64-v9.9.9.tgz.sha256 \(HTTP 404\)/)
    ])
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

  test('the same version name from another URL (another archive): its own cache entry and its own image', async () => {
    const name = uniqueName('cni-mirror')
    const run = start(name, { ...buildInputs(), 'cni-plugins-url': baseUrl.replace(/\/releases$/, '/mirror') })
    requests.length = 0
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(requests).toContain(`/mirror/${VERSION}/cni-plugins-linux-amd64-${VERSION}.tgz`)
    const image = imageOf(main.stdout)
    expect(main.stdout).toContain(`built ${image}`)
    expect(docker(['exec', containerOf(name), 'sha256sum', '/opt/cni/bin/loopback']).stdout.split(' ')[0]).toBe(mirrorLoopback)
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('two runs at once with an empty cache: one fills it under the lock, the other waits; both verified, nothing partial left', async () => {
    const cache = fs.mkdtempSync(path.join(work, 'cache-'))
    const gate = path.join(work, `gate-${Date.now()}`)
    const [a, b] = [uniqueName('cni-a'), uniqueName('cni-b')]
    // A holds the cache lock until the gate opens; B starts meanwhile and must wait for it. A
    // config of their own: no image is there yet, so both need the plugins (a present image is
    // found from the published sum without reading the cache at all).
    const inputs = { ...buildInputs(), 'cni-config': ownConfig('at-once') }
    const runA = start(a, inputs, { RUNNER_TOOL_CACHE: cache, BUILDKIT_BUILDER_ACTION_TEST_PAUSE: `cni-cache:${gate}` })
    const runB = start(b, inputs, { RUNNER_TOOL_CACHE: cache })
    const mainA = runMain(runA)
    await until(
      'run A to take the cache lock',
      () =>
        fs.readdirSync(cache).includes('cni-plugins') && fs.readdirSync(path.join(cache, 'cni-plugins')).some(f => f.startsWith('.lock-'))
    )
    const mainB = runMain(runB)
    await new Promise(r => setTimeout(r, 1500))
    fs.writeFileSync(gate, '')
    const [resA, resB] = await Promise.all([mainA, mainB])
    expect(errors(resA.stdout)).toEqual([])
    expect(errors(resB.stdout)).toEqual([])
    expect(resB.stdout).toContain('another run is filling the CNI plugins cache: waiting')
    expect(resB.stdout).toContain('found in the tool cache')
    const image = imageOf(resA.stdout)
    expect(imageOf(resB.stdout)).toBe(image)
    expect(readOutputs(runA).verified).toBe('true')
    expect(readOutputs(runB).verified).toBe('true')
    expect(tagsLeft(image)).toEqual([])
    expect(fs.readdirSync(path.join(cache, 'cni-plugins')).filter(f => f.startsWith('.lock-'))).toEqual([])
    for (const [n, r] of [
      [a, runA],
      [b, runB]
    ] as const) {
      expect((await runPost(r)).exitCode).toBe(0)
      expect(leftovers(n, r.runnerTemp)).toEqual([])
    }
  })

  test('a .conflist config: the path goes into [worker.oci] cniConfigPath, and the daemon runs with cni', async () => {
    const name = uniqueName('cni-list')
    const list = path.join(work, 'list.conflist')
    fs.writeFileSync(
      list,
      JSON.stringify({
        cniVersion: '1.0.0',
        name: `it-list-${process.pid}`,
        plugins: [{ type: 'bridge', bridge: 'buildkit1', ipam: { type: 'host-local', subnet: '10.11.0.0/16' } }, { type: 'firewall' }]
      })
    )
    const run = start(name, { ...buildInputs(), 'cni-config': list })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    imageOf(main.stdout)
    expect(configInBuilder(name).worker).toEqual({
      oci: { networkMode: 'cni', cniConfigPath: '/etc/buildkit/cni.conflist', cniBinaryPath: '/opt/cni/bin' }
    })
    expect(workers(name)[0].labels['org.mobyproject.buildkit.worker.network']).toBe('cni')
    expect(readOutputs(run).verified).toBe('true')
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('cni: bridge: the stock image, no image build, no download; the daemon reports cni', async () => {
    const name = uniqueName('cni-bridge')
    const run = start(name, { cni: 'bridge', 'cni-subnet': '10.21.0.0/16', 'driver-opts': `image=${buildkitImage()}\nnetwork=none` })
    requests.length = 0
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(requests).toEqual([])
    expect(main.stdout).not.toContain('$ docker buildx build')
    expect(main.stdout).toMatch(/runs BuildKit v\d+\.\d+\.\d+\S*: bridge network mode, subnet 10\.21\.0\.0\/16/)
    expect(configInBuilder(name).worker).toEqual({ oci: { networkMode: 'bridge', bridgeSubnet: '10.21.0.0/16' } })
    expect(workers(name)[0].labels['org.mobyproject.buildkit.worker.network']).toBe('cni')
    expect(readOutputs(run).verified).toBe('true')
    expect(readSummary(run)).toContain('<tr><th align="left">Network mode</th><td>cni (asked: bridge (cni: bridge))</td></tr>')
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  // The stand-in's version is set when its image is built; a real image has its own.
  const oldDaemon = process.env.BUILDKIT_IMAGE ? test.skip : test
  if (process.env.BUILDKIT_IMAGE)
    console.warn(
      'SKIPPED: "cni: bridge on BuildKit older than v0.13" needs the stand-in built as v0.12.4; BUILDKIT_IMAGE names a real image'
    )
  oldDaemon('cni: bridge on BuildKit older than v0.13: refused before the builder is created, naming the version', async () => {
    // v0.12.4: a version no other test file builds, so removing the image afterwards takes none of theirs.
    const old = execFileSync(path.join(import.meta.dirname, '..', 'standin', 'build.sh'), {
      encoding: 'utf8',
      env: { ...process.env, STANDIN_VERSION: 'v0.12.4' }
    }).trim()
    builtImages.add(old)
    const name = uniqueName('cni-old')
    const run = start(name, { cni: 'bridge', 'driver-opts': `image=${old}\nnetwork=none` })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([
      `${old} runs BuildKit v0.12.4, which has no bridge network mode (it came with v0.13.0): use a newer image (driver-opts image=…), or cni: true, ` +
        `which builds an image with CNI plugins`
    ])
    expect(main.stdout).not.toMatch(/\$ (docker buildx|\S*docker-buildx) create/)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test("cni-image without plugins: the daemon refuses to start, and its own error is the step's error; nothing is left", async () => {
    const name = uniqueName('cni-noplugins')
    const run = start(name, { 'cni-image': buildkitImage() })
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    // The real daemon's message (fixture 03-cni-without-plugins), in the ::error:: itself.
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^the BuildKit daemon did not start: failed to read cni config "/etc/buildkit/cni\.json": ` +
            String.raw`stat /etc/buildkit/cni\.json: no such file or directory\n`
        )
      )
    ])
    expect(main.stdout).toContain("last lines of the daemon's log:")
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  /** A tool cache entry for `url`'s archive, as the action would find it (the .complete marker included). */
  function plantEntry(cache: string, url: string, archive: string, extra: (dir: string) => void = () => undefined): string {
    const urls = pluginsUrls(url, VERSION, 'amd64')
    const dir = path.join(cache, 'cni-plugins', VERSION.slice(1), cacheArch('amd64', urls.archive))
    fs.mkdirSync(dir, { recursive: true })
    fs.copyFileSync(archive, path.join(dir, urls.fileName))
    extra(dir)
    fs.writeFileSync(`${dir}.complete`, '')
    return dir
  }
  /** A config of the test's own: an image tag no other test has built, so the tool cache is read. */
  function ownConfig(suffix: string): string {
    const file = path.join(work, `${suffix}.json`)
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(RUN_CONFIG), name: `${JSON.parse(RUN_CONFIG).name}-${suffix}` }))
    return file
  }

  test('a changed archive planted in the tool cache (with a sum recorded beside it) is refused: nothing is built from it', async () => {
    const cache = fs.mkdtempSync(path.join(work, 'planted-'))
    // Another archive (the mirror's: loopback changed) under the release's entry, unpacked too and
    // with the release's sum recorded beside it, as the action's older layout kept it.
    const dir = plantEntry(cache, baseUrl, archiveOf(VERSION, 'mirror'), d => {
      execFileSync('tar', ['-xzf', archiveOf(VERSION, 'mirror'), '-C', d])
      fs.writeFileSync(`${d}.archive-sha256`, sumOf(VERSION))
    })
    const name = uniqueName('cni-planted')
    const run = start(name, { ...buildInputs(), 'cni-config': ownConfig('planted') }, { RUNNER_TOOL_CACHE: cache })
    requests.length = 0
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    const archive = path.join(dir, archiveName(VERSION))
    expect(errors(main.stdout)).toEqual([
      `the tool cache holds a CNI plugins archive that is not the published one: ${archive} has SHA-256 ${sumOf(VERSION, 'mirror')}, ` +
        `${baseUrl}/${VERSION}/${archiveName(VERSION)}.sha256 says ${sumOf(VERSION)}. Nothing was built from it. Remove the entry (${dir} and ` +
        `${dir}.complete) from the runner's tool cache, and find out who wrote it: anyone who can write there can change what later jobs run`
    ])
    expect(requests).toEqual([`/releases/${VERSION}/${archiveName(VERSION)}.sha256`])
    expect(main.stdout).not.toContain('$ docker buildx build')
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
  })

  test('the genuine archive in the tool cache, pinned by cni-plugins-sha256 from an http:// mirror: used with no request at all', async () => {
    const cache = fs.mkdtempSync(path.join(work, 'pinned-'))
    const httpUrl = `${server?.http}/releases`
    plantEntry(cache, httpUrl, archiveOf(VERSION))
    const name = uniqueName('cni-pinned')
    const inputs = { ...buildInputs(), 'cni-plugins-url': httpUrl, 'cni-config': ownConfig('pinned'), 'cni-plugins-sha256': sumOf(VERSION) }
    const run = start(name, inputs, { RUNNER_TOOL_CACHE: cache })
    requests.length = 0
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(requests).toEqual([])
    expect(main.stdout).toContain(
      `CNI plugins ${VERSION} (amd64) from ${httpUrl}/${VERSION}/${archiveName(VERSION)} found in the tool cache: SHA-256 ${sumOf(VERSION)} ` +
        'matches cni-plugins-sha256'
    )
    const image = imageOf(main.stdout)
    expect(main.stdout).toContain(`built ${image}`)
    expect(readOutputs(run).verified).toBe('true')
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('an http:// cni-plugins-url is refused without cni-plugins-sha256; a pin the download does not match is a mismatch naming it', async () => {
    const httpUrl = `${server?.http}/releases`
    const refused = start(uniqueName('cni-http'), { ...buildInputs(), 'cni-plugins-url': httpUrl })
    requests.length = 0
    const main = await runMain(refused)
    expect(errors(main.stdout)).toEqual([
      'input "cni-plugins-url": is an http:// URL: what it serves, the published checksum included, could be changed on the way. ' +
        'Give an https URL, or pin the file with cni-plugins-sha256 (its SHA-256)'
    ])
    expect(requests).toEqual([])

    const name = uniqueName('cni-badpin')
    const run = start(
      name,
      { ...buildInputs(), 'cni-plugins-url': httpUrl, 'cni-plugins-sha256': 'a'.repeat(64) },
      { RUNNER_TOOL_CACHE: fs.mkdtempSync(path.join(work, 'badpin-')) }
    )
    const bad = await runMain(run)
    expect(errors(bad.stdout)).toEqual([
      `checksum mismatch for ${httpUrl}/${VERSION}/${archiveName(VERSION)}: the archive has SHA-256 ${sumOf(VERSION)}, ` +
        `cni-plugins-sha256 says ${'a'.repeat(64)}. ` +
        'Check cni-plugins-url (a mirror must serve the same files as the release)'
    ])
    expect(requests).toEqual([`/releases/${VERSION}/${archiveName(VERSION)}`])
    expect(bad.stdout).not.toContain('$ docker buildx build')
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })
})
