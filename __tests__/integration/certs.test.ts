import { afterEach, expect, jest, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { newRun, readOutputs, readState, readSummary, runMain, runPost, type Run, type StepResult } from '../../scripts/runner.mjs'
import {
  afterTest,
  cleanUpTests,
  configInBuilder,
  containerOf,
  describeDocker,
  docker,
  driverOpts,
  errors,
  leftovers,
  uniqueName
} from './docker-env.js'

// Registry certificates end to end: from env:NAME and from files, into the builder with
// matching hashes, shown in the summary by fingerprint only, and no line of any key in
// anything a runner would show or keep.
jest.setTimeout(180_000)

const fixtures = path.join(import.meta.dirname, '..', 'fixtures')
const pki1 = (f: string): string => path.join(fixtures, 'buildkit', 'test-pki', f)
const pki2 = (f: string): string => path.join(fixtures, 'pki2', f)
const text = (p: string): string => fs.readFileSync(p, 'utf8')
const sha = (p: string): string => createHash('sha256').update(fs.readFileSync(p)).digest('hex')

afterEach(cleanUpTests)
function start(name: string, inputs: Record<string, string>, env: Record<string, string>): Run {
  const run = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts(), ...inputs }, env })
  afterTest(name, run)
  return run
}

/** Every line of both keys that could identify them (the PEM armour is public). */
const keyLines = [pki1('client.key'), pki2('client.key')].flatMap(k =>
  text(k)
    .split('\n')
    .map(l => l.trim())
    .filter(l => l.length >= 8 && !l.startsWith('-----'))
)

/**
 * Everything a runner shows or keeps from the two steps: log lines (both streams; the
 * `::add-mask::` commands are consumed by the runner, never shown), outputs, summary and
 * saved state. Returns the places where a line of a key appears.
 */
function leaks(run: Run, steps: StepResult[]): string[] {
  const places: [string, string][] = []
  steps.forEach((s, i) => {
    const shown = s.stdout.split('\n').filter(l => !l.startsWith('::add-mask::'))
    places.push([`step ${i} stdout`, shown.join('\n')], [`step ${i} stderr`, s.stderr])
  })
  for (const [k, v] of Object.entries(readOutputs(run))) places.push([`output ${k}`, v])
  for (const [k, v] of Object.entries(readState(run))) places.push([`state ${k}`, v])
  places.push(['summary', readSummary(run)])
  const hits: string[] = []
  for (const [where, content] of places) {
    for (const line of keyLines) if (content.includes(line)) hits.push(`${where}: ${line.slice(0, 6)}…`)
  }
  return hits
}

const twoRegistries = {
  'registry-certs': [
    `myregistry.test:5443 ca=${pki1('ca.pem')} cert=env:REG_CERT key=env:REG_KEY`,
    `second.test ca=env:SECOND_CA cert=${pki2('client.crt')} key=${pki2('client.key')}`
  ].join('\n')
}
const secretsEnv = { REG_CERT: text(pki1('client.crt')), REG_KEY: text(pki1('client.key')), SECOND_CA: text(pki2('ca.pem')) }

