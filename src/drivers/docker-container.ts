import { containerName, rmArgs } from '../buildx.js'
import * as docker from '../docker.js'
import type { Driver } from './driver.js'

// buildx's docker-container driver: the daemon runs in the container
// buildx_buildkit_<builder>0 on the runner's engine (driver/docker-container/driver.go).
export const dockerContainer: Driver = {
  name: 'docker-container',
  create: plan => docker.createBuilder(plan.createArgs),
  observe: plan => docker.observe(containerName(plan.builder), plan.expect.files.map(f => f.path)),
  resolve: (plan, refs) => docker.resolveInBuilder(containerName(plan.builder), refs),
  logSince: (builder, since) => docker.daemonLogSince(containerName(builder), since),
  logTail: async (builder, lines) => ((await docker.containerExists(containerName(builder))) ? docker.daemonLogTail(builder, lines) : ''),
  owner: builder => docker.builderOwner(builder),
  nodes: builder => docker.builderNodes(builder),
  remove: (builder, keepState) => docker.removeBuilder(rmArgs(builder, keepState))
}
