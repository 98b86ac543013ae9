import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  instancePath,
  parseBuilderRecord,
  recordedFiles,
  recordedNodes,
  type BuilderRecord,
  type RecordedFiles,
  type RecordedNode
} from './buildx-record.js'
import { lastLine, run, runChecked, type RunResult } from '../runner/exec.js'
import { READ_BACK_SCRIPT, parseReadBack, type ReadBackParts } from '../buildkit/read-back.js'
import { buildxCommand, type BuildxCommand } from './buildx-plugin.js'
import {
  containerCmd,
  containerEnv as apiContainerEnv,
  containerRunning as apiContainerRunning,
  engineVersion,
  execIn as apiExec,
  imageId as apiImageId,
  localSocket,
  missingInImage,
  removeDaemonContainer
} from './engine-api.js'
import * as log from '../runner/log.js'
import { RESOLVE_SCRIPT } from '../buildkit/resolve.js'

// Operations on Docker and the builder, each one command through the exec seam (or one Engine
// API request). `docker buildx inspect` and `buildx ls` print every file copied into the
// builder, private keys included (see __tests__/fixtures/buildkit/README.md): inspect is run
// only for drivers that copy none (remote, docker), captured and never printed; ls never.

/** The local socket the docker CLI would use for these engine flags (none: the current context), if any. */
const engineSocket = (engine: string[] = []): string | undefined => localSocket(engine, process.env, os.homedir())

/** The engine's version (undefined when not asked), and buildx's (undefined when there is no buildx to run). */
export interface ToolVersions {
  docker?: string
  buildx?: string
  /** buildx runs standalone: there is no docker CLI (buildx-plugin.ts buildxCommand) */
  standalone: boolean
}

export async function toolVersions(askEngine = true): Promise<ToolVersions> {
  // At once: neither depends on the other. The engine is asked on its socket where the CLI
  // would use a local one (no process); buildx is a CLI plugin and has to be started.
  // buildx first: its start (a Go binary of tens of MB) is the longer wait, and loading
  // node:http for the engine's request would otherwise delay its spawn by ~10 ms.
  // No buildx to start (standalone, none on PATH) is no buildx: one is installed.
  const buildx = runBuildx(['buildx', 'version']).catch((): RunResult => ({ exitCode: 127, stdout: '', stderr: '' }))
  const socket = engineSocket()
  const [docker, buildxRun] = await Promise.all([
    askEngine
      ? (socket ? engineVersion(socket).catch(() => undefined) : Promise.resolve(undefined)).then(
          async v =>
            v ??
            (await runChecked('docker version (is the Docker engine running?)', 'docker', ['version', '--format', '{{.Server.Version}}']))
              .stdout
        )
      : Promise.resolve(undefined),
    buildx
  ])
  return {
    docker: docker?.trim(),
    buildx: buildxRun.exitCode === 0 ? buildxRun.stdout.trim() : undefined,
    standalone: buildxRunner().standalone
  }
}

/** `docker buildx version` (or `buildx version` standalone): which buildx the job runs. */
export async function buildxVersion(): Promise<string> {
  const b = buildxArgv(['buildx', 'version'])
  return (await runChecked('buildx version', b.command, b.args)).stdout.trim()
}

/** The docker CLI's current context: the name of the docker driver's builder. */
export async function currentContext(): Promise<string> {
  return (await runChecked('docker context show', 'docker', ['context', 'show'])).stdout.trim()
}

/**
 * `docker context create --from default NAME`: a copy of the default context as the CLI
 * resolves it from DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, its TLS files copied
 * into the context store, so buildx can be given it by name (context/create.go
 * createFromExistingContext). Nothing of it is printed but the CLI's error.
 */
export async function copyDefaultContext(name: string, description: string): Promise<void> {
  await runChecked(`docker context create ${name}`, 'docker', [
    'context',
    'create',
    '--from',
    'default',
    '--description',
    description,
    name
  ])
}

/** `docker context rm --force NAME`: no error when there is no such context (remove.go doRemove). */
export async function removeContext(name: string): Promise<void> {
  await runChecked(`docker context rm ${name}`, 'docker', ['context', 'rm', '--force', name])
}

/**
 * `docker buildx inspect --bootstrap NAME`, captured and never shown: for a docker-container
 * builder it lists every copied file, keys included. Only drivers that copy none parse it.
 */
export async function inspectBuilder(name: string): Promise<RunResult> {
  return runBuildx(['buildx', 'inspect', '--bootstrap', name])
}

export async function useBuilder(name: string): Promise<void> {
  const res = await runBuildx(['buildx', 'use', name], { show: true })
  if (res.exitCode !== 0)
    throw new Error(`docker buildx use ${name} failed (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`)
}

