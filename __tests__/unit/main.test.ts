import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fixture, pki, stepFiles } from '../helpers.js'

// The main and post steps with the Docker seam replaced: which steps run, in which order,
// and what is left behind on each failure path. (The real engine is exercised by the
// integration tests.)
const calls: string[] = []
let configWritten = ''
/** The daemon's arguments as the container would have them (what readBack reports). */
let daemonCmd: string[] = []
/** buildx's record of builders: name → owner mark (what builderOwner reads). */
const registered = new Map<string, string>()
/** The daemons' containers on the engine: name → Config.Env (what containerEnv reads). */
const containers = new Map<string, string[]>()
/** Nodes detached from their builder's record (buildx create --leave). */
const left = new Set<string>()
const ownerIn = (args: string[]): string => args.find(a => a.startsWith('env.BUILDKIT_BUILDER_ACTION_OWNER='))?.split('=')[1] ?? ''
const docker = {
  toolVersions: jest.fn(async (_askEngine?: boolean): Promise<{ docker?: string; buildx?: string; standalone: boolean }> => ({
    docker: '28.0.0',
    buildx: 'github.com/docker/buildx v0.29.1',
    standalone: false
  })),
  buildxVersion: jest.fn(async () => 'github.com/docker/buildx v0.30.1 abc'),
  builderOwner: jest.fn((name: string) => (calls.push(`owner? ${name}`), registered.get(name))),
  // A kept builder's record (drivers/kept.ts), when a test sets one; otherwise buildx has none that is kept.
  builderRecordOf: jest.fn((_name: string): unknown => undefined),
  builderNodes: jest.fn((name: string) =>
    registered.has(name) ? [{ Name: `${name}0`, Endpoint: 'unix:///var/run/docker.sock', DriverOpts: {}, Flags: [] }] : []
  ),
  createBuilder: jest.fn(async (args: string[]) => {
    calls.push('create')
    // What buildx does: register the builder with its driver options, copy the config.
    const name = args[args.indexOf('--name') + 1]
    registered.set(name, ownerIn(args))
    // buildx takes over a container of the node's name that exists; else it makes one with the mark.
    if (!containers.has(`buildx_buildkit_${name}0`))
      containers.set(`buildx_buildkit_${name}0`, ['PATH=/usr/bin', `BUILDKIT_BUILDER_ACTION_OWNER=${ownerIn(args)}`])
    configWritten = fs.readFileSync(args[args.indexOf('--config') + 1], 'utf8')
    const flags = args.indexOf('--buildkitd-flags')
    daemonCmd = ['--config', '/etc/buildkit/buildkitd.toml', ...(flags === -1 ? [] : args[flags + 1].split(' '))]
  }),
  // A kept builder is started (and made the current builder) by buildx; nothing else here needs these.
  bootBuilder: jest.fn(async (args: string[]) => void calls.push(args.join(' '))),
  useBuilder: jest.fn(async (name: string) => void calls.push(`use ${name}`)),
  removeBuilder: jest.fn(async (args: string[]) => {
    calls.push(args.join(' '))
    const name = args[args.length - 1]
    for (const n of registered.has(name) && !args.includes('--keep-daemon') ? docker.builderNodes(name) : [])
      if (!left.has(n.Name)) containers.delete(`buildx_buildkit_${n.Name}`)
    registered.delete(name)
    return { ok: true, message: '' }
  }),
  // The Engine API path removes the containers itself and buildx only the record; to the
  // flow it is one removal, as buildx rm would do it.
  removeDaemonBuilder: jest.fn(async (_b: string, _n: unknown, _k: boolean, args: { fallbackArgs: string[] }) =>
    docker.removeBuilder(args.fallbackArgs)
  ),
  containerEnv: jest.fn(async (at: { engine: string[]; container: string }) => containers.get(at.container)),
  leaveNode: jest.fn(async (args: string[]) => (calls.push(args.join(' ')), left.add(args[args.length - 1]), { ok: true, message: '' })),
  containerExists: jest.fn(async () => true),
  // Whether a node's container runs (a kept builder's start is skipped then); stopped unless a test says so.
  containerRunning: jest.fn(async (_at: { engine: string[]; container: string }) => false),
  daemonLogTail: jest.fn(async () => (calls.push('log'), 'time="x" level=info msg="daemon log"')),
  readBack: jest.fn(
    async (container: string): Promise<{ configText: string; cmd: string[]; sha256Text: string }> => (
      calls.push(`readBack ${container}`),
      { configText: configWritten, cmd: daemonCmd, sha256Text: '' }
    )
  ),
  workersJson: jest.fn(async () => fixture('01-workers-json.stdout')),
  // The seam's observe(): the workers and the read-back, from the two helpers above, so a
  // test can replace either; a part that throws is reported as that part's error.
  readBackContainer: jest.fn(async (at: { engine: string[]; container: string }) => {
    const workers = await docker.workersJson().then(
      text => ({ text }),
      (e: Error) => ({ error: e.message })
    )
    const readBack = await docker.readBack([...at.engine, at.container].join(' ')).catch((e: Error) => ({ error: e.message }))
    return { workers, readBack }
  }),
  // By default every reference resolves at once (the 05-mirror-ok capture: no failed host).
  resolveInBuilder: jest.fn(
    async (_container: string, refs: string[]) => (
      calls.push(`resolve ${refs.join(' ')}`),
      {
        exitCode: 0,
        stderr: '',
        stdout: refs.map((_r, i) => `@@resolve-begin ${i + 1}\n${fixture('05-mirror-ok.stderr')}@@resolve-end ${i + 1} 0\n`).join('')
      }
    )
  ),
  daemonLogSince: jest.fn(async () => (calls.push('logs'), '')),
  // By default every docker.io mirror serves the BuildKit image (image-via-mirror).
  pullImage: jest.fn(async (_engine: string[], _ref: string) => ({ digest: `sha256:${'d'.repeat(64)}`, how: 'pulled' })),
  copyDefaultContext: jest.fn(async (name: string, _description: string) => void calls.push(`context create ${name}`)),
  removeContext: jest.fn(async (name: string) => void calls.push(`context rm ${name}`))
}
jest.unstable_mockModule('../../src/docker/cli.js', () => docker)
// The install of a pinned buildx (its own tests are install.test.ts): what main asks of it.
const install = {
  installBuildx: jest.fn(
    async (req: { version: string }, host: { runDir: string; standaloneDir?: string }) => (
      calls.push(`install ${req.version}${host.standaloneDir ? ` standalone in ${host.standaloneDir}` : ''}`),
      { version: 'v0.30.1', pluginPath: path.join(host.standaloneDir ?? host.runDir, 'plugin'), source: 'download', sha256: 'ab', url: 'u' }
    )
  ),
  restorePlugin: jest.fn((saved: { pluginPath: string }) => (calls.push(`restore ${path.basename(saved.pluginPath)}`), 'restored'))
}
jest.unstable_mockModule('../../src/install/install.js', () => install)
jest.unstable_mockModule('../../src/install/plugin-file.js', () => ({ restorePlugin: install.restorePlugin }))
const { runMain } = await import('../../src/main.js')
const { resetRecord } = await import('../../src/runner/state.js')
const { fail } = await import('../../src/runner/log.js')
const { runPost } = await import('../../src/post.js')
const { recordedArgs } = await import('../../src/drivers/ownership.js')

