import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from '../runner/errors.js'
import { fileReason } from '../runner/input-files.js'
import { addSecret } from '../runner/redact.js'

// Registry certificates: where they come from, the checks BuildKit would otherwise fail
// on much later (or buildx would crash on), and what the summary may show of them.
// Key material never leaves this module except as bytes to write: every private key is
// registered as a secret the moment it is read, before any check can fail on it.

export type PemKind = 'ca' | 'cert' | 'key'

/** Where one PEM comes from, as the user wrote it. */
export interface PemRef {
  kind: PemKind
  /** A file path or env:NAME */
  ref: string
  /** The input that named it, and the line or key, for messages */
  input: string
  line?: number
  where?: string
}

export interface CertInfo {
  subject: string
  issuer: string
  /** SHA-256 fingerprint of the (first) certificate, colon-separated hex */
  fingerprint: string
  notAfter: Date
}

export interface LoadedPem extends PemRef {
  content: Buffer
  /** SHA-256 of the exact bytes written for buildx to copy */
  sha256: string
  /** For ca and cert: the first certificate */
  info?: CertInfo
}

export interface KeyPair {
  cert: LoadedPem
  key: LoadedPem
}

export interface RegistryCerts {
  registry: string
  cas: LoadedPem[]
  keypairs: KeyPair[]
}

// buildx copies at most 1 MiB of each file (io.LimitReader in util/confutil/container.go):
// anything longer would arrive cut off.
const MAX_PEM_BYTES = 1024 * 1024
const EXPIRY_WARNING_DAYS = 30

const PEM_BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/g

export interface PemBlock {
  label: string
  text: string
}

export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK_RE)].map(m => ({ label: m[1], text: m[0] }))
}

/** True when text holds PEM itself rather than a reference to it. */
export function looksLikePem(text: string): boolean {
  return /-----(BEGIN|END) [A-Z0-9 ]+-----/.test(text) || /^[A-Za-z0-9+/]{40,}={0,2}$/.test(text.trim())
}

/**
 * True when a value meant to be a file path or env:NAME is the material itself: PEM, a
 * base64 run (a key pasted as base64 starts LS0t, "---" encoded), or longer than any path
 * (PATH_MAX is 4096). Such a value is refused without being echoed: it may be a private key.
 */
export function pastedInsteadOfRef(value: string): boolean {
  return looksLikePem(value) || /^LS0t/.test(value.trim()) || value.length > 4096
}

function fail(ref: PemRef, detail: string): never {
  const at = ref.where ? `${ref.where}: ` : ''
  throw new InputError(ref.input, ref.line, `${at}${ref.kind} ${ref.ref} ${detail}`)
}

/** Reads a file or env:NAME; private key material is registered as a secret at once. */
export function readPem(ref: PemRef, env: NodeJS.ProcessEnv = process.env): Buffer {
  let content: Buffer
  if (ref.ref.startsWith('env:')) {
    const name = ref.ref.slice(4)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(ref, 'does not name a valid environment variable')
    const value = env[name]
    if (value === undefined) fail(ref, `is not set; add ${name} to the step's env (e.g. ${name}: \${{ secrets.${name} }})`)
    content = Buffer.from(value, 'utf8')
  } else {
    const file = path.resolve(ref.ref)
    let st: fs.Stats
    try {
      st = fs.statSync(file)
    } catch (err) {
      fail(ref, fileReason(err))
    }
    if (!st.isFile()) fail(ref, 'is not a regular file')
    if (st.size > MAX_PEM_BYTES) fail(ref, `is ${st.size} bytes; buildx copies at most ${MAX_PEM_BYTES}`)
    try {
      content = fs.readFileSync(file)
    } catch (err) {
      fail(ref, fileReason(err)) // EACCES: stat needs no read permission, reading does
    }
  }
  const text = content.toString('utf8')
  if (ref.kind === 'key' || /PRIVATE KEY-----/.test(text)) addSecret(text)
  if (text.trim() === '') fail(ref, 'is empty')
  if (content.length > MAX_PEM_BYTES) fail(ref, `is ${content.length} bytes; buildx copies at most ${MAX_PEM_BYTES}`)
  return content
}

export function certInfo(cert: X509Certificate): CertInfo {
  return {
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    fingerprint: cert.fingerprint256,
    notAfter: new Date(cert.validTo)
  }
}

export interface CheckNotes {
  warnings: string[]
}

