import * as fs from 'node:fs'
import * as os from 'node:os'
import { CONTAINER_CONFIG_FILE, containerName, instancePath, ownerOf } from './buildx.js'
import { run, runChecked, type RunResult } from './exec.js'
import { RESOLVE_SCRIPT } from './prove.js'
import type { ReadBack } from './verify.js'

// Operations on Docker and the builder, each one command through the exec seam.
// Never `docker buildx inspect` or `buildx ls` for information: both print every file
// copied into the builder, private keys included (see __tests__/fixtures/buildkit/README.md).

export async function toolVersions(): Promise<{ docker: string; buildx: string }> {
  const docker = await runChecked(
    'docker version (is the Docker engine running?)',
    'docker',
    ['version', '--format', '{{.Server.Version}}']
  )
  const buildx = await runChecked('docker buildx version (is the Buildx plugin installed?)', 'docker', [
    'buildx',
    'version'
  ])
  return { docker: docker.stdout.trim(), buildx: buildx.stdout.trim() }
}

/** Exit code only: the output holds the builder's files and is dropped unread. */
export async function builderExists(name: string): Promise<boolean> {
  return (await run('docker', ['buildx', 'inspect', name])).exitCode === 0
}

/**
 * Who made builder `name`: its owner mark ('' for a builder without one), or undefined when
 * buildx has no such builder. Read from buildx's record of it, without starting a process.
 */
export function builderOwner(name: string): string | undefined {
  let text: string
  try {
    text = fs.readFileSync(instancePath(name, process.env, os.homedir()), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`can't read buildx's record of builder ${name}: ${(err as Error).message}`)
  }
  return ownerOf(text)
}

export async function createBuilder(args: string[]): Promise<void> {
  await runChecked('docker buildx create', 'docker', args, { show: true })
}

export async function removeBuilder(args: string[]): Promise<{ ok: boolean; message: string }> {
  const res = await run('docker', args, { show: true })
  return { ok: res.exitCode === 0, message: (res.stderr || res.stdout).trim() }
}

export async function containerExists(container: string): Promise<boolean> {
  return (await run('docker', ['container', 'inspect', '--format', '{{.Id}}', container])).exitCode === 0
}

/** The daemon's last log lines (stdout and stderr), for failure reports. */
export async function daemonLogTail(builder: string, lines = 30): Promise<string> {
  const res = await run('docker', ['logs', '--tail', String(lines), containerName(builder)])
  return `${res.stdout}${res.stderr}`.trim()
}

/** The config, the daemon's arguments and the copied files' hashes, from the container. */
export async function readBack(container: string, files: string[]): Promise<ReadBack> {
  const cmd = await runChecked('docker inspect of the builder container', 'docker', [
    'inspect',
    '--format',
    '{{json .Config.Cmd}}',
    container
  ])
  const config = await runChecked(`reading ${CONTAINER_CONFIG_FILE} from the builder`, 'docker', [
    'exec',
    container,
    'cat',
    CONTAINER_CONFIG_FILE
  ])
  // sha256sum exits non-zero when a file is missing; what it printed still counts.
  const sums = files.length > 0 ? await run('docker', ['exec', container, 'sha256sum', ...files]) : undefined
  return { configText: config.stdout, cmd: (JSON.parse(cmd.stdout) as string[] | null) ?? [], sha256Text: sums?.stdout }
}

/** The running daemon's own answer: `buildctl debug workers` inside the container. */
export async function workersJson(container: string): Promise<string> {
  const res = await runChecked('asking the daemon for its workers (buildctl debug workers)', 'docker', [
    'exec',
    container,
    'buildctl',
    'debug',
    'workers',
    '--format',
    '{{json .}}'
  ])
  return res.stdout
}

/** The image's ID, or undefined when it is not present on the engine. */
export async function imageId(ref: string): Promise<string | undefined> {
  const res = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref])
  return res.exitCode === 0 ? res.stdout.trim() : undefined
}

/** The image's ID, pulling it first when it is not present. */
export async function ensureImage(ref: string): Promise<string> {
  const present = await imageId(ref)
  if (present) return present
  await runChecked(`pulling ${ref} (not present on the runner)`, 'docker', ['pull', ref], { show: true })
  const pulled = await imageId(ref)
  if (!pulled) throw new Error(`${ref} was pulled but can't be inspected`)
  return pulled
}

/** Builds on the runner's default builder (the engine's own), so the image lands in its store. */
export async function buildImage(tag: string, context: string): Promise<void> {
  await runChecked(`building ${tag}`, 'docker', ['buildx', 'build', '--builder', 'default', '--tag', tag, context], {
    show: true
  })
}

/**
 * Resolves references through the daemon inside the builder's container, one after the
 * other (RESOLVE_SCRIPT): the daemon's own resolver, with the configuration under test,
 * never the engine's `docker pull`. The output is parsed by prove.ts.
 */
export async function resolveInBuilder(container: string, refs: string[]): Promise<RunResult> {
  return run('docker', ['exec', container, 'sh', '-c', RESOLVE_SCRIPT, 'sh', ...refs])
}

/** The daemon's log since a moment (unix seconds), stdout and stderr together. */
export async function daemonLogSince(container: string, since: number): Promise<string> {
  const res = await runChecked(`reading the daemon's log of ${container}`, 'docker', [
    'logs',
    '--since',
    since.toFixed(3),
    container
  ])
  return `${res.stdout}\n${res.stderr}`
}