const { dir, files, reset, outputs, state, runDirs, remove } = stepFiles('main-test-')
const saved = { ...process.env }
afterAll(remove)
beforeEach(() => {
  calls.length = 0
  registered.clear()
  containers.clear()
  left.clear()
  resetRecord()
  reset({ INPUT_NAME: 'unit1', INPUT_MIRRORS: 'docker.io=mirror.gcr.io', INPUT_DEBUG: 'true' })
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...saved }
})

describe("buildx: the runner's, or a pinned one", () => {
  test('a buildx older than the oldest supported: an error saying what to do, nothing created', async () => {
    docker.toolVersions.mockResolvedValueOnce({ docker: '28.0.0', buildx: 'github.com/docker/buildx v0.10.4 c513d34', standalone: false })
    await expect(runMain()).rejects.toThrow(
      /buildx is v0.10.4, older than v0.11.0, the oldest this action works with: set the input version/
    )
    expect(calls).toEqual([])
    expect(runDirs()).toEqual([])
  })

  test.each([
    ['docker-container', true],
    ['kubernetes', false],
    ['remote', false],
    ['', true],
    ['no-such-driver', true]
  ])('driver %j: the engine is asked for its version: %s', async (driver, asked) => {
    process.env.INPUT_DRIVER = driver
    if (driver === 'kubernetes' || driver === 'remote') process.env.INPUT_MIRRORS = ''
    await runMain().catch(() => undefined)
    expect(docker.toolVersions).toHaveBeenCalledWith(asked)
  })

  test('no buildx on the runner: the latest release is installed, checked, and post puts the plugin directory back', async () => {
    docker.toolVersions.mockResolvedValueOnce({ docker: '28.0.0', standalone: false })
    await runMain()
    expect(calls.slice(0, 2)).toEqual(['install latest', 'owner? unit1'])
    expect(JSON.parse(state().buildxPlugin)).toMatchObject({ sha256: 'ab' })
    resetRecord()
    process.env.STATE_buildxPlugin = state().buildxPlugin
    for (const [k, v] of Object.entries(state())) process.env[`STATE_${k}`] = v
    await runPost()
    expect(calls).toContain('restore plugin')
  })

  test('no docker CLI and no buildx (a runner in Kubernetes): the latest is installed standalone in the run directory, put on PATH', async () => {
    process.env.INPUT_DRIVER = 'kubernetes'
    process.env.INPUT_MIRRORS = ''
    process.env.GITHUB_PATH = path.join(dir, 'github-path')
    fs.writeFileSync(process.env.GITHUB_PATH, '')
    docker.toolVersions.mockResolvedValueOnce({ standalone: true })
    // Stops after the install (no kubectl here): what matters is how buildx was installed.
    await runMain().catch(() => undefined)
    const installDir = calls[0]?.replace(/^install latest standalone in /, '') ?? ''
    expect(calls[0]).toBe(`install latest standalone in ${installDir}`)
    expect(path.basename(installDir)).toBe('buildx-standalone')
    expect(path.basename(path.dirname(installDir))).toMatch(/^buildkit-builder-/)
    expect(fs.readFileSync(process.env.GITHUB_PATH, 'utf8')).toBe(`${installDir}\n`)
    expect(process.env.PATH?.split(path.delimiter)[0]).toBe(installDir)
    expect(state().buildxPlugin ?? '').toBe('')
    expect(calls).not.toContain('restore plugin')
  })

  test('version set, but the docker CLI runs another buildx: an error naming both, and the plugin is put back', async () => {
    process.env.INPUT_VERSION = 'v0.30.1'
    docker.buildxVersion.mockResolvedValueOnce('github.com/docker/buildx v0.29.1 abc')
    await expect(runMain()).rejects.toThrow(/docker buildx runs buildx v0.29.1, not v0.30.1/)
    expect(calls).toEqual(['install v0.30.1', 'restore plugin'])
    expect(runDirs()).toEqual([])
  })
})

