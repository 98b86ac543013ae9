import * as log from './runner/log.js'
import { teardown } from './drivers/teardown.js'

// The post step runs even when the job failed or was cancelled: the one teardown removes the
// builder this run created (unless cleanup is off) and every file the run wrote.
export async function runPost(): Promise<void> {
  await log.group('Remove the builder and the files of this run', () => teardown('post'))
}
