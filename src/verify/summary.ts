import type { CertInfo } from '../config/certs.js'
import type { RecordedNode } from '../docker/buildx-record.js'
import type { Plan } from '../plan/plan.js'
import type { Pull, RegistryCheck } from './proof.js'
import type { DaemonInfo } from '../buildkit/daemon-info.js'
import { optionLines } from '../docker/buildx-record.js'
import { sourceText, type ImageSource } from '../docker/through-mirror.js'

// The job summary (log.summary writes it, redacted): the builder, the daemon, each registry's settings and certificates,
// and what verification found. Certificates are shown by subject, fingerprint and expiry;
// keys never (they are not in the plan's rows at all).

/** What verification found on one node. */
export interface NodeOutcome {
  /** buildx's name of the node */
  name: string
  endpoint: string
  /** "the first node", "append[0]" */
  label: string
  daemon?: DaemonInfo
  problems: string[]
  verified: boolean
}

export interface Outcome {
  verified: boolean
  mode: 'true' | 'warn' | 'false'
  /** Every node's problems (named by node when there are several), then the proof's */
  problems: string[]
  /** The first node's daemon */
  daemon?: DaemonInfo
  nodes: NodeOutcome[]
  /** verify-pull, when asked for and run */
  pulls?: Pull[]
  /** check-registries, when asked for and run */
  registries?: RegistryCheck[]
}

/** One entry of the `nodes` output: docker/setup-buildx-action's documented keys, plus `verified`. */
export interface NodeOutput {
  name: string
  endpoint: string
  'driver-opts': string[]
  status: string
  'buildkitd-flags': string
  buildkit: string
  platforms: string
  verified: boolean
  /** Where the node's image came from, when the action chose it (image-via-mirror) */
  image?: NodeImageOutput
}

/** The reference buildx was given, its source ("docker.io mirror …" or "original reference") and the digest the engine reported. */
export interface NodeImageOutput {
  ref: string
  source: string
  digest: string | null
}

export function imageOutput(s: ImageSource): NodeImageOutput {
  return { ref: s.ref, source: sourceText(s), digest: s.digest ?? null }
}

/**
 * The `nodes` output from buildx's record of the nodes and what the daemon answered. Never
 * the record's Files (the copied config and certificates, keys included: what
 * setup-buildx-action's inspect-based output leaks), and not this action's owner mark.
 */
export function nodesOutput(
  nodes: RecordedNode[],
  o: Outcome,
  withoutOwner: (opts: RecordedNode['DriverOpts']) => string[] = optionLines,
  images: readonly (ImageSource | undefined)[] = []
): NodeOutput[] {
  return nodes.map((n, i) => {
    const seen = o.nodes.find(x => x.name === n.Name)
    const image = images[i]
    return {
      name: n.Name,
      endpoint: n.Endpoint,
      'driver-opts': withoutOwner(n.DriverOpts),
      status: seen?.daemon ? 'running' : 'error',
      'buildkitd-flags': (n.Flags ?? []).join(' '),
      buildkit: seen?.daemon?.version ?? '',
      platforms: seen?.daemon?.platforms.join(',') ?? '',
      verified: o.mode !== 'false' && (seen?.verified ?? false),
      ...(image ? { image: imageOutput(image) } : {})
    }
  })
}

/** The `platforms` output: every platform any node's daemon offers, first node's first. */
export function allPlatforms(o: Outcome): string[] {
  return [...new Set(o.nodes.flatMap(n => n.daemon?.platforms ?? []))]
}

/** The log line of one verify-pull reference. */
export function pullLine(p: Pull, hint?: string): string {
  if (p.status === 'auth-required') return `${p.ref}: auth-required — ${hint ?? ''}`
  if (!p.ok) return `${p.ref}: FAILED — ${p.error}`
  const by = p.host === null ? 'host unknown (no daemon log)' : `served by ${p.via_mirror ? 'mirror ' : ''}${p.host}`
  return `${p.ref}: ok, ${by}`
}

