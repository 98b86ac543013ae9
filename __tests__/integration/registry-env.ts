import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { gzipSync } from 'node:zlib'
import { ensureDebianPackages, hasCommand } from './docker-env.js'

// Real registries for integration tests: Debian's docker-registry (distribution 2.8) on
// 127.0.0.1, with a PKI made for the run by openssl and an htpasswd file made by
// htpasswd. Nothing here is committed: every key is generated at test time, in a temporary
// directory that stop() removes.

export interface TestRegistries {
  /** 127.0.0.1:PORT, plain HTTP, holds test images (see below) */
  httpMirror: string
  /**
   * 127.0.0.1:PORT, TLS with a server certificate for IP 127.0.0.1 from the test CA, requiring a
   * client certificate signed by the test CA; same storage as httpMirror
   */
  tlsRegistry: string
  /** 127.0.0.1:PORT, TLS like tlsRegistry (same CA, client cert required) plus htpasswd basic auth: every request without credentials gets 401 */
  authRegistry: string
  /** 127.0.0.1:PORT where nothing listens */
  deadHost: string
  /** Paths of PEM files made for this run with openssl: the test CA, a client certificate and its key (signed by the CA) */
  pki: { ca: string; clientCert: string; clientKey: string }
  /** Images present in the storage: repository:tag (rig/index:1 is an OCI index of one linux/<arch> image) */
  images: string[]
  stop(): void
}

/** The programs needed, and the Debian package of each. */
const TOOLS: [string, string][] = [
  ['docker-registry', 'docker-registry'],
  ['openssl', 'openssl'],
  ['htpasswd', 'apache2-utils']
]

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.error?.message ?? r.stderr).trim()}`)
  return r.stdout
}

export interface Pki {
  ca: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
}

/** A CA, a server certificate for IP 127.0.0.1 and a client certificate, all signed by the CA. */
export function makePki(dir: string): Pki {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  run(
    'openssl',
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=registry-env test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ],
    dir
  )
  const leaf = (name: string, cn: string, ext: string[]): void => {
    run('openssl', ['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir)
    const extensions = [...ext, 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature']
    fs.writeFileSync(path.join(dir, `${name}.ext`), extensions.join('\n') + '\n')
    run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-set_serial',
        `0x${randomBytes(8).toString('hex')}`,
        '-days',
        '2',
        '-sha256',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`
      ],
      dir
    )
  }
  leaf('server', '127.0.0.1', ['subjectAltName=IP:127.0.0.1', 'extendedKeyUsage=serverAuth'])
  leaf('client', 'registry-env client', ['extendedKeyUsage=clientAuth'])
  for (const k of ['ca.key', 'server.key', 'client.key']) fs.chmodSync(path.join(dir, k), 0o600)
  const p = (f: string): string => path.join(dir, f)
  return {
    ca: p('ca.pem'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key')
  }
}

/** n distinct ports that were free a moment ago (bound to port 0, read back, released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer()
          s.once('error', reject)
          s.listen(0, '127.0.0.1', () => resolve(s))
        })
    )
  )
  const ports = servers.map(s => (s.address() as net.AddressInfo).port)
  await Promise.all(servers.map(s => new Promise<void>(resolve => s.close(() => resolve()))))
  return ports
}

// Every daemon process of this test process (registries, the TLS proxy of tls-engine.ts),
// killed on exit whatever happens.
const live = new Set<ChildProcess>()
const liveDirs = new Set<string>()
let exitHook = false
function killAll(): void {
  for (const c of live) killChild(c)
  live.clear()
  for (const d of liveDirs) fs.rmSync(d, { recursive: true, force: true })
  liveDirs.clear()
}

/** Kills a process startChild started, and whatever it forked (its process group). */
export function killChild(c: ChildProcess): void {
  try {
    if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL')
  } catch {
    try {
      c.kill('SIGKILL')
    } catch {
      // already gone
    }
  }
  live.delete(c)
}

/**
 * Starts a daemon for the tests (`command` and its arguments) in a process group of its own,
 * keeping its last 20 output lines in `logTail` and handing each line to `onLine`. Where
 * util-linux's setpriv is available the process gets PR_SET_PDEATHSIG=SIGKILL, so it dies with
 * this process even when that is killed; and an exit hook kills it on a normal exit.
 */