/**
 * Who made builder `name`: its owner mark as the driver reads it from buildx's record ('' for
 * a builder without one), or undefined when buildx has no such builder. Read without
 * starting a process.
 */
export function builderOwner(name: string, markOf: (rec: BuilderRecord) => string): string | undefined {
  const text = builderRecord(name)
  return text === undefined ? undefined : markOf(parseBuilderRecord(text))
}

/** buildx's record of builder `name` with its nodes' files as recordedFiles sees them; undefined when there is none. */
export function builderRecordOf(name: string): (BuilderRecord & { files: RecordedFiles[] }) | undefined {
  const text = builderRecord(name)
  return text === undefined ? undefined : { ...parseBuilderRecord(text), files: recordedFiles(text) }
}

/** The nodes buildx records for builder `name` ([] when there is none). */
export function builderNodes(name: string): RecordedNode[] {
  const text = builderRecord(name)
  return text === undefined ? [] : recordedNodes(text)
}

/** buildx's record of a builder, as text (it holds copied files: never print it). */
function builderRecord(name: string): string | undefined {
  try {
    return fs.readFileSync(instancePath(name, process.env, os.homedir()), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`can't read buildx's record of builder ${name}: ${(err as Error).message}`, { cause: err })
  }
}

/** How buildx is started now (buildx-plugin.ts buildxCommand): PATH is read each time, a standalone install changes it. */
function buildxRunner(): BuildxCommand {
  return buildxCommand(process.env, os.homedir())
}

/**
 * A buildx command line (args start with 'buildx') as a program and its arguments: the plugin
 * binary run directly where it can be found as the docker CLI finds it, else `docker
 * buildx`, or buildx standalone when there is no docker CLI (buildx-plugin.ts).
 */
export function buildxArgv(args: string[]): { command: string; args: string[] } {
  const b = buildxRunner()
  return { command: b.command, args: [...b.prefix, ...args.slice(1)] }
}

/** Runs a buildx command line (args start with 'buildx'), as buildxArgv starts it. */
export function runBuildx(args: string[], options: { show?: boolean } = {}): Promise<RunResult> {
  const b = buildxArgv(args)
  return run(b.command, b.args, options)
}

export async function createBuilder(args: string[]): Promise<void> {
  const res = await runBuildx(args, { show: true })
  if (res.exitCode !== 0) throw new Error(`docker buildx create failed (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`)
}

/** Starts every node of a builder. Its stdout holds the nodes' files: dropped unread; stderr is the boot's progress. */
export async function bootBuilder(args: string[]): Promise<void> {
  log.info(`$ docker ${args.join(' ')}`)
  const res = await runBuildx(args)
  for (const l of res.stderr.split('\n')) if (l.trim() !== '') log.info(l)
  if (res.exitCode !== 0)
    throw new Error(`docker ${args.slice(0, 3).join(' ')} failed (exit code ${res.exitCode}): ${lastLine(res.stderr)}`)
}

export async function removeBuilder(args: string[]): Promise<{ ok: boolean; message: string }> {
  const res = await runBuildx(args, { show: true })
  return { ok: res.exitCode === 0, message: (res.stderr || res.stdout).trim() }
}

/** A node's daemon container and its state volume, on the engine the CLI flags reach. */
export interface DaemonContainer extends ContainerAt {
  volume: string
}

/**
 * Removes a builder whose nodes are daemon containers (docker-container): when every node's
 * engine is on a local socket, each container (and its state volume unless keepState) is
 * removed through the Engine API while `recordArgs` (`buildx rm --keep-daemon`) removes buildx's
 * record, at once: one buildx process that touches no container, instead of one that stops and
 * removes them in turn. buildx v0.29-v0.32 still inspects each node's container with
 * --keep-daemon (commands/rm.go: LoadNodes, then driver Rm with rmDaemon false; newer buildx
 * removes the record only) and may then exit non-zero on a container gone in between, after it
 * has removed the record: so the outcome is read from the record, not from its exit code.
 * Otherwise (a context or an ssh/tcp host: the CLI knows their TLS and SSH settings) it is
 * `fallbackArgs` (`buildx rm`) alone. Throws when a container or volume stays behind.
 */
