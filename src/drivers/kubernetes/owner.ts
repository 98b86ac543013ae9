import type { BuilderRecord } from '../../docker/buildx-record.js'
import { csvFields, csvQuote } from '../../docker/csv.js'
import { OWNER_LABEL } from '../../docker/owner-mark.js'

// The kubernetes driver's owner mark: a label. buildx's kubernetes factory took env.* only
// from v0.28.0 (factory.go processDriverOpts `strings.HasPrefix(k, "env.")`); v0.12.0 to
// v0.27.x end with "invalid driver option env.… for driver kubernetes". It has taken
// `labels=k=v[,k=v]` since v0.12.0: labels land on the Deployment, its selector and its pods
// (manifest.go), and buildx keeps the opt in the builder's record like any other, so the mark
// is readable both from the record and from the cluster
// (kubectl get deploy -l buildkit-builder-action/owner=<owner>).
//
// buildx reads every --driver-opt as CSV and keeps one value per key (builder.go csvToMap:
// the last wins), so the mark must be merged into a labels opt the user gives, not given
// beside it. Pure.

/** The driver-opt that carries the mark, alone. */
export function labelMarkOpt(owner: string): string {
  return `labels=${OWNER_LABEL}=${owner}`
}

/**
 * A node's driver-opts with the mark in them: a `labels` opt the user gives (on its own or
 * inside a CSV line) gets the mark added to it, so that neither replaces the other in
 * buildx's map. None when owner is ''.
 */
export function withLabelMark(owner: string, driverOpts: readonly string[]): string[] {
  if (owner === '') return [...driverOpts]
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
 * The mark in a node's recorded DriverOpts, the `labels` value (splitMultiValues in
 * factory.go: quotes trimmed, `,` between pairs, `=`): undefined when there is none.
 */
export function ownerFromLabelsOpt(opts: Record<string, string> | null | undefined): string | undefined {
  const labels = opts?.labels
  if (labels === undefined) return undefined
  for (const kv of labels.replace(/^"|"$/g, '').split(',')) {
    const [k, v, ...more] = kv.split('=')
    if (k === OWNER_LABEL && v !== undefined && more.length === 0) return v
  }
  return undefined
}

/** A node's recorded driver options as `key=value` lines, without the mark (for outputs). */
export function withoutLabelMark(opts: Record<string, string> | null | undefined): string[] {
  return Object.entries(opts ?? {}).flatMap(([k, v]) => {
    if (k !== 'labels') return [`${k}=${v}`]
    const rest = v
      .replace(/^"|"$/g, '')
      .split(',')
      .filter(kv => kv !== '' && kv.split('=')[0] !== OWNER_LABEL)
    return rest.length > 0 ? [`labels=${rest.join(',')}`] : []
  })
}

/** The owner mark in a builder's record ('' when no node carries one). */
export function labelMarkOf(rec: BuilderRecord): string {
  return rec.Nodes.map(n => ownerFromLabelsOpt(n.DriverOpts)).find(v => v !== undefined) ?? ''
}

/** The mark a Deployment really carries, from its metadata.labels: '' when it carries none. */
export function ownerFromLabels(labels: Record<string, string> | null | undefined): string {
  return labels?.[OWNER_LABEL] ?? ''
}
