import { firstError } from '../buildkit/daemon-log.js'
import type { Plan } from '../plan/plan.js'
import * as state from '../runner/state.js'
import { testPause } from '../runner/test-pause.js'
import { occupantsOf } from './common.js'
import type { Driver } from './driver.js'
import { removalPlan } from './ownership.js'

// The step "Create builder": the driver creates every node; when a daemon does not start,
// the error says why in the daemon's own words.

export async function createBuilder(driver: Driver, plan: Plan): Promise<void> {
  await testPause('create')
  // Recorded before the command: a failed bootstrap leaves the builder registered.
  state.update({ created: true })
  try {
    await driver.create(plan)
  } catch (err) {
    // buildx says only that the container is restarting: the cause is in the daemon's log.
    if (driver.owner(plan.builder) !== state.record().owner) throw err
    throw (await daemonCause(driver, plan, err as Error)) ?? err
  }
}

/** The first error of the first node's daemon log that has one, as the step's error; only this run's daemons are asked. */
async function daemonCause(driver: Driver, plan: Plan, err: Error): Promise<Error | undefined> {
  const several = plan.nodes.length > 1
  const nodes = driver.nodes(plan.builder)
  // A daemon that is not this run's (made between the check and create) is not asked.
  const notOurs = removalPlan(await occupantsOf(driver, nodes), state.record().owner)
  for (const node of nodes) {
    if (notOurs.keepDaemon || notOurs.leave.includes(node.Name)) continue
    const cause = firstError(await driver.logTail(node, 200))
    if (cause === undefined) continue
    const which = several ? ` of node ${node.Name} (${plan.nodes.find(n => n.name === node.Name)?.label ?? 'a node'})` : ''
    return new Error(`the BuildKit daemon${which} did not start: ${cause}\n(${err.message})`, { cause: err })
  }
  return undefined
}
