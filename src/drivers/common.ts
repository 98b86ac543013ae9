import { CONTAINER_CONFIG_FILE } from '../config/paths.js'
import { bootArgs, createArgs, DEFAULT_BUILDKIT_IMAGE, DEFAULT_ROOTLESS_IMAGE, nodeName } from '../docker/buildx.js'
import { type BuilderRecord, type RecordedNode } from '../docker/buildx-record.js'
import * as docker from '../docker/cli.js'
import * as log from '../runner/log.js'
import { plannedRecord, refusal, type Found } from './ownership.js'
import { optionLike } from '../inputs/nodes.js'
import type { NodePlanContext, NodesPlan, Plan, PlannedNode } from '../plan/plan.js'
import { driverOptValue } from '../docker/driver-opts.js'
import { keptValue } from '../docker/owner-mark.js'
import type { BuilderImage, Driver, KeptOf } from './driver.js'
import { withImage } from './node-images.js'

// What several drivers do alike: claim a free name, create and boot the nodes, read what is at
// their places, take a docker endpoint, plan nodes that take the config.

/**
 * The name asked for, once buildx's own record says no builder has it (read without a
 * process, and nothing of it printed), or that the builder of that name is a kept one of this
 * action, which the next steps compare with the inputs (verify/kept.ts). docker/setup-buildx-action
 * uses an existing builder as it is; this action refuses any other: a builder it did not
 * create can't be verified against its plan, and one that another run will remove (its
 * cleanup is on) must not be shared, nor removed by this run's post step. `keptOf` reads a
 * node's kept mark (drivers/<name>/owner.ts); a driver without one never reuses.
 */
export function claimFreeName(asked: string, keptOf?: KeptOf): string {
  const found = docker.builderOwner(asked, rec => (keptOf !== undefined && isKept(rec, keptOf) ? 'kept' : ''))
  if (found !== undefined) {
    if (found === 'kept') {
      log.info(`builder ${asked} exists, kept by an earlier run of this action (cleanup: false): it is compared with the inputs next`)
      return asked
    }
    throw new Error(
      `a builder named "${asked}" already exists and is not a kept builder of this action; ` +
        'choose another name (or leave name empty for a generated one), ' +
        `or remove it with "docker buildx rm ${asked}" (docker/setup-buildx-action would use it as it is; ` +
        'this action reuses only a builder an earlier run of it kept with cleanup: false, ' +
        'and otherwise sets up, verifies and removes a builder of its own)'
    )
  }
  log.info(`no builder named ${asked} yet`)
  return asked
}