describe('main', () => {
  test('success: create, verify, outputs, summary, state for post', async () => {
    await runMain()
    expect(calls).toEqual(['owner? unit1', 'create', 'readBack --host unix:///var/run/docker.sock buildx_buildkit_unit10'])
    expect(outputs()).toMatchObject({
      name: 'unit1',
      driver: 'docker-container',
      platforms: 'linux/amd64,linux/amd64/v2,linux/amd64/v3,linux/amd64/v4,linux/386',
      'buildkit-version': 'v0.29.0',
      verified: 'true',
      config: 'debug = true\n\n[registry."docker.io"]\nmirrors = [ "mirror.gcr.io" ]\n'
    })
    expect(state()).toMatchObject({ builderName: 'unit1', builderCreated: 'true', cleanup: 'true', keepState: 'false' })
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('<h2>BuildKit builder unit1</h2>')
    expect(runDirs()).toHaveLength(1)
  })

  test('bad input: nothing is created or called', async () => {
    process.env.INPUT_MIRRORS = 'docker.io'
    await expect(runMain()).rejects.toThrow('input "mirrors", line 1: "docker.io" is not REGISTRY=MIRROR')
    expect(calls).toEqual([])
    expect(runDirs()).toEqual([])
  })

  test('a key BuildKit would ignore (mirror for mirrors): an error before anything exists', async () => {
    process.env['INPUT_BUILDKITD-CONFIG-INLINE'] = '[registry."docker.io"]\nmirror = ["mirror.gcr.io"]\n'
    process.env.INPUT_MIRRORS = ''
    await expect(runMain()).rejects.toThrow(
      'input "buildkitd-config-inline": registry."docker.io".mirror: BuildKit has no such key; did you mean mirrors?'
    )
    expect(calls).toEqual([])
    expect(runDirs()).toEqual([])
  })

  test('an http:// mirror in a base config without http = true: the error shows the section to add', async () => {
    process.env['INPUT_BUILDKITD-CONFIG-INLINE'] = '[registry."docker.io"]\nmirrors = ["http://10.0.0.5:5000"]\n'
    process.env.INPUT_MIRRORS = ''
    await expect(runMain()).rejects.toThrow(
      'registry."docker.io".mirrors[0]: "http://10.0.0.5:5000" is plain HTTP, but BuildKit drops the scheme and speaks HTTPS to 10.0.0.5:5000 unless ' +
        'its own section says so; add [registry."10.0.0.5:5000"] http = true'
    )
    expect(calls).toEqual([])
  })

  test('the same with http-registries naming the mirror: fixed by the input, no error', async () => {
    Object.assign(process.env, {
      'INPUT_BUILDKITD-CONFIG-INLINE': '[registry."docker.io"]\nmirrors = ["http://10.0.0.5:5000"]\n',
      INPUT_MIRRORS: '',
      'INPUT_HTTP-REGISTRIES': '10.0.0.5:5000'
    })
    await runMain()
    expect(outputs().verified).toBe('true')
  })

  test('verify: warn makes an unknown key a warning', async () => {
    Object.assign(process.env, { 'INPUT_BUILDKITD-CONFIG-INLINE': '[worker.oci]\nmax_parallelism = 4\n', INPUT_VERIFY: 'warn' })
    const printed: string[] = []
    ;(process.stdout.write as unknown as jest.Mock).mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
    await runMain()
    expect(printed.filter(l => l.startsWith('::warning::'))).toEqual([
      expect.stringContaining('worker.oci.max_parallelism: BuildKit has no such key; did you mean max-parallelism?')
    ])
  })

  test('a builder of that name exists: error, and it is not touched', async () => {
    registered.set('unit1', '')
    await expect(runMain()).rejects.toThrow('a builder named "unit1" already exists')
    expect(docker.createBuilder).not.toHaveBeenCalled()
    expect(docker.removeBuilder).not.toHaveBeenCalled()
    expect(runDirs()).toEqual([])
  })

  test('bootstrap fails (the builder is registered): daemon log shown, builder removed, files removed', async () => {
    docker.createBuilder.mockImplementationOnce(async (args: string[]) => {
      calls.push('create')
      registered.set('unit1', ownerIn(args))
      throw new Error('docker buildx create failed (exit code 1): ERROR: boom')
    })
    await expect(runMain()).rejects.toThrow('docker buildx create failed (exit code 1): ERROR: boom')
    // The daemon's log is read for a cause (none in this one), then shown by the clean-up.
    expect(calls).toEqual(['owner? unit1', 'create', 'owner? unit1', 'log', 'owner? unit1', 'log', 'buildx rm unit1'])
    expect(runDirs()).toEqual([])
    expect(state()).toMatchObject({ builderCreated: 'false', runDir: '' })
    expect(fs.readFileSync(files.summary, 'utf8')).toBe(
      '<h2>BuildKit builder unit1: not set up</h2>\n<pre>docker buildx create failed (exit code 1): ERROR: boom</pre>\n' +
        '<p>Whatever this run had created was removed.</p>\n\n'
    )
  })

  test("a daemon that exits at start: its own first error line is the step's error (NULs and repeats dropped)", async () => {
    docker.createBuilder.mockImplementationOnce(async (args: string[]) => {
      registered.set('unit1', ownerIn(args))
      throw new Error(
        'docker buildx create failed (exit code 1): ERROR: Error response from daemon: Container 3e57 is restarting, wait until the container is running'
      )
    })
    docker.daemonLogTail.mockImplementation(
      async () =>
        'time="t" level=warning msg="CDI setup error /var/run/cdi: no such file"\nfailed to read cni config "": stat : no such file or ' +
        'directory\n\u0002\u0000\u0000github.com/moby/buildkit/util/network/cniprovider.New\nfailed to read cni config "": stat : no such file or directory\n'
    )
    await expect(runMain()).rejects.toThrow(
      'the BuildKit daemon did not start: failed to read cni config "": stat : no such file or directory\n(docker buildx create failed (exit code 1): ' +
        'ERROR: Error response from daemon: Container 3e57 is restarting'
    )
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('the BuildKit daemon did not start: failed to read cni config')
    docker.daemonLogTail.mockReset()
    docker.daemonLogTail.mockImplementation(async () => (calls.push('log'), 'time="x" level=info msg="daemon log"'))
  })

  test('verification mismatch with verify: true fails and cleans up', async () => {
    docker.readBack.mockImplementationOnce(async () => ({
      configText: 'debug = false\n',
      cmd: ['--config', '/etc/buildkit/buildkitd.toml'],
      sha256Text: ''
    }))
    await expect(runMain()).rejects.toThrow(
      new RegExp(
        String.raw`the builder does not run with the planned configuration:\n- the config in the builder differs ` +
          String.raw`.*\n {2}debug\n {4}- expected: true\n {4}\+ in builder: false`
      )
    )
    expect(calls).toEqual(['owner? unit1', 'create', 'owner? unit1', 'log', 'buildx rm unit1'])
    expect(outputs().verified).toBe('false')
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('Verification problems')
    expect(runDirs()).toEqual([])
  })

  test('a builder that can not be read back is a verification problem, not a crash', async () => {
    process.env.INPUT_VERIFY = 'warn'
    docker.readBack.mockRejectedValueOnce(new Error('docker inspect of the builder container failed (exit code 1): no such container'))
    await runMain()
    expect(outputs().verified).toBe('false')
    expect(fs.readFileSync(files.summary, 'utf8')).toContain(
      'the builder could not be read back: docker inspect of the builder container failed'
    )
  })

  test('verification mismatch with verify: warn passes with verified=false', async () => {
    process.env.INPUT_VERIFY = 'warn'
    docker.readBack.mockImplementationOnce(async () => ({ configText: '', cmd: [], sha256Text: '' }))
    await runMain()
    expect(outputs().verified).toBe('false')
    expect(docker.removeBuilder).not.toHaveBeenCalled()
  })

  test('verify: false skips the read-back', async () => {
    process.env.INPUT_VERIFY = 'false'
    // The daemon is asked for its version all the same (one docker exec); its config is not compared.
    docker.readBack.mockImplementationOnce(async () => ({ configText: 'debug = false\n', cmd: [], sha256Text: '' }))
    await runMain()
    expect(outputs()).toMatchObject({ verified: 'false', 'buildkit-version': 'v0.29.0' })
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('skipped (verify: false)')
    expect(fs.readFileSync(files.summary, 'utf8')).not.toContain('Verification problems')
  })
})

