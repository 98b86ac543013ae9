import { spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ensureDebianPackages, hasCommand } from './docker-env.js'
import { freePorts, killChild, makePki, startChild } from './registry-env.js'

// The local Docker engine behind TLS, as a runner with DOCKER_HOST=tcp://…:2376,
// DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH sees a remote one: socat (Debian's, built with
// OpenSSL) listens on 127.0.0.1 with a server certificate, demands a client certificate from
// a CA made for the run by openssl (registry-env.ts makePki), and passes each connection on
// to the engine's socket. The engine itself is left as it runs. Nothing here is committed:
// every key is generated at test time, in a directory that stop() removes.

export interface TlsEngine {
  /** tcp://127.0.0.1:PORT */
  host: string
  /** A DOCKER_CERT_PATH: ca.pem, cert.pem and key.pem of a client the proxy accepts */
  certPath: string
  /** What a runner with the engine behind TLS has: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH */
  env: Record<string, string>
  /** TLS sessions the proxy completed so far (each one with a client certificate of the CA) */
  sessions(): number
  stop(): void
}

const SOCKET = '/var/run/docker.sock'

/** Starts the proxy (installs socat and openssl from Debian when missing and running as root). */
export async function startTlsEngine(): Promise<TlsEngine> {
  ensureDebianPackages('the TLS engine tests', [
    { what: 'socat', present: () => hasCommand('socat'), pkg: 'socat' },
    { what: 'openssl', present: () => hasCommand('openssl'), pkg: 'openssl' }
  ])
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-engine-'))
  let child: ChildProcess | undefined
  const stop = (): void => {
    if (child) killChild(child)
    child = undefined
    fs.rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', stop)
  try {
    const pki = makePki(dir)
    const certPath = path.join(dir, 'client')
    fs.mkdirSync(certPath)
    fs.copyFileSync(pki.ca, path.join(certPath, 'ca.pem'))
    fs.copyFileSync(pki.clientCert, path.join(certPath, 'cert.pem'))
    fs.copyFileSync(pki.clientKey, path.join(certPath, 'key.pem'))
    const [port] = await freePorts(1)
    let sessions = 0
    const log: string[] = []
    // -d -d: a line per connection; "SSL connection using" once its handshake (client certificate included) is done.
    // -t 30: a client that closes its side (docker run does, at once) still gets the engine's
    // answer, as from a real engine; socat's default closes both sides 0.5 s after one ends,
    // which drops the output of a container that takes longer to start.
    child = startChild(
      [
        'socat',
        '-d',
        '-d',
        '-t',
        '30',
        `openssl-listen:${port},bind=127.0.0.1,reuseaddr,fork,cert=${pki.serverCert},key=${pki.serverKey},cafile=${pki.ca},verify=1`,
        `unix-connect:${SOCKET}`
      ],
      log,
      l => void (/SSL connection using/.test(l) && sessions++)
    )
    const host = `tcp://127.0.0.1:${port}`
    const env = { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath }
    await waitReady(env, child, log)
    return { host, certPath, env, sessions: () => sessions, stop }
  } catch (e) {
    stop()
    throw e
  }
}

/** `docker version` through the proxy until it answers (bounded), failing early if socat exits. */
async function waitReady(env: Record<string, string>, child: ChildProcess, log: string[], timeoutMs = 15_000): Promise<void> {
  let last = ''
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`socat exited: ${log.join('\n')}`)
    const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', env: { ...process.env, ...env } })
    if (r.status === 0) return
    last = r.stderr.trim()
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error(`the engine did not answer through the TLS proxy at ${env.DOCKER_HOST} (last: ${last}): ${log.join('\n')}`)
}
