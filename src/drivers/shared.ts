import { bootArgs } from '../buildx.js'
import * as docker from '../docker.js'
import * as log from '../log.js'
import type { Plan } from '../plan.js'

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