/** Parses and checks one PEM; returns it loaded, or throws an InputError naming it. */
export function loadPem(ref: PemRef, notes: CheckNotes, now: Date, env?: NodeJS.ProcessEnv): LoadedPem {
  const content = readPem(ref, env)
  const blocks = pemBlocks(content.toString('utf8'))
  if (blocks.length === 0) fail(ref, 'holds no PEM block (-----BEGIN ...-----)')
  let info: CertInfo | undefined
  if (ref.kind === 'key') {
    const keys = blocks.filter(b => b.label.endsWith('PRIVATE KEY'))
    if (keys.length === 0) fail(ref, `holds no private key (found ${blocks.map(b => b.label).join(', ')})`)
    if (keys.length > 1) fail(ref, 'holds more than one private key')
    if (keys[0].label === 'ENCRYPTED PRIVATE KEY') {
      fail(ref, 'is encrypted; BuildKit can only use an unencrypted key')
    }
    try {
      createPrivateKey(keys[0].text)
    } catch {
      fail(ref, `is not a valid ${keys[0].label}`)
    }
  } else {
    if (blocks.some(b => b.label.endsWith('PRIVATE KEY'))) {
      fail(ref, `holds a private key; a ${ref.kind === 'ca' ? 'CA' : 'certificate'} file must hold certificates only`)
    }
    const certs = blocks.filter(b => b.label === 'CERTIFICATE')
    if (certs.length === 0) fail(ref, `holds no certificate (found ${blocks.map(b => b.label).join(', ')})`)
    certs.forEach((b, i) => {
      let cert: X509Certificate
      try {
        cert = new X509Certificate(b.text)
      } catch {
        fail(ref, `certificate #${i + 1} can't be parsed`)
      }
      const ci = certInfo(cert)
      if (i === 0) info = ci
      const days = (ci.notAfter.getTime() - now.getTime()) / 86_400_000
      const which = certs.length > 1 ? ` (certificate #${i + 1}, ${ci.subject})` : ` (${ci.subject})`
      if (days < 0) fail(ref, `expired on ${ci.notAfter.toISOString()}${which}`)
      if (days < EXPIRY_WARNING_DAYS) {
        notes.warnings.push(
          `${ref.input}${ref.line ? ` line ${ref.line}` : ''}: ${ref.kind} ${ref.ref} ${expiresIn(days)}, on ` +
            `${ci.notAfter.toISOString()}${which}`
        )
      }
    })
  }
  return { ...ref, content, sha256: sha256(content), info }
}

/** "expires in 14 days", "expires in 1 day", "expires within a day". */
function expiresIn(days: number): string {
  const n = Math.floor(days)
  return n === 0 ? 'expires within a day' : `expires in ${n} day${n === 1 ? '' : 's'}`
}

/** Checks that the key belongs to the certificate (the first certificate of the file). */
export function checkKeyPair(pair: KeyPair): void {
  const cert = new X509Certificate(pemBlocks(pair.cert.content.toString('utf8')).find(b => b.label === 'CERTIFICATE')!.text)
  let key: KeyObject
  try {
    key = createPrivateKey(pemBlocks(pair.key.content.toString('utf8')).find(b => b.label.endsWith('PRIVATE KEY'))!.text)
  } catch {
    return fail(pair.key, 'is not a valid private key')
  }
  if (!cert.checkPrivateKey(key)) {
    fail(pair.key, `does not match certificate ${pair.cert.ref} (${cert.subject.split('\n').join(', ')})`)
  }
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** The certificates asked for one registry, before they are read. */
export interface CertRequest {
  registry: string
  cas: PemRef[]
  keypairs: { cert: PemRef; key: PemRef }[]
}

/**
 * Reads and checks every requested PEM, grouped by registry in the order first named.
 * The same CA named twice for one registry is kept once.
 */
export function loadRegistryCerts(
  requests: CertRequest[],
  now: Date = new Date(),
  env: NodeJS.ProcessEnv = process.env
): { sets: RegistryCerts[]; warnings: string[] } {
  const notes: CheckNotes = { warnings: [] }
  const byRegistry = new Map<string, RegistryCerts>()
  // Keys first: every private key is read (and registered as a secret) before any
  // certificate check can fail and print something.
  const keys = new Map<PemRef, LoadedPem>()
  for (const r of requests) for (const kp of r.keypairs) keys.set(kp.key, loadPem(kp.key, notes, now, env))
  for (const r of requests) {
    let set = byRegistry.get(r.registry)
    if (!set) {
      set = { registry: r.registry, cas: [], keypairs: [] }
      byRegistry.set(r.registry, set)
    }
    for (const ref of r.cas) {
      const ca = loadPem(ref, notes, now, env)
      if (!set.cas.some(c => c.sha256 === ca.sha256)) set.cas.push(ca)
    }
    for (const kp of r.keypairs) {
      const pair = { cert: loadPem(kp.cert, notes, now, env), key: keys.get(kp.key)! }
      checkKeyPair(pair)
      set.keypairs.push(pair)
    }
  }
  return { sets: [...byRegistry.values()], warnings: notes.warnings }
}
