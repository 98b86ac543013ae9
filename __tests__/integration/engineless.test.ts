import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseBuildxVersion } from '../../src/install/buildx-release.js'
import { asShown, newRun, readOutputs, readState, runMain, runPost, type Run, type StepResult } from '../../scripts/runner.mjs'
import { afterTest, cleanUpTests, describeDocker, docker, errors, uniqueName } from './docker-env.js'
import { startReleaseServer, type ReleaseServer } from './release-server.js'
import { startRegistries, type TestRegistries } from './registry-env.js'
import { freePort, makePki, noDockerEnv, startTlsDaemon, systemBuildx, type TlsDaemon } from './remote-env.js'

// A runner without a Docker engine or a docker CLI (actions-runner-controller without
// docker-in-docker): DOCKER_HOST on a socket nobody serves, and a PATH without `docker`. The
// remote driver needs neither: buildx runs standalone (`buildx` on PATH, or installed
// standalone by `version`), and the TLS material comes from docker/setup-buildx-action's
// BUILDER_NODE_0_AUTH_TLS_* variables. The daemon is a real BuildKit image listening with TLS
// (the stand-in speaks no gRPC), so the runs that reach it need BUILDKIT_IMAGE; the input
// checks and the standalone install (against a daemon that does not answer) run either way.
// The kubernetes driver's run without engine and CLI is in kubernetes.test.ts.
// ENGINELESS_LOG=<file>: the TLS run's main log (and post's, <file>.post) as the runner shows them.
jest.setTimeout(180_000)

const image = process.env.BUILDKIT_IMAGE
// The runs that reach a daemon: skipped, and reported as skipped, without a real image.
const withDaemon = image ? test : test.skip
if (!image) console.warn('ENGINE-LESS REMOTE RUNS AGAINST A DAEMON SKIPPED: BUILDKIT_IMAGE is not set (the stand-in speaks no gRPC or TLS)')
const GOARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch]
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'engineless-'))
const containers: string[] = []
const disposers: (() => void)[] = []
let daemon: TlsDaemon | undefined
let server: ReleaseServer | undefined
let regs: TestRegistries | undefined
let tag = ''

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const pem = (f: string): string => fs.readFileSync(path.join(work, 'pki', f), 'utf8')

beforeAll(async () => {
  if (!GOARCH || spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) return
  // This machine's buildx, published as a release under its own version (as install-action.test.ts does).
  const binary = fs.readFileSync(systemBuildx())
  tag = (parseBuildxVersion(spawnSync(systemBuildx(), ['version'], { encoding: 'utf8' }).stdout) ?? '').replace(/\+.*$/, '')
  const asset = `buildx-${tag}.linux-${GOARCH}`
  server = await startReleaseServer(
    new Map<string, Buffer | string>([
      [`/r/${tag}/${asset}`, binary],
      [`/r/${tag}/checksums.txt`, `${sha(binary)} *${asset}\n`]
    ])
  )
  makePki(path.join(work, 'pki'))
  if (image) {
    daemon = await startTlsDaemon(image, path.join(work, 'pki'), containers)
    // verify-pull through the remote daemon (host network): a plain-HTTP registry on loopback.
    regs = await startRegistries()
  }
})
afterEach(() => {
  cleanUpTests()
  for (const d of disposers.splice(0)) d()
})
afterAll(async () => {
  regs?.stop()
  for (const c of containers) docker(['rm', '-f', '-v', c])
  if (server) await server.close()
  fs.rmSync(work, { recursive: true, force: true })
})

/** A run on a runner without engine or docker CLI; `buildx`: buildx standalone on PATH. */
function engineless(inputs: Record<string, string>, o: { buildx: boolean; env?: Record<string, string> }): { run: Run; config: string } {
  // timeout: verify-pull's time limit (remote/driver.ts); nothing else but buildx is started.
  const host = noDockerEnv(['timeout'], { buildx: o.buildx })
  disposers.push(host.dispose)
  const run = newRun({ inputs: { use: 'false', ...inputs }, env: { ...host.env, ...server?.trust, ...o.env } })
  afterTest(undefined, run)
  return { run, config: host.env.DOCKER_CONFIG }
}

