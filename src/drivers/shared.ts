import { bootArgs, type RecordedNode } from '../buildx.js'
import * as docker from '../docker.js'
import * as log from '../log.js'
import { plannedRecord, refusal, type Found } from '../occupants.js'
import type { Plan } from '../plan.js'
import type { Driver } from './driver.js'

// What the drivers that create their builder (docker-container, kubernetes, remote) do alike.

/**
 * The name asked for, once buildx's own record says no builder has it (read without a
 * process, and nothing of it printed). docker/setup-buildx-action uses an existing builder as
 * it is; this action refuses it: a builder it did not create can't be verified against its
 * plan, and its post step would remove someone else's builder.
 */
export function claimFreeName(asked: string): string {
  if (docker.builderOwner(asked) !== undefined) {
    throw new Error(
      `a builder named "${asked}" already exists; choose another name (or leave name empty for a generated one), ` +
        `or remove it with "docker buildx rm ${asked}" (docker/setup-buildx-action would use it as it is; ` +
        'this action only sets up, verifies and removes a builder of its own)'
    )
  }
  log.info(`no builder named ${asked} yet`)
  return asked
}

/**
 * Creates the builder's nodes. One node: create --bootstrap. Several: each is recorded first
 * (create, create --append, no daemon started), then all start at once: appending to a
 * builder whose first node runs makes buildx dial that node's daemon (builder.go Create:
 * LoadNodes WithData), and booting them together starts the nodes in parallel (Boot).
 */
export async function createNodes(plan: Plan): Promise<void> {
  for (const node of plan.nodes) await docker.createBuilder(node.createArgs)
  if (plan.nodes.length > 1) await docker.bootBuilder(bootArgs(plan.builder))
}

/** What really is at each node's place, for the nodes whose driver has one (in the nodes' order). */
export async function occupantsOf(driver: Driver, nodes: (RecordedNode & { label?: string })[]): Promise<Found[]> {
  const seen = await Promise.all(nodes.map(n => driver.occupant(n)))
  return nodes.flatMap((n, i) => {
    const s = seen[i]
    return s === undefined ? [] : [{ node: { name: n.Name, label: n.label, place: s.place }, occupant: s.occupant }]
  })
}

/**
 * Before create: no node's container or Deployment may exist yet, whoever made it. buildx
 * would take it over, and removing this run's builder would remove it (occupants.ts).
 */
export async function checkPlaces(driver: Driver, plan: Plan, owner: string): Promise<void> {
  const nodes = plan.nodes.flatMap(n => {
    const rec = plannedRecord(n)
    return rec === undefined ? [] : [{ ...rec, label: n.label }]
  })
  const found = await occupantsOf(driver, nodes)
  if (found.length === 0) {
    log.info(`the ${driver.name} driver has no container or Deployment of its own to check`)
    return
  }
  const refused = refusal(found, owner)
  if (refused !== undefined) throw new Error(refused)
  for (const f of found) log.info(`node ${f.node.name}: no ${f.node.place} yet`)
}
