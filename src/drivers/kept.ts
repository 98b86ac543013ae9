import { bootArgs } from '../docker/buildx.js'
import type { RecordedFiles, RecordedNode } from '../docker/buildx-record.js'
import * as docker from '../docker/cli.js'
import { keepStateOfKept } from '../docker/owner-mark.js'
import type { Plan } from '../plan/plan.js'
import * as log from '../runner/log.js'
import { isKept, occupantsOf } from './common.js'
import type { Driver } from './driver.js'

// A kept builder: one that a run of this action created with cleanup: false, so that later
// jobs on the same runner (self-hosted) use it again with its cache. Every node carries the
// kept mark beside the owner mark (drivers/<name>/owner.ts). A later run with the same name
// reads it here from buildx's record, compares it with its inputs (verify/kept.ts) and, when
// it matches, starts it and uses it as it is: nothing is created, and no step of that run
// removes it (it did not create it: drivers/teardown.ts).

/** A kept builder as buildx records it: what verify/kept.ts compares with the inputs. */
export interface KeptBuilder {
  name: string
  /** buildx's driver of it */
  driver: string
  /** The owner mark of the run that created it ('' when its record carries none) */
  owner: string
  /** keep-state of the run that created it, from the kept mark; undefined when the mark says nothing this action reads */
  keepState?: boolean
  nodes: RecordedNode[]
  /** Each node's config and copied files (hashes only), by the nodes' order */
  files: RecordedFiles[]
}

/** Builder `name` when it is a kept one of this driver's (read without a process); undefined otherwise. */
export function keptBuilder(driver: Driver, name: string): KeptBuilder | undefined {
  const keptOf = driver.keptOf
  if (keptOf === undefined) return undefined
  const rec = docker.builderRecordOf(name)
  if (rec === undefined || !isKept(rec, keptOf)) return undefined
  return {
    name,
    driver: rec.Driver,
    owner: driver.owner(name) ?? '',
    keepState: keepStateOfKept(keptOf(rec.Nodes[0].DriverOpts) ?? ''),
    nodes: rec.Nodes,
    files: rec.files
  }
}

/**
 * The step "Start kept builder": every node's place must hold the kept builder's daemon (its
 * owner mark) or nothing (buildx makes the container again from its record when it starts the
 * node, state volume and all); then, unless every node runs already, buildx starts what is
 * stopped and waits for every daemon (`buildx inspect --bootstrap`: driver Bootstrap starts a
 * stopped container, waits for a Deployment's pods), and makes it the current builder when
 * `use` says so.
 */
export async function startKept(driver: Driver, plan: Plan, kept: KeptBuilder): Promise<void> {
  const found = await occupantsOf(
    driver,
    kept.nodes.map((n, i) => ({ ...n, label: plan.nodes[i]?.label }))
  )
  const wrong = found.flatMap(({ node, occupant: o }) => {
    if (o.state === 'unknown') return [`node ${node.name}: ${node.place} could not be checked: ${o.error}`]
    if (o.state === 'taken' && o.owner !== kept.owner)
      return [
        `node ${node.name}: ${node.place} is not the kept builder's (it carries ${o.owner === '' ? 'no owner mark' : 'another owner mark'})`
      ]
    if (o.state === 'free') log.info(`node ${node.name}: no ${node.place}: buildx makes it again from its record of the kept builder`)
    return []
  })
  if (wrong.length > 0) {
    throw new Error(
      `kept builder ${kept.name} can't be used: ${wrong.join('; ')}. Nothing was changed; remove it with "docker buildx rm ${kept.name}" ` +
        'if no job uses it, or choose another name'
    )
  }
  // A container that runs needs no start: buildx's inspect --bootstrap would only dial its daemon,
  // which verification does next anyway.
  const running = driver.running
  const up = running !== undefined && (await Promise.all(kept.nodes.map(n => running(n)))).every(Boolean)
  if (up) log.info(`every node of kept builder ${kept.name} runs: nothing to start`)
  else await docker.bootBuilder(bootArgs(kept.name))
  if (plan.use) await docker.useBuilder(kept.name)
}
