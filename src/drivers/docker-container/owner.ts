import type { BuilderRecord } from '../../docker/buildx-record.js'
import { OWNER_ENV } from '../../docker/owner-mark.js'

// The docker-container driver's owner mark: driver-opt env.<OWNER_ENV>=<owner>, an
// environment variable of the daemon's container (driver/docker-container/factory.go), kept
// in buildx's record with the node's driver options. Pure.

/** The driver-opt that carries the mark, alone. */
export function envMarkOpt(owner: string): string {
  return `env.${OWNER_ENV}=${owner}`
}

/** A node's driver-opts with the mark first; none when owner is ''. */
export function withEnvMark(owner: string, driverOpts: readonly string[]): string[] {
  return owner === '' ? [...driverOpts] : [envMarkOpt(owner), ...driverOpts]
}

/** The mark in a node's recorded DriverOpts: undefined when there is none. */
export function ownerFromEnvOpt(opts: Record<string, string> | null | undefined): string | undefined {
  return opts ? opts[`env.${OWNER_ENV}`] : undefined
}

/** A node's recorded driver options as `key=value` lines, without the mark (for outputs). */
export function withoutEnvMark(opts: Record<string, string> | null | undefined): string[] {
  return Object.entries(opts ?? {}).flatMap(([k, v]) => (k === `env.${OWNER_ENV}` ? [] : [`${k}=${v}`]))
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
