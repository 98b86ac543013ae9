import { afterEach, expect, jest, test } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'smol-toml'
import { OWNER_LABEL } from '../../src/docker/owner-mark.js'
import { asShown, disposeRun, newRun, readOutputs, readState, root, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import { cleanUpTests, dockerOk, errors, uniqueName, until } from './docker-env.js'
import { pushLocalImage, startRegistries } from './registry-env.js'
import { noDockerEnv } from './remote-env.js'
import {
  cleanUpKube,
  clusterImage,
  deployment,
  describeKube,
  kubeconfigWithNamespace,
  kubectl,
  kubectlOk,
  newNamespace,
  objectsIn,
  runningPods,
  serviceAccountKubeconfig
} from './kube-env.js'

// The kubernetes driver on a real cluster (kube-env.ts: KUBECONFIG, the image in the cluster's
// store). Each test has a namespace of its own; what a run leaves is read from the cluster:
// the node's Deployment (named after the node, as buildx names it) and its ConfigMaps.
jest.setTimeout(240_000)

const pki = (f: string): string => path.join(import.meta.dirname, '..', 'fixtures', 'buildkit', 'test-pki', f)
const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
const runs: { name: string; run: Run }[] = []
const ARCH = process.arch === 'x64' ? 'amd64' : process.arch

afterEach(() => {
  // A builder a failed test (or cleanup: false) left: buildx rm, in the run's own buildx
  // config and kubeconfig (its Deployment and ConfigMaps); then the namespaces.
  for (const r of runs.splice(0)) {
    spawnSync('docker', ['buildx', 'rm', r.name], { env: r.run.env, stdio: 'ignore' })
    fs.rmSync(r.run.env.BUILDX_CONFIG ?? '', { recursive: true, force: true })
    disposeRun(r.run)
  }
  cleanUpKube()
  cleanUpTests()
})

/** A run of the action with the kubernetes driver in namespace `ns` (unless the kubeconfig names it). */
function start(ns: string | undefined, inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): { run: Run; name: string } {
  const name = inputs.name ?? uniqueName('kube')
  const opts = [...(ns ? [`namespace=${ns}`] : []), `image=${clusterImage()}`]
  const run = newRun({
    inputs: { name, driver: 'kubernetes', use: 'false', 'driver-opts': opts.join('\n'), ...inputs },
    // A buildx config directory per run, as each runner has its own.
    env: { ...env, BUILDX_CONFIG: env.BUILDX_CONFIG ?? fs.mkdtempSync(path.join(os.tmpdir(), 'it-buildx-')) }
  })
  runs.push({ name, run })
  return { run, name }
}

const nodesOf = (run: Run): { name: string; verified: boolean; 'driver-opts': string[]; image?: unknown }[] =>
  JSON.parse(readOutputs(run).nodes)

async function removed(run: Run, name: string, ns: string, before: string[]): Promise<void> {
  const post = await runPost(run)
  expect(post.exitCode).toBe(0)
  expect(errors(post.stdout)).toEqual([])
  // The Deployments and ConfigMaps are as they were before the run; nothing else went.
  expect(objectsIn(ns)).toEqual(before)
  expect(fs.readdirSync(run.runnerTemp)).toEqual([])
  const rec = path.join(run.env.BUILDX_CONFIG ?? '', 'instances', name)
  expect(fs.existsSync(rec)).toBe(false)
}

describeKube('the kubernetes driver on a real cluster', () => {
  test('verified: Deployment <builder>0 with the owner label, config and CA read back; post removes it and its ConfigMaps, nothing else', async () => {
    const ns = newNamespace()
    kubectlOk(['--namespace', ns, 'create', 'configmap', 'not-the-builders', '--from-literal=a=b'])
    const before = objectsIn(ns)
    const { run, name } = start(ns, { mirrors: 'docker.io=mirror.kube.test', 'registry-certs': `myregistry.test:5443 ca=${pki('ca.pem')}` })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.exitCode).toBe(0)
    const out = readOutputs(run)
    expect(out.verified).toBe('true')
    // The node and its Deployment are <builder>0 (buildx's nextNodeName), not the endpoint's random deployment=.
    expect(nodesOf(run).map(n => n.name)).toEqual([`${name}0`])
    expect(out.endpoint).toMatch(/^kubernetes:\/\/\/.*deployment=buildkit-/)
    const dep = deployment(ns, `${name}0`)
    expect(dep?.metadata.labels?.[OWNER_LABEL]).toBe(readState(run).owner)
    // One ConfigMap for the config, one per registry's certificates: <deployment>-config-<n>, n
    // in Go's map order (manifest.go), so not predictable.
    const made = objectsIn(ns).filter(o => !before.includes(o))
    expect(made).toEqual([
      `configmap/${name}0-config`,
      expect.stringMatching(new RegExp(`^configmap/${name}0-config-\\d+$`)),
      `deployment.apps/${name}0`
    ])
    // What the pod really holds: the config the action rendered, and the CA byte for byte.
    const [pod] = runningPods(ns, `${name}0`)
    const inPod = (args: string[]): string => kubectlOk(['--namespace', ns, 'exec', pod, '--container', 'buildkitd', '--', ...args])
    const config = parse(inPod(['cat', '/etc/buildkit/buildkitd.toml'])) as {
      registry: Record<string, { mirrors?: string[]; ca?: string[] }>
    }
    expect(config.registry['docker.io'].mirrors).toEqual(['mirror.kube.test'])
    const ca = config.registry['myregistry.test:5443'].ca?.[0] ?? ''
    expect(inPod(['sha256sum', ca]).split(' ')[0]).toBe(sha(pki('ca.pem')))
    expect(main.stdout).toContain(`pod ${pod} of Deployment ${name}0 (${ns}): read back, as planned`)
    await removed(run, name, ns, before)
  })

  test('a generated name, replicas 2 (each pod read back), appended nodes named (arm_node → Deployment arm-node) and not (<builder>1)', async () => {
    const ns = newNamespace()
    const before = objectsIn(ns)
    const image = clusterImage()
    const { run } = start(ns, {
      name: '',
      'driver-opts': `namespace=${ns}\nimage=${image}\nreplicas=2`,
      // The docs' node-per-architecture shape: the node's pods on nodes of its architecture, and
      // its platform (one node here: its own architecture).
      append: [
        `- name: arm_node`,
        `  driver-opts: [namespace=${ns}, image=${image}, "nodeselector=kubernetes.io/arch=${ARCH}"]`,
        `  platforms: linux/${ARCH}`,
        `- driver-opts: [namespace=${ns}, image=${image}]`
      ].join('\n')
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const name = readOutputs(run).name
    runs.push({ name, run })
    expect(name).toMatch(/^builder-[0-9a-f-]{36}$/)
    expect(readOutputs(run).verified).toBe('true')
    expect(nodesOf(run).map(n => [n.name, n.verified])).toEqual([
      [`${name}0`, true],
      ['arm_node', true],
      [`${name}1`, true]
    ])
    const deps = objectsIn(ns).filter(o => o.startsWith('deployment'))
    expect(deps).toEqual([`deployment.apps/${name}0`, `deployment.apps/${name}1`, 'deployment.apps/arm-node'].sort())
    const pods = runningPods(ns, `${name}0`)
    expect(pods).toHaveLength(2)
    for (const [k, p] of pods.entries()) {
      expect(main.stdout).toContain(`pod ${p} (replica ${k + 1} of 2) of Deployment ${name}0 (${ns}): read back, as planned`)
    }
    await removed(run, name, ns, before)
  })

  test('a taken name: a second run is refused before create, and the first builder is left running', async () => {
    const ns = newNamespace()
    const before = objectsIn(ns)
    const first = start(ns)
    expect((await runMain(first.run)).exitCode).toBe(0)
    // The second runner shares the first one's buildx config (one self-hosted runner, two jobs).
    const second = start(ns, { name: first.name }, { BUILDX_CONFIG: first.run.env.BUILDX_CONFIG })
    const main = await runMain(second.run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout)).toEqual([expect.stringMatching(new RegExp(`^a builder named "${first.name}" already exists`))])
    expect((await runPost(second.run)).exitCode).toBe(0)
    expect(runningPods(ns, `${first.name}0`)).toHaveLength(1)
    expect(deployment(ns, `${first.name}0`)?.metadata.labels?.[OWNER_LABEL]).toBe(readState(first.run).owner)
    await removed(first.run, first.name, ns, before)
  })

  test("a Deployment under the node's name that this run did not make: refused before create, and left as it was", async () => {
    const ns = newNamespace()
    const name = uniqueName('kube')
    kubectlOk(['--namespace', ns, 'create', 'deployment', `${name}0`, `--image=${clusterImage()}`, '--replicas=0'])
    const before = objectsIn(ns)
    const { run } = start(ns, { name })
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout).join('\n')).toMatch(new RegExp(`Deployment ${name}0 \\(${ns}\\)`))
    expect(main.stdout).not.toMatch(/buildx create/)
    expect((await runPost(run)).exitCode).toBe(0)
    expect(objectsIn(ns)).toEqual(before)
    expect(deployment(ns, `${name}0`)).toBeDefined()
  })

  test('a client key: refused without allow-keys-in-configmap (nothing created); with it, in a ConfigMap and never in the log', async () => {
    const ns = newNamespace()
    const before = objectsIn(ns)
    const key = fs.readFileSync(pki('client.key'), 'utf8')
    const certs = { 'registry-certs': `myregistry.test:5443 ca=${pki('ca.pem')} cert=${pki('client.crt')} key=env:REG_KEY` }
    const refused = start(ns, certs, { REG_KEY: key })
    const main1 = await runMain(refused.run)
    expect(main1.exitCode).toBe(1)
    expect(errors(main1.stdout)).toEqual([
      expect.stringMatching(/^input "registry-certs", line 1: the client key for myregistry.test:5443 would be stored in a ConfigMap/)
    ])
    expect(objectsIn(ns)).toEqual(before)
    await removed(refused.run, refused.name, ns, before)

    const allowed = start(ns, { ...certs, 'allow-keys-in-configmap': 'true' }, { REG_KEY: key })
    const main2 = await runMain(allowed.run)
    expect(errors(main2.stdout)).toEqual([])
    expect(readOutputs(allowed.run).verified).toBe('true')
    const maps = JSON.parse(kubectlOk(['--namespace', ns, 'get', 'configmap', '--output', 'json'])) as {
      items: { metadata: { name: string }; data?: Record<string, string> }[]
    }
    const holding = maps.items.filter(m => Object.values(m.data ?? {}).includes(key)).map(m => m.metadata.name)
    expect(holding).toEqual([expect.stringMatching(new RegExp(`^${allowed.name}0-config-\\d+$`))])
    const keyBody = key.split('\n')[1]
    const post = await runPost(allowed.run)
    // What the runner shows (its ::add-mask:: lines register the key and are never shown), the summary and the outputs.
    const shown = (stdout: string): string =>
      stdout
        .split('\n')
        .map(asShown)
        .filter(l => l !== undefined)
        .join('\n')
    const texts = [shown(main2.stdout), main2.stderr, shown(post.stdout), post.stderr]
    for (const file of [allowed.run.files.summary, allowed.run.files.output]) texts.push(fs.readFileSync(file, 'utf8'))
    for (const text of texts) expect(text).not.toContain(keyBody)
    expect(objectsIn(ns)).toEqual(before)
  })

  test("no namespace driver-opt: the kubeconfig's current namespace, as buildx and kubectl take it", async () => {
    const ns = newNamespace()
    const before = objectsIn(ns)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'it-kubeconfig-'))
    try {
      const kubeconfig = kubeconfigWithNamespace(dir, ns)
      const { run, name } = start(undefined, {}, { KUBECONFIG: kubeconfig })
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(readOutputs(run).verified).toBe('true')
      expect(deployment(ns, `${name}0`)).toBeDefined()
      await removed(run, name, ns, before)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('cleanup: false leaves the builder running after post', async () => {
    const ns = newNamespace()
    const { run, name } = start(ns, { cleanup: 'false' })
    expect((await runMain(run)).exitCode).toBe(0)
    const post = await runPost(run)
    expect(post.exitCode).toBe(0)
    expect(runningPods(ns, `${name}0`)).toHaveLength(1)
    expect(fs.existsSync(path.join(run.env.BUILDX_CONFIG ?? '', 'instances', name))).toBe(true)
  })

  test('a job cancelled during buildx create (its pods never start): post removes the Deployment and ConfigMaps', async () => {
    const ns = newNamespace()
    const before = objectsIn(ns)
    // An image the cluster does not have and can't pull: the pod stays Pending and buildx waits.
    const { run, name } = start(ns, { 'driver-opts': `namespace=${ns}\nimage=moby/buildkit:it-absent-${process.pid}` })
    const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', d => (stdout += d))
    const exited = new Promise<number | null>(r => child.on('close', code => r(code)))
    await until('the Deployment to exist', () => deployment(ns, `${name}0`) !== undefined, 60_000)
    child.kill('SIGTERM')
    expect(await exited).toBe(143)
    expect(stdout).toContain("SIGTERM: stopping this step's child processes")
    await removed(run, name, ns, before)
  })

  test('a job cancelled after create (while verifying): post removes the builder', async () => {
    const ns = newNamespace()
    const before = objectsIn(ns)
    const gate = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'it-gate-')), 'never')
    const { run, name } = start(ns, {}, { BUILDKIT_BUILDER_ACTION_TEST_PAUSE: `verify:${gate}` })
    const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', d => (stdout += d))
    const exited = new Promise<number | null>(r => child.on('close', code => r(code)))
    await until('main to pause before verification', () => stdout.includes('test pause before verify'), 120_000)
    expect(runningPods(ns, `${name}0`)).toHaveLength(1)
    child.kill('SIGTERM')
    expect(await exited).toBe(143)
    await removed(run, name, ns, before)
    fs.rmSync(path.dirname(gate), { recursive: true, force: true })
  })

  test('no Docker engine (DOCKER_HOST on a socket nobody serves): the same run, verified, and post removes it', async () => {
    const ns = newNamespace()
    const before = objectsIn(ns)
    const { run, name } = start(ns, {}, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).toContain('no Docker engine needed by the kubernetes driver (not asked)')
    expect(readOutputs(run).verified).toBe('true')
    await removed(run, name, ns, before)
  })

  test('no Docker engine and no docker CLI (PATH without docker): buildx runs standalone, verified, and post removes it', async () => {
    const ns = newNamespace()
    const before = objectsIn(ns)
    const host = noDockerEnv(['kubectl'], { buildx: true })
    try {
      const { run, name } = start(ns, {}, host.env)
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(main.stdout).toContain('no Docker engine needed by the kubernetes driver (not asked); github.com/docker/buildx')
      expect(main.stdout).toContain('(standalone: no docker CLI on PATH)')
      expect(main.stdout).toContain(`$ ${path.join(host.bin, 'buildx')} create --bootstrap --name ${name} --driver kubernetes`)
      expect(readOutputs(run).verified).toBe('true')
      await removed(run, name, ns, before)
    } finally {
      host.dispose()
    }
  })

  test("the image through a docker.io mirror: the kubelet pulls the mirror's reference, and nothing asks for the original", async () => {
    // A registry on 127.0.0.1 holds the image under a tag that exists nowhere else; the kubelet
    // (its containerd on this host) reaches it over plain HTTP, as it reaches any loopback registry.
    const regs = await startRegistries()
    const original = `moby/buildkit:kube-mirror-${process.pid}-${Date.now()}`
    // An image of its own (the BuildKit image with a label, so another image ID): the kubelet
    // records each image it pulls and by which name (/var/lib/kubelet/image_manager/pulled,
    // KEP-2535), and once the imported image's ID has such a record under the mirror's name,
    // pods naming it moby/buildkit:<tag> are made to pull it again, which can't work here.
    const local = `it-kube-mirror:${process.pid}`
    const box = dockerOk(['create', clusterImage()]).trim()
    dockerOk(['commit', '--change', `LABEL it.kube-mirror=${original}`, box, local])
    dockerOk(['rm', box])
    const pushed = pushLocalImage(local, regs.httpMirror, original)
    dockerOk(['image', 'rm', local])
    try {
      const ns = newNamespace()
      const before = objectsIn(ns)
      const { run, name } = start(ns, {
        mirrors: `docker.io=http://${regs.httpMirror}`,
        'driver-opts': `namespace=${ns}\nimage=${original}`
      })
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(main.stdout.split('\n').filter(l => l.startsWith('::warning::'))).toEqual([])
      expect(readOutputs(run).verified).toBe('true')
      expect(nodesOf(run)[0]).toMatchObject({
        image: { ref: pushed.ref, source: `docker.io mirror ${regs.httpMirror}`, digest: pushed.digest }
      })
      // The Deployment runs the mirror's reference, and the kubelet pulled it; the original was never asked for.
      const spec = kubectlOk([
        '--namespace',
        ns,
        'get',
        'deployment',
        `${name}0`,
        '--output',
        'jsonpath={.spec.template.spec.containers[0].image}'
      ])
      expect(spec).toBe(pushed.ref)
      const events = kubectlOk([
        '--namespace',
        ns,
        'get',
        'events',
        '--field-selector',
        'reason=Pulling',
        '--output',
        'jsonpath={range .items[*]}{.message}{"\\n"}{end}'
      ])
      expect(events).toContain(`Pulling image "${pushed.ref}"`)
      expect(events).not.toContain(`Pulling image "${original}"`)
      await removed(run, name, ns, before)
    } finally {
      regs.stop()
    }
  })

  test('as a service account with only the Role of docs/kubernetes/rbac.yaml: verified, and post removes it', async () => {
    const ns = newNamespace()
    const manifest = fs
      .readFileSync(path.join(root, 'docs', 'kubernetes', 'rbac.yaml'), 'utf8')
      .replace(/namespace: buildkit$/gm, `namespace: ${ns}`)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'it-rbac-'))
    try {
      fs.writeFileSync(path.join(dir, 'rbac.yaml'), manifest)
      kubectlOk(['apply', '--filename', path.join(dir, 'rbac.yaml')])
      const before = objectsIn(ns)
      const kubeconfig = serviceAccountKubeconfig(dir, ns, 'buildkit-builder')
      // The service account can't do more than the Role says.
      expect(kubectl(['--kubeconfig', kubeconfig, 'get', 'secrets']).status).not.toBe(0)
      const { run } = start(ns, {}, { KUBECONFIG: kubeconfig })
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(readOutputs(run).verified).toBe('true')
      const post = await runPost(run)
      expect(errors(post.stdout)).toEqual([])
      expect(objectsIn(ns)).toEqual(before)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