export function startChild(command: string[], logTail: string[], onLine?: (line: string) => void): ChildProcess {
  if (!exitHook) {
    exitHook = true
    process.once('exit', killAll)
  }
  const [cmd, ...args] = hasCommand('setpriv') ? ['setpriv', '--pdeathsig', 'SIGKILL', '--', ...command] : command
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const keep = (b: Buffer): void => {
    const lines = b
      .toString('utf8')
      .split('\n')
      .filter(l => l.trim())
    if (onLine) for (const l of lines) onLine(l)
    logTail.push(...lines)
    logTail.splice(0, Math.max(0, logTail.length - 20))
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  child.once('exit', () => live.delete(child))
  live.add(child)
  // Neither the process nor its pipes keep the test process alive.
  child.unref()
  ;(child.stdout as unknown as net.Socket | null)?.unref?.()
  ;(child.stderr as unknown as net.Socket | null)?.unref?.()
  return child
}

/** GET /v2/ until it answers 200 or 401 (bounded), failing early if the process exits. */
async function waitReady(
  host: string,
  tls: { ca: string; cert: string; key: string } | undefined,
  child: ChildProcess,
  logTail: string[],
  timeoutMs = 20_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const opts = { host: '127.0.0.1', port: Number(host.split(':')[1]), path: '/v2/', method: 'GET', timeout: 2000 }
      const req = tls
        ? https.request({ ...opts, ca: fs.readFileSync(tls.ca), cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) })
        : http.request(opts)
      req.once('response', res => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.once('timeout', () => req.destroy(new Error('timed out')))
      req.once('error', reject)
      req.end()
    })
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`registry on ${host} exited (${child.exitCode ?? child.signalCode}): ${logTail.join('\n')}`)
    }
    try {
      const status = await once()
      if (status === 200 || status === 401) return
      last = `status ${status}`
    } catch (e) {
      last = (e as Error).message
    }
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error(`registry on ${host} did not answer GET /v2/ within ${timeoutMs} ms (last: ${last}): ${logTail.join('\n')}`)
}

/** Go's GOARCH for this machine (the architecture the images are made for). */
export function goArch(): string {
  const map: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ia32: '386',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64'
  }
  return map[process.arch] ?? process.arch
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** A one-file tar archive (ustar), uncompressed. */
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512)
  const put = (s: string, off: number, len: number): void => void header.write(s.slice(0, len), off, 'ascii')
  const octal = (n: number, len: number): string => n.toString(8).padStart(len - 1, '0') + '\0'
  put(name, 0, 100)
  put(octal(0o644, 8), 100, 8)
  put(octal(0, 8), 108, 8)
  put(octal(0, 8), 116, 8)
  put(octal(content.length, 12), 124, 12)
  put(octal(0, 12), 136, 12)
  put('        ', 148, 8)
  put('0', 156, 1)
  put('ustar\0', 257, 6)
  put('00', 263, 2)
  let sum = 0
  for (const b of header) sum += b
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8)
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512)
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)])
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'

/** Pushes with the registry HTTP API: blobs by monolithic upload, then the manifest. */
async function pushBlob(base: string, repo: string, blob: Buffer): Promise<string> {
  const digest = sha256(blob)
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' })
  if (start.status !== 202) throw new Error(`POST ${repo} blob upload: ${start.status} ${await start.text()}`)
  const loc = new URL(start.headers.get('location') ?? '', base)
  loc.searchParams.set('digest', digest)
  const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(blob), headers: { 'Content-Type': 'application/octet-stream' } })
  if (put.status !== 201) throw new Error(`PUT ${repo} blob ${digest}: ${put.status} ${await put.text()}`)
  return digest
}
async function pushManifest(base: string, repo: string, ref: string, mediaType: string, body: Buffer): Promise<void> {
  const put = await fetch(`${base}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    body: new Uint8Array(body),
    headers: { 'Content-Type': mediaType }
  })
  if (put.status !== 201) throw new Error(`PUT ${repo} manifest ${ref}: ${put.status} ${await put.text()}`)
}

/**
 * A valid single-platform OCI image (config for linux/<goArch>, one small gzip'd layer),
 * under the tag, or only by its digest when tag is undefined.
 */
async function pushImage(base: string, repo: string, tag: string | undefined): Promise<{ digest: string; size: number }> {
  const tar = tarOf('hello.txt', Buffer.from(`${repo}:${tag ?? 'untagged'} from registry-env\n`))
  const layer = gzipSync(tar)
  const config = Buffer.from(
    JSON.stringify({
      architecture: goArch(),
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      history: [{ created_by: 'registry-env' }]
    })
  )
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(base, repo, config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: await pushBlob(base, repo, layer), size: layer.length }]
    })
  )
  await pushManifest(base, repo, tag ?? sha256(manifest), OCI_MANIFEST, manifest)
  return { digest: sha256(manifest), size: manifest.length }
}

/** An OCI index whose one entry is an image for linux/<goArch>. */
async function pushIndex(base: string, repo: string, tag: string): Promise<void> {
  const m = await pushImage(base, repo, undefined)
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: m.digest, size: m.size, platform: { architecture: goArch(), os: 'linux' } }]
    })
  )
  await pushManifest(base, repo, tag, OCI_INDEX, index)
}

/**
 * Starts them (installs docker-registry, openssl and apache2-utils from Debian when missing and
 * running as root, as build.sh does for busybox-static); throws with a clear message naming what
 * to install otherwise.
 */
export async function startRegistries(): Promise<TestRegistries> {
  ensureDebianPackages(
    'test registries',
    TOOLS.map(([cmd, pkg]) => ({ what: cmd, present: () => hasCommand(cmd), pkg }))
  )
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-env-'))
  liveDirs.add(dir)
  const children: ChildProcess[] = []
  let stopped = false
  const stop = (): void => {
    if (stopped) return
    stopped = true
    for (const c of children) killChild(c)
    fs.rmSync(dir, { recursive: true, force: true })
    liveDirs.delete(dir)
  }
  try {
    const pki = makePki(dir)
    const storage = path.join(dir, 'storage')
    fs.mkdirSync(storage)
    const htpasswd = path.join(dir, 'htpasswd')
    fs.writeFileSync(htpasswd, run('htpasswd', ['-Bbn', 'registry-env', randomBytes(12).toString('hex')], dir))

    const [httpPort, tlsPort, authPort, deadPort] = await freePorts(4)
    const tls = { certificate: pki.serverCert, key: pki.serverKey, clientcas: [pki.ca] }
    const configs: { name: string; port: number; http: Record<string, unknown>; auth?: Record<string, unknown> }[] = [
      { name: 'http', port: httpPort, http: {} },
      { name: 'tls', port: tlsPort, http: { tls } },
      { name: 'auth', port: authPort, http: { tls }, auth: { htpasswd: { realm: 'registry-env', path: htpasswd } } }
    ]
    const started: { host: string; tls: boolean; child: ChildProcess; log: string[] }[] = []
    for (const c of configs) {
      // JSON is YAML: the registry's own config file, in its own directory.
      const cdir = path.join(dir, c.name)
      fs.mkdirSync(cdir)
      const file = path.join(cdir, 'config.yml')
      const config = {
        version: 0.1,
        log: { level: 'error', accesslog: { disabled: true } },
        storage: { filesystem: { rootdirectory: storage }, maintenance: { uploadpurging: { enabled: false } } },
        http: { addr: `127.0.0.1:${c.port}`, secret: randomBytes(16).toString('hex'), ...c.http },
        ...(c.auth ? { auth: c.auth } : {})
      }
      fs.writeFileSync(file, JSON.stringify(config, null, 2))
      const log: string[] = []
      const child = startChild(['docker-registry', 'serve', file], log)
      children.push(child)
      started.push({ host: `127.0.0.1:${c.port}`, tls: c.name !== 'http', child, log })
    }
    await Promise.all(
      started.map(s => waitReady(s.host, s.tls ? { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } : undefined, s.child, s.log))
    )

    const base = `http://127.0.0.1:${httpPort}`
    await pushImage(base, 'library/alpine', 'latest')
    await pushImage(base, 'rig/base', '1')
    await pushIndex(base, 'rig/index', '1')

    return {
      httpMirror: `127.0.0.1:${httpPort}`,
      tlsRegistry: `127.0.0.1:${tlsPort}`,
      authRegistry: `127.0.0.1:${authPort}`,
      deadHost: `127.0.0.1:${deadPort}`,
      pki: { ca: pki.ca, clientCert: pki.clientCert, clientKey: pki.clientKey },
      images: ['library/alpine:latest', 'rig/base:1', 'rig/index:1'],
      stop
    }
  } catch (e) {
    stop()
    throw e
  }
}

