import { engineArgs, nodeContainer, nodeVolume } from './names.js'
import { envMarkOf, keptFromEnvOpt, ownerFromEnv, withEnvMark, withoutEnvMark } from './owner.js'
import { DEFAULT_BUILDKIT_IMAGE, leaveArgs, rmArgs } from '../../docker/buildx.js'
import * as docker from '../../docker/cli.js'
import { DEFAULT_FLAGS } from '../../inputs/model.js'
import { parseWorkers } from '../../buildkit/daemon-info.js'
import {
  CONTAINER_NAME_LIMIT,
  CONTAINER_NODE_LIMIT,
  claimFreeName,
  createNodes,
  dockerEndpointProblem,
  planConfigNodes
} from '../common.js'
import type { Driver, NodeRef, ReadBackResult } from '../driver.js'

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
  takesConfig: true,
  defaultFlags: DEFAULT_FLAGS,
  maxBuilderName: CONTAINER_NAME_LIMIT,
  maxNodeName: CONTAINER_NODE_LIMIT,
  nodeEndpoints: true,
  usesEngine: true,
  endpointProblem: dockerEndpointProblem,
  // Every input works with this driver: it is the one the action is made for.
  inputProblems: () => [],
  keptKeysPlace: "in the builder's container (/etc/buildkit/certs)",
  nodeOnCurrentContext: true,
  // Each node's engine pulls the image for itself (driver.go create: ImageCreate on the node's engine).
  builderImage: {
    defaultFor: () => DEFAULT_BUILDKIT_IMAGE,
    fetch: (endpoint, ref) => docker.pullImage(engineArgs(endpoint), ref)
  },
  planNodes: ctx => planConfigNodes('docker-container', ctx, { mark: withEnvMark }),
  claim: async asked => claimFreeName(asked, keptFromEnvOpt),
  keptOf: keptFromEnvOpt,
  create: createNodes,
  readBackNode: async (plan, node): Promise<ReadBackResult> => {
    const seen = await docker.readBackContainer(
      at(node),
      plan.expect.files.map(f => f.path)
    )
    return { daemon: 'error' in seen.workers ? seen.workers : daemonOf(seen.workers.text), readBack: seen.readBack }
  },
  readsDaemonLog: true,
  resolve: (node, refs) => docker.resolveInBuilder(at(node), refs),
  logSince: (node, since) => docker.daemonLogSince(at(node), since),
  running: node => docker.containerRunning(at(node)),
  logTail: async (node, lines) => ((await docker.containerExists(at(node))) ? docker.daemonLogTail(at(node), lines) : ''),
  owner: builder => docker.builderOwner(builder, envMarkOf),
  withoutOwner: withoutEnvMark,
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
  remove: (builder, keepState, keepDaemon) =>
    keepDaemon
      ? docker.removeBuilder(rmArgs(builder, keepState, true))
      : docker.removeDaemonBuilder(
          builder,
          docker.builderNodes(builder).map(n => ({ ...at(n), volume: nodeVolume(n.Name) })),
          keepState,
          { recordArgs: rmArgs(builder, keepState, true), fallbackArgs: rmArgs(builder, keepState) }
        )
}

function daemonOf(workersJson: string): ReadBackResult['daemon'] {
  try {
    return parseWorkers(workersJson)
  } catch (err) {
    return { error: (err as Error).message }
  }
}
