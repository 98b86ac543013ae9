import type { BuilderRecord, RecordedNode } from '../../docker/buildx-record.js'

// The remote driver's owner mark: its first node's name, <builder>0-<owner>. The driver takes
// no option to hold it (factory.go refuses unknown ones: "invalid driver option"), and
// buildx's record keeps node names. Pure.

/**
 * The first node's name, which carries this run's owner mark (store/nodegroup.go Node.Name,
 * validated by store/util.go ValidateName: letters, digits, ._-, lower-cased). With no owner
 * it is buildx's own choice, <builder>0.
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

/** The owner mark in a builder's record ('' when it has none). */
export function remoteMarkOf(rec: BuilderRecord): string {
  return remoteOwnerOf(rec.Name, rec.Nodes) ?? ''
}
