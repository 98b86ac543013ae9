import { randomUUID } from 'node:crypto'
import { currentContextName, tlsFromEnvironment } from './contexts.js'

// The Docker Engine API over its local socket, for the reads verification and the CNI image
// check make: asking the engine without starting a docker CLI process (each CLI start is
// most of a docker command's time). Only where the docker CLI would itself talk to a local
// socket: the default context (or a unix:// DOCKER_HOST) and nodes whose endpoint is a
// unix:// host. Other contexts and ssh/tcp hosts keep the CLI, which knows their TLS and SSH
// settings.
// https://docs.docker.com/reference/api/engine/ (unversioned paths: the engine's own version)

/**
 * The socket the docker CLI would use for `docker --host/--context <engine args>`, or
 * undefined when it would use something else. The CLI's order: --host/--context, then
 * DOCKER_HOST, DOCKER_CONTEXT, config.json's currentContext, else the default context at
 * unix:///var/run/docker.sock, or at tcp://localhost:2376 when the environment asks for TLS
 * (contexts.ts tlsFromEnvironment).
 */
export function localSocket(engine: string[], env: NodeJS.ProcessEnv, home: string): string | undefined {
  const unix = (host: string): string | undefined => (host.startsWith('unix://') ? host.slice('unix://'.length) : undefined)
  const defaultSocket = tlsFromEnvironment(env) ? undefined : '/var/run/docker.sock'
  if (engine[0] === '--host') return unix(engine[1] ?? '')
  if (engine[0] === '--context') return engine[1] === 'default' && !env.DOCKER_HOST ? defaultSocket : undefined
  if (env.DOCKER_HOST) return unix(env.DOCKER_HOST)
  return currentContextName(env, home) === 'default' ? defaultSocket : undefined
}

interface Answer {
  status: number
  body: Buffer
}

function request(socket: string, method: string, url: string, body?: unknown): Promise<Answer> {
  // Loaded with the first request, not with the bundle (~3 ms of a step's start).
  const http = process.getBuiltinModule('node:http')
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(
      { socketPath: socket, method, path: url, headers: { Host: 'docker', ...(data ? { 'Content-Type': 'application/json' } : {}) } },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(data)
  })
}

/** The engine's error message ({"message": …}), or the status. */
function problem(a: Answer): string {
  try {
    return (JSON.parse(a.body.toString('utf8')) as { message?: string }).message ?? `HTTP ${a.status}`
  } catch {
    return `HTTP ${a.status}`
  }
}

async function json<T>(socket: string, method: string, url: string, body?: unknown): Promise<T> {
  const a = await request(socket, method, url, body)
  if (a.status < 200 || a.status >= 300) throw new Error(problem(a))
  return JSON.parse(a.body.toString('utf8')) as T
}

/** GET `url` as JSON; undefined when the engine has no such object (404). */
async function found<T>(socket: string, url: string): Promise<T | undefined> {
  const a = await request(socket, 'GET', url)
  if (a.status === 404) return undefined
  if (a.status !== 200) throw new Error(problem(a))
  return JSON.parse(a.body.toString('utf8')) as T
}

/** An answer to a stop or a removal: done, or there was nothing to do (404); else the engine's error, for `what`. */
function doneOrGone(a: Answer, what: string): void {
  if (a.status >= 400 && a.status !== 404) throw new Error(`${what}: ${problem(a)}`)
}

/** GET /version: the engine's version. */
export async function engineVersion(socket: string): Promise<string> {
  return (await json<{ Version: string }>(socket, 'GET', '/version')).Version
}

/** GET /images/{ref}/json: the image's ID, or undefined when the engine has no such image. */
export async function imageId(socket: string, ref: string): Promise<string | undefined> {
  return (await found<{ Id: string }>(socket, `/images/${encodeURIComponent(ref)}/json`))?.Id
}

/** GET /containers/{name}/json: the container's command (the daemon's arguments). */
export async function containerCmd(socket: string, container: string): Promise<string[]> {
  const c = await json<{ Config?: { Cmd?: string[] | null } }>(socket, 'GET', `/containers/${encodeURIComponent(container)}/json`)
  return c.Config?.Cmd ?? []
}

