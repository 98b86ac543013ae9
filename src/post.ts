import * as core from '@actions/core'
import * as docker from './docker.js'
import { rmArgs } from './buildx.js'
import { removeRunDir } from './files.js'
import { redact } from './redact.js'
import * as state from './state.js'

// The post step runs even when the job failed: remove the builder (unless cleanup is off)
// and every file the run wrote.
export async function runPost(): Promise<void> {
  await core.group('Remove the builder', removeBuilder)
  await core.group('Remove the files of this run', async () => removeFiles())
}

async function removeBuilder(): Promise<void> {
  const name = state.getBuilderName()
  if (name === '' || !state.getBuilderCreated()) {
    core.info('this run created no builder (or already removed it)')
    return
  }
  if (!state.getCleanup()) {
    core.info(`cleanup: false — builder ${name} is left running`)
    return
  }
  const rm = await docker.removeBuilder(rmArgs(name, state.getKeepState()))
  if (rm.ok) core.info(`builder ${name} removed${state.getKeepState() ? ' (state volume kept)' : ''}`)
  else if (!(await docker.builderExists(name))) core.info(`builder ${name} was already removed`)
  else throw new Error(redact(`could not remove builder ${name}: ${rm.message}`))
}

function removeFiles(): void {
  const dir = state.getRunDir()
  core.info(removeRunDir(dir) ? `removed ${dir}` : 'no files of this run to remove')
}
