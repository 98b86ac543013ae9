import { describe } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'smol-toml'
import type { TomlTable } from '../../src/config/toml.js'
import { disposeRun, type Run } from '../../scripts/runner.mjs'

// What the integration tests need from the machine: a Docker engine with Buildx, and a
// BuildKit image. BUILDKIT_IMAGE names a real one; without it the stand-in is built
// locally (__tests__/standin), since no registry may be reachable.

function probe(): string | undefined {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' })
  if (info.error || info.status !== 0) return `docker info failed: ${(info.error?.message ?? info.stderr).trim().split('\n').pop()}`
  const bx = spawnSync('docker', ['buildx', 'version'], { encoding: 'utf8' })
  if (bx.status !== 0) return 'docker buildx is not installed'
  return undefined
}

export const dockerProblem = probe()
// CI sets REQUIRE_DOCKER=1 after starting an engine: there a missing engine is a failure,
// never a silent skip.
if (dockerProblem && process.env.REQUIRE_DOCKER === '1') {
  throw new Error(`REQUIRE_DOCKER=1 but no Docker engine is reachable: ${dockerProblem}`)
}
if (dockerProblem) {
  console.warn(
    `INTEGRATION TESTS SKIPPED: no Docker engine reachable (${dockerProblem}). Start one (../shared/docker-engine/start, or Docker itself) to run them.`
  )
}
export const describeDocker = dockerProblem ? describe.skip : describe

let image: string | undefined
export function buildkitImage(): string {
  if (image) return image
  image =
    process.env.BUILDKIT_IMAGE || execFileSync(path.join(import.meta.dirname, '..', 'standin', 'build.sh'), { encoding: 'utf8' }).trim()
  return image
}

/** driver-opts for a test builder: the image, and host networking (the CI engine has no bridge). */
export function driverOpts(extra: string[] = []): string {
  return [`image=${buildkitImage()}`, 'network=host', ...extra].join('\n')
}

/** docker with this process's environment, and `env` over it (e.g. a runner's DOCKER_HOST or BUILDX_CONFIG). */
export function docker(args: string[], env: Record<string, string> = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, ...env } })
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr }
}

/** docker that must work: its stdout. */
export function dockerOk(args: string[]): string {
  const r = docker(args)
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr.trim()}`)
  return r.stdout
}

export const containerOf = (builder: string): string => `buildx_buildkit_${builder}0`

/** The config the daemon's container holds, parsed. */
export function configInBuilder(builder: string): TomlTable {
  const r = docker(['exec', containerOf(builder), 'cat', '/etc/buildkit/buildkitd.toml'])
  if (r.status !== 0) throw new Error(`cat failed: ${r.stderr}`)
  return parse(r.stdout) as TomlTable
}

/** Everything a run may leave behind, so a test can assert that none of it is (`env`: the run's buildx config, if its own). */
export function leftovers(builder: string, runnerTemp: string, env: Record<string, string> = {}): string[] {
  const left: string[] = []
  if (docker(['buildx', 'inspect', builder], env).status === 0) left.push(`builder ${builder}`)
  if (docker(['container', 'inspect', containerOf(builder)]).status === 0) left.push(`container ${containerOf(builder)}`)
  if (docker(['volume', 'inspect', `${containerOf(builder)}_state`]).status === 0) left.push(`volume ${containerOf(builder)}_state`)
  for (const f of fs.existsSync(runnerTemp) ? fs.readdirSync(runnerTemp) : []) left.push(`file ${path.join(runnerTemp, f)}`)
  return left
}

/** Removes a builder and its volume whatever state a failed test left it in. */
export function forceRemove(builder: string): void {
  docker(['buildx', 'rm', builder])
  docker(['rm', '-f', containerOf(builder)])
  docker(['volume', 'rm', '-f', `${containerOf(builder)}_state`])
}

/** The ::error:: lines a step printed (what the runner shows as the failure). */
export function errors(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(l => l.startsWith('::error::'))
    .map(l => l.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%25/g, '%'))
}

let seq = 0
/** A builder name unique to this test process. */
export function uniqueName(tag: string): string {
  return `it-${tag}-${process.pid}-${++seq}`
}

const pending: (() => void)[] = []

/**
 * After the test, remove builder `name` whatever state it is left in (when given), and the
 * simulated runner's directories of `run`. Each test file calls cleanUpTests in afterEach.
 */
export function afterTest(name: string | undefined, run: Run): void {
  pending.push(() => {
    if (name) forceRemove(name)
    disposeRun(run)
  })
}

const contexts: string[] = []

/**
 * A docker context of the test's own on the local engine (a second endpoint for a node),
 * removed by cleanUpTests after the builders that may use it.
 */
export function secondContext(): string {
  const name = uniqueName('ctx')
  const host =
    docker(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}', 'default']).stdout.trim() || 'unix:///var/run/docker.sock'
  const r = docker(['context', 'create', name, '--docker', `host=${host}`])
  if (r.status !== 0) throw new Error(`docker context create failed: ${r.stderr}`)
  contexts.push(name)
  return name
}

export function cleanUpTests(): void {
  for (const c of pending.splice(0)) c()
  for (const c of contexts.splice(0)) docker(['context', 'rm', '--force', c])
}

export const hasCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0

/**
 * Makes sure what a test needs from Debian is there: installs the missing packages when
 * running as root with apt-get (as .ci/run does; __tests__/standin/build.sh does the same for
 * busybox-static), and otherwise throws naming the packages, so that `npm test` on a fresh
 * machine either works or says the one thing to install.
 */
export function ensureDebianPackages(who: string, needs: { what: string; present: () => boolean; pkg: string }[]): void {
  let absent = needs.filter(n => !n.present())
  if (absent.length === 0) return
  if (process.getuid?.() === 0 && hasCommand('apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const pkgs = [...new Set(absent.map(n => n.pkg))]
    const install = (): number | null =>
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'ignore', env }).status
    if (install() !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env })
      install()
    }
    absent = absent.filter(n => !n.present())
  }
  if (absent.length > 0) {
    const pkgs = [...new Set(absent.map(n => n.pkg))].join(' ')
    throw new Error(`${who} need ${absent.map(n => n.what).join(', ')}: install the Debian package(s) ${pkgs} (apt-get install ${pkgs})`)
  }
}

/** Polls until `ok()` holds, or fails after `ms` naming what it waited for. */
export async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; !ok();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

/** The engine's clock now, as `docker events --since` takes it (unix seconds). */
export const eventsNow = (): string => (Date.now() / 1000).toFixed(3)

/**
 * The references the engine pulled between `since` and now, from its own events (type image,
 * action pull; an event is logged for a pull that succeeded).
 */
export function pulledSince(since: string): string[] {
  const r = docker([
    'events',
    '--since',
    since,
    '--until',
    eventsNow(),
    '--filter',
    'type=image',
    '--filter',
    'event=pull',
    '--format',
    '{{.Actor.ID}}'
  ])
  if (r.status !== 0) throw new Error(`docker events failed: ${r.stderr}`)
  return r.stdout.split('\n').filter(Boolean)
}
