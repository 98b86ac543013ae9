import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { docker, ensureDebianPackages, hasCommand, uniqueName, until } from './docker-env.js'

// What the remote-driver tests need: a real BuildKit daemon listening on TCP with TLS (a test
// CA, a server and a client certificate made by openssl), started on the engine with the
// host's network (the engine has no bridge), and a runner without a Docker engine or a
// docker CLI (the remote and kubernetes drivers need neither).

/** A loopback TCP port nothing listens on now (taken, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/** A test CA, a server certificate for 127.0.0.1 and a client certificate, in `pki`. */
export function makePki(pki: string): void {
  ensureDebianPackages('the remote driver tests', [{ what: 'openssl', present: () => hasCommand('openssl'), pkg: 'openssl' }])
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: pki, stdio: 'ignore' })
  fs.mkdirSync(pki, { recursive: true })
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=remote-it-ca', '-keyout', 'ca.key', '-out', 'ca.pem')
  fs.writeFileSync(path.join(pki, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  fs.writeFileSync(path.join(pki, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=remote-it-${who}`, '-keyout', `${who}.key`, '-out', `${who}.csr`)
    ssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${who}.ext`,
      '-out',
      `${who}.crt`
    )
  }
  for (const f of fs.readdirSync(pki)) fs.chmodSync(path.join(pki, f), 0o644)
}

/** A BuildKit daemon of `image` in a container of its own, on tcp://127.0.0.1:<port> with TLS from `pki` (makePki). */
export interface TlsDaemon {
  container: string
  endpoint: string
  pki: string
}

/** Starts the daemon and waits until it listens; its container is added to `containers` at once, for the caller to remove (docker rm -f -v). */
export async function startTlsDaemon(image: string, pki: string, containers: string[]): Promise<TlsDaemon> {
  const port = await freePort()
  const container = uniqueName('remote-bk')
  containers.push(container)
  const run = docker([
    'run',
    '-d',
    '--name',
    container,
    '--privileged',
    '--network',
    'host',
    '-v',
    `${pki}:/certs:ro`,
    '--entrypoint',
    'buildkitd',
    image,
    '--addr',
    `tcp://127.0.0.1:${port}`,
    '--tlscacert',
    '/certs/ca.pem',
    '--tlscert',
    '/certs/server.crt',
    '--tlskey',
    '/certs/server.key'
  ])
  if (run.status !== 0) throw new Error(`docker run of ${image} failed: ${run.stderr}`)
  await until(`buildkitd in ${container} to listen on ${port}`, () => {
    const logs = docker(['logs', container])
    return `${logs.stdout}${logs.stderr}`.includes('running server on')
  })
  return { container, endpoint: `tcp://127.0.0.1:${port}`, pki }
}

/** The buildx binary the docker CLI runs (its plugin), found with an empty DOCKER_CONFIG so no user plugin is in the way. */
export function systemBuildx(): string {
  const config = fs.mkdtempSync(path.join(os.tmpdir(), 'it-docker-config-'))
  try {
    const r = spawnSync('docker', ['info', '--format', '{{json .ClientInfo.Plugins}}'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_CONFIG: config }
    })
    const listed = JSON.parse(r.stdout.trim() || '[]') as { Name: string; Path: string }[]
    return fs.realpathSync(listed.find(p => p.Name === 'buildx')?.Path ?? '/usr/libexec/docker/cli-plugins/docker-buildx')
  } finally {
    fs.rmSync(config, { recursive: true, force: true })
  }
}

/**
 * The environment of a runner with no Docker engine and no docker CLI: DOCKER_HOST on a socket
 * nobody serves, DOCKER_CONFIG an empty directory (no plugin of the user's), and PATH a
 * directory of links to `commands` only (what the step may start besides buildx), with
 * buildx standalone on it when `buildx` (the machine's buildx binary linked as `buildx`).
 * `dispose` removes both directories.
 */
export function noDockerEnv(commands: string[], o: { buildx: boolean }): { env: Record<string, string>; bin: string; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'it-no-docker-'))
  const bin = path.join(dir, 'bin')
  const config = path.join(dir, 'docker-config')
  fs.mkdirSync(bin)
  fs.mkdirSync(config)
  for (const c of commands) {
    const found = spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).stdout.trim()
    if (found === '') throw new Error(`${c} is not on PATH`)
    fs.symlinkSync(found, path.join(bin, c))
  }
  if (o.buildx) fs.symlinkSync(systemBuildx(), path.join(bin, 'buildx'))
  return {
    env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock', DOCKER_CONFIG: config, PATH: bin },
    bin,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true })
  }
}
