import { cleanLog } from '../buildkit/daemon-log.js'
import { restorePlugin as putBack } from '../install/plugin-file.js'
import type { Driver } from './driver.js'
import { driverFor } from './factory.js'
import type { Inputs } from '../inputs/model.js'
import { removeRunDir } from '../runner/run-dir.js'
import * as log from '../runner/log.js'
import { removalPlan } from './ownership.js'
import { occupantsOf } from './common.js'
import * as state from '../runner/state.js'
import { removeTlsContext } from './tls-context.js'

// One teardown for main's failure path and for the post step: it removes only what this run
// created. A builder is removed only when its owner mark is this run's: two runs that pick
// the same name must never remove each other's builder.

export type Why = 'failure' | 'post'

export async function teardown(why: Why): Promise<void> {
  const rec = state.record()
  try {
    if (rec.reused) {
      // Whatever this run's cleanup says: jobs share a kept builder, and it was not this run's to remove.
      log.info(
        `builder ${rec.builder} is a kept builder (an earlier run created it with cleanup: false) that this run used: left as it is; ` +
          `remove it with "docker buildx rm ${rec.builder}" when no job needs it`
      )
    } else if (rec.created && rec.builder !== '') await removeBuilder(driverFor(rec.driver as Inputs['driver']), why, rec)
    else log.info('this run created no builder (or already removed it)')
  } finally {
    // After the builder, which buildx reaches through it; whether or not that worked.
    await removeTlsContext(why === 'post' && !rec.cleanup && rec.created)
  }
  restorePlugin()
  removeFiles()
}

/** Puts back the buildx plugin a `version` install replaced (its backup is in the run's directory). */
function restorePlugin(): void {
  const saved = state.record().plugin
  if (saved === '') return
  log.info(putBack(JSON.parse(saved) as { pluginPath: string; backupPath?: string; sha256?: string }))
  state.update({ plugin: '' })
}

async function removeBuilder(driver: Driver, why: Why, rec: Readonly<state.RunRecord>): Promise<void> {
  const name = rec.builder
  if (why === 'post' && !rec.cleanup) {
    log.info(`cleanup: false — builder ${name} is left running`)
    return
  }
  const owner = driver.owner(name)
  if (owner === undefined) {
    // buildx create failed before it registered the builder, or it was removed already.
    log.info(`no builder ${name} to remove`)
    state.update({ created: false })
    return
  }
  if (owner !== rec.owner) {
    log.warning(
      `builder ${name} is not this run's (another run or step created it under the same name): left alone. ` +
        'Give each job its own builder name, or leave name empty for a generated one'
    )
    state.update({ created: false })
    return
  }
  // buildx's record says the builder is this run's; what really is at each node's place
  // may not be (buildx takes over a container or Deployment of a node's name): only this
  // run's daemons are removed, the others are detached from the record and left alone.
  const nodes = driver.nodes(name)
  const found = await occupantsOf(driver, nodes)
  const plan = removalPlan(found, rec.owner)
  for (const w of plan.warnings) log.warning(w)
  const ours = nodes.filter(n => !plan.keepDaemon && !plan.leave.includes(n.Name))
  if (why === 'failure') {
    for (const node of ours) {
      const tail = cleanLog(await driver.logTail(node))
      if (tail !== '') log.info(`last lines of the daemon's log${nodes.length > 1 ? ` of node ${node.Name}` : ''}:\n${tail}`)
    }
  }
  for (const node of plan.leave) {
    const left = await driver.leave(name, node)
    // Removing the builder with the node still in it would remove that node's daemon.
    if (!left.ok)
      throw new Error(`could not detach node ${node} (not this run's) from builder ${name}, so it is not removed: ${left.message}`)
  }
  // After a failure the state is never kept: nothing of a failed run is worth keeping.
  const keep = why === 'post' && rec.keepState
  const rm = await driver.remove(name, keep, plan.keepDaemon)
  if (rm.ok)
    log.info(
      plan.keepDaemon
        ? `buildx's record of builder ${name} removed; no node's daemon was this run's`
        : `builder ${name} removed${keep ? ' (state volume kept)' : ''}${plan.leave.length > 0 ? ` (node(s) ${plan.leave.join(', ')} left alone)` : ''}`
    )
  else if (driver.owner(name) === undefined) log.info(`builder ${name} was already removed`)
  else throw new Error(`could not remove builder ${name}: ${rm.message}`)
  state.update({ created: false })
}

function removeFiles(): void {
  const dir = state.record().runDir
  log.info(removeRunDir(dir) ? `removed ${dir}` : 'no files of this run to remove')
  state.update({ runDir: '' })
}
