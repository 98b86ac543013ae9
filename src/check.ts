import type { PemRef } from './certs.js'
import type { Driver } from './drivers/driver.js'
import { lastLine } from './exec.js'
import type { Inputs } from './inputs.js'
import * as log from './log.js'
import type { Plan } from './plan.js'
import {
  attemptsFor,
  hostChain,
  judgePull,
  judgeProbe,
  parseResolveOutput,
  probes,
  resolvedRef,
  type Attempt,
  type CertSource,
  type ExplainContext
} from './prove.js'
import { pullLine, type Outcome } from './summary.js'
import { compare, parseWorkers, type DaemonInfo } from './verify.js'

// Checks against the running builder: the read-back (is it running with the plan?) and the
// proof (does the configuration work?). The comparisons themselves are pure (verify.ts,
// prove.ts); this module asks the builder and collects what they find into one Outcome.

export async function verifyBuilder(driver: Driver, plan: Plan, inputs: Inputs): Promise<Outcome> {
  let daemon: DaemonInfo | undefined
  const problems: string[] = []
  const seen = await driver.observe(plan)
  try {
    if ('error' in seen.workers) throw new Error(seen.workers.error)
    daemon = parseWorkers(seen.workers.text)
    log.info(`BuildKit ${daemon.version}, ${daemon.workers} worker(s), platforms ${daemon.platforms.join(', ')}, network ${daemon.network ?? 'unknown'}`)
  } catch (err) {
    problems.push(`the daemon did not answer: ${(err as Error).message}`)
  }
  if (inputs.verify === 'false') {
    log.info('verify: false — the read-back comparison is skipped')
    return { verified: false, mode: 'false', problems: [], daemon }
  }
  if ('error' in seen.readBack) problems.push(`the builder could not be read back: ${seen.readBack.error}`)
  else problems.push(...compare(plan.expect, seen.readBack, daemon))
  const outcome: Outcome = { verified: problems.length === 0, mode: inputs.verify, problems, daemon }
  // The problems are shown once, with those of the proof, when outputs are written.
  if (outcome.verified) log.info(`config, daemon arguments and ${plan.expect.files.length} copied file(s) match the plan`)
  else log.info(`${outcome.problems.length} problem(s) found`)
  return outcome
}

export function wantsProof(inputs: Inputs, o: Outcome): boolean {
  if (inputs.verifyPull.length === 0 && !inputs.checkRegistries) return false
  if (inputs.verify === 'false') {
    log.info('verify: false — verify-pull and check-registries are skipped')
    return false
  }
  if (!o.daemon) {
    log.info('the daemon did not answer: nothing can be resolved through it')
    return false
  }
  return true
}

/**
 * verify-pull and check-registries: the daemon resolves each reference with the config
 * under test, then its log says which host answered (prove.ts).
 */
export async function prove(driver: Driver, plan: Plan, inputs: Inputs, o: Outcome): Promise<void> {
  const checks = inputs.checkRegistries ? probes(plan.tree) : []
  const refs = [...inputs.verifyPull, ...checks.map(c => c.ref)]
  // docker logs --since has the engine's clock, the same as ours for a local engine; a
  // second of margin, and the span of each reference keeps other lines out.
  const since = Date.now() / 1000 - 1
  const res = await driver.resolve(plan, refs.map(r => r.normalised))
  const resolutions = parseResolveOutput(res.stdout, refs.length)
  if (resolutions.some(r => r === undefined)) {
    log.warning(`resolving in the builder stopped early (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`)
  }
  let daemonLog: string | undefined
  try {
    daemonLog = await driver.logSince(plan.builder, since)
  } catch (err) {
    log.warning(`${(err as Error).message}: which host served each reference can't be told`)
  }
  const ctx: ExplainContext = { tree: plan.tree, certs: certSources(inputs) }
  const attempts = (i: number): Attempt[] | undefined =>
    daemonLog === undefined ? undefined : attemptsFor(daemonLog, resolvedRef(resolutions[i]?.stderr ?? '', refs[i].normalised))

  o.pulls = inputs.verifyPull.map((ref, i) => {
    const j = judgePull(ref, hostChain(plan.tree, ref.registry), resolutions[i], attempts(i), ctx)
    log.info(pullLine(j.pull, j.hint))
    if (j.problem) o.problems.push(j.problem)
    return j.pull
  })
  if (inputs.checkRegistries) {
    const seen = new Set<string>()
    o.registries = checks
      .flatMap((c, k) => judgeProbe(c.chain, resolutions[inputs.verifyPull.length + k], attempts(inputs.verifyPull.length + k), ctx))
      .filter(r => !seen.has(r.host) && (seen.add(r.host), true))
    for (const r of o.registries) {
      log.info(`${r.host}: ${r.ok ? 'answers over its configured connection' : `FAILED: ${r.error}`}`)
      if (!r.ok) o.problems.push(`check-registries: ${r.error}`)
    }
    if (checks.length === 0) log.info('check-registries: the config names no registry')
  }
  o.verified = o.problems.length === 0
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

export function failureText(o: Outcome): string {
  return `the builder does not run with the planned configuration:\n- ${o.problems.join('\n- ')}`
}

