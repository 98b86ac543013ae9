import type { DaemonInfo } from '../buildkit/daemon-info.js'
import type { ReadBack } from '../buildkit/read-back.js'
import type { RecordedNode } from '../docker/buildx-record.js'
import type { Fetched } from '../docker/through-mirror.js'
import type { DriverRules } from '../inputs/driver-rules.js'
import type { Inputs } from '../inputs/model.js'
import type { Expectation, NodeExpectation, NodePlanner, Plan } from '../plan/plan.js'
import type { RunResult } from '../runner/exec.js'
import type { Occupant } from './ownership.js'

// The driver seam: everything that depends on where buildx runs the daemon (a container on
// the engine, a pod, a remote daemon) is here, one implementation per buildx driver in a
// folder of its own, picked by the catalog (factory.ts), as actions/setup-node's
// installer-factory picks a distribution. A driver is its input rules (inputs/driver-rules.ts),
// its nodes' plan (plan/plan.ts NodePlanner), create, read-back, owner mark and removal:
// main, verify and teardown know steps and nodes, never a driver's name.

/** What a driver read back from one node: the daemon's answer and what verification compares. */
export interface ReadBackResult {
  daemon: DaemonInfo | { error: string }
  /** Config, daemon arguments and copied files; undefined for drivers that take none (docker) */
  readBack?: ReadBack | { error: string }
}

/** A node as buildx records it: its name and endpoint say where its daemon is. */
export type NodeRef = Pick<RecordedNode, 'Name' | 'Endpoint'>

/** verify/compare.ts compare, handed in: what differs between the plan and one daemon's read-back. */
export type Compare = (expect: Expectation, node: NodeExpectation, readBack: ReadBack, daemon: DaemonInfo | undefined) => string[]

/**
 * A driver whose nodes run a BuildKit image (docker-container, kubernetes): which one buildx
 * takes by default, and how the image is fetched where the node runs, so that a docker.io
 * mirror's reference can be checked before buildx is given it (drivers/node-images.ts).
 */
export interface BuilderImage {
  /** buildx's image for a node with no image= driver option (driver/bkimage) */
  defaultFor(driverOpts: readonly string[]): string
  /** Fetches `ref` where a node at `endpoint` runs (or checks that it can be); throws with the engine's words */
  fetch(endpoint: string, ref: string): Promise<Fetched>
}

/** A driver's reading of a node's kept mark from its recorded driver options: its value, undefined when it carries none. */
export type KeptOf = (opts: Record<string, string> | null | undefined) => string | undefined

export interface Driver extends DriverRules, NodePlanner {
  /** Its nodes' BuildKit image, for a driver that runs one (remote and docker don't) */
  readonly builderImage?: BuilderImage
  /** The oldest buildx this driver works with here, when it needs a newer one than the action's oldest */
  readonly oldestBuildx?: string
  /**
   * Whether buildx create puts a node without an endpoint on the docker CLI's current context,
   * recorded by its host alone (builder/builder.go Create, its default case): the TLS settings
   * the default context takes from the environment would be lost, so buildx refuses it, and
   * such a node is given a docker context of that environment instead (tls-context.ts).
   */
  readonly nodeOnCurrentContext?: boolean
  /**
   * Reads and checks, once the inputs are read, what the driver's nodes need from files or
   * secrets (remote: the TLS files of the connection to each daemon), logging what it checked.
   * Its result is handed to planNodes as `prepared`.
   */
  prepare?(inputs: Inputs): unknown
  /** The builder's name for this run: the one asked for, once it is known to be free; or the context's. */
  claim(asked: string, given: boolean): Promise<string>
  /** Creates the builder with every node of the plan and starts their daemons. */
  create(plan: Plan): Promise<void>
  /** What verification reads back from one running node; `compare` judges a daemon the driver checks itself (each replica). */
  readBackNode(plan: Plan, node: NodeRef, compare: Compare): Promise<ReadBackResult>
  /** Resolves references through a node's daemon, answering in buildkit/resolve.ts RESOLVE_SCRIPT's format. */
  resolve(node: NodeRef, refs: string[], builder: string): Promise<RunResult>
  /** Whether a node's daemon log can be read (it tells which host served a reference). */
  readonly readsDaemonLog: boolean
  /** A node's daemon log since a moment (unix seconds). */
  logSince(node: NodeRef, since: number): Promise<string>
  /** A node's last daemon log lines, '' when there is no daemon to ask. */
  logTail(node: NodeRef, lines?: number): Promise<string>
  /**
   * Reads a node's kept mark (drivers/<name>/owner.ts), which its nodes carry when the run that
   * created the builder said cleanup: false; a later run with that name reuses such a builder
   * when it matches its inputs (verify/kept.ts). A driver without it never reuses one (remote:
   * its TLS files are the creating job's, which its post step removes).
   */
  readonly keptOf?: KeptOf
  /**
   * Whether a node's daemon runs already (docker-container: its container is up), so that a
   * kept builder needs no start; a driver without it has its kept builders started by buildx
   * every time (kubernetes: buildx waits for the Deployment's pods).
   */
  running?(node: NodeRef): Promise<boolean>
  /** The owner mark buildx recorded for the builder; undefined when buildx has no such builder. */
  owner(builder: string): string | undefined
  /** A node's recorded driver options as `key=value` lines without the owner mark, for the outputs. */
  withoutOwner(opts: Record<string, string> | null | undefined): string[]
  /** The builder's nodes as buildx records them, in the order they were added. */
  nodes(builder: string): RecordedNode[]
  /**
   * What really is at a node's place (its container or Deployment) and whose mark it carries,
   * the place named for messages; undefined when the driver has no daemon of its own there
   * (remote: someone else's daemon by design; docker: the engine's). Never throws.
   */
  occupant(node: RecordedNode): Promise<{ place: string; occupant: Occupant } | undefined>
  /** Detaches a node from the builder's record; its daemon is left alone. */
  leave(builder: string, node: string): Promise<{ ok: boolean; message: string }>
  /**
   * Removes the builder, every node (and their state unless keepState); with keepDaemon only
   * buildx's record of it.
   */
  remove(builder: string, keepState: boolean, keepDaemon?: boolean): Promise<{ ok: boolean; message: string }>
}
