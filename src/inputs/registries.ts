import { looksLikePem, pastedInsteadOfRef, type CertRequest, type PemRef } from '../config/certs.js'
import { isTable, keyPath, type TomlTable } from '../config/toml.js'
import { InputError } from '../runner/errors.js'
import { CREDENTIALS, hostProblem, parseMirror, type MirrorEndpoint } from '../config/hosts.js'
import { inputLines, type Line } from '../runner/lines.js'
import { type MirrorSpec, type BaseConfig } from './model.js'

// The registry inputs: mirrors, http-registries, insecure-registries and registry-certs (and the
// certificates a base config names), each line checked. Pure.

export function parseHostList(input: string, text: string): string[] {
  const seen = new Set<string>()
  const hosts: string[] = []
  for (const l of inputLines(text)) {
    for (const part of l.text.split(',')) {
      const host = part.trim()
      if (host === '') continue
      const problem = hostProblem(host, input)
      if (problem) throw new InputError(input, l.n, problem)
      if (!seen.has(host)) hosts.push(host)
      seen.add(host)
    }
  }
  return hosts
}

export function parseMirrors(text: string): MirrorSpec[] {
  const specs: MirrorSpec[] = []
  for (const l of inputLines(text)) {
    if (l.text.includes('@')) throw new InputError('mirrors', l.n, CREDENTIALS.replace(/^the host/, 'the line'))
    const eq = l.text.indexOf('=')
    if (eq === -1) {
      throw new InputError('mirrors', l.n, `"${l.text}" is not REGISTRY=MIRROR[,MIRROR...] (e.g. docker.io=mirror.gcr.io)`)
    }
    const registry = l.text.slice(0, eq).trim()
    const problem = hostProblem(registry)
    if (problem) throw new InputError('mirrors', l.n, `registry ${problem.replace(/^the host/, 'name')}`)
    const earlier = specs.find(s => s.registry === registry)
    if (earlier) {
      throw new InputError(
        'mirrors',
        l.n,
        `registry "${registry}" is already given on line ${earlier.line}; list all its mirrors on one line`
      )
    }
    const values = l.text
      .slice(eq + 1)
      .split(',')
      .map(v => v.trim())
      .filter(v => v !== '')
    if (values.length === 0) {
      throw new InputError('mirrors', l.n, `registry "${registry}" has no mirror after "="`)
    }
    const mirrors: MirrorEndpoint[] = []
    for (const v of values) {
      const parsed = parseMirror(v)
      if (typeof parsed === 'string') throw new InputError('mirrors', l.n, parsed)
      if (parsed.host === registry && parsed.path === '') {
        throw new InputError('mirrors', l.n, `registry "${registry}" is given as its own mirror`)
      }
      mirrors.push(parsed)
    }
    specs.push({ registry, mirrors, line: l.n })
  }
  return specs
}

const CERT_KEYS = ['ca', 'cert', 'key'] as const
type CertKey = (typeof CERT_KEYS)[number]
const CERTS_INPUT = 'registry-certs'

/**
 * `registry-certs`: one certificate set per line, `REGISTRY ca=REF cert=REF key=REF`, where
 * REF is a file path or env:NAME. Several lines for one registry add CAs and keypairs.
 */
export function parseRegistryCerts(text: string): CertRequest[] {
  const lines = inputLines(text)
  checkNoPem(lines)
  return lines.map(certLine)
}

/** Throws an InputError, without quoting it, for the first line that holds PEM text. */
function checkNoPem(lines: Line[]): void {
  // Checked for every line before any other rule, and never echoed: such a line is (part
  // of) a key or certificate pasted in, and any other message could quote it.
  const pasted = lines.find(l => looksLikePem(l.text))
  if (pasted) {
    throw new InputError(
      CERTS_INPUT,
      pasted.n,
      'holds PEM text; put the PEM in a secret and pass it as env:NAME (env: NAME: ${{ secrets.NAME }} on the step)'
    )
  }
}