/** Whether every node of a builder's record carries the kept mark (one created by a run with cleanup: false). */
export function isKept(rec: BuilderRecord, keptOf: KeptOf): boolean {
  return rec.Nodes.length > 0 && rec.Nodes.every(n => keptOf(n.DriverOpts) !== undefined)
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
 * would take it over, and removing this run's builder would remove it (ownership.ts).
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

// A docker context name (docker/cli: ^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$) or a URL.
const CONTEXT_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/
const DOCKER_HOST_RE = /^(unix|tcp|ssh|npipe|fd):\/\/\S*$/

/**
 * An endpoint as the docker-container (and docker) driver takes it: a docker context or a
 * docker host (buildx builder.go validateEndpoint); '' is the current context.
 */
export function dockerEndpointProblem(endpoint: string): string | undefined {
  if (endpoint === '') return undefined
  const dash = optionLike(endpoint)
  if (dash) return dash
  if (DOCKER_HOST_RE.test(endpoint) || CONTEXT_RE.test(endpoint)) return undefined
  return `"${endpoint}" is neither a docker context name nor a docker host (unix://, tcp://, ssh://)`
}

/**
 * The nodes of a driver that takes the config: `buildx create` (then `--append`) with the
 * config, the node's driver options, the feature's (CNI) and the image the action chose, with
 * the driver's owner `mark` (and its kept mark with cleanup: false), and daemon flags.
 * buildx names the first node <builder>0 (store/nodegroup.go nextNodeName: create without
 * --node, every driver). `daemonFlags` turns a node's flags into what buildx is given
 * (kubernetes adds the config's path).
 */
export function planConfigNodes(
  driver: string,
  ctx: NodePlanContext,
  o: { mark: (owner: string, driverOpts: readonly string[], kept?: string) => string[]; daemonFlags?: (flags: string[]) => string[] }
): NodesPlan {
  const { inputs, configPath, owner, addition, images } = ctx
  // cleanup: false keeps the builder: the kept mark lets a later run with this name reuse it (verify/kept.ts).
  const kept = inputs.cleanup ? undefined : keptValue(inputs.keepState)
  const nodes = inputs.nodes.map((n, i): PlannedNode => ({
    label: n.label,
    name: i === 0 ? nodeName(inputs.name) : n.name,
    endpoint: n.endpoint,
    image: images[i],
    createArgs: createArgs({
      name: inputs.name,
      driver,
      configPath,
      driverOpts: o.mark(owner, withImage([...n.driverOpts, ...(addition.driverOpts ?? [])], images[i]), kept),
      buildkitdFlags: o.daemonFlags ? o.daemonFlags(n.buildkitdFlags) : n.buildkitdFlags,
      use: inputs.use,
      append: i > 0,
      // Several nodes are booted together once all are recorded (createNodes).
      bootstrap: inputs.nodes.length === 1,
      node: i === 0 ? undefined : n.name,
      platforms: n.platforms,
      endpoint: n.endpoint
    }),
    args: ['--config', CONTAINER_CONFIG_FILE, ...n.buildkitdFlags],
    platforms: n.platforms
  }))
  return { nodes, dirs: [], files: [] }
}

/**
 * How long names may be. ValidateName sets no length (store/util.go), but a docker-container
 * node's state volume is named buildx_buildkit_<node>_state (driver/docker-container/driver.go:
 * the container name plus volumeStateSuffix "_state"), which is a directory under
 * /var/lib/docker/volumes, and a file name is at most 255 bytes: the engine refuses longer
 * ("file name too long", measured with docker volume create) after buildx has recorded the
 * builder. So a node name is at most 255 - 16 - 6 = 233 characters, and a builder name at most
 * 231, so that the node names buildx gives, <builder><n>, fit for n up to 99. The other drivers
 * keep these limits too (a name that fits every driver moves between them); the remote driver's
 * builder name is shorter (remote/inputs.ts REMOTE_NAME_LIMIT).
 */
const MAX_NODE_NAME = 255 - 'buildx_buildkit_'.length - '_state'.length

/** A node name's limit: its state volume's name. */
export const CONTAINER_NODE_LIMIT = {
  length: MAX_NODE_NAME,
  why: "buildx names the node's state volume buildx_buildkit_<name>_state, and a file name has at most 255"
}

/** A builder name's limit: the state volume's name of its nodes <name><n>, n up to 99. */
export const CONTAINER_NAME_LIMIT = {
  length: MAX_NODE_NAME - 2,
  why: "buildx names each node's state volume buildx_buildkit_<name><n>_state, and a file name has at most 255"
}

/**
 * The image of a node that a cluster's kubelet pulls: the runner can't fetch it there, so it
 * asks the registry for the manifest (only the reference given to buildx reaches the
 * kubelet). buildx's default is the rootless image with rootless=true and no image=
 * (driver/kubernetes/factory.go processDriverOpts; strconv.ParseBool's true values).
 */
export const kubeletImage: BuilderImage = {
  defaultFor: opts => (/^(1|t|true)$/i.test(driverOptValue(opts, 'rootless') ?? '') ? DEFAULT_ROOTLESS_IMAGE : DEFAULT_BUILDKIT_IMAGE),
  fetch: (_endpoint, ref) => docker.registryDigest(ref)
}