describe('the BuildKit image through the docker.io mirror (issue #23)', () => {
  const DIGEST = `sha256:${'d'.repeat(64)}`
  const createArgs = (): string[] => docker.createBuilder.mock.calls[0][0] as string[]
  const imageOpts = (): string[] => createArgs().filter((a, i) => createArgs()[i - 1] === '--driver-opt' && a.startsWith('image='))
  const warningsPrinted = (printed: string[]): string[] => printed.filter(l => l.startsWith('::warning::'))
  const capture = (): string[] => {
    const printed: string[] = []
    ;(process.stdout.write as unknown as jest.Mock).mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
    return printed
  }

  test.each([
    ["buildx's default image", '', 'moby/buildkit:buildx-stable-1', 'mirror.gcr.io/moby/buildkit:buildx-stable-1'],
    ['image= of driver-opts', 'image=moby/buildkit:v0.29.0\nnetwork=host', 'moby/buildkit:v0.29.0', 'mirror.gcr.io/moby/buildkit:v0.29.0']
  ])(
    "%s: pulled from the mirror on the node's engine, buildx given its reference last; log, nodes output and summary say so",
    async (_what, opts, original, ref) => {
      process.env['INPUT_DRIVER-OPTS'] = opts.replace('\\n', '\n')
      const printed = capture()
      await runMain()
      expect(docker.pullImage).toHaveBeenCalledWith([], ref)
      expect(imageOpts()).toEqual([...(opts.includes('image=') ? [`image=${original}`] : []), `image=${ref}`])
      expect(printed).toContain(
        `the first node: BuildKit image ${original}: pulled ${ref} from the docker.io mirror mirror.gcr.io, digest ${DIGEST}\n`
      )
      expect(warningsPrinted(printed)).toEqual([])
      expect(JSON.parse(outputs().nodes)[0].image).toEqual({ ref, source: 'docker.io mirror mirror.gcr.io', digest: DIGEST })
      expect(fs.readFileSync(files.summary, 'utf8')).toContain(
        `<tr><th align="left">Image source</th><td><code>${ref}</code> (docker.io mirror mirror.gcr.io, <code>${DIGEST}</code>)</td></tr>`
      )
    }
  )

  test("the pull starts while buildx answers for its version; its lines are shown in its own step's group", async () => {
    let pulled = false
    docker.pullImage.mockImplementationOnce(async () => ((pulled = true), { digest: DIGEST, how: 'pulled' }))
    docker.toolVersions.mockImplementationOnce(async () => {
      // buildx's answer comes only once the pull has started (or, without the overlap, late).
      for (let i = 0; i < 100 && !pulled; i++) await new Promise(r => setTimeout(r, 2))
      calls.push(pulled ? 'versions: the pull had started' : 'versions: no pull yet')
      return { docker: '28.0.0', buildx: 'github.com/docker/buildx v0.29.1', standalone: false }
    })
    const printed = capture()
    await runMain()
    expect(calls).toContain('versions: the pull had started')
    const at = (line: string): number => printed.findIndex(l => l.startsWith(line))
    expect(at('::group::Check Docker and Buildx')).toBeLessThan(at('::group::Take the BuildKit image from the docker.io mirror'))
    expect(at('::group::Take the BuildKit image from the docker.io mirror')).toBeLessThan(at('the first node: BuildKit image'))
  })

  test('the mirror does not serve it: the original reference, one warning, and the nodes output says "original reference"', async () => {
    docker.pullImage.mockRejectedValueOnce(new Error('manifest unknown'))
    const printed = capture()
    await runMain()
    // buildx is left its own default, the original reference (no image= added on fallback).
    expect(imageOpts()).toEqual([])
    expect(warningsPrinted(printed)).toEqual([
      '::warning::the first node: BuildKit image moby/buildkit:buildx-stable-1 is not taken from a docker.io mirror: mirror mirror.gcr.io ' +
        '(mirror.gcr.io/moby/buildkit:buildx-stable-1): manifest unknown. Using the original reference, which is pulled from Docker Hub ' +
        '(set image-via-mirror: false to skip the mirrors for it)\n'
    ])
    expect(JSON.parse(outputs().nodes)[0].image).toEqual({
      ref: 'moby/buildkit:buildx-stable-1',
      source: 'original reference',
      digest: null
    })
  })

  test.each([
    ['image-via-mirror: false', { 'INPUT_IMAGE-VIA-MIRROR': 'false' }],
    ['no docker.io mirror', { INPUT_MIRRORS: 'ghcr.io=ghcr-mirror.example' }],
    ['an image of another registry', { 'INPUT_DRIVER-OPTS': 'image=ghcr.io/team/buildkit:1' }],
    // verify: warn: the fixture daemon reports host networking, not cni.
    ['cni-image of another registry', { 'INPUT_CNI-IMAGE': 'ghcr.io/team/buildkit-cni:1', INPUT_VERIFY: 'warn' }]
  ])('%s: nothing pulled, buildx given the image as asked, no image in the nodes output', async (_what, env) => {
    Object.assign(process.env, env)
    await runMain()
    expect(docker.pullImage).not.toHaveBeenCalled()
    expect(imageOpts().every(o => !o.includes('mirror.gcr.io'))).toBe(true)
    expect(JSON.parse(outputs().nodes)[0].image).toBeUndefined()
  })

  test("a Docker Hub cni-image is the node's image: it comes from the mirror too, after the CNI addition's image=", async () => {
    Object.assign(process.env, { 'INPUT_CNI-IMAGE': 'team/buildkit-cni:1', INPUT_VERIFY: 'warn' })
    await runMain()
    expect(docker.pullImage).toHaveBeenCalledWith([], 'mirror.gcr.io/team/buildkit-cni:1')
    expect(imageOpts()).toEqual(['image=team/buildkit-cni:1', 'image=mirror.gcr.io/team/buildkit-cni:1'])
  })

  test("a base config's docker.io mirrors count too, in order: the second serves it", async () => {
    process.env.INPUT_MIRRORS = ''
    process.env['INPUT_BUILDKITD-CONFIG-INLINE'] = '[registry."docker.io"]\nmirrors = ["first.example", "second.example/hub"]\n'
    docker.pullImage.mockRejectedValueOnce(new Error('connection refused'))
    await runMain()
    expect(docker.pullImage.mock.calls.map(c => c[1])).toEqual([
      'first.example/moby/buildkit:buildx-stable-1',
      'second.example/hub/moby/buildkit:buildx-stable-1'
    ])
    expect(imageOpts()).toEqual(['image=second.example/hub/moby/buildkit:buildx-stable-1'])
  })
})

