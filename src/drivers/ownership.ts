import type { RecordedNode } from '../docker/buildx-record.js'
import { csvFields } from '../docker/csv.js'
import type { PlannedNode } from '../plan/plan.js'
import { splitShellWords } from '../runner/lines.js'

// What is already at a node's place, and what that allows. Pure: the driver reads (drivers/),
// this module decides.
//
// buildx reuses what it finds under a node's name: the docker-container driver takes over an
// existing container buildx_buildkit_<node> (driver/docker-container/driver.go Bootstrap:
// Info finds it, Start starts it), the kubernetes driver an existing Deployment <node> in
// the namespace (driver/kubernetes/driver.go wait/Info). buildx's own record of a builder is
// per runner (its config directory), so it can't tell whose they are: two runs with one fixed
// name on a shared engine, or an `append` node named like another builder's node
// (`victim0`), would make `buildx rm` remove someone else's daemon and its state volume. So
// the mark is read where it really is (the container's env, the Deployment's labels) before
// create, and again before removal.

/** What was found at one node's place (its container or Deployment). */
export type Occupant =
  | { state: 'free' }
  /** owner: the mark it carries, '' when it carries none */
  | { state: 'taken'; owner: string }
  /** It could not be read (engine or cluster unreachable): never assumed to be ours. */
  | { state: 'unknown'; error: string }

/** A node and its place, for messages. */
export interface NodePlace {
  /** The node's buildx name */
  name: string
  /** "the first node", "append[0]", when the inputs say which it is */
  label?: string
  /** e.g. `container buildx_buildkit_x0 on unix:///var/run/docker.sock`, `Deployment x0 (namespace ci)` */
  place: string
}

export interface Found {
  node: NodePlace
  occupant: Occupant
}

const who = (n: NodePlace): string => `node ${n.name}${n.label ? ` (${n.label})` : ''}`

const whose = (o: Occupant): string =>
  o.state === 'taken' && o.owner === '' ? 'it carries no owner mark' : "it carries another run's owner mark"

/**
 * Before create: every node's place must be free. A taken place can't be this run's (its
 * mark is new), and one that can't be read is not assumed free. Returns the refusal, or
 * undefined when every node may be created.
 */
export function refusal(found: Found[], owner: string): string | undefined {
  const lines = found.flatMap(({ node, occupant: o }) => {
    if (o.state === 'free' || (o.state === 'taken' && owner !== '' && o.owner === owner)) return []
    if (o.state === 'unknown') return [`${who(node)}: ${node.place} could not be checked: ${o.error}`]
    return [`${who(node)}: ${node.place} already exists and is not this run's (${whose(o)})`]
  })
  if (lines.length === 0) return undefined
  const what =
    lines.length === 1
      ? `${lines[0]}; buildx would take it over and removing the builder would remove it`
      : `\n- ${lines.join('\n- ')}\nbuildx would take them over and removing the builder would remove them`
  return (
    `${what}. Choose another builder name (or leave name empty for a generated one) or another node name in append; ` +
    'remove it yourself only if you know it is not in use'
  )
}

/** How to remove a builder whose nodes may not all be this run's. */
export interface RemovalPlan {
  /** Nodes to detach from buildx's record first (create --leave): their daemon is left alone */
  leave: string[]
  /** Then buildx rm; keepDaemon when no node is this run's (rm --keep-daemon: the record only) */
  keepDaemon: boolean
  /** One warning per node left alone */
  warnings: string[]
}

/**
 * Before removal: only nodes whose place is free or carries this run's mark are removed
 * (buildx rm of a node whose container is gone only drops its record). The others are
 * detached from the record (buildx refuses to leave the last node: store/nodegroup.go Leave),
 * or, when none is ours, the record alone is removed.
 */
export function removalPlan(found: Found[], owner: string): RemovalPlan {
  const foreign = found.filter(({ occupant: o }) => o.state === 'unknown' || (o.state === 'taken' && (owner === '' || o.owner !== owner)))
  const warnings = foreign.map(({ node, occupant: o }) =>
    o.state === 'unknown'
      ? `${who(node)}: ${node.place} could not be checked (${o.error}): left alone, remove it yourself if it is this run's`
      : `${who(node)}: ${node.place} is not this run's (${whose(o)}; another run or builder uses that name): left alone`
  )
  if (foreign.length === found.length && found.length > 0) return { leave: [], keepDaemon: true, warnings }
  return { leave: foreign.map(f => f.node.name), keepDaemon: false, warnings }
}

/**
 * After create: a node whose place does not carry this run's mark was taken over (another
 * run made it between the check and create). Verification fails for it whatever `verify`
 * says: the builder runs someone else's daemon.
 */
export function takeovers(found: Found[], owner: string): string[] {
  return found.flatMap(({ node, occupant: o }) =>
    o.state === 'taken' && o.owner !== owner
      ? [`${who(node)}: ${node.place} is not this run's (${whose(o)}): buildx took over another builder's daemon`]
      : []
  )
}

/**
 * A planned node as buildx will record it, for reading its place before create: its name,
 * endpoint and driver-opts (recordedArgs). undefined when buildx picks the name (kubernetes'
 * first node: generated, nothing can be there yet).
 */
export function plannedRecord(n: Pick<PlannedNode, 'name' | 'endpoint' | 'createArgs'>): RecordedNode | undefined {
  if (n.name === undefined) return undefined
  return { Name: n.name, Endpoint: n.endpoint, DriverOpts: recordedArgs(n.createArgs).DriverOpts }
}

/**
 * What buildx records of a node's create arguments: its driver-opts, read as buildx reads
 * them (CSV, the last value of a key wins: builder.go csvToMap), and its daemon flags, split
 * as buildx splits --buildkitd-flags (shlex; before buildx's own addition, builder.go
 * parseBuildkitdFlags).
 */
export function recordedArgs(createArgs: readonly string[]): { DriverOpts: Record<string, string>; Flags: string[] } {
  const opts: Record<string, string> = {}
  let flags: string[] = []
  createArgs.forEach((a, i) => {
    if (i + 1 >= createArgs.length) return
    if (a === '--buildkitd-flags') flags = splitShellWords(createArgs[i + 1]) ?? []
    if (a !== '--driver-opt') return
    for (const f of csvFields(createArgs[i + 1])) {
      const eq = f.indexOf('=')
      if (eq > 0) opts[f.slice(0, eq)] = f.slice(eq + 1)
    }
  })
  return { DriverOpts: opts, Flags: flags }
}