/** GET /containers/{name}/json: the container's environment, or undefined when there is no such container. */
export async function containerEnv(socket: string, container: string): Promise<string[] | undefined> {
  const c = await found<{ Config?: { Env?: string[] | null } }>(socket, `/containers/${encodeURIComponent(container)}/json`)
  return c === undefined ? undefined : (c.Config?.Env ?? [])
}

/** GET /containers/{name}/json: whether the container runs (and is not restarting); false when there is none. */
export async function containerRunning(socket: string, container: string): Promise<boolean> {
  const c = await found<{ State?: { Running?: boolean; Restarting?: boolean } }>(
    socket,
    `/containers/${encodeURIComponent(container)}/json`
  )
  return c?.State?.Running === true && c.State.Restarting !== true
}

/**
 * Removes a container and, unless `keepVolume`, the named volume given, as buildx's
 * docker-container driver does for `buildx rm` (driver.go Stop then Rm: ContainerStop,
 * ContainerRemove with RemoveVolumes and Force, then VolumeRemove of <container>_state). With
 * the volume going too, the daemon is killed (DELETE ?force=1) instead of stopped first:
 * nothing of its state is kept, so its graceful shutdown (SIGTERM, then waiting for it) buys
 * nothing. With the volume kept, it is stopped first as buildx stops it, so that the state it
 * keeps was closed cleanly. A container or volume that is not there counts as removed.
 */
export async function removeDaemonContainer(socket: string, container: string, volume: string, keepVolume: boolean): Promise<void> {
  const c = encodeURIComponent(container)
  if (keepVolume) doneOrGone(await request(socket, 'POST', `/containers/${c}/stop`), `stopping container ${container}`)
  doneOrGone(await request(socket, 'DELETE', `/containers/${c}?force=1&v=1`), `removing container ${container}`)
  if (!keepVolume) doneOrGone(await request(socket, 'DELETE', `/volumes/${encodeURIComponent(volume)}`), `removing volume ${volume}`)
}

/**
 * Runs a command in a container (POST exec, start, then its exit code), as `docker exec`
 * does. Without a TTY the engine multiplexes stdout and stderr in frames: a byte for the
 * stream, three zero bytes, a big-endian 32-bit length, then the payload.
 */
export async function execIn(
  socket: string,
  container: string,
  cmd: string[]
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const { Id } = await json<{ Id: string }>(socket, 'POST', `/containers/${encodeURIComponent(container)}/exec`, {
    AttachStdout: true,
    AttachStderr: true,
    Cmd: cmd
  })
  const started = await request(socket, 'POST', `/exec/${Id}/start`, { Detach: false, Tty: false })
  if (started.status !== 200) throw new Error(problem(started))
  const out: Buffer[] = []
  const err: Buffer[] = []
  const b = started.body
  for (let i = 0; i + 8 <= b.length;) {
    const size = b.readUInt32BE(i + 4)
    const payload = b.subarray(i + 8, i + 8 + size)
    if (b[i] === 2) err.push(payload)
    else out.push(payload)
    i += 8 + size
  }
  const { ExitCode } = await json<{ ExitCode: number | null }>(socket, 'GET', `/exec/${Id}/json`)
  return { exitCode: ExitCode ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
}

/**
 * Which of `paths` an image lacks, without running it: a container is created (never
 * started), each path is stat'ed with HEAD /containers/{id}/archive (no content sent), and the
 * container is removed. `docker run --rm … ls` costs a container start (~430 ms here).
 */
export async function missingInImage(socket: string, image: string, paths: string[]): Promise<string[]> {
  const name = `buildkit-builder-action-probe-${randomUUID()}`
  // Cmd: an image without entrypoint or command can't be created otherwise; it never runs.
  const { Id } = await json<{ Id: string }>(socket, 'POST', `/containers/create?name=${name}`, {
    Image: image,
    Cmd: ['true'],
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none' }
  })
  try {
    const answers = await Promise.all(paths.map(p => request(socket, 'HEAD', `/containers/${Id}/archive?path=${encodeURIComponent(p)}`)))
    const odd = answers.find(a => a.status !== 200 && a.status !== 404)
    if (odd) throw new Error(`asking ${image} for ${paths.join(', ')}: ${problem(odd)}`)
    return paths.filter((_p, i) => answers[i].status === 404)
  } finally {
    await request(socket, 'DELETE', `/containers/${Id}?force=1&v=1`)
  }
}
