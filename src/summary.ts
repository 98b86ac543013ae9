import * as core from '@actions/core'
import type { CertInfo } from './certs.js'
import type { Plan } from './plan.js'
import { redact } from './redact.js'
import type { DaemonInfo } from './verify.js'

// The job summary: the builder, the daemon, each registry's settings and certificates,
// and what verification found. Certificates are shown by subject, fingerprint and expiry;
// keys never (they are not in the plan's rows at all).

export interface Outcome {
  verified: boolean
  mode: 'true' | 'warn' | 'false'
  problems: string[]
  daemon?: DaemonInfo
}

export function verificationText(o: Outcome): string {
  if (o.mode === 'false') return 'skipped (verify: false)'
  if (o.verified) return 'passed: the builder runs with the rendered config'
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
export function summaryMarkdown(plan: Plan, o: Outcome, driver: string): string {
  const d = o.daemon
  const rows: [string, string][] = [
    ['Builder', `<code>${esc(plan.builder)}</code>`],
    ['Driver', driver],
    ['BuildKit version', d ? esc(d.version) : 'unknown'],
    ['Platforms', d ? esc(d.platforms.join(', ')) : 'unknown'],
    ['Network mode', d?.network ? esc(d.network) : 'unknown'],
    ...(plan.image ? [['BuildKit image', esc(plan.image)] as [string, string]] : []),
    ['Verification', esc(verificationText(o))]
  ]
  let md = `<h2>BuildKit builder ${esc(plan.builder)}</h2>\n`
  md += `<table>${rows.map(([k, v]) => `<tr><th align="left">${k}</th><td>${v}</td></tr>`).join('')}</table>\n`
  if (plan.registries.length > 0) {
    md += '<h3>Registries</h3>\n<table><tr><th>Registry</th><th>Mirrors</th><th>http</th><th>insecure</th><th>CA</th><th>Client certificate</th></tr>'
    for (const r of plan.registries) {
      md += `<tr><td><code>${esc(r.registry)}</code></td><td>${r.mirrors.map(m => `<code>${esc(m)}</code>`).join('<br>')}</td>`
      md += `<td>${r.http ? 'yes' : ''}</td><td>${r.insecure ? 'yes' : ''}</td><td>${certCell(r.cas)}</td><td>${certCell(r.clientCerts)}</td></tr>`
    }
    md += '</table>\n'
  }
  if (o.problems.length > 0) {
    md += `<h3>Verification problems</h3>\n<pre>${esc(o.problems.join('\n\n'))}</pre>\n`
  }
  return redact(md)
}

/** A failure before verification: the builder and why it could not be set up. */
export function failureMarkdown(builder: string, message: string): string {
  return redact(
    `<h2>BuildKit builder ${esc(builder)}: not set up</h2>\n<pre>${esc(message)}</pre>\n` +
      '<p>The builder and the files of this run were removed.</p>\n'
  )
}

export async function writeSummary(plan: Plan, o: Outcome, driver: string): Promise<void> {
  await write(summaryMarkdown(plan, o, driver))
}

export async function writeFailureSummary(builder: string, message: string): Promise<void> {
  await write(failureMarkdown(builder, message))
}

async function write(text: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written')
    return
  }
  await core.summary.addRaw(text, true).write()
}