/** The certificate set one line asks for; throws an InputError naming the line for anything wrong with it. */
function certLine(l: Line): CertRequest {
  const [registry, ...fields] = l.text.split(/\s+/)
  checkNotPasted(l, [registry, ...fields])
  if (registry.includes('=')) {
    throw new InputError(CERTS_INPUT, l.n, `starts with "${registry}"; a line is REGISTRY ca=... cert=... key=...`)
  }
  const problem = hostProblem(registry)
  if (problem) throw new InputError(CERTS_INPUT, l.n, `registry ${problem.replace(/^the host/, 'name')}`)
  const refs = certRefs(l, fields)
  if (!refs.ca && !refs.cert && !refs.key) {
    throw new InputError(CERTS_INPUT, l.n, `registry "${registry}" has no ca=, cert= or key=`)
  }
  if (!refs.cert !== !refs.key) {
    throw new InputError(
      CERTS_INPUT,
      l.n,
      `${refs.cert ? 'cert= has no key=' : 'key= has no cert='}; a client keypair needs both on one line`
    )
  }
  return {
    registry,
    cas: refs.ca ? [refs.ca] : [],
    keypairs: refs.cert && refs.key ? [{ cert: refs.cert, key: refs.key }] : []
  }
}

/** Throws an InputError, without quoting it, for a field of the line that holds key or certificate text instead of a reference. */
function checkNotPasted(l: Line, words: string[]): void {
  // Also before any other rule, and never echoed: key=LS0tLS1CRUdJTi… is a key pasted as
  // base64, which a "does not exist" message would print whole.
  for (const [i, f] of words.entries()) {
    const eq = f.indexOf('=')
    if (pastedInsteadOfRef(f) || (eq !== -1 && pastedInsteadOfRef(f.slice(eq + 1)))) {
      const key = f.slice(0, eq)
      const what = i > 0 && (CERT_KEYS as readonly string[]).includes(key) ? `${key}=` : `field ${i + 1}`
      throw new InputError(
        CERTS_INPUT,
        l.n,
        `${what} holds what looks like key or certificate text (PEM or base64), not a file path or env:NAME; put it in a secret and pass ` +
          'env:NAME (env: NAME: ${{ secrets.NAME }} on the step)'
      )
    }
  }
}

/** The ca=, cert= and key= references of a line's fields; throws an InputError for another field, one given twice or an empty one. */
function certRefs(l: Line, fields: string[]): Partial<Record<CertKey, PemRef>> {
  const refs: Partial<Record<CertKey, PemRef>> = {}
  for (const f of fields) {
    const eq = f.indexOf('=')
    const key = f.slice(0, eq) as CertKey
    const ref = f.slice(eq + 1)
    if (eq === -1 || !CERT_KEYS.includes(key)) {
      throw new InputError(CERTS_INPUT, l.n, `"${f}" is not ca=REF, cert=REF or key=REF (REF: a file path or env:NAME)`)
    }
    if (refs[key]) throw new InputError(CERTS_INPUT, l.n, `${key}= is given twice; use one line per set`)
    if (ref === '' || ref === 'env:') throw new InputError(CERTS_INPUT, l.n, `${key}= has no file path or env:NAME`)
    refs[key] = { kind: key, ref, input: CERTS_INPUT, line: l.n }
  }
  return refs
}

/** Certificates a base config names (its shape is already checked by checkConfigTree). */
export function certRequestsFromConfig(base: BaseConfig): CertRequest[] {
  const regs = isTable(base.tree.registry) ? base.tree.registry : {}
  const requests: CertRequest[] = []
  for (const [registry, conf] of Object.entries(regs)) {
    if (!isTable(conf)) continue
    const ref = (kind: 'ca' | 'cert' | 'key', value: string, where: (string | number)[]): PemRef => {
      const at = keyPath(['registry', registry, ...where])
      // Never echoed: a key pasted into the config instead of its path.
      if (pastedInsteadOfRef(value)) {
        throw new InputError(base.input, undefined, `${at} holds what looks like key or certificate text (PEM or base64), not a file path`)
      }
      return { kind, ref: value, input: base.input, where: at }
    }
    const cas = Array.isArray(conf.ca) ? (conf.ca as string[]).map((p, i) => ref('ca', p, ['ca', i])) : []
    const keypairs = Array.isArray(conf.keypair)
      ? (conf.keypair as TomlTable[]).map((kp, i) => ({
          cert: ref('cert', kp.cert as string, ['keypair', i, 'cert']),
          key: ref('key', kp.key as string, ['keypair', i, 'key'])
        }))
      : []
    if (cas.length > 0 || keypairs.length > 0) requests.push({ registry, cas, keypairs })
  }
  return requests
}
