import { httpMirrorsWithoutHttp, keyFindings, SCHEMA_NEWEST, type ConfigProblem } from '../config/schema.js'
import { compareVersions, tagVersion } from '../buildkit/versions.js'
import { parseImageRef } from '../docker/refs.js'
import { driverOptValue } from '../docker/driver-opts.js'
import type { Inputs } from '../inputs/model.js'
import { InputError } from '../runner/errors.js'
import * as log from '../runner/log.js'
import { configTree } from './config-tree.js'

// Checks the config the plan will render: keys and values BuildKit would ignore or refuse.
// Strict where the key table knows (config/schema.ts, read from BuildKit up to SCHEMA_NEWEST),
// open where it doesn't:
// - a near miss of a known key, and an http:// mirror BuildKit would speak HTTPS to: errors,
//   whatever the daemon;
// - a key the table doesn't know, or a value it can't decode: an error when the builder's
//   BuildKit is one the table covers (any version up to SCHEMA_NEWEST), a warning (and the key
//   passed through) when it is newer;
// - a known key added in a version after the builder's: like an unknown key on a covered daemon.
// The builder's version is known before create when every node's image is pinned to a
// version tag; otherwise these keys wait for the version the daemons report (verify.ts).

/** What the rules say for one BuildKit version (undefined: not known yet). */
export interface KeyRuling {
  /** Wrong whatever the daemon: near misses, http:// mirrors without http */
  always: string[]
  /** Wrong on this version */
  errors: string[]
  warnings: string[]
  /** Keys that wait for the daemon's version */
  waiting: string[]
}

/** The rules above, for the config the plan will render and one daemon version. Pure. */
export function ruleOnKeys(inputs: Inputs, version: string | undefined): KeyRuling {
  const tree = configTree(inputs)
  const f = keyFindings(tree)
  const line = (p: ConfigProblem): string => `${p.key}: ${p.message}`
  const always = [...f.typos, ...httpMirrorsWithoutHttp(tree)].map(line)
  if (version === undefined) {
    return { always, errors: [], warnings: [], waiting: [...f.unknown.map(p => p.key), ...f.newer.map(n => n.key)] }
  }
  if (compareVersions(version, SCHEMA_NEWEST) > 0) {
    const why = `passed through: BuildKit ${version} is newer than ${SCHEMA_NEWEST}, the newest this action's key table knows`
    return { always, errors: [], warnings: f.unknown.map(p => `${line(p)} (${why})`), waiting: [] }
  }
  const errors: string[] = []
  const covered = `this builder runs BuildKit ${version}, which ignores it (the key table covers BuildKit up to ${SCHEMA_NEWEST})`
  for (const p of f.unknown) errors.push(`${line(p)} (${covered})`)
  for (const n of f.newer) {
    if (compareVersions(version, n.since) < 0)
      errors.push(`${n.key}: added in BuildKit ${n.since}; this builder runs BuildKit ${version}, which ignores it`)
  }
  return { always, errors, warnings: [], waiting: [] }
}

/**
 * The BuildKit version an image reference is pinned to by its tag (moby/buildkit:v0.29.0), or
 * undefined: a moving tag, a digest (the tag beside it says nothing sure), no tag, no reference.
 */
export function pinnedImageVersion(image: string): string | undefined {
  const ref = parseImageRef(image)
  return typeof ref === 'string' || ref.digest !== undefined || ref.tag === undefined ? undefined : tagVersion(ref.tag)
}

/**
 * The BuildKit version every node is pinned to by its image's tag (the oldest, when they
 * differ: a key must work on every node), or undefined when a node's image is not pinned
 * (buildx's default moby/buildkit:buildx-stable-1, a moving tag, a digest, a CNI image).
 */
export function pinnedVersion(inputs: Inputs): string | undefined {
  if (inputs.cni) return undefined
  let oldest: string | undefined
  for (const n of inputs.nodes) {
    const image = driverOptValue(n.driverOpts, 'image')
    const v = image === undefined ? undefined : pinnedImageVersion(image)
    if (v === undefined) return undefined
    if (oldest === undefined || compareVersions(v, oldest) < 0) oldest = v
  }
  return oldest
}

/**
 * Before anything exists: errors (or warnings with verify: warn) for what the rules refuse
 * now; the keys that wait for the daemon's version are named.
 */
export function checkKeys(inputs: Inputs): void {
  const pinned = pinnedVersion(inputs)
  const r = ruleOnKeys(inputs, pinned)
  for (const w of r.warnings) log.warning(`input "${inputInOf(inputs)}": ${w}`)
  if (r.waiting.length > 0) {
    log.info(
      `${r.waiting.join(', ')}: checked once the builder runs, against the BuildKit version its daemon reports ` +
        `(the image is not pinned to a version tag; the key table covers BuildKit up to ${SCHEMA_NEWEST})`
    )
  }
  const errors = [...r.always, ...r.errors]
  if (errors.length === 0) return
  const input = inputInOf(inputs)
  if (inputs.verify === 'warn') {
    for (const t of errors) log.warning(`input "${input}": ${t}`)
    return
  }
  throw new InputError(input, undefined, errors.length === 1 ? errors[0] : `\n- ${errors.join('\n- ')}`)
}

/** The input the keys come from: only a base config can hold keys the table doesn't know. */
function inputInOf(inputs: Inputs): string {
  return inputs.baseConfig?.input ?? 'buildkitd-config'
}
