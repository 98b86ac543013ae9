import type { RecordedNode } from '../buildx.js'
import type { Observed } from '../docker.js'
import type { RunResult } from '../exec.js'
import type { Plan } from '../plan.js'

// The driver seam: everything that depends on where buildx runs the daemon (a container on
// the engine, a pod, a remote daemon) is here, one implementation per buildx driver, picked
// by driverFor (as actions/setup-node's installer-factory picks a distribution). main,
// check and teardown know steps, not containers.

export interface Driver {
  /** buildx's name of the driver */
  readonly name: string
  /** Creates the builder from the plan (buildx create --bootstrap). */
  create(plan: Plan): Promise<void>
  /** What verification reads from the running builder. */
  observe(plan: Plan): Promise<Observed>
  /** Runs the proof's script (prove.ts RESOLVE_SCRIPT) next to the daemon. */
  resolve(plan: Plan, refs: string[]): Promise<RunResult>
  /** The daemon's log since a moment (unix seconds). */
  logSince(builder: string, since: number): Promise<string>
  /** The daemon's last log lines, '' when there is no daemon to ask. */
  logTail(builder: string, lines?: number): Promise<string>
  /** The owner mark buildx recorded for the builder; undefined when buildx has no such builder. */
  owner(builder: string): string | undefined
  /** The builder's nodes as buildx records them. */
  nodes(builder: string): RecordedNode[]
  /** Removes the builder (and its state unless keepState). */
  remove(builder: string, keepState: boolean): Promise<{ ok: boolean; message: string }>
}
