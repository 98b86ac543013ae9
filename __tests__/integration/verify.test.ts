import { afterEach, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { spawn } from 'node:child_process'
import { newRun, readOutputs, runPost, actionScript } from '../../scripts/runner.mjs'
import { afterTest, cleanUpTests, containerOf, describeDocker, docker, driverOpts, errors, leftovers, uniqueName } from './docker-env.js'

// Verification on the real engine and daemon: the builder changed behind the action's back,
// between create and the read-back (the test pause before "Verify the builder"), must fail the
// step, naming what differs; nothing is left behind.
jest.setTimeout(180_000)

afterEach(cleanUpTests)

const ca = path.join(import.meta.dirname, '..', 'fixtures', 'buildkit', 'test-pki', 'ca.pem')

/** Runs main, changes the builder's container with `tamper` while main waits before verify, then lets it go on. */
async function mainTampered(
  name: string,
  inputs: Record<string, string>,
  tamper: string
): Promise<{ exitCode: number; stdout: string; run: ReturnType<typeof newRun> }> {
  const gate = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verify-gate-')), 'go')
  const run = newRun({
    inputs: { name, use: 'false', 'driver-opts': driverOpts(), ...inputs },
    env: { BUILDKIT_BUILDER_ACTION_TEST_PAUSE: `verify:${gate}` }
  })
  afterTest(name, run)
  const child = spawn(process.execPath, [actionScript('main')], { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.on('data', d => (stdout += d))
  const closed = new Promise<number>(r => child.on('close', code => r(code ?? 1)))
  for (const end = Date.now() + 120_000; !stdout.includes('test pause before verify');) {
    if (Date.now() > end) throw new Error(`main never paused before verify:\n${stdout}`)
    await new Promise(r => setTimeout(r, 50))
  }
  const t = docker(['exec', containerOf(name), 'sh', '-c', tamper])
  expect(t.stderr).toBe('')
  fs.writeFileSync(gate, '')
  return { exitCode: await closed, stdout, run }
}

describeDocker('verification catches a daemon that does not run with what was asked', () => {
  test('the config in the builder changed: the step fails naming the key', async () => {
    const name = uniqueName('verify-cfg')
    const { exitCode, stdout, run } = await mainTampered(
      name,
      { mirrors: 'docker.io=mirror.gcr.io' },
      'sed -i "s/mirror.gcr.io/other.example/" /etc/buildkit/buildkitd.toml'
    )
    expect(exitCode).toBe(1)
    expect(errors(stdout)).toEqual([
      [
        'the builder does not run with the planned configuration:',
        '- the config in the builder differs from the one rendered (1 key):',
        '  registry."docker.io".mirrors',
        '    - expected: ["mirror.gcr.io"]',
        '    + in builder: ["other.example"]'
      ].join('\n')
    ])
    expect(readOutputs(run).verified).toBe('false')
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test("a copied certificate changed: the step fails naming the file's hash", async () => {
    const name = uniqueName('verify-cert')
    const { exitCode, stdout, run } = await mainTampered(
      name,
      { 'registry-certs': `myregistry.test:5443 ca=${ca}` },
      'f=$(ls /etc/buildkit/certs/*/* | head -1); echo tampered >> "$f"'
    )
    expect(exitCode).toBe(1)
    const [error] = errors(stdout)
    expect(error.split('\n')[0]).toBe('the builder does not run with the planned configuration:')
    expect(error.split('\n').slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^- CA for myregistry\\.test:5443 \\(.*ca\\.pem\\): /etc/buildkit/certs/myregistry\\.test_5443/ca-\\S+\\.pem ` +
            'in the builder has SHA-256 [0-9a-f]{64}, its source [0-9a-f]{64}$'
        )
      )
    ])
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('untouched: the same run passes (the two above fail for what was changed, not for the pause)', async () => {
    const name = uniqueName('verify-ok')
    const { exitCode, stdout, run } = await mainTampered(
      name,
      { 'registry-certs': `myregistry.test:5443 ca=${ca}`, mirrors: 'docker.io=mirror.gcr.io' },
      'true'
    )
    expect(errors(stdout)).toEqual([])
    expect(exitCode).toBe(0)
    expect(readOutputs(run).verified).toBe('true')
    expect((await runPost(run)).exitCode).toBe(0)
  })
})
