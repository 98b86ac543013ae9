import { afterEach, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { newRun, readState, runMain, runPost } from '../../scripts/runner.mjs'
import { pkiDir } from '../helpers.js'
import { afterTest, cleanUpTests, describeDocker, docker, errors, uniqueName } from './docker-env.js'
import { freePort } from './remote-env.js'

// driver: remote through the action as a runner runs it, with the real buildx. What can run
// without a BuildKit daemon that speaks gRPC (the stand-in doesn't): the refusals, and a
// daemon that does not answer — the step fails, and neither buildx's record nor the TLS
// files are left. remote.test.ts connects to a real daemon when BUILDKIT_IMAGE names one.
jest.setTimeout(120_000)
afterEach(cleanUpTests)

const pem = (f: string): string => fs.readFileSync(path.join(pkiDir, f), 'utf8')

describeDocker('driver: remote', () => {
  test.each([
    [{ mirrors: 'docker.io=mirror.gcr.io' }, 'input "mirrors": registry mirrors are the daemon\'s'],
    [{ 'driver-opts': 'cacert=env:CA', cleanup: 'false' }, 'input "cleanup"'],
    [{ 'driver-opts': 'cert=/x.crt\nkey=/x.key' }, 'need cacert=']
  ])('%j is refused before anything is made', async (inputs, message) => {
    const run = newRun({ inputs: { driver: 'remote', endpoint: 'tcp://127.0.0.1:1234', ...inputs }, env: { CA: pem('ca.pem') } })
    afterTest(undefined, run)
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout).join('\n')).toContain(message)
    expect(fs.readdirSync(run.runnerTemp)).toEqual([])
  })

  test('a daemon that does not answer: the step fails naming it; no builder record, no TLS file, no key in the log', async () => {
    const name = uniqueName('remote')
    const endpoint = `tcp://127.0.0.1:${await freePort()}`
    const run = newRun({
      inputs: { name, driver: 'remote', endpoint, use: 'false', 'driver-opts': 'cacert=env:CA\ncert=env:CERT\nkey=env:KEY' },
      env: { CA: pem('ca.pem'), CERT: pem('client.crt'), KEY: pem('client.key') }
    })
    afterTest(name, run)
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(main.stdout).toContain('the first node: TLS to')
    expect(errors(main.stdout).join('\n')).toMatch(/docker buildx create failed/)
    expect(docker(['buildx', 'inspect', name]).status).not.toBe(0)
    expect(fs.readdirSync(run.runnerTemp)).toEqual([])
    const keyLine = pem('client.key').split('\n')[1]
    // ::add-mask:: lines are the runner's to consume, never shown.
    const shown = main.stdout
      .split('\n')
      .filter(l => !l.startsWith('::add-mask::'))
      .join('\n')
    expect(shown + main.stderr + JSON.stringify(readState(run))).not.toContain(keyLine)
    expect(main.stdout).toContain(`::add-mask::${keyLine}`)
    await runPost(run)
  })
})
