import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tls from 'node:tls'

// Release downloads served over https on 127.0.0.1, as GitHub serves them: a test CA made
// here with openssl signs the server's certificate. The action's process trusts it through
// NODE_EXTRA_CA_CERTS (`trust`, for newRun's env); a test that calls the code in its own
// process trusts it with trustInThisProcess (node:https's global agent, which both
// downloads.ts fetchText and @actions/tool-cache use). Also serves plain http, for the
// refusal of https → http redirects and of http:// URLs.

export interface ReleaseServer {
  /** https://127.0.0.1:<port> */
  https: string
  /** http://127.0.0.1:<port>, the same files */
  http: string
  /** The CA's PEM file */
  caFile: string
  /** The env that makes a process trust the CA */
  trust: Record<string, string>
  /** URL paths asked for, in order (both servers) */
  requests: string[]
  /** URL path → content, or { redirect: URL } */
  files: Map<string, Buffer | string | { redirect: string }>
  close(): Promise<void>
}

/** A CA and a certificate for 127.0.0.1 signed by it, in `dir`. */
function makePki(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => path.join(dir, n)
  const ssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })
  ssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=release-server test CA'
    ].concat(['-keyout', f('ca.key'), '-out', f('ca.pem')])
  )
  ssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr')
  ])
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n')
  ssl([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('server.pem')
  ])
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') }
}

export async function startReleaseServer(files = new Map<string, Buffer | string | { redirect: string }>()): Promise<ReleaseServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-server-'))
  const pki = makePki(dir)
  const requests: string[] = []
  const handler: http.RequestListener = (req, res) => {
    requests.push(req.url ?? '')
    const body = files.get(req.url ?? '')
    if (body === undefined) res.writeHead(404).end('not found')
    else if (typeof body === 'object' && 'redirect' in body) res.writeHead(302, { location: body.redirect }).end()
    else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body)
  }
  const secure = https.createServer({ cert: fs.readFileSync(pki.cert), key: fs.readFileSync(pki.key) }, handler)
  const plain = http.createServer(handler)
  await Promise.all([secure, plain].map(s => new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))))
  const port = (s: http.Server) => (s.address() as AddressInfo).port
  return {
    https: `https://127.0.0.1:${port(secure)}`,
    http: `http://127.0.0.1:${port(plain)}`,
    caFile: pki.ca,
    trust: { NODE_EXTRA_CA_CERTS: pki.ca },
    requests,
    files,
    close: async () => {
      await Promise.all([secure, plain].map(s => new Promise(resolve => s.close(resolve))))
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

/**
 * Makes this process's https connections trust the server's CA too: NODE_EXTRA_CA_CERTS is
 * read only when node starts (and Node 20 has no tls.setDefaultCACertificates), and
 * @actions/http-client makes agents of its own, so every agent's connections get the CA added.
 */
export function trustInThisProcess(server: ReleaseServer): void {
  const ca = [...tls.rootCertificates, fs.readFileSync(server.caFile, 'utf8')]
  const proto = https.Agent.prototype as unknown as { createConnection: (o: tls.ConnectionOptions, cb?: unknown) => unknown }
  const original = proto.createConnection
  if ((original as { trusting?: boolean }).trusting) return
  const trusting = function (this: unknown, options: tls.ConnectionOptions, cb?: unknown) {
    return original.call(this, { ...options, ca: options.ca ?? ca }, cb)
  }
  proto.createConnection = Object.assign(trusting, { trusting: true })
}

/** Serves every file under `dir` at /<its path below dir>. */
export function serveDir(server: ReleaseServer, dir: string, prefix = ''): void {
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f)
    if (fs.statSync(p).isFile()) server.files.set(`${prefix}/${f.split(path.sep).join('/')}`, fs.readFileSync(p))
  }
}