export async function removeDaemonBuilder(
  builder: string,
  nodes: DaemonContainer[],
  keepState: boolean,
  args: { recordArgs: string[]; fallbackArgs: string[] }
): Promise<{ ok: boolean; message: string }> {
  const sockets = nodes.map(n => engineSocket(n.engine))
  if (nodes.length === 0 || sockets.some(s => s === undefined)) return removeBuilder(args.fallbackArgs)
  const [removed, record] = await Promise.all([
    Promise.allSettled(nodes.map((n, i) => removeDaemonContainer(sockets[i] as string, n.container, n.volume, keepState))),
    runBuildx(args.recordArgs)
  ])
  const left = removed.flatMap((r, i) =>
    r.status === 'rejected'
      ? [
          `${(r.reason as Error).message} (remove it with "docker rm -f ${nodes[i].container}"${keepState ? '' : ` and "docker volume rm ${nodes[i].volume}"`})`
        ]
      : []
  )
  if (left.length > 0) throw new Error(`builder ${builder}: ${left.join('; ')}`)
  if (builderRecord(builder) === undefined) {
    log.info(
      `${nodes.map(n => n.container).join(', ')} removed through the Engine API${keepState ? ' (state kept)' : ' with the state'}; ` +
        `buildx's record removed with: ${['buildx', ...args.recordArgs.slice(1)].join(' ')}`
    )
    return { ok: true, message: '' }
  }
  return { ok: false, message: (record.stderr || record.stdout).trim() }
}

/** Detaches a node from a builder's record (buildx.ts leaveArgs); its daemon is untouched. */
export async function leaveNode(args: string[]): Promise<{ ok: boolean; message: string }> {
  const res = await runBuildx(args, { show: true })
  return { ok: res.exitCode === 0, message: (res.stderr || res.stdout).trim() }
}

/** A container on some engine: the docker CLI's flags that reach the engine, and its name. */
export interface ContainerAt {
  engine: string[]
  container: string
}

export async function containerExists(c: ContainerAt): Promise<boolean> {
  return (await run('docker', [...c.engine, 'container', 'inspect', '--format', '{{.Id}}', c.container])).exitCode === 0
}

/**
 * A container's environment (Config.Env), or undefined when there is no such container: on
 * the engine's socket where the CLI would use a local one, else `docker container inspect`.
 * Throws when the engine can't be asked.
 */
export async function containerEnv(c: ContainerAt): Promise<string[] | undefined> {
  const socket = engineSocket(c.engine)
  if (socket) return apiContainerEnv(socket, c.container)
  const res = await run('docker', [...c.engine, 'container', 'inspect', '--format', '{{json .Config.Env}}', c.container])
  if (res.exitCode === 0) return (JSON.parse(res.stdout) as string[] | null) ?? []
  if (/no such container/i.test(res.stderr)) return undefined
  throw new Error(`docker container inspect ${c.container} failed (exit code ${res.exitCode}): ${lastLine(res.stderr)}`)
}

/**
 * Whether a container runs (and is not restarting): on the engine's socket where the CLI would
 * use a local one, else `docker container inspect`; false when there is none.
 */
export async function containerRunning(c: ContainerAt): Promise<boolean> {
  const socket = engineSocket(c.engine)
  if (socket) return apiContainerRunning(socket, c.container)
  const res = await run('docker', [
    ...c.engine,
    'container',
    'inspect',
    '--format',
    '{{.State.Running}} {{.State.Restarting}}',
    c.container
  ])
  return res.exitCode === 0 && res.stdout.trim() === 'true false'
}

/** The daemon's last log lines (stdout and stderr), for failure reports. */
export async function daemonLogTail(c: ContainerAt, lines = 30): Promise<string> {
  const res = await run('docker', [...c.engine, 'logs', '--tail', String(lines), c.container])
  return `${res.stdout}${res.stderr}`.trim()
}

/**
 * The daemon's answer, the config, the copied files' hashes (one `docker exec`) and the
 * daemon's arguments (`docker inspect`), at once: two processes instead of four in a row.
 */
export async function readBackContainer(c: ContainerAt, files: string[]): Promise<ReadBackParts> {
  const [inspect, exec] = await Promise.all([containerCmdOf(c), execIn(c, ['sh', '-c', READ_BACK_SCRIPT, 'sh', ...files])])
  const args =
    inspect.exitCode !== 0
      ? { error: `docker inspect of the builder container failed (exit code ${inspect.exitCode}): ${lastLine(inspect.stderr)}` }
      : { cmd: inspect.cmd }
  return parseReadBack(exec, args, files, 'the builder')
}

/**
 * The daemon's arguments (the container's command): on the engine's socket where the CLI
 * would use a local one, else `docker inspect`.
 */
async function containerCmdOf(c: ContainerAt): Promise<{ exitCode: number; stderr: string; cmd: string[] }> {
  const socket = engineSocket(c.engine)
  if (socket) {
    try {
      return { exitCode: 0, stderr: '', cmd: await containerCmd(socket, c.container) }
    } catch (err) {
      return { exitCode: 1, stderr: (err as Error).message, cmd: [] }
    }
  }
  const res = await run('docker', [...c.engine, 'inspect', '--format', '{{json .Config.Cmd}}', c.container])
  return { exitCode: res.exitCode, stderr: res.stderr, cmd: res.exitCode === 0 ? ((JSON.parse(res.stdout) as string[] | null) ?? []) : [] }
}

