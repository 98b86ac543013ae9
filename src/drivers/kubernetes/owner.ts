import type { BuilderRecord } from '../../docker/buildx-record.js'
import { csvFields, csvQuote } from '../../docker/csv.js'
import { KEPT_LABEL, OWNER_LABEL } from '../../docker/owner-mark.js'

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
// beside it. A builder kept with cleanup: false carries the label <KEPT_LABEL>=<keptValue> in
// the same opt, which a later run reads to reuse it. Pure.

/** The driver-opt that carries the mark, alone. */
export function labelMarkOpt(owner: string): string {
  return `labels=${OWNER_LABEL}=${owner}`
}

/**
 * A node's driver-opts with the mark in them (and the kept mark, when `kept` is given): a
 * `labels` opt the user gives (on its own or inside a CSV line) gets the marks added to it, so
 * that neither replaces the other in buildx's map. None when owner is ''.
 */
export function withLabelMark(owner: string, driverOpts: readonly string[], kept?: string): string[] {
  if (owner === '') return [...driverOpts]
  const userLabels: string[] = []
  const rest: string[] = []
  for (const line of driverOpts) {
    const fields = csvFields(line)
    const others = fields.filter(f => {
      if (!f.startsWith('labels=')) return true
      userLabels.push(f.slice('labels='.length).replace(/^"|"$/g, ''))
      return false
    })
    if (others.length === fields.length) rest.push(line)
    else if (others.length > 0) rest.push(others.map(csvQuote).join(','))
  }
  // The last labels opt is the one buildx keeps; the mark's key wins over a user's same key.
  const user = userLabels.length > 0 ? userLabels[userLabels.length - 1].split(',').filter(kv => kv !== '' && !isMark(kv)) : []
  const marks = [`${OWNER_LABEL}=${owner}`, ...(kept === undefined ? [] : [`${KEPT_LABEL}=${kept}`])]
  return [...rest, csvQuote(`labels=${[...user, ...marks].join(',')}`)]
}

/** Whether a `k=v` pair of a labels opt is one of this action's marks. */
const isMark = (kv: string): boolean => [OWNER_LABEL, KEPT_LABEL].includes(kv.split('=')[0])

/** The labels of a recorded `labels` opt (factory.go splitMultiValues: quotes trimmed, `,` between pairs). */
const labelPairs = (labels: string): string[] => labels.replace(/^"|"$/g, '').split(',')

/**
 * The mark in a node's recorded DriverOpts, the `labels` value (splitMultiValues in
 * factory.go: quotes trimmed, `,` between pairs, `=`): undefined when there is none.
 */
export function ownerFromLabelsOpt(opts: Record<string, string> | null | undefined): string | undefined {
  return labelOf(opts, OWNER_LABEL)
}

/** The kept mark's value in a node's recorded DriverOpts: undefined when the builder is not kept. */
export function keptFromLabelsOpt(opts: Record<string, string> | null | undefined): string | undefined {
  return labelOf(opts, KEPT_LABEL)
}

function labelOf(opts: Record<string, string> | null | undefined, key: string): string | undefined {
  const labels = opts?.labels
  if (labels === undefined) return undefined
  for (const kv of labelPairs(labels)) {
    const [k, v, ...more] = kv.split('=')
    if (k === key && v !== undefined && more.length === 0) return v
  }
  return undefined
}

/** A node's recorded driver options as `key=value` lines, without the marks (for outputs, and to compare a kept builder's). */
export function withoutLabelMark(opts: Record<string, string> | null | undefined): string[] {
  return Object.entries(opts ?? {}).flatMap(([k, v]) => {
    if (k !== 'labels') return [`${k}=${v}`]
    const rest = labelPairs(v).filter(kv => kv !== '' && !isMark(kv))
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
