import type { Driver } from '../drivers/driver.js'
import { occupantsOf } from '../drivers/common.js'
import { takeovers } from '../drivers/ownership.js'
import type { Inputs } from '../inputs/model.js'
import * as log from '../runner/log.js'
import type { Plan } from '../plan/plan.js'
import { type NodeOutcome, type Outcome } from './summary.js'
import { compare } from './compare.js'
import { compareVersions } from '../buildkit/versions.js'
import { pinnedVersion, ruleOnKeys } from '../plan/check-keys.js'

// Verify: each node of the running builder read back (is it running with the plan?), with
// the owner mark checked first. The comparison itself is pure (compare.ts); this module asks
// the driver and collects what it finds into one Outcome, which prove.ts may add to.

export async function verifyBuilder(driver: Driver, plan: Plan, inputs: Inputs, owner: string): Promise<Outcome> {
  const recorded = driver.nodes(plan.builder)
  // Each node read back while its place is checked: both only read.
  const reads = plan.nodes.map((_p, i) => (recorded[i] ? driver.readBackNode(plan, recorded[i], compare) : undefined))
  for (const r of reads) r?.catch(() => undefined) // awaited below, unless a takeover is found first
  // First, whatever `verify` says: is every node's daemon this run's? Another run may have
  // made a container of a node's name between the check and create, which buildx then used.
  const taken = takeovers(
    await occupantsOf(
      driver,
      recorded.map((n, i) => ({ ...n, label: plan.nodes[i]?.label }))
    ),
    owner
  )
  if (taken.length > 0) throw new Error(taken.length === 1 ? taken[0] : `\n- ${taken.join('\n- ')}`)
  const several = plan.nodes.length > 1
  // All nodes at once: each is a docker exec and an inspect on its own engine.
  const nodes = await Promise.all(
    plan.nodes.map(async (planned, i): Promise<NodeOutcome> => {
      const rec = recorded[i]
      const read = reads[i]
      const at = rec ? { name: rec.Name, endpoint: rec.Endpoint } : { name: planned.name ?? planned.label, endpoint: planned.endpoint }
      const problems: string[] = []
      if (!rec || !read) return { ...at, label: planned.label, verified: false, problems: [`buildx has no record of ${planned.label}`] }
      const seen = await read
      const daemon = 'error' in seen.daemon ? undefined : seen.daemon
      const who = several ? `node ${rec.Name}: ` : ''
      if ('error' in seen.daemon) problems.push(`the daemon did not answer: ${seen.daemon.error}`)
      else
        log.info(
          `${who}BuildKit ${seen.daemon.version}, ${seen.daemon.workers} worker(s), platforms ${seen.daemon.platforms.join(', ')}, network ` +
            `${seen.daemon.network ?? 'unknown'}`
        )
      if (inputs.verify !== 'false') {
        if (daemon && plan.writesConfig) problems.push(...keysOnDaemon(inputs, daemon.version))
        if (seen.readBack === undefined) log.info(`${who}the ${driver.name} driver takes no BuildKit config: nothing to read back`)
        else if ('error' in seen.readBack) problems.push(`the builder could not be read back: ${seen.readBack.error}`)
        else problems.push(...compare(plan.expect, planned, seen.readBack, daemon))
      }
      return { ...at, label: planned.label, daemon, problems, verified: problems.length === 0 }
    })
  )
  const daemon = nodes[0]?.daemon
  if (inputs.verify === 'false') {
    log.info('verify: false — the read-back comparison is skipped')
    return { verified: false, mode: 'false', problems: [], daemon, nodes: nodes.map(n => ({ ...n, verified: false, problems: [] })) }
  }
  const problems = nodes.flatMap(n => n.problems.map(p => (several ? `node ${n.name}: ${p}` : p)))
  const outcome: Outcome = { verified: problems.length === 0, mode: inputs.verify, problems, daemon, nodes }
  // The problems are shown once, with those of the proof, when outputs are written.
  const what = plan.writesConfig
    ? `config, daemon arguments and ${plan.expect.files.length} copied file(s) match the plan`
    : `the daemon answers (the ${driver.name} driver takes no config: nothing else to compare)`
  if (outcome.verified) log.info(`${what}${several ? ` on all ${nodes.length} nodes` : ''}`)
  else log.info(`${outcome.problems.length} problem(s) found`)
  return outcome
}

/**
 * The config's keys ruled on with the version this daemon reports (plan/check-keys.ts), unless
 * the same version was ruled on before create from the images' tags: the errors, as problems;
 * the warnings, logged once per version.
 */
function keysOnDaemon(inputs: Inputs, version: string): string[] {
  const pinned = pinnedVersion(inputs)
  if (pinned !== undefined && compareVersions(pinned, version) === 0) return []
  const r = ruleOnKeys(inputs, version)
  for (const w of r.warnings) {
    if (warned.has(`${version} ${w}`)) continue
    warned.add(`${version} ${w}`)
    log.warning(w)
  }
  return r.errors
}
const warned = new Set<string>()

export function failureText(o: Outcome): string {
  return `the builder does not run with the planned configuration:\n- ${o.problems.join('\n- ')}`
}
