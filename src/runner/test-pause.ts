import * as fs from 'node:fs'
import * as log from './log.js'

/**
 * For tests of runs at once: BUILDKIT_BUILDER_ACTION_TEST_PAUSE=<step>:<file> makes main
 * wait before <step> until <file> exists (two minutes at most), so that a test can
 * interleave two runs exactly instead of hoping for a race.
 */
export async function testPause(step: string): Promise<void> {
  const spec = process.env.BUILDKIT_BUILDER_ACTION_TEST_PAUSE ?? ''
  if (!spec.startsWith(`${step}:`)) return
  const file = spec.slice(step.length + 1)
  log.info(`test pause before ${step}: waiting for ${file}`)
  for (let waited = 0; !fs.existsSync(file) && waited < 120_000; waited += 50) await new Promise(r => setTimeout(r, 50))
}
