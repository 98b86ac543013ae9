import type { RecordedNode } from './buildx-record.js'
import { csvFields, csvQuote } from './csv.js'
import { recordedNodes } from './buildx-record.js'

// The mark a run puts on the builder it creates, so that it only ever removes its own (the
// teardown compares it with the run's). buildx keeps it with the node's driver options in
// its record of the builder, where it is read back without starting a process.
//
// docker-container: driver-opt env.<OWNER_ENV>=<owner>. buildx's kubernetes factory took
// env.* only from v0.28.0 (factory.go processDriverOpts `strings.HasPrefix(k, "env.")`);
// v0.12.0 to v0.27.x end with "invalid driver option env.… for driver kubernetes". It has
// taken `labels=k=v[,k=v]` since v0.12.0: labels land on the Deployment, its selector and
// its pods (manifest.go), and buildx keeps the opt in the builder's record like any other,
// so the mark is readable both from the record and from the cluster
// (kubectl get deploy -l buildkit-builder-action/owner=<owner>).
//
// buildx reads every --driver-opt as CSV and keeps one value per key (builder.go
// csvToMap: the last wins), so the mark must be merged into a labels opt the user gives,
// not given beside it.

/**
 * docker-container: an environment variable of the daemon's container (driver-opt
 * env.<NAME>=<value>, driver/docker-container/factory.go).
 */
export const OWNER_ENV = 'BUILDKIT_BUILDER_ACTION_OWNER'

/** The label key of the mark (a prefixed Kubernetes label key; its value is the owner uuid). */
export const OWNER_LABEL = 'buildkit-builder-action/owner'

/** The driver-opt that carries the mark, alone. */
export function ownerOptFor(driver: string, owner: string): string {
  return driver === 'kubernetes' ? `labels=${OWNER_LABEL}=${owner}` : `env.${OWNER_ENV}=${owner}`
}

/**
 * A node's driver-opts with the mark in them. kubernetes: a `labels` opt the user gives (on
 * its own or inside a CSV line) gets the mark added to it, so that neither replaces the
 * other in buildx's map; the mark comes first elsewhere (as buildx.ts createArgs does today).
 */
export function withOwnerOpt(driver: string, owner: string, driverOpts: readonly string[]): string[] {
  if (owner === '') return [...driverOpts]
  if (driver !== 'kubernetes') return [ownerOptFor(driver, owner), ...driverOpts]
  const userLabels: string[] = []
  const rest: string[] = []
  for (const line of driverOpts) {
    const fields = csvFields(line)
    const kept = fields.filter(f => {
      if (!f.startsWith('labels=')) return true
      userLabels.push(f.slice('labels='.length).replace(/^"|"$/g, ''))
      return false
    })
    if (kept.length === fields.length) rest.push(line)
    else if (kept.length > 0) rest.push(kept.map(csvQuote).join(','))
  }
  // The last labels opt is the one buildx keeps; the mark's key wins over a user's same key.
  const kept =
    userLabels.length > 0 ? userLabels[userLabels.length - 1].split(',').filter(kv => kv !== '' && kv.split('=')[0] !== OWNER_LABEL) : []
  return [...rest, csvQuote(`labels=${[...kept, `${OWNER_LABEL}=${owner}`].join(',')}`)]
}

/**
 * The mark in a node's recorded DriverOpts: undefined when there is none. kubernetes: the
 * `labels` value (splitMultiValues in factory.go: quotes trimmed, `,` between pairs, `=`).
 */
export function ownerFromDriverOpts(driver: string, opts: Record<string, string> | null | undefined): string | undefined {
  if (!opts) return undefined
  if (driver !== 'kubernetes') return opts[`env.${OWNER_ENV}`]
  const labels = opts.labels
  if (labels === undefined) return undefined
  for (const kv of labels.replace(/^"|"$/g, '').split(',')) {
    const [k, v, ...more] = kv.split('=')
    if (k === OWNER_LABEL && v !== undefined && more.length === 0) return v
  }
  return undefined
}

/** A node's recorded driver options as `key=value` lines, without the mark (for outputs). */
export function withoutOwner(driver: string, opts: Record<string, string> | null | undefined): string[] {
  return Object.entries(opts ?? {}).flatMap(([k, v]) => {
    if (driver !== 'kubernetes') return k === `env.${OWNER_ENV}` ? [] : [`${k}=${v}`]
    if (k !== 'labels') return [`${k}=${v}`]
    const rest = v
      .replace(/^"|"$/g, '')
      .split(',')
      .filter(kv => kv !== '' && kv.split('=')[0] !== OWNER_LABEL)
    return rest.length > 0 ? [`labels=${rest.join(',')}`] : []
  })
}

/**
 * The first node's name, which carries this run's owner mark: the remote driver takes no
 * option to hold it (factory.go refuses unknown ones) and buildx's record keeps node names
 * (store/nodegroup.go Node.Name, validated by store/util.go ValidateName: letters, digits,
 * ._-, lower-cased). With no owner it is buildx's own choice, <builder>0.
 */
export function remoteNodeName(builder: string, owner: string): string {
  return owner === '' ? `${builder}0` : `${builder}0-${owner}`.toLowerCase()
}

/**
 * The owner mark of a remote builder from its recorded nodes: undefined when buildx has no
 * such builder (a record always has a node: store/nodegroup.go Leave refuses the last one),
 * '' when its first node carries none.
 */
export function remoteOwnerOf(builder: string, nodes: Pick<RecordedNode, 'Name'>[]): string | undefined {
  if (nodes.length === 0) return undefined
  const prefix = `${builder.toLowerCase()}0-`
  const first = nodes[0].Name
  return first.startsWith(prefix) ? first.slice(prefix.length) : ''
}

/**
 * The mark a daemon's container really carries, from its Config.Env (`NAME=value` lines):
 * '' when it carries none. What buildx's record says may differ: buildx reuses a container of
 * the node's name that another builder created.
 */
export function ownerFromEnv(env: readonly string[] | null | undefined): string {
  const line = (env ?? []).find(l => l.startsWith(`${OWNER_ENV}=`))
  return line === undefined ? '' : line.slice(OWNER_ENV.length + 1)
}

/** The mark a Deployment really carries, from its metadata.labels: '' when it carries none. */
export function ownerFromLabels(labels: Record<string, string> | null | undefined): string {
  return labels?.[OWNER_LABEL] ?? ''
}

/** The owner mark in a builder's record ('' when it has none): what the record's nodes carry. */
export function ownerOf(instanceJson: string): string {
  const rec = JSON.parse(instanceJson) as { Driver?: string; Name?: string }
  const nodes = recordedNodes(instanceJson)
  // The remote driver takes no option to carry it: the first node's name does.
  if (rec.Driver === 'remote') return remoteOwnerOf(rec.Name ?? '', nodes) ?? ''
  return nodes.map(n => ownerFromDriverOpts(rec.Driver ?? '', n.DriverOpts)).find(v => v !== undefined) ?? ''
}