describe('verify-pull and check-registries (fed with the real 05-* captures)', () => {
  /** The script's output for one reference, from a capture's buildctl stderr and exit code. */
  const captured = (name: string) => async () => ({
    exitCode: 0,
    stderr: '',
    stdout: `@@resolve-begin 1\n${fixture(`${name}.stderr`)}@@resolve-end 1 ${fixture(`${name}.exit`).trim()}\n`
  })
  beforeEach(() => {
    Object.assign(process.env, { INPUT_MIRRORS: 'docker.io=http://127.0.0.1:5009', 'INPUT_VERIFY-PULL': 'alpine' })
  })

  test('served by the mirror: pulls output, verified, one line in the log, a summary table', async () => {
    process.env.INPUT_MIRRORS = 'docker.io=http://mirror.rig.test:5001'
    await runMain()
    expect(calls).toEqual([
      'owner? unit1',
      'create',
      'readBack --host unix:///var/run/docker.sock buildx_buildkit_unit10',
      'resolve docker.io/library/alpine:latest',
      'logs'
    ])
    expect(JSON.parse(outputs().pulls)).toEqual([
      {
        ref: 'docker.io/library/alpine:latest',
        status: 'ok',
        ok: true,
        host: 'mirror.rig.test:5001',
        via_mirror: true,
        error: null,
        node: 'unit10'
      }
    ])
    expect(outputs()).toMatchObject({ verified: 'true', registries: '[]' })
    const summary = fs.readFileSync(files.summary, 'utf8')
    expect(summary).toContain(
      '<td><code>docker.io/library/alpine:latest</code></td><td>✅ ok</td><td><code>mirror.rig.test:5001</code> (mirror)</td>'
    )
  })

  test('dead mirror (real capture): the step fails naming the mirror; the builder is removed', async () => {
    docker.resolveInBuilder.mockImplementationOnce(captured('05-mirror-dead'))
    docker.daemonLogSince.mockImplementationOnce(async () => fixture('05-mirror-dead.daemon.log'))
    await expect(runMain()).rejects.toThrow(
      /- docker\.io\/library\/alpine:latest: nothing listens at mirror 127\.0\.0\.1:5009 \(connection refused\)/
    )
    expect(JSON.parse(outputs().pulls)[0]).toMatchObject({ status: 'failed', ok: false, host: null })
    expect(outputs().verified).toBe('false')
    expect(calls.slice(-2)).toEqual(['log', 'buildx rm unit1'])
  })

  test('verify: warn makes a failed resolution a warning', async () => {
    process.env.INPUT_VERIFY = 'warn'
    docker.resolveInBuilder.mockImplementationOnce(captured('05-mirror-dead'))
    docker.daemonLogSince.mockImplementationOnce(async () => fixture('05-mirror-dead.daemon.log'))
    const printed: string[] = []
    ;(process.stdout.write as unknown as jest.Mock).mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
    await runMain()
    expect(outputs().verified).toBe('false')
    // The node read back fine, but what it resolved failed: the node is not verified either.
    expect(JSON.parse(outputs().nodes)).toEqual([expect.objectContaining({ name: 'unit10', verified: false })])
    expect(printed.filter(l => l.startsWith('::warning::'))).toHaveLength(1)
    expect(docker.removeBuilder).not.toHaveBeenCalled()
  })

  test('verify: false skips verify-pull', async () => {
    process.env.INPUT_VERIFY = 'false'
    await runMain()
    expect(docker.resolveInBuilder).not.toHaveBeenCalled()
    expect(outputs().pulls).toBe('[]')
  })

  test("the daemon log can't be read: resolved, host unknown, not a failure", async () => {
    docker.daemonLogSince.mockRejectedValueOnce(new Error("reading the daemon's log failed"))
    await runMain()
    expect(JSON.parse(outputs().pulls)[0]).toMatchObject({ status: 'ok', host: null, via_mirror: null })
    expect(outputs().verified).toBe('true')
  })

  const probeOf = (text: string): string =>
    text.replaceAll('docker.io/library/alpine:latest', 'docker.io/buildkit-builder-check/absent:probe')
  test('check-registries: one probe through the registry and its mirror; a dead mirror fails', async () => {
    Object.assign(process.env, { 'INPUT_VERIFY-PULL': '', 'INPUT_CHECK-REGISTRIES': 'true', INPUT_VERIFY: 'warn' })
    docker.resolveInBuilder.mockImplementationOnce(
      async (_c: string, refs: string[]) => (
        calls.push(`resolve ${refs.join(' ')}`),
        { exitCode: 0, stderr: '', stdout: `@@resolve-begin 1\n${probeOf(fixture('05-mirror-dead.stderr'))}@@resolve-end 1 1\n` }
      )
    )
    docker.daemonLogSince.mockImplementationOnce(async () => probeOf(fixture('05-mirror-dead.daemon.log')))
    await runMain()
    // The mirror's own section ([registry."127.0.0.1:5009"] http = true) is checked through docker.io.
    expect(calls).toContain('resolve docker.io/buildkit-builder-check/absent:probe')
    const regs = JSON.parse(outputs().registries) as { host: string; ok: boolean }[]
    expect(regs.map(r => [r.host, r.ok])).toEqual([
      ['127.0.0.1:5009', false],
      ['docker.io', false]
    ])
  })
})

describe('cleanup: false with client keys (issue #18)', () => {
  test.each([
    ['true', 0],
    ['false', 1]
  ])("cleanup: %s: %d warning(s) that the keys stay in the container and in buildx's record", async (cleanup, n) => {
    Object.assign(process.env, {
      INPUT_NAME: 'unit-kept',
      INPUT_CLEANUP: cleanup,
      INPUT_VERIFY: 'false', // the stand-in read-back has no certificates
      'INPUT_REGISTRY-CERTS': 'myregistry.test:5443 cert=env:REG_CERT key=env:REG_KEY',
      REG_CERT: pki('client.crt'),
      REG_KEY: pki('client.key')
    })
    const printed: string[] = []
    ;(process.stdout.write as unknown as jest.Mock).mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
    await runMain()
    const warnings = printed.filter(l => l.startsWith('::warning::') && l.includes('client keys'))
    expect(warnings).toHaveLength(n)
    if (n > 0) {
      expect(warnings[0]).toContain('input "cleanup": false with client keys (for myregistry.test:5443)')
      expect(warnings[0]).toContain('/etc/buildkit/certs')
      expect(warnings[0]).toContain('~/.docker/buildx/instances/unit-kept')
    }
  })
})

