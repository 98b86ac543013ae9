import { parse as parseToml } from 'smol-toml'
import { CONTAINER_CONFIG_DIR } from '../config/paths.js'
import type { TomlTable } from '../config/toml.js'
import { joinShellWords } from '../docker/buildx.js'
import { platformText, type RecordedFiles, type RecordedNode } from '../docker/buildx-record.js'
import type { Driver } from '../drivers/driver.js'
import type { KeptBuilder } from '../drivers/kept.js'
import { recordedArgs } from '../drivers/ownership.js'
import type { Expectation, Plan, PlannedNode } from '../plan/plan.js'
import * as log from '../runner/log.js'
import { diffTrees, formatDiff, offers } from './compare.js'

// A kept builder (drivers/kept.ts) compared with what this run's inputs ask, before it is
// used: buildx's record of it against the plan, as a fresh create would record it. Pure but
// for the step's log line. What is compared is what buildx gave the daemon: the driver, each
// node (its name, endpoint, driver-opts without the action's marks, the image among them, daemon
// flags, platforms), the config as buildx wrote it into the node (certificate paths under
// /etc/buildkit/certs: the same in every run, config/paths.ts) and each copied file by its
// SHA-256, never by the path on the runner (the creating job's RUNNER_TEMP is gone); and the
// creating run's keep-state, from the kept mark. The running daemon is then verified as for
// any builder (verify.ts).

/** What the inputs ask of the builder, for the comparison. */
export interface Wanted {
  driver: string
  keepState: boolean
  nodes: Pick<PlannedNode, 'label' | 'name' | 'endpoint' | 'createArgs' | 'platforms'>[]
  expect: Pick<Expectation, 'config' | 'files'>
}

/** A node's recorded driver options as `key=value` lines without the action's marks (Driver.withoutOwner). */
export type WithoutMarks = (opts: Record<string, string> | null | undefined) => string[]

/** buildx adds this flag when a node's flags allow no entitlement, or network=host without it (builder.go parseBuildkitdFlags). */
const BUILDX_ADDED_FLAG = '--allow-insecure-entitlement=network.host'

/** Every way the kept builder differs from what the inputs ask, one sentence each; [] when it matches. */
export function keptDifferences(kept: KeptBuilder, want: Wanted, withoutMarks: WithoutMarks): string[] {
  const d: string[] = []
  if (kept.driver !== want.driver) d.push(`driver: the kept builder's is ${kept.driver}, the inputs ask ${want.driver}`)
  if (kept.keepState === undefined) d.push("keep-state: the kept builder's mark says nothing this action reads (made by another version?)")
  else if (kept.keepState !== want.keepState)
    d.push(`keep-state: the kept builder was created with keep-state ${kept.keepState}, the inputs ask ${want.keepState}`)
  if (kept.nodes.length !== want.nodes.length) {
    d.push(
      `nodes: the kept builder has ${kept.nodes.length} (${kept.nodes.map(n => n.Name).join(', ')}), the inputs ask ${want.nodes.length} ` +
        '(the first node and append)'
    )
  }
  const several = Math.max(kept.nodes.length, want.nodes.length) > 1
  want.nodes.forEach((w, i) => {
    const rec = kept.nodes[i]
    if (rec === undefined) return
    const who = several ? `node ${rec.Name} (${w.label}): ` : ''
    for (const line of nodeDifferences(rec, kept.files[i] ?? { sha256: new Map() }, w, want.expect, withoutMarks)) d.push(`${who}${line}`)
  })
  return d
}

function nodeDifferences(
  rec: RecordedNode,
  files: RecordedFiles,
  w: Wanted['nodes'][number],
  expect: Wanted['expect'],
  withoutMarks: WithoutMarks
): string[] {
  const d: string[] = []
  if (w.name !== undefined && rec.Name !== w.name) d.push(`node name: the kept builder's is ${rec.Name}, the inputs ask ${w.name}`)
  const endpoint = endpointAsRecorded(w.endpoint)
  if (endpoint !== undefined && endpoint !== rec.Endpoint)
    d.push(`endpoint: the kept builder's node is on ${rec.Endpoint}, the inputs ask ${w.endpoint}`)
  const asked = recordedArgs(w.createArgs)
  d.push(...optsDifferences(optionMap(withoutMarks(rec.DriverOpts)), optionMap(withoutMarks(asked.DriverOpts))))
  const flags = rec.Flags ?? []
  const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])
  if (!same(flags, asked.Flags) && !same(flags, [...asked.Flags, BUILDX_ADDED_FLAG])) {
    d.push(`daemon flags (buildkitd-flags): the kept builder's daemon has ${shown(flags)}, the inputs ask ${shown(asked.Flags)}`)
  }
  const platforms = (rec.Platforms ?? []).map(platformText)
  if (platforms.length !== w.platforms.length || !w.platforms.every(p => offers(platforms, p))) {
    const list = (ps: string[]): string => (ps.length === 0 ? "none (the daemon's)" : ps.join(','))
    d.push(`platforms: the kept builder's node has ${list(platforms)}, the inputs ask ${list(w.platforms)}`)
  }
  d.push(...configDifferences(files, expect))
  return d
}

