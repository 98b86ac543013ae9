import type { RecordedNode } from '../buildx.js'
import type { DaemonInfo, ReadBack } from '../verify.js'
import type { RunResult } from '../exec.js'
import type { Occupant } from '../occupants.js'
import type { Plan } from '../plan.js'

// The driver seam: everything that depends on where buildx runs the daemon (a container on
// the engine, a pod, a remote daemon) is here, one implementation per buildx driver, picked
// by driverFor (as actions/setup-node's installer-factory picks a distribution). main,
// check and teardown know steps and nodes, not containers.

/** What a driver saw of one node: the daemon's answer and what verification compares. */
export interface Observation {
  daemon: DaemonInfo | { error: string }
  /** Config, daemon arguments and copied files; undefined for drivers that take none (docker) */
  readBack?: ReadBack | { error: string }
}

/** A node as buildx records it: its name and endpoint say where its daemon is. */
export type NodeRef = Pick<RecordedNode, 'Name' | 'Endpoint'>

export interface Driver {
  /** buildx's name of the driver */
  readonly name: string
  /**
   * Whether this run creates the builder (and its teardown removes it). The docker driver's
   * builder is the docker context's own: nothing to create, write or remove.
   */
  readonly createsBuilder: boolean
  /** The builder's name for this run: the one asked for, once it is known to be free; or the context's. */
  claim(asked: string, given: boolean): Promise<string>
  /** Creates the builder with every node of the plan and starts their daemons. */
  create(plan: Plan): Promise<void>
  /** What verification reads from one running node. */
  observe(plan: Plan, node: NodeRef): Promise<Observation>
  /** Resolves references through a node's daemon, answering in prove.ts RESOLVE_SCRIPT's format. */
  resolve(node: NodeRef, refs: string[], builder: string): Promise<RunResult>
  /** Whether a node's daemon log can be read (it tells which host served a reference). */
  readonly readsDaemonLog: boolean
  /** A node's daemon log since a moment (unix seconds). */
  logSince(node: NodeRef, since: number): Promise<string>
  /** A node's last daemon log lines, '' when there is no daemon to ask. */
  logTail(node: NodeRef, lines?: number): Promise<string>
  /** The owner mark buildx recorded for the builder; undefined when buildx has no such builder. */
  owner(builder: string): string | undefined
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