describe('secrets on the verification failure path', () => {
  test('key material echoed by the daemon log or the read-back is never printed or kept', async () => {
    const key = pki('client.key')
    const keyLines = key.split('\n').filter(l => l.length >= 8 && !l.startsWith('-----'))
    Object.assign(process.env, {
      INPUT_NAME: 'unit-leak',
      'INPUT_REGISTRY-CERTS': 'myregistry.test:5443 cert=env:REG_CERT key=env:REG_KEY',
      REG_CERT: pki('client.crt'),
      REG_KEY: key
    })
    // A daemon that prints the key into its log, and a read-back whose diff would show it.
    docker.daemonLogTail.mockImplementationOnce(async () => `level=debug msg="loaded ${keyLines[2]}"\n${key}`)
    docker.readBack.mockImplementationOnce(async () => ({
      configText: `debug = "${keyLines[3]}"\n`,
      cmd: ['--config', '/etc/buildkit/buildkitd.toml'],
      sha256Text: ''
    }))
    const printed: string[] = []
    ;(process.stdout.write as unknown as jest.Mock).mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
    let message = ''
    await runMain().catch((err: Error) => (message = err.message))
    expect(message).toMatch(/the builder does not run with the planned configuration/)
    // What the entry point does with it: the step's error, through the redacting log.
    fail(message)
    // core.setFailed sets process.exitCode: in jest's own process that would fail the whole run.
    process.exitCode = 0
    const shown = printed
      .join('')
      .split('\n')
      .filter(l => !l.startsWith('::add-mask::'))
      .join('\n')
    expect(shown).toMatch(/^::error::the builder does not run with the planned configuration:.*\+ in builder: "\*\*\*"/m)
    expect(shown).toContain('level=debug msg="loaded ***"')
    const kept = [
      shown,
      fs.readFileSync(files.output, 'utf8'),
      fs.readFileSync(files.state, 'utf8'),
      fs.readFileSync(files.summary, 'utf8')
    ]
    for (const line of keyLines) for (const k of kept) expect(k).not.toContain(line)
  })
})

describe('post', () => {
  const postWith = async (st: Record<string, string>) => {
    for (const [k, v] of Object.entries(st)) process.env[`STATE_${k}`] = v
    await runPost()
  }

  test('removes the builder and the run directory', async () => {
    const runDir = fs.mkdtempSync(path.join(dir, 'temp', 'buildkit-builder-'))
    registered.set('p1', 'run-1')
    await postWith({ builderName: 'p1', owner: 'run-1', builderCreated: 'true', cleanup: 'true', keepState: 'false', runDir })
    expect(calls).toEqual(['owner? p1', 'buildx rm p1'])
    expect(fs.existsSync(runDir)).toBe(false)
  })

  test('keep-state keeps the volume', async () => {
    registered.set('p1', 'run-1')
    await postWith({ builderName: 'p1', owner: 'run-1', builderCreated: 'true', cleanup: 'true', keepState: 'true', runDir: '' })
    expect(calls).toEqual(['owner? p1', 'buildx rm --keep-state p1'])
  })

  test('a builder of that name made by another run is left alone, with a warning', async () => {
    registered.set('p1', 'run-2')
    const printed: string[] = []
    ;(process.stdout.write as unknown as jest.Mock).mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
    await postWith({ builderName: 'p1', owner: 'run-1', builderCreated: 'true', cleanup: 'true', runDir: '' })
    expect(calls).toEqual(['owner? p1'])
    expect(printed.filter(l => l.startsWith('::warning::'))).toEqual([expect.stringContaining("builder p1 is not this run's")])
  })

  test('no such builder any more (create failed before buildx registered it): nothing removed, no warning', async () => {
    const printed: string[] = []
    ;(process.stdout.write as unknown as jest.Mock).mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
    await postWith({ builderName: 'p1', owner: 'run-1', builderCreated: 'true', cleanup: 'true', runDir: '' })
    expect(calls).toEqual(['owner? p1'])
    expect(printed.filter(l => l.startsWith('::warning::'))).toEqual([])
  })

  test('cleanup: false leaves the builder but still removes the files', async () => {
    const runDir = fs.mkdtempSync(path.join(dir, 'temp', 'buildkit-builder-'))
    await postWith({ builderName: 'p1', builderCreated: 'true', cleanup: 'false', runDir })
    expect(calls).toEqual([])
    expect(fs.existsSync(runDir)).toBe(false)
  })

  test('main created nothing: post removes nothing', async () => {
    await postWith({ builderName: 'p1', builderCreated: 'false', runDir: '' })
    expect(calls).toEqual([])
  })

  test("a directory that is not the action's is never removed", async () => {
    const other = fs.mkdtempSync(path.join(dir, 'temp', 'other-'))
    await postWith({ runDir: other })
    expect(fs.existsSync(other)).toBe(true)
  })
})