export function verificationText(o: Outcome): string {
  if (o.mode === 'false') return 'skipped (verify: false)'
  if (o.verified) {
    const proof = [
      o.pulls && o.pulls.length > 0 ? `${o.pulls.length} image reference${o.pulls.length === 1 ? '' : 's'} resolved through it` : '',
      o.registries && o.registries.length > 0 ? `${o.registries.length} host${o.registries.length === 1 ? '' : 's'} answering` : ''
    ].filter(x => x !== '')
    return `passed: the builder runs with the rendered config${proof.length > 0 ? `; ${proof.join(', ')}` : ''}`
  }
  return `failed (${o.problems.length} problem${o.problems.length === 1 ? '' : 's'})`
}

function certCell(certs: CertInfo[]): string {
  if (certs.length === 0) return ''
  return certs
    .map(c => `${esc(c.subject)}<br><code>SHA256 ${c.fingerprint}</code><br>expires ${c.notAfter.toISOString().slice(0, 10)}`)
    .join('<br><br>')
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The summary as HTML/markdown text (pure, for tests). */
export function summaryMarkdown(plan: Plan, o: Outcome, driver: string, steps: readonly { name: string; ms: number }[] = []): string {
  const several = o.nodes.length > 1
  return [
    builderSection(plan, o, driver),
    several ? nodesSection(o) : '',
    registriesSection(plan),
    pullsSection(o.pulls, several),
    registryChecksSection(o.registries, several),
    stepsSection(steps),
    problemsSection(o.problems)
  ].join('')
}

/** The heading and the builder's table: driver, the first node's daemon, image and the verification's result. */
function builderSection(plan: Plan, o: Outcome, driver: string): string {
  const d = o.daemon
  const rows: [string, string][] = [
    ['Builder', `<code>${esc(plan.builder)}</code>`],
    ['Driver', driver],
    ['BuildKit version', d ? esc(d.version) : 'unknown'],
    ['Platforms', d ? esc(d.platforms.join(', ')) : 'unknown'],
    ['Network mode', `${d?.network ? esc(d.network) : 'unknown'}${plan.networkAsked ? ` (asked: ${esc(plan.networkAsked)})` : ''}`],
    ...(plan.image ? [['BuildKit image', esc(plan.image)] as [string, string]] : []),
    ...imageSourceRows(plan),
    ['Verification', esc(verificationText(o))]
  ]
  let md = `<h2>BuildKit builder ${esc(plan.builder)}</h2>\n`
  md += `<table>${rows.map(([k, v]) => `<tr><th align="left">${k}</th><td>${v}</td></tr>`).join('')}</table>\n`
  return md
}

/** Where each node's image came from, when the action chose it: the reference, its source and digest. */
function imageSourceRows(plan: Plan): [string, string][] {
  const chosen = plan.nodes.filter(n => n.image !== undefined)
  if (chosen.length === 0) return []
  const cell = chosen
    .map(n => {
      const s = n.image as ImageSource
      const which = plan.nodes.length > 1 ? `${esc(n.label)}: ` : ''
      return `${which}<code>${esc(s.ref)}</code> (${esc(sourceText(s))}${s.digest ? `, <code>${esc(s.digest)}</code>` : ''})`
    })
    .join('<br>')
  return [['Image source', cell]]
}

/** The nodes' table (for a builder of several nodes): each node's endpoint, daemon and verification. */
function nodesSection(o: Outcome): string {
  let md = '<h3>Nodes</h3>\n<table><tr><th>Node</th><th>Endpoint</th><th>BuildKit</th><th>Platforms</th><th>Verified</th></tr>'
  for (const n of o.nodes) {
    const v = o.mode === 'false' ? 'skipped' : n.verified ? '✅' : `❌ ${n.problems.length} problem${n.problems.length === 1 ? '' : 's'}`
    md += `<tr><td><code>${esc(n.name)}</code> (${esc(n.label)})</td><td><code>${esc(n.endpoint)}</code></td>`
    md += `<td>${n.daemon ? esc(n.daemon.version) : 'no answer'}</td><td>${esc(n.daemon?.platforms.join(', ') ?? '')}</td><td>${v}</td></tr>`
  }
  return md + '</table>\n'
}

/** The registries' table: each registry's settings and certificates; '' when the plan has none. */
function registriesSection(plan: Plan): string {
  if (plan.registries.length === 0) return ''
  let md =
    '<h3>Registries</h3>\n<table><tr><th>Registry</th><th>Mirrors</th><th>http</th><th>insecure</th><th>CA</th><th>Client certificate</th></tr>'
  for (const r of plan.registries) {
    md += `<tr><td><code>${esc(r.registry)}</code></td><td>${r.mirrors.map(m => `<code>${esc(m)}</code>`).join('<br>')}</td>`
    md += `<td>${r.http ? 'yes' : ''}</td><td>${r.insecure ? 'yes' : ''}</td><td>${certCell(r.cas)}</td><td>${certCell(r.clientCerts)}</td></tr>`
  }
  return md + '</table>\n'
}

/** The verify-pull table: each reference's result and the host that served it; '' when there is none. */
function pullsSection(pulls: Pull[] | undefined, several: boolean): string {
  if (!pulls || pulls.length === 0) return ''
  let md =
    `<h3>Images resolved through the builder ` +
    `(verify-pull)</h3>\n<table><tr>${several ? '<th>Node</th>' : ''}<th>Reference</th><th>Result</th><th>Served by</th><th>Detail</th></tr>`
  for (const p of pulls) {
    const result =
      p.status === 'ok' ? (p.ok ? '✅ ok' : '❌ not through the mirror') : p.status === 'auth-required' ? '🔑 auth-required' : '❌ failed'
    const by =
      p.host === null
        ? ''
        : `<code>${esc(p.host)}</code>${p.via_mirror === true ? ' (mirror)' : p.via_mirror === false ? ' (registry)' : ''}`
    const detail =
      p.error ?? (p.status === 'auth-required' ? 'reached over the configured TLS; credentials come from docker login at build time' : '')
    const node = several ? `<td><code>${esc(p.node ?? '')}</code></td>` : ''
    md += `<tr>${node}<td><code>${esc(p.ref)}</code></td><td>${result}</td><td>${by}</td><td>${esc(detail)}</td></tr>`
  }
  return md + '</table>\n'
}

/** The check-registries table: each host's answer; '' when there is none. */
function registryChecksSection(registries: RegistryCheck[] | undefined, several: boolean): string {
  if (!registries || registries.length === 0) return ''
  let md = `<h3>Registries and mirrors (check-registries)</h3>\n<table><tr>${several ? '<th>Node</th>' : ''}<th>Host</th><th>Result</th><th>Detail</th></tr>`
  for (const r of registries) {
    const node = several ? `<td><code>${esc(r.node ?? '')}</code></td>` : ''
    md += `<tr>${node}<td><code>${esc(r.host)}</code></td><td>${r.ok ? '✅ answers' : '❌ failed'}</td><td>${esc(r.error ?? '')}</td></tr>`
  }
  return md + '</table>\n'
}

/** The steps' timings, folded; '' when none were given. */
function stepsSection(steps: readonly { name: string; ms: number }[]): string {
  if (steps.length === 0) return ''
  let md = `<details><summary>Steps (${steps.reduce((t, s) => t + s.ms, 0)} ms)</summary><table>`
  md += steps.map(s => `<tr><td>${esc(s.name)}</td><td align="right">${s.ms} ms</td></tr>`).join('')
  return md + '</table></details>\n'
}

/** The verification's problems, in full; '' when there are none. */
function problemsSection(problems: string[]): string {
  if (problems.length === 0) return ''
  return `<h3>Verification problems</h3>\n<pre>${esc(problems.join('\n\n'))}</pre>\n`
}

/** A failure before verification: the builder and why it could not be set up. */
export function failureMarkdown(builder: string, message: string): string {
  return (
    `<h2>BuildKit builder${builder ? ` ${esc(builder)}` : ''}: not set up</h2>\n<pre>${esc(message)}</pre>\n` +
    '<p>Whatever this run had created was removed.</p>\n'
  )
}
