import * as path from 'node:path'
import { csvQuote } from '../../docker/csv.js'
import { checkKeyPair, loadPem, type CheckNotes, type LoadedPem } from '../../config/certs.js'
import type { PlannedFile } from '../../plan/plan.js'
import { type RemoteTls } from './inputs.js'

// The remote driver's TLS files for the connection to each daemon: read and checked like
// registry-certs' (config/certs.ts), then written under the run's directory, where buildx
// reads them on every connection. Pure apart from reading the files.

export interface LoadedRemoteTls {
  cacert?: LoadedPem
  cert?: LoadedPem
  key?: LoadedPem
  servername?: string
  other: string[]
}

/**
 * Reads and checks the TLS files as registry-certs' are (config/certs.ts): the key first (it is
 * registered as a secret before any check can fail and print something), then the CA and the
 * certificate; the key must match the certificate.
 */
export function loadRemoteTls(
  tls: RemoteTls,
  now: Date = new Date(),
  env: NodeJS.ProcessEnv = process.env
): { tls: LoadedRemoteTls; warnings: string[] } {
  const notes: CheckNotes = { warnings: [] }
  const key = tls.key ? loadPem(tls.key, notes, now, env) : undefined
  const cacert = tls.cacert ? loadPem(tls.cacert, notes, now, env) : undefined
  const cert = tls.cert ? loadPem(tls.cert, notes, now, env) : undefined
  if (cert && key) checkKeyPair({ cert, key })
  return { tls: { cacert, cert, key, servername: tls.servername, other: tls.other }, warnings: notes.warnings }
}

const TLS_FILES = {
  cacert: ['ca.pem', 0o644, 'CA of the BuildKit daemon'],
  cert: ['client.crt', 0o644, 'client certificate for the BuildKit daemon'],
  key: ['client.key', 0o600, 'client key for the BuildKit daemon']
} as const

/**
 * The files to write for one node's TLS (under `dir`, e.g. <run dir>/remote/<node index>) and
 * the node's driver options with their absolute paths (buildx refuses relative ones). The
 * files have no place in the builder: containerPath is '' and they are not for
 * plan.expect.files.
 */
export function remoteTlsFiles(
  tls: LoadedRemoteTls,
  dir: string,
  node: string
): { dirs: string[]; files: PlannedFile[]; driverOpts: string[] } {
  const files: PlannedFile[] = []
  const driverOpts: string[] = []
  for (const k of ['cacert', 'cert', 'key'] as const) {
    const pem = tls[k]
    if (!pem) continue
    const [base, mode, what] = TLS_FILES[k]
    const hostPath = path.join(dir, base)
    files.push({ hostPath, containerPath: '', content: pem.content, mode, sha256: pem.sha256, label: `${what} of ${node} (${pem.ref})` })
    driverOpts.push(csvQuote(`${k}=${hostPath}`))
  }
  if (tls.servername !== undefined) driverOpts.push(csvQuote(`servername=${tls.servername}`))
  driverOpts.push(...tls.other.map(csvQuote))
  return { dirs: files.length > 0 ? [dir] : [], files, driverOpts }
}