describe("someone else's daemon under a node's name (#18)", () => {
  const mark = (owner: string): string[] => ['PATH=/usr/bin', ...(owner === '' ? [] : [`BUILDKIT_BUILDER_ACTION_OWNER=${owner}`])]
  const printed: string[] = []
  const warnings = () => printed.filter(l => l.startsWith('::warning::'))
  beforeEach(() => {
    printed.length = 0
    ;(process.stdout.write as unknown as jest.Mock).mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
  })
  const postWith = async (st: Record<string, string>) => {
    for (const [k, v] of Object.entries(st)) process.env[`STATE_${k}`] = v
    await runPost()
  }
  const recordedNodes = docker.builderNodes.getMockImplementation()!
  afterEach(() => {
    docker.builderNodes.mockImplementation(recordedNodes)
  })
  const post = { builderName: 'p1', owner: 'run-1', builderCreated: 'true', cleanup: 'true', keepState: 'false', runDir: '' }

  test.each([
    ['carries no mark (another builder, e.g. made by raw buildx)', ''],
    ["carries another run's mark", 'run-2']
  ])('the node container exists and %s: refused before create, nothing created or removed', async (_what, owner) => {
    containers.set('buildx_buildkit_unit10', mark(owner))
    await expect(runMain()).rejects.toThrow(
      /^node unit10 \(the first node\): container buildx_buildkit_unit10 already exists and is not this run's .*Choose another builder name/
    )
    expect(docker.createBuilder).not.toHaveBeenCalled()
    expect(docker.removeBuilder).not.toHaveBeenCalled()
    expect(containers.get('buildx_buildkit_unit10')).toEqual(mark(owner))
    expect(state().builderCreated ?? 'false').toBe('false')
  })

  test("the engine can't be asked: refused too (a place is never assumed free)", async () => {
    docker.containerEnv.mockRejectedValueOnce(new Error('Cannot connect to the Docker daemon'))
    await expect(runMain()).rejects.toThrow(
      /^node unit10 \(the first node\): container buildx_buildkit_unit10 could not be checked: Cannot connect/
    )
    expect(docker.createBuilder).not.toHaveBeenCalled()
  })

  test('the race: made between the check and create, taken over by buildx: fails with verify: warn, its container left alone', async () => {
    process.env.INPUT_VERIFY = 'warn'
    containers.set('buildx_buildkit_unit10', mark(''))
    docker.containerEnv.mockResolvedValueOnce(undefined) // free at the check
    await expect(runMain()).rejects.toThrow(
      "node unit10 (the first node): container buildx_buildkit_unit10 on unix:///var/run/docker.sock is not this run's (it carries no owner mark): " +
        "buildx took over another builder's daemon"
    )
    expect(calls).toContain('create')
    expect(calls).not.toContain('log') // its daemon log is not this run's to show
    expect(calls[calls.length - 1]).toBe('buildx rm --keep-daemon unit1')
    expect(containers.get('buildx_buildkit_unit10')).toEqual(mark(''))
    expect(warnings()).toEqual([
      expect.stringContaining("container buildx_buildkit_unit10 on unix:///var/run/docker.sock is not this run's")
    ])
  })

  test("the race, buildx can't use the daemon it found (create fails): its log is not read, its container left alone", async () => {
    containers.set('buildx_buildkit_unit10', mark('run-2'))
    docker.containerEnv.mockResolvedValueOnce(undefined) // free at the check
    docker.createBuilder.mockImplementationOnce(async (args: string[]) => {
      calls.push('create')
      registered.set('unit1', ownerIn(args))
      throw new Error('docker buildx create failed (exit code 1): ERROR: failed to initialize builder unit1 (unit10): listing workers')
    })
    await expect(runMain()).rejects.toThrow('listing workers')
    expect(calls).toEqual(['owner? unit1', 'create', 'owner? unit1', 'owner? unit1', 'buildx rm --keep-daemon unit1'])
    expect(containers.get('buildx_buildkit_unit10')).toEqual(mark('run-2'))
  })

  test("post: the builder's record is this run's, its container is not: the record alone is removed", async () => {
    registered.set('p1', 'run-1')
    containers.set('buildx_buildkit_p10', mark('run-2'))
    await postWith(post)
    expect(calls).toEqual(['owner? p1', 'buildx rm --keep-daemon p1'])
    expect(containers.has('buildx_buildkit_p10')).toBe(true)
    expect(warnings()).toEqual([
      expect.stringContaining("node p10: container buildx_buildkit_p10 on unix:///var/run/docker.sock is not this run's")
    ])
  })

  test("post: a crafted append node (victim0) beside this run's own: it is detached, then this run's node removed", async () => {
    registered.set('p1', 'run-1')
    docker.builderNodes.mockReturnValue([
      { Name: 'p10', Endpoint: 'unix:///var/run/docker.sock', DriverOpts: {}, Flags: [] },
      { Name: 'victim0', Endpoint: 'ctx2', DriverOpts: {}, Flags: [] }
    ])
    containers.set('buildx_buildkit_p10', mark('run-1'))
    containers.set('buildx_buildkit_victim0', mark(''))
    await postWith(post)
    expect(calls).toEqual(['owner? p1', 'buildx create --leave --name p1 --node victim0', 'buildx rm p1'])
    expect(containers.has('buildx_buildkit_victim0')).toBe(true)
    expect(warnings()).toEqual([expect.stringContaining("node victim0: container buildx_buildkit_victim0 on ctx2 is not this run's")])
  })

  test('post: a node that can not be detached stops the removal (buildx rm would remove its daemon)', async () => {
    registered.set('p1', 'run-1')
    docker.builderNodes.mockReturnValue([
      { Name: 'p10', Endpoint: 'unix:///var/run/docker.sock', DriverOpts: {}, Flags: [] },
      { Name: 'victim0', Endpoint: 'ctx2', DriverOpts: {}, Flags: [] }
    ])
    containers.set('buildx_buildkit_victim0', mark(''))
    docker.leaveNode.mockResolvedValueOnce({ ok: false, message: 'ERROR: no such node' })
    // The entry point makes it the post step's warning (index.ts).
    await expect(postWith(post)).rejects.toThrow("could not detach node victim0 (not this run's) from builder p1, so it is not removed")
    expect(calls.filter(c => c.startsWith('buildx rm'))).toEqual([])
  })

  test("post: a node whose engine can't be asked is left alone", async () => {
    registered.set('p1', 'run-1')
    docker.containerEnv.mockRejectedValueOnce(new Error('Cannot connect to the Docker daemon'))
    await postWith(post)
    expect(calls).toEqual(['owner? p1', 'buildx rm --keep-daemon p1'])
    expect(warnings()).toEqual([expect.stringContaining('could not be checked (Cannot connect to the Docker daemon)')])
  })
})

describe('the default docker context with TLS from the environment (#25)', () => {
  const ctx = (): string => `buildkit-builder-action-tls-${state().owner}`
  const createdOn = (): string | undefined => (docker.createBuilder.mock.calls[0]?.[0] as string[] | undefined)?.at(-1)
  beforeEach(() => {
    Object.assign(process.env, { DOCKER_HOST: 'tcp://10.0.0.2:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' })
  })

  test("a context of the run is the first node's endpoint, recorded for post; post removes it after the builder", async () => {
    await runMain()
    expect(calls).toEqual([
      'owner? unit1',
      `context create ${ctx()}`,
      'create',
      'readBack --host unix:///var/run/docker.sock buildx_buildkit_unit10'
    ])
    expect(createdOn()).toBe(ctx())
    expect(state()).toMatchObject({ tlsContext: ctx() })
    const saved = state()
    resetRecord()
    calls.length = 0
    for (const [k, v] of Object.entries(saved)) process.env[`STATE_${k}`] = v
    await runPost()
    expect(calls).toEqual(['owner? unit1', 'buildx rm unit1', `context rm ${ctx()}`])
    expect(state()).toMatchObject({ tlsContext: '' })
  })

  test.each([
    ['create fails', () => docker.createBuilder.mockRejectedValueOnce(new Error('docker buildx create failed (exit code 1): ERROR: boom'))],
    ['the daemon does not verify', () => docker.readBack.mockRejectedValueOnce(new Error('no such container'))],
    [
      'making the context fails',
      () => docker.copyDefaultContext.mockRejectedValueOnce(new Error('docker context create x failed (exit code 1): boom'))
    ]
  ] as [string, () => void][])('%s: the clean-up removes the context too, last', async (_t, fail) => {
    fail()
    await expect(runMain()).rejects.toThrow()
    expect(calls.at(-1)).toBe(`context rm ${ctx()}`)
    expect(calls.filter(c => c.startsWith('context rm'))).toHaveLength(1)
    expect(state()).toMatchObject({ tlsContext: '', runDir: '' })
  })

  test('endpoint: default names the same context: it is replaced by the copy', async () => {
    process.env.INPUT_ENDPOINT = 'default'
    await runMain()
    expect(calls).toContain(`context create ${ctx()}`)
    expect(createdOn()).toBe(ctx())
  })

  test('cleanup: false: post leaves the context with the builder, which needs it', async () => {
    process.env.INPUT_CLEANUP = 'false'
    await runMain()
    const saved = state()
    resetRecord()
    calls.length = 0
    for (const [k, v] of Object.entries(saved)) process.env[`STATE_${k}`] = v
    await runPost()
    expect(calls).toEqual([])
    expect(docker.removeContext).not.toHaveBeenCalled()
  })

  test.each([
    ['an endpoint given: it is used as it is', { INPUT_ENDPOINT: 'my-tls-context' }, 'my-tls-context'],
    // No endpoint: the create arguments end with --use (use: true by default).
    ['another current context (DOCKER_CONTEXT)', { DOCKER_HOST: '', DOCKER_CONTEXT: 'mine' }, '--use'],
    ['no TLS variables', { DOCKER_TLS_VERIFY: '' }, '--use']
  ] as [string, Record<string, string>, string][])('%s: no context made', async (_t, env, last) => {
    Object.assign(process.env, env)
    await runMain()
    expect(docker.copyDefaultContext).not.toHaveBeenCalled()
    expect(createdOn()).toBe(last)
  })
})

