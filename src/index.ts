import * as core from '@actions/core'
import { runMain } from './main.js'
import { runPost } from './post.js'
import { redact } from './redact.js'
import { isPost } from './state.js'

// Entry point for both `main` and `post` (action.yml): the only place that sets the
// step's result. Messages pass through redact() once more, whatever produced them.
async function entry(): Promise<void> {
  try {
    if (isPost) await runPost()
    else await runMain()
  } catch (err) {
    const message = redact(err instanceof Error ? err.message : String(err))
    if (isPost) core.warning(`post step: ${message}`)
    else core.setFailed(message)
  }
}

void entry()
