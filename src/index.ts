import { constants } from 'node:os'
import { stopChildren } from './runner/exec.js'
import * as log from './runner/log.js'
import { runMain } from './main.js'
import { runPost } from './post.js'
import { isPost } from './runner/state.js'

// Entry point for both `main` and `post` (action.yml): the only place that sets the
// step's result.
async function entry(): Promise<void> {
  try {
    if (isPost) await runPost()
    else await runMain()
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    if (isPost) log.warning(`post step: ${message}`)
    else log.fail(message)
  }
}

// A cancelled job: the runner sends SIGINT, then SIGTERM. Pass the signal on to the docker
// and buildx processes this step started, wait for them, and stop; the post step (which runs
// for cancelled jobs too) removes what was created, from the run record.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info(`${signal}: stopping this step's child processes; the post step removes what this run created`)
    void stopChildren(signal).finally(() => process.exit(128 + constants.signals[signal]))
  })
}

void entry()