describe('RUNNER_TEMP', () => {
  const cases: [string, (d: string) => string, RegExp][] = [
    ['missing', d => path.join(d, 'no', 'such'), /^RUNNER_TEMP \(.*no\/such\) does not exist/],
    [
      'a file, not a directory',
      d => (fs.writeFileSync(path.join(d, 'file'), ''), path.join(d, 'file')),
      /^RUNNER_TEMP \(.*file\) can't take a new directory \(ENOTDIR\)/
    ]
  ]
  // root may write into a 0500 directory: that case runs only as another user.
  if (process.getuid?.() !== 0) {
    cases.push([
      'not writable',
      d => (fs.mkdirSync(path.join(d, 'ro'), { mode: 0o500 }), path.join(d, 'ro')),
      /^RUNNER_TEMP \(.*ro\) is not writable by this user/
    ])
  }
  test.each(cases)('%s: an error naming it, nothing made, a job summary written', async (_t, make, message) => {
    process.env.RUNNER_TEMP = make(path.join(dir, 'temp'))
    await expect(runMain()).rejects.toThrow(message)
    // The run's directory comes before Docker is asked anything.
    expect(calls).toEqual([])
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('<h2>BuildKit builder unit1: not set up</h2>')
    expect(fs.existsSync(path.join(dir, 'temp', 'no'))).toBe(false)
  })

  test('an input error writes a job summary too', async () => {
    process.env.INPUT_MIRRORS = 'docker.io'
    await expect(runMain()).rejects.toThrow('input "mirrors"')
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('<h2>BuildKit builder: not set up</h2>\n<pre>input "mirrors", line 1')
  })
})

describe('a kept builder (#25): an earlier run said cleanup: false', () => {
  /** buildx's records of kept builders, as builderRecordOf and builderOwner read them. */
  const keptRecords = new Map<string, { Driver: string; Name: string; Nodes: Record<string, unknown>[]; files: unknown[] }>()
  const owner = docker.builderOwner.getMockImplementation()!
  beforeEach(() => {
    keptRecords.clear()
    docker.builderRecordOf.mockImplementation(name => keptRecords.get(name))
    docker.builderOwner.mockImplementation(((name: string, markOf: (rec: unknown) => string) =>
      keptRecords.has(name) ? (calls.push(`owner? ${name}`), markOf(keptRecords.get(name))) : owner(name)) as never)
  })
  afterEach(() => {
    docker.builderRecordOf.mockImplementation(() => undefined)
    docker.builderOwner.mockImplementation(owner)
  })

  /** The first run, cleanup: false: created through the mock, then recorded as buildx records it. */
  async function keep(): Promise<void> {
    process.env.INPUT_CLEANUP = 'false'
    await runMain()
    const args = docker.createBuilder.mock.calls[0][0]
    const { DriverOpts, Flags } = recordedArgs(args)
    keptRecords.set('unit1', {
      Driver: 'docker-container',
      Name: 'unit1',
      Nodes: [{ Name: 'unit10', Endpoint: 'unix:///var/run/docker.sock', DriverOpts, Flags, Platforms: null }],
      // No certificates here: the config as written is the config as buildx copies it.
      files: [{ config: configWritten, sha256: new Map() }]
    })
    // A later job: its own state, RUNNER_TEMP and inputs.
    calls.length = 0
    docker.createBuilder.mockClear()
    resetRecord()
    reset({ INPUT_NAME: 'unit1', INPUT_MIRRORS: 'docker.io=mirror.gcr.io', INPUT_DEBUG: 'true', INPUT_CLEANUP: 'true' })
  }
  /** The post step with the state main saved, as the runner hands it over. */
  async function post(): Promise<void> {
    for (const [k, v] of Object.entries(state())) process.env[`STATE_${k}`] = v
    resetRecord()
    await runPost()
  }

  test('matching the inputs: no create; started, made current, verified; its post (cleanup: true) leaves it', async () => {
    await keep()
    await runMain()
    expect(docker.createBuilder).not.toHaveBeenCalled()
    // The name's claim and the kept builder's owner mark (read from buildx's record), then buildx starts it.
    expect(calls).toEqual([
      'owner? unit1',
      'owner? unit1',
      'buildx inspect --bootstrap unit1',
      'use unit1',
      'readBack --host unix:///var/run/docker.sock buildx_buildkit_unit10'
    ])
    expect(outputs()).toMatchObject({ name: 'unit1', verified: 'true' })
    expect(state()).toMatchObject({ builderReused: 'true' })
    await post()
    expect(docker.removeBuilder).not.toHaveBeenCalled()
    expect(registered.has('unit1')).toBe(true)
    expect(runDirs()).toEqual([])
  })

  test('its container runs already: nothing to start', async () => {
    await keep()
    process.env.INPUT_USE = 'false'
    docker.containerRunning.mockResolvedValueOnce(true)
    await runMain()
    expect(calls).toEqual(['owner? unit1', 'owner? unit1', 'readBack --host unix:///var/run/docker.sock buildx_buildkit_unit10'])
    expect(outputs()).toMatchObject({ verified: 'true' })
  })

  test('differing from the inputs: refused naming the difference; nothing created, started or removed', async () => {
    await keep()
    process.env.INPUT_DEBUG = 'false'
    await expect(runMain()).rejects.toThrow(
      /^builder unit1 is a kept builder \(an earlier run created it with cleanup: false\) that differs from what the inputs ask:\n- config: 1 key[^]*debug/
    )
    expect(calls).toEqual(['owner? unit1', 'owner? unit1'])
    expect(docker.removeBuilder).not.toHaveBeenCalled()
    expect(runDirs()).toEqual([])
  })

  test("main's failure path after it was started (verification fails): it is left as it is", async () => {
    await keep()
    daemonCmd = ['--config', '/etc/buildkit/buildkitd.toml']
    await expect(runMain()).rejects.toThrow(/^the builder does not run with the planned configuration/)
    expect(calls).toContain('buildx inspect --bootstrap unit1')
    expect(docker.removeBuilder).not.toHaveBeenCalled()
    expect(registered.has('unit1')).toBe(true)
    expect(runDirs()).toEqual([])
  })
})