/** A command in a container: through the engine's socket where possible, else `docker exec`. */
async function execIn(c: ContainerAt, cmd: string[]): Promise<RunResult> {
  const socket = engineSocket(c.engine)
  if (socket) {
    try {
      return await apiExec(socket, c.container, cmd)
    } catch (err) {
      return { exitCode: 1, stdout: '', stderr: (err as Error).message }
    }
  }
  return run('docker', [...c.engine, 'exec', c.container, ...cmd])
}

/** The image's ID, or undefined when it is not present on the engine (asked on its socket where it can be). */
export async function imageId(ref: string): Promise<string | undefined> {
  const socket = engineSocket()
  if (socket) return apiImageId(socket, ref)
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

/**
 * Pulls an image on an engine (the docker CLI's flags that reach it; [] for the runner's) as
 * buildx's docker-container driver has it pulled, credentials from docker login included;
 * returns the manifest's digest the engine reports ("Digest: sha256:…"). Throws with the
 * engine's error.
 */
export async function pullImage(engine: string[], ref: string): Promise<{ digest: string; how: string }> {
  const res = await run('docker', [...engine, 'pull', ref])
  if (res.exitCode !== 0) throw new Error(lastLine(res.stderr || res.stdout).replace(/^Error response from daemon: /, ''))
  const digest = /^Digest: (\S+)$/m.exec(res.stdout)?.[1]
  if (digest === undefined) throw new Error(`docker pull ${ref} printed no digest`)
  return { digest, how: 'pulled' }
}

/**
 * The digest of an image's manifest as its registry serves it, asked from the runner without
 * pulling (`buildx imagetools inspect`, with docker login's credentials): for images a node
 * pulls elsewhere (the kubelet).
 */
export async function registryDigest(ref: string): Promise<{ digest: string; how: string }> {
  const res = await runBuildx(['buildx', 'imagetools', 'inspect', '--format', '{{json .Manifest}}', ref])
  if (res.exitCode !== 0) throw new Error(lastLine(res.stderr || res.stdout))
  const digest = (JSON.parse(res.stdout) as { digest?: string }).digest
  if (digest === undefined) throw new Error(`buildx imagetools inspect ${ref} printed no digest`)
  return { digest, how: 'found (from the runner; the cluster pulls it)' }
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
 * never the engine's `docker pull`. The output is parsed by buildkit/resolve.ts.
 */
export async function resolveInBuilder(c: ContainerAt, refs: string[]): Promise<RunResult> {
  return run('docker', [...c.engine, 'exec', c.container, 'sh', '-c', RESOLVE_SCRIPT, 'sh', ...refs])
}

/** The daemon's log since a moment (unix seconds), stdout and stderr together. */
export async function daemonLogSince(c: ContainerAt, since: number): Promise<string> {
  const res = await runChecked(`reading the daemon's log of ${c.container}`, 'docker', [
    ...c.engine,
    'logs',
    '--since',
    since.toFixed(3),
    c.container
  ])
  return `${res.stdout}\n${res.stderr}`
}

/** `buildkitd --version` of an image (pulled if it is not present), without a network. */
export async function buildkitdVersion(image: string): Promise<string> {
  const res = await runChecked(`asking ${image} for its BuildKit version (buildkitd --version)`, 'docker', [
    'run',
    '--rm',
    '--network',
    'none',
    '--entrypoint',
    'buildkitd',
    image,
    '--version'
  ])
  return res.stdout
}

/**
 * The `names` an image lacks in `dir`: on the engine's socket without running the image,
 * else by listing the directory in a container of it (`docker run --rm … ls`).
 */
export async function missingInImageDir(image: string, dir: string, names: string[]): Promise<string[]> {
  const socket = engineSocket()
  if (socket) {
    const paths = names.map(n => path.posix.join(dir, n))
    const missing = new Set(await missingInImage(socket, image, paths))
    return names.filter((_n, i) => missing.has(paths[i]))
  }
  const res = await run('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'ls', image, '-1', dir])
  const present = new Set(res.exitCode === 0 ? res.stdout.split('\n').map(l => l.trim()) : [])
  return names.filter(n => !present.has(n))
}

export async function tagImage(source: string, target: string): Promise<void> {
  await runChecked(`tagging ${target}`, 'docker', ['tag', source, target])
}

/** Removes a tag (the image stays when another tag names it); no error when it is gone. */
export async function removeImageTag(tag: string): Promise<void> {
  await run('docker', ['image', 'rm', '--no-prune', tag])
}
