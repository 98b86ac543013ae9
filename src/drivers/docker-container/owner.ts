import type { BuilderRecord } from '../../docker/buildx-record.js'
import { KEPT_ENV, OWNER_ENV } from '../../docker/owner-mark.js'

// The docker-container driver's owner mark: driver-opt env.<OWNER_ENV>=<owner>, an
// environment variable of the daemon's container (driver/docker-container/factory.go), kept
// in buildx's record with the node's driver options. A builder kept with cleanup: false
// carries env.<KEPT_ENV>=<keptValue> beside it, which a later run reads to reuse it. Pure.

/** The driver-opt that carries the mark, alone. */
export function envMarkOpt(owner: string): string {
  return `env.${OWNER_ENV}=${owner}`
}

/** A node's driver-opts with the mark first, and the kept mark (when `kept` is given) next; none when owner is ''. */
export function withEnvMark(owner: string, driverOpts: readonly string[], kept?: string): string[] {
  if (owner === '') return [...driverOpts]
  return [envMarkOpt(owner), ...(kept === undefined ? [] : [`env.${KEPT_ENV}=${kept}`]), ...driverOpts]
}

/** The kept mark's value in a node's recorded DriverOpts: undefined when the builder is not kept. */
export function keptFromEnvOpt(opts: Record<string, string> | null | undefined): string | undefined {
  return opts ? opts[`env.${KEPT_ENV}`] : undefined
}

/** The mark in a node's recorded DriverOpts: undefined when there is none. */
export function ownerFromEnvOpt(opts: Record<string, string> | null | undefined): string | undefined {
  return opts ? opts[`env.${OWNER_ENV}`] : undefined
}

/** A node's recorded driver options as `key=value` lines, without the marks (for outputs, and to compare a kept builder's). */
export function withoutEnvMark(opts: Record<string, string> | null | undefined): string[] {
  const marks = [`env.${OWNER_ENV}`, `env.${KEPT_ENV}`]
  return Object.entries(opts ?? {}).flatMap(([k, v]) => (marks.includes(k) ? [] : [`${k}=${v}`]))
}

/** The owner mark in a builder's record ('' when no node carries one). */
export function envMarkOf(rec: BuilderRecord): string {
  return rec.Nodes.map(n => ownerFromEnvOpt(n.DriverOpts)).find(v => v !== undefined) ?? ''
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
