import { engineArgs, leaveArgs, nodeContainer, rmArgs } from '../buildx.js'
import * as docker from '../docker.js'
import { ownerFromEnv } from '../owner.js'
import { parseWorkers } from '../verify.js'
import { claimFreeName, createNodes } from './shared.js'
import type { Driver, NodeRef, Observation } from './driver.js'

// buildx's docker-container driver: each node's daemon runs in the container
// buildx_buildkit_<node> on the engine of the node's endpoint, a docker context or host
// (driver/docker-container/driver.go). The docker CLI reaches it with --context or --host.
const at = (node: NodeRef): { engine: string[]; container: string } => ({
  engine: engineArgs(node.Endpoint),
  container: nodeContainer(node.Name)
})

export const dockerContainer: Driver = {
  name: 'docker-container',
  createsBuilder: true,
  claim: async asked => claimFreeName(asked),
  create: createNodes,
  observe: async (plan, node): Promise<Observation> => {
    const seen = await docker.observe(
      at(node),
      plan.expect.files.map(f => f.path)
    )
    return { daemon: 'error' in seen.workers ? seen.workers : daemonOf(seen.workers.text), readBack: seen.readBack }
  },
  readsDaemonLog: true,
  resolve: (node, refs) => docker.resolveInBuilder(at(node), refs),
  logSince: (node, since) => docker.daemonLogSince(at(node), since),
  logTail: async (node, lines) => ((await docker.containerExists(at(node))) ? docker.daemonLogTail(at(node), lines) : ''),
  owner: builder => docker.builderOwner(builder),
  nodes: builder => docker.builderNodes(builder),
  occupant: async node => {
    const c = at(node)
    const place = `container ${c.container}${node.Endpoint ? ` on ${node.Endpoint}` : ''}`
    try {
      const env = await docker.containerEnv(c)
      return { place, occupant: env === undefined ? { state: 'free' } : { state: 'taken', owner: ownerFromEnv(env) } }
    } catch (err) {
      return { place, occupant: { state: 'unknown', error: (err as Error).message } }
    }
  },
  leave: (builder, node) => docker.leaveNode(leaveArgs(builder, node)),
  remove: (builder, keepState, keepDaemon) => docker.removeBuilder(rmArgs(builder, keepState, keepDaemon))
}

function daemonOf(workersJson: string): Observation['daemon'] {
  try {
    return parseWorkers(workersJson)
  } catch (err) {
    return { error: (err as Error).message }
  }
}
