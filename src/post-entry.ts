import { passSignalsOn } from './runner/exec.js'
import * as log from './runner/log.js'
import { runPost } from './post.js'

// The post step's entry point (action.yml runs.post, built to dist/post/index.js): a bundle of
// its own, so that post loads the teardown and what it needs, and none of main's modules
// (input reading, planning, rendering, verification): ~9 ms less of node's start, measured in
// docs/performance.md. A post step never fails the job: its problems are warnings.
passSignalsOn()
runPost().catch((err: unknown) => log.warning(`post step: ${err instanceof Error ? err.message : String(err)}`))
