import { renderToml } from '../config/toml.js'
import type { Driver } from '../drivers/driver.js'
import type { Plan } from '../plan/plan.js'
import * as log from '../runner/log.js'
import { allPlatforms, nodesOutput, summaryMarkdown, verificationText, type Outcome } from './summary.js'
import { failureText } from './verify.js'

// The step "Outputs and job summary": what verification found, as the step's outputs (those
// of docker/setup-buildx-action and this action's own) and a job summary people can read.

/** Sets every output and writes the job summary; true when the summary was written. */
export async function report(driver: Driver, plan: Plan, o: Outcome): Promise<boolean> {
  log.setOutput('name', plan.builder)
  log.setOutput('driver', driver.name)
  log.setOutput('platforms', allPlatforms(o).join(','))
  log.setOutput('buildkit-version', o.daemon?.version ?? '')
  // The config as the builder has it: certificate paths inside the builder, not the run's
  // files under RUNNER_TEMP, which post deletes.
  log.setOutput('config', plan.writesConfig ? renderToml(plan.expect.config) : '')
  log.setOutput('verified', String(o.verified))
  // setup-buildx-action's node outputs, from buildx's record and the daemon's answers.
  const nodes = nodesOutput(
    driver.nodes(plan.builder),
    o,
    driver.withoutOwner,
    plan.nodes.map(n => n.image)
  )
  log.setOutput('nodes', JSON.stringify(nodes))
  log.setOutput('endpoint', nodes[0]?.endpoint ?? '')
  log.setOutput('status', nodes[0]?.status ?? '')
  log.setOutput('flags', nodes[0]?.['buildkitd-flags'] ?? '')
  log.setOutput('pulls', JSON.stringify(o.pulls ?? []))
  log.setOutput('registries', JSON.stringify(o.registries ?? []))
  log.info(`verification: ${verificationText(o)}`)
  // With verify: true, runMain fails the step with the same text once the summary is written.
  if (!o.verified && o.mode === 'warn') log.warning(failureText(o))
  return log.summary(summaryMarkdown(plan, o, driver.name, log.durations()))
}
