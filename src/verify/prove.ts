import type { PemRef } from '../config/certs.js'
import type { Driver } from '../drivers/driver.js'
import { lastLine } from '../runner/exec.js'
import type { Inputs } from '../inputs/model.js'
import * as log from '../runner/log.js'
import type { Plan } from '../plan/plan.js'
import {
  attemptsFor,
  hostChain,
  judgePull,
  judgeProbe,
  probes,
  resolvedRef,
  type Attempt,
  type CertSource,
  type ExplainContext,
  type Pull,
  type RegistryCheck
} from './proof.js'
import { parseResolveOutput } from '../buildkit/resolve.js'
import { pullLine, type NodeOutcome, type Outcome } from './summary.js'

// Prove it: each node's daemon resolves the verify-pull references (and, with check-registries, a
// probe per registry), and its log tells which host served each. The judging is pure (proof.ts).

export function wantsProof(inputs: Inputs, o: Outcome): boolean {
  if (inputs.verifyPull.length === 0 && !inputs.checkRegistries) return false
  if (inputs.verify === 'false') {
    log.info('verify: false — verify-pull and check-registries are skipped')
    return false
  }
  if (!o.nodes.some(n => n.daemon)) {
    log.info('no daemon answered: nothing can be resolved through the builder')
    return false
  }
  return true
}

/**
 * verify-pull and check-registries: each node's daemon resolves each reference with the
 * config under test, then its log says which host answered (proof.ts). Nodes may reach
 * different networks, so every node is asked.
 */
export async function prove(driver: Driver, plan: Plan, inputs: Inputs, o: Outcome): Promise<void> {
  const several = o.nodes.length > 1
  const proven = await Promise.all(o.nodes.map(n => (n.daemon ? proveNode(driver, plan, inputs, n, several) : undefined)))
  o.pulls = []
  o.registries = inputs.checkRegistries ? [] : undefined
  o.nodes.forEach((n, i) => {
    const p = proven[i]
    if (!p) {
      o.problems.push(`node ${n.name}: its daemon did not answer, nothing was resolved through it`)
      return
    }
    o.pulls!.push(...p.pulls)
    if (o.registries) o.registries.push(...p.registries)
    // The proof's problems are the node's too: its `verified` in the nodes output says so.
    n.problems.push(...p.problems)
    n.verified = n.problems.length === 0
    o.problems.push(...p.problems.map(x => (several ? `node ${n.name}: ${x}` : x)))
  })
  o.verified = o.problems.length === 0
}

async function proveNode(
  driver: Driver,
  plan: Plan,
  inputs: Inputs,
  node: NodeOutcome,
  several: boolean
): Promise<{ pulls: Pull[]; registries: RegistryCheck[]; problems: string[] }> {
  const at = { Name: node.name, Endpoint: node.endpoint }
  const who = several ? `node ${node.name}: ` : ''
  const checks = inputs.checkRegistries ? probes(plan.tree) : []
  const refs = [...inputs.verifyPull, ...checks.map(c => c.ref)]
  const problems: string[] = []
  // docker logs --since has the engine's clock, the same as ours for a local engine; a
  // second of margin, and the span of each reference keeps other lines out.
  const since = Date.now() / 1000 - 1
  const res = await driver.resolve(
    at,
    refs.map(r => r.normalised),
    plan.builder
  )
  const resolutions = parseResolveOutput(res.stdout, refs.length)
  if (resolutions.some(r => r === undefined)) {
    log.warning(`${who}resolving in the builder stopped early (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`)
  }
  let daemonLog: string | undefined
  if (!driver.readsDaemonLog) {
    log.info(`${who}the ${driver.name} driver's daemon log can't be read from the runner: which host served each reference can't be told`)
  } else {
    try {
      daemonLog = await driver.logSince(at, since)
    } catch (err) {
      log.warning(`${who}${(err as Error).message}: which host served each reference can't be told`)
    }
  }
  const ctx: ExplainContext = { tree: plan.tree, certs: certSources(inputs) }
  const attempts = (i: number): Attempt[] | undefined =>
    daemonLog === undefined ? undefined : attemptsFor(daemonLog, resolvedRef(resolutions[i]?.stderr ?? '', refs[i].normalised))

  const pulls = inputs.verifyPull.map((ref, i) => {
    const j = judgePull(ref, hostChain(plan.tree, ref.registry), resolutions[i], attempts(i), ctx)
    log.info(`${who}${pullLine(j.pull, j.hint)}`)
    if (j.problem) problems.push(j.problem)
    return { ...j.pull, node: node.name }
  })
  const registries: RegistryCheck[] = []
  if (inputs.checkRegistries) {
    const seen = new Set<string>()
    const found = checks
      .flatMap((c, k) => judgeProbe(c.chain, resolutions[inputs.verifyPull.length + k], attempts(inputs.verifyPull.length + k), ctx))
      .filter(r => !seen.has(r.host) && (seen.add(r.host), true))
    for (const r of found) {
      log.info(`${who}${r.host}: ${r.ok ? 'answers over its configured connection' : `FAILED: ${r.error}`}`)
      if (!r.ok) problems.push(`check-registries: ${r.error}`)
      registries.push({ ...r, node: node.name })
    }
    if (checks.length === 0) log.info('check-registries: the config names no registry')
  }
  return { pulls, registries, problems }
}

/** Where the inputs gave each registry's CA and client certificate, for messages. */
function certSources(inputs: Inputs): Map<string, CertSource> {
  const where = (r: PemRef): string => (r.line !== undefined ? `${r.input} line ${r.line}` : `${r.input} ${r.where ?? ''}`.trim())
  const m = new Map<string, CertSource>()
  for (const req of inputs.certRequests) {
    const s = m.get(req.registry) ?? {}
    if (req.cas.length > 0) s.ca ??= where(req.cas[0])
    if (req.keypairs.length > 0) s.keypair ??= where(req.keypairs[0].cert)
    m.set(req.registry, s)
  }
  return m
}