/** driver-opts key by key, image= named as the image (buildx's default when neither gives one). */
function optsDifferences(kept: Map<string, string>, asked: Map<string, string>): string[] {
  const keys = [...new Set([...kept.keys(), ...asked.keys()])].sort()
  return keys.flatMap(k => {
    const a = kept.get(k)
    const b = asked.get(k)
    if (a === b) return []
    const what = k === 'image' ? 'image (driver-opt image=)' : `driver-opt ${k}`
    const v = (x: string | undefined): string => (x === undefined ? '(not set)' : JSON.stringify(x))
    return [`${what}: the kept builder has ${v(a)}, the inputs ask ${v(b)}`]
  })
}

function optionMap(lines: string[]): Map<string, string> {
  return new Map(lines.map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
}

const shown = (flags: string[]): string => (flags.length === 0 ? 'none' : JSON.stringify(joinShellWords(flags)))

/** The config as buildx wrote it into the node, and each copied file by its hash, against the plan's. */
function configDifferences(files: RecordedFiles, expect: Wanted['expect']): string[] {
  const d: string[] = []
  if (files.config === undefined) d.push("config: the kept builder's node was created without a buildkitd.toml")
  else {
    let actual: TomlTable | undefined
    try {
      actual = parseToml(files.config, { integersAsBigInt: 'asNeeded' }) as TomlTable
    } catch (err) {
      d.push(`config: the kept builder's buildkitd.toml is not valid TOML: ${(err as Error).message.split('\n')[0]}`)
    }
    const diffs = actual === undefined ? [] : diffTrees(expect.config, actual)
    if (diffs.length > 0) {
      const keys = `${diffs.length} key${diffs.length > 1 ? 's differ' : ' differs'}`
      d.push(`config: ${keys} (expected: what the inputs render; in builder: the kept builder's):\n${formatDiff(diffs)}`)
    }
  }
  const planned = new Set<string>()
  for (const f of expect.files) {
    const rel = f.path.slice(CONTAINER_CONFIG_DIR.length + 1)
    planned.add(rel)
    const got = files.sha256.get(rel)
    if (got === undefined) d.push(`${f.label}: the kept builder has no ${f.path}`)
    else if (got !== f.sha256) d.push(`${f.label}: ${f.path} in the kept builder has SHA-256 ${got}, the inputs' ${f.sha256}`)
  }
  for (const rel of [...files.sha256.keys()].sort()) {
    if (!planned.has(rel)) d.push(`${CONTAINER_CONFIG_DIR}/${rel}: the kept builder has this certificate file, the inputs give none there`)
  }
  return d
}

/**
 * An endpoint as buildx records it (builder.go validateEndpoint: a docker context by its
 * name, a host as docker/cli's opts.ParseHost gives it, tcp:// with port 2375 when none is
 * given); undefined when only the docker CLI can tell (the current context: '' or "default",
 * recorded as its host), and it is not compared.
 */
export function endpointAsRecorded(endpoint: string): string | undefined {
  if (endpoint === '' || endpoint === 'default') return undefined
  const tcp = /^tcp:\/\/([^/:]+|\[[^\]]+\])(\/.*)?$/.exec(endpoint)
  return tcp ? `tcp://${tcp[1]}:2375${tcp[2] ?? ''}` : endpoint
}

/** The refusal: each difference, and the ways out. */
export function keptRefusal(name: string, differences: string[]): string {
  return (
    `builder ${name} is a kept builder (an earlier run created it with cleanup: false) that differs from what the inputs ask:\n- ` +
    `${differences.join('\n- ')}\nNothing was changed. Give the inputs it was created with, choose another name (or leave name empty ` +
    `for a generated one), or remove it with "docker buildx rm ${name}" (add --keep-state to keep its cache) when no job uses it, ` +
    'and the next run creates it anew'
  )
}

/** The step "Compare kept builder": throws the refusal when it differs. */
export function checkKept(driver: Driver, plan: Plan, keepState: boolean, kept: KeptBuilder): void {
  const differences = keptDifferences(kept, { driver: driver.name, keepState, nodes: plan.nodes, expect: plan.expect }, driver.withoutOwner)
  if (differences.length > 0) throw new Error(keptRefusal(plan.builder, differences))
  log.info(
    `kept builder ${plan.builder} is what the inputs ask: driver, ${plan.nodes.length} node(s), driver-opts and image, daemon flags, platforms, ` +
      `keep-state, config and ${plan.expect.files.length} certificate file(s) (by SHA-256)`
  )
}