/**
 * Puts a local image into a test registry (host 127.0.0.1:PORT) as `repoTag` with docker
 * push (the engine speaks plain HTTP to 127.0.0.0/8), then drops that local tag: the registry
 * holds the image under the name, the engine does not. Returns the reference and the digest
 * the push reported.
 */
export function pushLocalImage(image: string, registry: string, repoTag: string): { ref: string; digest: string } {
  const ref = `${registry}/${repoTag}`
  const docker = (args: string[]): string => {
    const r = spawnSync('docker', args, { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${(r.error?.message ?? r.stderr).trim()}`)
    return r.stdout
  }
  docker(['tag', image, ref])
  try {
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(docker(['push', ref]))?.[1]
    if (digest === undefined) throw new Error(`docker push ${ref} printed no digest`)
    return { ref, digest }
  } finally {
    docker(['image', 'rm', '--no-prune', ref])
  }
}

/** The image under test in the test registries, for a docker.io mirror (see startMirrorOf). */
export interface MirrorOfImage {
  regs: TestRegistries
  /** Each path prefix's pushed reference and digest ('' the registry's root) */
  pushed: Record<string, { ref: string; digest: string }>
  stop(): void
}

/**
 * Starts the test registries with `image` (the BuildKit image under test) pushed into their
 * storage as `original` (moby/buildkit:<a tag of the test run>, which exists nowhere else), at
 * the plain-HTTP mirror's root ('') and under each other path prefix given ('/hub': a
 * Harbor-style proxy project). stop() stops them and removes what the engine pulled under
 * those names (a pulled image may stay, but the names are the run's alone).
 */
export async function startMirrorOf(image: string, original: string, prefixes: string[] = ['']): Promise<MirrorOfImage> {
  const regs = await startRegistries()
  const pushed: Record<string, { ref: string; digest: string }> = {}
  const stop = (): void => {
    regs.stop()
    for (const p of Object.values(pushed)) spawnSync('docker', ['image', 'rm', '--no-prune', p.ref], { stdio: 'ignore' })
  }
  try {
    for (const prefix of prefixes)
      pushed[prefix] = pushLocalImage(image, regs.httpMirror, `${prefix.replace(/^\//, '')}${prefix ? '/' : ''}${original}`)
  } catch (e) {
    stop()
    throw e
  }
  return { regs, pushed, stop }
}