describeDocker('registry certificates', () => {
  test('two registries, two keypairs, from env: and from files: the builder holds them with matching hashes', async () => {
    const name = uniqueName('certs')
    const run = start(name, twoRegistries, secretsEnv)
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(readOutputs(run).verified).toBe('true')
    // The config output is the config as the builder has it: no path post deletes.
    expect(readOutputs(run).config).toContain('"/etc/buildkit/certs/myregistry.test_5443/')
    expect(readOutputs(run).config).not.toContain(run.runnerTemp)

    // Independently of the action's own check: follow the paths of the config in the
    // builder to the files and hash them there.
    const regs = configInBuilder(name).registry as Record<string, { ca: string[]; keypair: { cert: string; key: string }[] }>
    const expected: [string, string][] = [
      [regs['myregistry.test:5443'].ca[0], sha(pki1('ca.pem'))],
      [regs['myregistry.test:5443'].keypair[0].cert, sha(pki1('client.crt'))],
      [regs['myregistry.test:5443'].keypair[0].key, sha(pki1('client.key'))],
      [regs['second.test'].ca[0], sha(pki2('ca.pem'))],
      [regs['second.test'].keypair[0].cert, sha(pki2('client.crt'))],
      [regs['second.test'].keypair[0].key, sha(pki2('client.key'))]
    ]
    expect(expected.map(([p]) => path.dirname(p))).toEqual([
      ...Array(3).fill('/etc/buildkit/certs/myregistry.test_5443'),
      ...Array(3).fill('/etc/buildkit/certs/second.test')
    ])
    const sums = docker(['exec', containerOf(name), 'sha256sum', ...expected.map(([p]) => p)])
    expect(sums.status).toBe(0)
    expect(
      sums.stdout
        .trim()
        .split('\n')
        .map(l => l.split(/\s+/).reverse())
    ).toEqual(expected)

    // The run's files: directories 0700, keys 0600, certificates 0644.
    const runDir = readState(run).runDir
    const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8)
    expect(mode(runDir)).toBe('700')
    expect(mode(path.join(runDir, 'certs'))).toBe('700')
    const files = fs.readdirSync(path.join(runDir, 'certs'))
    expect(files).toHaveLength(6)
    for (const f of files) expect([f, mode(path.join(runDir, 'certs', f))]).toEqual([f, f.endsWith('.key') ? '600' : '644'])

    // The summary shows certificates by subject and fingerprint.
    const summary = readSummary(run)
    for (const s of ['CN=fixture-test-ca', 'CN=fixture-client', 'CN=second-test-ca', 'CN=second-client']) expect(summary).toContain(s)
    expect(summary).toMatch(/SHA256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/)

    const post = await runPost(run)
    expect(post.exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect(leaks(run, [main, post])).toEqual([])
  })

  // The leak test: main and post with keys from the environment and from a file, on
  // success and on each failure path; no line of either key anywhere a runner shows.
  test.each([
    ['success', {}, {}, undefined],
    [
      'a key that does not match its certificate',
      {},
      { REG_KEY: text(pki2('client.key')) },
      /^input "registry-certs", line 1: key env:REG_KEY does not match certificate/
    ],
    [
      'a keypair without its key',
      { 'registry-certs': `r.test cert=env:REG_CERT\nsecond.test key=env:REG_KEY cert=${pki2('client.crt')}` },
      {},
      /line 1: cert= has no key=/
    ],
    [
      'a missing CA file after the keys were read',
      { 'registry-certs': `${twoRegistries['registry-certs']}\nthird.test ca=/nonexistent/ca.pem` },
      {},
      /line 3: ca \/nonexistent\/ca.pem does not exist/
    ],
    [
      'a daemon that will not start (debug on)',
      { 'buildkitd-flags': '--no-such-flag', debug: 'true' },
      {},
      /^the BuildKit daemon did not start: buildkitd: flag provided but not defined: -no-such-flag/
    ]
  ] as [string, Record<string, string>, Record<string, string>, RegExp | undefined][])(
    'no key material anywhere: %s',
    async (_title, inputs, env, failure) => {
      const name = uniqueName('leak')
      const run = start(name, { ...twoRegistries, ...inputs }, { ...secretsEnv, ...env })
      const main = await runMain(run)
      if (failure) expect(errors(main.stdout)).toEqual([expect.stringMatching(failure)])
      else expect(errors(main.stdout)).toEqual([])
      const post = await runPost(run)
      expect(post.exitCode).toBe(0)
      expect(leftovers(name, run.runnerTemp)).toEqual([])
      expect(leaks(run, [main, post])).toEqual([])
      // The keys were registered with the runner for masking, line by line.
      if (failure === undefined) {
        const masked = new Set(
          main.stdout
            .split('\n')
            .filter(l => l.startsWith('::add-mask::'))
            .map(l => l.slice(12))
        )
        for (const line of keyLines) expect(masked.has(line)).toBe(true)
      }
    }
  )

  test('a base config naming certificates: checked, copied, verified', async () => {
    const name = uniqueName('basecerts')
    const base =
      `[registry."myregistry.test:5443"]\nca = ["${pki1('ca.pem')}"]\n[[registry."myregistry.test:5443".keypair]]\ncert = ` +
      `"${pki1('client.crt')}"\nkey = "${pki1('client.key')}"\n`
    const run = start(name, { 'buildkitd-config-inline': base }, {})
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(readOutputs(run).verified).toBe('true')
    const reg = (configInBuilder(name).registry as Record<string, { ca: string[] }>)['myregistry.test:5443']
    expect(docker(['exec', containerOf(name), 'sha256sum', reg.ca[0]]).stdout.split(' ')[0]).toBe(sha(pki1('ca.pem')))
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect(leaks(run, [main])).toEqual([])
  })

  // Issue #18: a key pasted inline as base64 (key=LS0tLS1CRUdJTi…) was echoed in the error and
  // the summary before it was masked. It is refused before anything is created, by input and
  // line, and no part of it appears anywhere a runner shows or keeps.
  test('a key given inline as base64 is refused without being echoed', async () => {
    const name = uniqueName('inlinekey')
    const b64 = Buffer.from(text(pki1('client.key'))).toString('base64')
    const run = start(name, { 'registry-certs': `myregistry.test:5443 cert=${pki1('client.crt')} key=${b64}` }, {})
    const main = await runMain(run)
    expect(main.exitCode).not.toBe(0)
    expect(errors(main.stdout).join('\n')).toContain('input "registry-certs", line 1: key= holds what looks like key or certificate text')
    const shown = [main.stdout, main.stderr, readSummary(run), ...Object.values(readOutputs(run)), ...Object.values(readState(run))].join(
      '\n'
    )
    for (let i = 0; i + 16 <= b64.length; i += 16) expect(shown).not.toContain(b64.slice(i, i + 16))
    expect(leaks(run, [main])).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })
})
