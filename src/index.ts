import { passSignalsOn } from './runner/exec.js'
import * as log from './runner/log.js'
import { runMain } from './main.js'

// The main step's entry point (action.yml runs.main): the only place that fails the step. The
// post step has its own (post-entry.ts, dist/post/), which loads none of main's modules.
passSignalsOn()
runMain().catch((err: unknown) => log.fail(err instanceof Error ? err.message : String(err)))