/** buildx's record of the builder in the run's DOCKER_CONFIG (there is no docker CLI to ask). */
const recordOf = (config: string, name: string): boolean => fs.existsSync(path.join(config, 'buildx', 'instances', name))

/** The log as the runner shows it. */
const shown = (step: StepResult): string =>
  step.stdout
    .split('\n')
    .map(l => asShown(l))
    .filter((l): l is string => l !== undefined)
    .join('\n')

const TLS_VARS = (): Record<string, string> => ({
  BUILDER_NODE_0_AUTH_TLS_CACERT: pem('ca.pem'),
  BUILDER_NODE_0_AUTH_TLS_CERT: pem('client.crt'),
  BUILDER_NODE_0_AUTH_TLS_KEY: pem('client.key')
})

describeDocker('no Docker engine and no docker CLI: the remote driver', () => {
  test('cacert= both in driver-opts and in BUILDER_NODE_0_AUTH_TLS_CACERT: refused naming both, before anything is made', async () => {
    const name = uniqueName('nodock-both')
    const { run, config } = engineless(
      { name, driver: 'remote', endpoint: `tcp://127.0.0.1:${await freePort()}`, 'driver-opts': 'cacert=env:CA' },
      { buildx: true, env: { ...TLS_VARS(), CA: pem('ca.pem') } }
    )
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout)).toEqual([
      expect.stringContaining(
        'input "driver-opts": cacert= is given both here and by the environment variable BUILDER_NODE_0_AUTH_TLS_CACERT'
      )
    ])
    expect(fs.readdirSync(run.runnerTemp)).toEqual([])
    expect(recordOf(config, name)).toBe(false)
    expect(main.stdout + main.stderr).not.toContain(pem('client.key').split('\n')[1])
  })

  test('version without a docker CLI: buildx installed standalone, put on PATH; a daemon that does not answer: nothing left', async () => {
    const name = uniqueName('nodock-install')
    const { run, config } = engineless(
      {
        name,
        driver: 'remote',
        endpoint: `tcp://127.0.0.1:${await freePort()}`,
        version: tag,
        'buildx-url': `${server?.https}/r`,
        'cache-binary': 'false'
      },
      { buildx: false, env: TLS_VARS() }
    )
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    const log = shown(main)
    // This machine's system plugin directory has buildx: found, but version installs the one asked for.
    expect(log).toContain('no Docker engine needed by the remote driver (not asked); ')
    expect(log).toContain(`▶ Install buildx ${tag} standalone`)
    const dir = /buildx \S+ installed at (\S+)\/buildx \(from the release download/.exec(log)?.[1] ?? ''
    expect(path.basename(dir)).toBe('buildx-standalone')
    expect(path.dirname(path.dirname(dir))).toBe(run.runnerTemp)
    expect(fs.readFileSync(run.files.path, 'utf8')).toBe(`${dir}\n`)
    expect(errors(main.stdout).join('\n')).toMatch(/docker buildx create failed/)
    // The failure path removed the run's directory (the binary with it), buildx's record and the TLS files.
    expect(fs.readdirSync(run.runnerTemp)).toEqual([])
    expect(recordOf(config, name)).toBe(false)
    expect(fs.readdirSync(config)).toEqual(expect.not.arrayContaining(['cli-plugins']))
    const post = await runPost(run)
    expect(post.exitCode).toBe(0)
  })

  withDaemon(
    'against a real BuildKit daemon over TLS from BUILDER_NODE_0_AUTH_TLS_*: buildx standalone on PATH, verified; post removes the record, nothing is left',
    async () => {
      if (!daemon) throw new Error('the BuildKit daemon did not start')
      const name = uniqueName('nodock-remote')
      const ref = `${regs?.httpMirror}/rig/base:1`
      const { run, config } = engineless(
        { name, driver: 'remote', endpoint: daemon.endpoint, 'verify-pull': ref },
        { buildx: true, env: TLS_VARS() }
      )
      const main = await runMain(run)
      if (process.env.ENGINELESS_LOG) fs.writeFileSync(process.env.ENGINELESS_LOG, shown(main))
      expect(errors(main.stdout)).toEqual([])
      const log = shown(main)
      expect(log).toContain('no Docker engine needed by the remote driver (not asked); github.com/docker/buildx')
      expect(log).toContain('(standalone: no docker CLI on PATH)')
      expect(log).toContain(`the first node: TLS to ${daemon.endpoint} with a CA and a client certificate and key, checked`)
      expect(log).toContain('(env:BUILDER_NODE_0_AUTH_TLS_KEY), mode 600)')
      const nodes = JSON.parse(readOutputs(run).nodes) as { verified: boolean; 'driver-opts': string[] }[]
      expect(readOutputs(run).verified).toBe('true')
      expect(nodes[0]['driver-opts']).toEqual([
        expect.stringMatching(/^cacert=.*\/remote\/0\/ca\.pem$/),
        expect.stringMatching(/^cert=.*\/remote\/0\/client\.crt$/),
        expect.stringMatching(/^key=.*\/remote\/0\/client\.key$/)
      ])
      expect(recordOf(config, name)).toBe(true)
      // verify-pull from the runner: buildx standalone's build --call outline through the builder.
      expect(JSON.parse(readOutputs(run).pulls)).toEqual([
        expect.objectContaining({ ref, status: 'ok', ok: true, node: expect.any(String) })
      ])
      // No key line in the log, the outputs or the state; the runner is told to mask each.
      const keyLine = pem('client.key').split('\n')[1]
      expect(log + main.stderr + JSON.stringify(readOutputs(run)) + JSON.stringify(readState(run))).not.toContain(keyLine)
      expect(main.stdout).toContain(`::add-mask::${keyLine}`)

      const post = await runPost(run)
      if (process.env.ENGINELESS_LOG) fs.writeFileSync(`${process.env.ENGINELESS_LOG}.post`, shown(post))
      expect(errors(post.stdout)).toEqual([])
      expect(recordOf(config, name)).toBe(false)
      expect(fs.readdirSync(run.runnerTemp)).toEqual([])
      expect(docker(['container', 'inspect', '--format', '{{.State.Running}}', daemon.container]).stdout.trim()).toBe('true')
    }
  )

  withDaemon(
    'against a real BuildKit daemon, buildx installed standalone by version: verified; post finds it on the PATH main added and removes the builder',
    async () => {
      if (!daemon) throw new Error('the BuildKit daemon did not start')
      const name = uniqueName('nodock-inst-ok')
      const { run, config } = engineless(
        { name, driver: 'remote', endpoint: daemon.endpoint, version: tag, 'buildx-url': `${server?.https}/r`, 'cache-binary': 'false' },
        { buildx: false, env: TLS_VARS() }
      )
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(shown(main)).toContain(`▶ Install buildx ${tag} standalone`)
      expect(readOutputs(run).verified).toBe('true')
      expect(recordOf(config, name)).toBe(true)
      const post = await runPost(run)
      expect(errors(post.stdout)).toEqual([])
      // The buildx main installed, found on the PATH the runner gives post (GITHUB_PATH).
      const rm = post.stdout.split('\n').find(l => l.startsWith('$ ') && l.endsWith(` rm ${name}`)) ?? ''
      expect(path.dirname(path.dirname(rm.slice(2).split(' ')[0]))).toMatch(new RegExp(`^${run.runnerTemp}/buildkit-builder-`))
      expect(rm).toContain('/buildx-standalone/buildx rm ')
      expect(recordOf(config, name)).toBe(false)
      expect(fs.readdirSync(run.runnerTemp)).toEqual([])
    }
  )
})
