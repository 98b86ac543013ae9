import { beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Plan } from '../../../../src/plan/plan.js'
import type { RunResult } from '../../../../src/runner/exec.js'
import { csvFields } from '../../../../src/docker/csv.js'

// The kubernetes driver without a cluster: the pure rules of drivers/kubernetes/ in tables,
// and the driver fed through a stand-in for runner/exec.js with the outputs in
// __tests__/fixtures/kubernetes, captured from a real cluster (Kubernetes v1.36.2, buildx
// 0.29.1, BuildKit v0.29.0) by capture.sh there. The integration tests
// (__tests__/integration/kubernetes.test.ts) run the action on a real cluster.
const fxDir = path.join(import.meta.dirname, '..', '..', '..', 'fixtures', 'kubernetes')
const fx = (name: string): string => fs.readFileSync(path.join(fxDir, name), 'utf8')

// Builder k8s-fx: its node is k8s-fx0 and so is its Deployment, whatever the endpoint's
// `deployment` parameter says (buildx-inspect.stdout, objects.txt).
const RECORD = JSON.parse(fx('instance-k8s-fx.json')) as { Nodes: { Name: string; Endpoint: string }[] }
const DEP = 'k8s-fx0'
const NS = 'buildkit-fx'
const podNames = (file: string): string[] =>
  (JSON.parse(fx(file)) as { items: { metadata: { name: string } }[] }).items.map(p => p.metadata.name).sort()
const [POD_A, POD_B] = podNames('pods-two-running.json')
const OWNER = '0b6c2f4e-8d1a-4e3b-9f7c-5a2d1e0c3b4a'
// The kubeconfig buildx recorded in the node's endpoint at create: kubectl is given it.
const KC = '--kubeconfig /opt/real-kubernetes/etc/admin.kubeconfig'
const CA = '/etc/buildkit/certs/myregistry.test_5443/ca-98aecc0b-0.pem'
const CA_SHA = '06cecf1144f3495c28e7ba51496996d0b7de7dbd27b5456004fff2eee2b4c246'
const FLAGS = ['--allow-insecure-entitlement', 'security.insecure', '--allow-insecure-entitlement', 'network.host']

// A fake cluster behind `kubectl`, and buildx's create/rm behind `docker`: what each
// command prints, by what it asks for. Tests change `cluster` to make a pod fail.
const calls: string[] = []
const ok = (stdout: string, stderr = ''): RunResult => ({ exitCode: 0, stdout, stderr })
let cluster: { kubectl: boolean; pods: string; deployment: RunResult; exec: Record<string, RunResult>; logs: Record<string, string> }
const fresh = (): typeof cluster => ({
  kubectl: true,
  pods: fx('pods-two-running.json'),
  // `kubectl get deployment --ignore-not-found`: nothing when there is none
  deployment: ok(''),
  exec: { [POD_A]: ok(fx('exec-observe-pod-a.stdout')), [POD_B]: ok(fx('exec-observe-pod-b.stdout')) },
  logs: { [POD_A]: 'time="2025-06-02T10:15:09Z" level=info msg="running server on /run/buildkit/buildkitd.sock"\n', [POD_B]: 'pod b log\n' }
})
const run = jest.fn(async (command: string, args: string[]): Promise<RunResult> => {
  calls.push([command, ...args].join(' ').split('\n')[0])
  if (command === 'docker') return ok('')
  if (command !== 'kubectl') throw new Error(`unexpected ${command}`)
  // What exec.run does when the program is not there (spawn ENOENT).
  if (!cluster.kubectl) throw new Error('could not run kubectl: spawn kubectl ENOENT. Is kubectl installed and on PATH?')
  if (args[0] === 'version') return ok(fx('kubectl-version-client.stdout'))
  const verb = args.find(a => ['get', 'exec', 'logs'].includes(a))
  const pod = args[args.indexOf(verb ?? '') + 1]
  if (verb === 'get' && args[args.indexOf('get') + 1] === 'deployment') return cluster.deployment
  if (verb === 'get') return ok(cluster.pods)
  if (verb === 'exec')
    return cluster.exec[pod] ?? { exitCode: 1, stdout: '', stderr: `Error from server (NotFound): pods "${pod}" not found` }
  if (verb === 'logs') return ok(cluster.logs[pod] ?? '')
  throw new Error(`unexpected kubectl ${args.join(' ')}`)
})
const runChecked = async (what: string, command: string, args: string[]): Promise<RunResult> => {
  const res = await run(command, args)
  if (res.exitCode !== 0) throw new Error(`${what} failed (exit code ${res.exitCode}): ${res.stderr.trim()}`)
  return res
}
// buildx through `docker buildx` here, whatever plugin this machine has (buildx-plugin.test.ts tests the lookup).
jest.unstable_mockModule('../../../../src/docker/buildx-plugin.js', () => ({
  buildxCommand: () => ({ command: 'docker', prefix: ['buildx'], standalone: false })
}))
jest.unstable_mockModule('../../../../src/runner/exec.js', () => ({
  run,
  runChecked,
  lastLine: (t: string) => t.trim().split('\n').pop() ?? '(no output)',
  stopChildren: async () => {}
}))

const k8s = await import('../../../../src/drivers/kubernetes/kubectl.js')
const k8sInputs = await import('../../../../src/drivers/kubernetes/inputs.js')
const envMark = await import('../../../../src/drivers/docker-container/owner.js')
const labelMark = await import('../../../../src/drivers/kubernetes/owner.js')
// Each driver's own mark (drivers/<name>/owner.ts), by the driver's name as these tables give it.
const markOf = (driver: string) =>
  driver === 'kubernetes'
    ? { opt: labelMark.labelMarkOpt, with: labelMark.withLabelMark, from: labelMark.ownerFromLabelsOpt }
    : { opt: envMark.envMarkOpt, with: envMark.withEnvMark, from: envMark.ownerFromEnvOpt }
const { OWNER_LABEL } = await import('../../../../src/docker/owner-mark.js')
const owner = {
  OWNER_LABEL,
  ownerOptFor: (driver: string, mark: string) => markOf(driver).opt(mark),
  withOwnerOpt: (driver: string, mark: string, opts: string[]) => markOf(driver).with(mark, opts),
  ownerFromDriverOpts: (driver: string, opts: Record<string, string> | null) => markOf(driver).from(opts)
}
const { inputsWith } = await import('../../../inputs-model.js')
const { kubernetes, kubectlCheck } = await import('../../../../src/drivers/kubernetes/driver.js')
const { compare } = await import('../../../../src/verify/compare.js')
type KInputs = import('../../../../src/inputs/model.js').Inputs

// buildx's record of builder k8s-fx where builderNodes/builderOwner read it.
beforeAll(() => {
  const dir = path.join(process.env.BUILDX_CONFIG!, 'instances')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'k8s-fx'), fx('instance-k8s-fx.json'))
})
beforeEach(() => {
  calls.length = 0
  cluster = fresh()
})

const node = { Name: RECORD.Nodes[0].Name, Endpoint: RECORD.Nodes[0].Endpoint }
const plan = (over: Partial<Plan> = {}): Plan =>
  ({
    builder: 'k8s-fx',
    nodes: [
      {
        label: 'the first node',
        endpoint: '',
        createArgs: ['buildx', 'create', '--bootstrap', '--name', 'k8s-fx', '--driver', 'kubernetes'],
        args: k8s.kubernetesDaemonFlags(FLAGS),
        platforms: []
      }
    ],
    expect: {
      config: { debug: true, registry: { 'docker.io': { mirrors: ['mirror.gcr.io'] }, 'myregistry.test:5443': { ca: [CA] } } },
      files: [{ path: CA, sha256: CA_SHA, label: 'CA for myregistry.test:5443 (env:REG_CA)' }]
    },
    ...over
  }) as Plan

describe('where buildx puts a kubernetes node (driver/kubernetes, v0.29.1)', () => {
  test("the captured builder: node k8s-fx0, a random name in its endpoint, Deployment k8s-fx0 (not the endpoint's)", () => {
    expect(node.Name).toBe(DEP)
    const ep = k8s.parseKubeEndpoint(node.Endpoint)
    expect(ep?.deployment).toMatch(/^buildkit-[0-9a-f-]{36}-[0-9a-f]{5}$/)
    expect(fx('objects.txt')).toContain(`deployment.apps/${DEP}\n`)
    expect(fx('objects.txt')).not.toContain(`deployment.apps/${ep?.deployment}`)
    expect(k8s.kubeTarget({ ...node, DriverOpts: { namespace: NS } }).deployment).toBe(DEP)
    expect(JSON.parse(fx('deployment.json')).metadata.name).toBe(DEP)
  })

  test.each([
    ['k8s-fx0', 'k8s-fx0'],
    ['my_node_1', 'my-node-1'],
    ['arm.node', 'arm.node']
  ])('node %s → deployment %s, pods app=<deployment>', (n, d) => {
    expect(k8s.deploymentName(n)).toBe(d)
    expect(k8s.podSelector(n)).toBe(`app=${d}`)
  })

  test.each([
    [
      node.Endpoint,
      { builder: 'k8s-fx', deployment: expect.stringMatching(/^buildkit-/), kubeconfig: '/opt/real-kubernetes/etc/admin.kubeconfig' }
    ],
    [
      'kubernetes:///b?deployment=d1&kubeconfig=%2Fhome%2Frunner%2F.kube%2Fconfig',
      { builder: 'b', deployment: 'd1', kubeconfig: '/home/runner/.kube/config' }
    ],
    ['unix:///var/run/docker.sock', undefined],
    ['not a url', undefined]
  ])('endpoint %s', (ep, want) => expect(k8s.parseKubeEndpoint(ep)).toEqual(want))

  test.each([
    [
      'namespace from driver-opts, no kubeconfig recorded',
      'kubernetes:///b?deployment=d&kubeconfig=',
      { namespace: 'ci' },
      ['--namespace', 'ci'],
      'ci'
    ],
    [
      "no namespace: kubectl uses the kubeconfig's, as buildx does",
      'kubernetes:///b?deployment=d&kubeconfig=',
      {},
      [],
      "the kubeconfig's current namespace"
    ],
    [
      'recorded kubeconfig',
      'kubernetes:///b?deployment=d&kubeconfig=%2Fk%2Fconfig',
      null,
      ['--kubeconfig', '/k/config'],
      "the kubeconfig's current namespace"
    ],
    [
      'a KUBECONFIG list is left to the environment',
      'kubernetes:///b?deployment=d&kubeconfig=%2Fa%3A%2Fb',
      { namespace: 'x' },
      ['--namespace', 'x'],
      'x'
    ]
  ])('kubectl target: %s', (_what, Endpoint, DriverOpts, global, namespace) => {
    const t = k8s.kubeTarget({ Name: 'b_0', Endpoint, DriverOpts })
    expect(t.global).toEqual(global)
    expect(t.namespace).toBe(namespace)
    // The Deployment is the node's name, never the endpoint's `deployment`.
    expect(t.deployment).toBe('b-0')
  })

  test('kubectl argument lists', () => {
    const t = k8s.kubeTarget({
      Name: DEP,
      Endpoint: 'kubernetes:///k8s-fx?deployment=x&kubeconfig=',
      DriverOpts: { namespace: 'buildkit' }
    })
    expect(k8s.getPodsArgs(t)).toEqual(['--namespace', 'buildkit', 'get', 'pods', '--selector', `app=${DEP}`, '--output', 'json'])
    expect(k8s.execArgs(t, POD_A, 'echo $1', [CA])).toEqual([
      '--namespace',
      'buildkit',
      'exec',
      POD_A,
      '--container',
      'buildkitd',
      '--',
      'sh',
      '-c',
      'echo $1',
      'sh',
      CA
    ])
    // sinceTime has whole seconds: rounded down, never later than asked
    expect(k8s.logsSinceArgs(t, POD_A, 1748859309.987)).toEqual([
      '--namespace',
      'buildkit',
      'logs',
      POD_A,
      '--container',
      'buildkitd',
      '--since-time=2025-06-02T10:15:09Z'
    ])
    expect(k8s.logsTailArgs(t, POD_A, 30)).toEqual(['--namespace', 'buildkit', 'logs', POD_A, '--container', 'buildkitd', '--tail=30'])
  })

  test.each([
    [{}, 1],
    [{ replicas: '3' }, 3],
    [{ replicas: 'x' }, 1],
    [null, 1]
  ])('replicas of %j: %d', (opts, n) => expect(k8s.replicasOf(opts)).toBe(n))

  test('the daemon flags name the mounted config (buildx adds no --config for kubernetes)', () => {
    expect(k8s.kubernetesDaemonFlags(FLAGS)).toEqual(['--config', '/etc/buildkit/buildkitd.toml', ...FLAGS])
  })
})

describe('kubectl output', () => {
  test("pods: names sorted, phase, the buildkitd container's args", () => {
    expect(k8s.parsePods(fx('pods-two-running.json'))).toEqual([
      // buildx adds --allow-insecure-entitlement=network.host (builder.go parseBuildkitdFlags
      // stops at --config, a flag it does not know, and so finds no entitlement given).
      {
        name: POD_A,
        phase: 'Running',
        args: [...k8s.kubernetesDaemonFlags(FLAGS), '--allow-insecure-entitlement=network.host'],
        deleting: false
      },
      {
        name: POD_B,
        phase: 'Running',
        args: [...k8s.kubernetesDaemonFlags(FLAGS), '--allow-insecure-entitlement=network.host'],
        deleting: false
      }
    ])
    expect(
      k8s
        .parsePods(fx('pods-one-pending.json'))
        .map(p => p.phase)
        .sort()
    ).toEqual(['Pending', 'Running'])
    expect(k8s.parsePods(fx('pods-none.json'))).toEqual([])
  })

  test('a pod being deleted is marked; another container first does not hide buildkitd', () => {
    const list = {
      items: [
        {
          metadata: { name: 'z', deletionTimestamp: '2025-06-02T10:00:00Z' },
          spec: { containers: [{ name: 'buildkitd', args: ['a'] }] },
          status: { phase: 'Running' }
        },
        {
          metadata: { name: 'b' },
          spec: {
            containers: [
              { name: 'sidecar', args: ['x'] },
              { name: 'buildkitd', args: ['--debug'] }
            ]
          }
        }
      ]
    }
    expect(k8s.parsePods(JSON.stringify(list))).toEqual([
      { name: 'b', phase: 'Unknown', args: ['--debug'], deleting: false },
      { name: 'z', phase: 'Running', args: ['a'], deleting: true }
    ])
  })

  test.each([
    ['not json', /not JSON/],
    ['{"kind":"Status"}', /without an items list/]
  ])('pods: %s is an error', (text, re) => {
    expect(() => k8s.parsePods(text)).toThrow(re)
  })

  test('one exec: config, hashes and workers from their markers; the args from the pod spec', () => {
    const pod = { name: POD_A, phase: 'Running', args: ['--config', '/etc/buildkit/buildkitd.toml'], deleting: false }
    const seen = k8s.podSeen(ok(fx('exec-observe-pod-a.stdout')), pod, [CA])
    expect(seen.readBack).toEqual({ configText: fx('pod-config.toml'), cmd: pod.args, sha256Text: `${CA_SHA}  ${CA}\n` })
    expect('text' in seen.workers && JSON.parse(seen.workers.text)[0].labels['org.mobyproject.buildkit.worker.hostname']).toBe(POD_A)
  })

  test("a daemon that does not answer: the workers part fails with buildctl's message, the rest still counts", () => {
    const pod = { name: POD_B, phase: 'Running', args: [], deleting: false }
    const seen = k8s.podSeen(
      { exitCode: 0, stdout: fx('exec-observe-no-daemon.stdout'), stderr: fx('exec-observe-no-daemon.stderr') },
      pod,
      [CA]
    )
    expect(seen.workers).toEqual({
      error: expect.stringMatching(/buildctl debug workers.*none.sock: connect: no such file or directory/)
    })
    expect('configText' in seen.readBack).toBe(true)
  })

  test("no markers at all (kubectl exec failed): both parts are errors with kubectl's message", () => {
    const pod = { name: POD_B, phase: 'Running', args: [], deleting: false }
    const seen = k8s.podSeen(
      { exitCode: 1, stdout: '', stderr: 'error: unable to upgrade connection: container not found ("buildkitd")' },
      pod,
      []
    )
    expect(seen.readBack).toEqual({ error: expect.stringContaining('container not found') })
    expect(seen.workers).toEqual({ error: expect.stringContaining('exit code 1') })
  })
})

describe('kubernetesInputProblems', () => {
  const pem = (kind: 'ca' | 'cert' | 'key', input = 'registry-certs', line?: number) => ({
    kind,
    ref: `env:REG_${kind.toUpperCase()}`,
    input,
    line
  })
  const base = (over: Partial<KInputs> = {}): KInputs =>
    inputsWith({ name: 'k', driver: 'kubernetes', ...over }, { driverOpts: ['namespace=ci', 'replicas=2'], buildkitdFlags: FLAGS })
  const keypair = {
    registry: 'reg.example',
    cas: [],
    keypairs: [{ cert: pem('cert', 'registry-certs', 2), key: pem('key', 'registry-certs', 2) }]
  }

  test.each<[string, Partial<KInputs>, { input: string; line?: number; message: RegExp }[]]>([
    ['nothing to refuse', {}, []],
    ['a CA alone', { certRequests: [{ registry: 'reg.example', cas: [pem('ca')], keypairs: [] }] }, []],
    [
      'a client key without allow-keys-in-configmap',
      { certRequests: [keypair] },
      [
        {
          input: 'registry-certs',
          line: 2,
          message: new RegExp(
            String.raw`^the client key for reg\.example would be stored in a ConfigMap: ` +
              String.raw`.*anyone who can read ConfigMaps in namespace ci can read the key\. Set allow-keys-in-configmap: true`
          )
        }
      ]
    ],
    ['a client key, allowed', { certRequests: [keypair], allowKeysInConfigmap: true }, []],
    [
      'a keypair named by the base config',
      {
        certRequests: [
          { registry: 'r', cas: [], keypairs: [{ cert: pem('cert', 'buildkitd-config'), key: pem('key', 'buildkitd-config') }] }
        ]
      },
      [{ input: 'buildkitd-config', message: /ConfigMaps are not secret/ }]
    ],
    [
      'cni: true (an image built on the runner)',
      { cni: { build: {} } as KInputs['cni'] },
      [{ input: 'cni', message: /cluster can't pull from; push a CNI image .* and pass it as cni-image/ }]
    ],
    ['cni-image', { cni: { image: 'ghcr.io/x/cni:1' } }, []],
    ['cni: bridge', { cni: { bridge: {} } }, []],
    [
      'an endpoint',
      { nodes: [{ endpoint: 'tcp://x:1234', driverOpts: [], buildkitdFlags: [], platforms: [], label: 'the first node' }] },
      [{ input: 'endpoint', message: /takes no endpoint \(buildx refuses it/ }]
    ],
    [
      "an appended node with an endpoint, and one whose name can't be a label value",
      {
        nodes: [
          { endpoint: '', driverOpts: [], buildkitdFlags: [], platforms: [], label: 'the first node' },
          { endpoint: 'ctx', driverOpts: [], buildkitdFlags: [], platforms: [], label: 'append[0]', append: 0, name: 'arm' },
          { endpoint: '', driverOpts: [], buildkitdFlags: [], platforms: [], label: 'append[1]', append: 1, name: 'x'.repeat(64) }
        ]
      },
      [
        { input: 'append', message: /^append\[0\]: the kubernetes driver takes no endpoint/ },
        { input: 'append', message: /^append\[1\]: node name "x{64}" becomes Deployment .* at most 63 characters/ }
      ]
    ],
    ['keep-state', { keepState: true }, [{ input: 'keep-state', message: /^Cannot use keep-state with kubernetes driver/ }]]
  ])('%s', (_what, over, want) => {
    const got = k8sInputs.kubernetesInputProblems(base(over))
    expect(got).toHaveLength(want.length)
    want.forEach((w, i) => {
      expect(got[i].input).toBe(w.input)
      expect(got[i].line).toBe(w.line)
      expect(got[i].message).toMatch(w.message)
    })
  })

  test('another driver: nothing to say', () => {
    expect(k8sInputs.kubernetesInputProblems(base({ driver: 'docker-container', keepState: true, certRequests: [keypair] }))).toEqual([])
  })
})

describe('the owner mark', () => {
  // buildx's builder.go csvToMap: each --driver-opt is CSV, each field k=v, the last key wins.
  const csvToMap = (opts: string[]): Record<string, string> => {
    const m: Record<string, string> = {}
    for (const o of opts) for (const f of csvFields(o)) m[f.slice(0, f.indexOf('='))] = f.slice(f.indexOf('=') + 1)
    return m
  }

  test.each([
    ['docker-container', `env.BUILDKIT_BUILDER_ACTION_OWNER=${OWNER}`],
    ['kubernetes', `labels=buildkit-builder-action/owner=${OWNER}`]
  ])('%s: %s', (driver, opt) => expect(owner.ownerOptFor(driver, OWNER)).toBe(opt))

  test.each<[string, string[], string[], Record<string, string>]>([
    ['no user opts', [], [`labels=buildkit-builder-action/owner=${OWNER}`], {}],
    [
      'other opts kept as given',
      ['namespace=ci', 'replicas=2'],
      ['namespace=ci', 'replicas=2', `labels=buildkit-builder-action/owner=${OWNER}`],
      { namespace: 'ci', replicas: '2' }
    ],
    [
      'a user label is merged, not replaced',
      ['labels=team=a'],
      [`"labels=team=a,buildkit-builder-action/owner=${OWNER}"`],
      { labels: `team=a,buildkit-builder-action/owner=${OWNER}` }
    ],
    [
      'labels inside a CSV line with other opts, several labels',
      ['namespace=ci,"labels=team=a,tier=b"'],
      ['namespace=ci', `"labels=team=a,tier=b,buildkit-builder-action/owner=${OWNER}"`],
      { namespace: 'ci', labels: `team=a,tier=b,buildkit-builder-action/owner=${OWNER}` }
    ],
    [
      "a user's own mark is replaced by this run's",
      ['labels=buildkit-builder-action/owner=other'],
      [`labels=buildkit-builder-action/owner=${OWNER}`],
      {}
    ]
  ])('kubernetes, %s', (_what, opts, want, alsoInMap) => {
    const got = owner.withOwnerOpt('kubernetes', OWNER, opts)
    expect(got).toEqual(want)
    const map = csvToMap(got)
    expect(map).toMatchObject(alsoInMap)
    expect(owner.ownerFromDriverOpts('kubernetes', map)).toBe(OWNER)
  })

  test('docker-container: the env opt first, as createArgs gives it', () => {
    expect(owner.withOwnerOpt('docker-container', OWNER, ['network=host'])).toEqual([
      `env.BUILDKIT_BUILDER_ACTION_OWNER=${OWNER}`,
      'network=host'
    ])
    expect(owner.withOwnerOpt('kubernetes', '', ['labels=a=b'])).toEqual(['labels=a=b'])
  })

  test.each<[string, Record<string, string> | null, string | undefined]>([
    ['kubernetes', JSON.parse(fx('instance-k8s-fx.json')).Nodes[0].DriverOpts, OWNER],
    ['kubernetes', { labels: '"team=a,buildkit-builder-action/owner=u1"' }, 'u1'],
    ['kubernetes', { labels: 'team=a' }, undefined],
    ['kubernetes', { 'env.BUILDKIT_BUILDER_ACTION_OWNER': 'u2' }, undefined],
    ['kubernetes', null, undefined],
    ['docker-container', { 'env.BUILDKIT_BUILDER_ACTION_OWNER': 'u2' }, 'u2']
  ])('%s record %j: owner %s', (driver, opts, want) => expect(owner.ownerFromDriverOpts(driver, opts)).toBe(want))

  test.each([
    ['a,b', ['a', 'b']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['', ['']]
  ])('csv %s', (line, fields) => expect(csvFields(line)).toEqual(fields))
})

describe('the kubernetes driver (kubectl stood in)', () => {
  test("two replicas, both verified: one get pods, one exec per pod, the first pod's findings", async () => {
    const p = plan()
    const seen = await kubernetes.readBackNode(p, node, compare)
    expect(calls).toEqual([
      `kubectl ${KC} --namespace buildkit-fx get pods --selector app=${DEP} --output json`,
      `kubectl ${KC} --namespace buildkit-fx exec ${POD_A} --container buildkitd -- sh -c `,
      `kubectl ${KC} --namespace buildkit-fx exec ${POD_B} --container buildkitd -- sh -c `
    ])
    // every exec hashes the planned files
    for (const c of run.mock.calls.filter(c => c[1].includes('exec'))) expect(c[1].slice(-2)).toEqual(['sh', CA])
    expect(seen.daemon).toMatchObject({ version: 'v0.29.0', network: 'host', workers: 1 })
    expect(seen.readBack).toMatchObject({
      configText: fx('pod-config.toml'),
      cmd: expect.arrayContaining(k8s.kubernetesDaemonFlags(FLAGS))
    })
    if (!seen.readBack || 'error' in seen.readBack || 'error' in seen.daemon) throw new Error('expected a read-back')
    expect(compare(p.expect, p.nodes[0], seen.readBack, seen.daemon)).toEqual([])
  })

  test('one replica with another config: a problem naming that pod and the key', async () => {
    // As a pod started from an older ConfigMap would show it: the captured read-back, another mirror.
    cluster.exec[POD_B] = ok(fx('exec-observe-pod-b.stdout').replace('"mirror.gcr.io"', '"old-mirror.example"'))
    const seen = await kubernetes.readBackNode(plan(), node, compare)
    expect(seen.readBack).toEqual({ error: expect.stringContaining(`pod ${POD_B} (replica 2 of 2) differs from the plan:`) })
    expect((seen.readBack as { error: string }).error).toMatch(/registry\."docker\.io"\.mirrors[\s\S]*old-mirror\.example/)
    expect((seen.readBack as { error: string }).error).not.toContain(POD_A)
    expect(seen.daemon).toMatchObject({ version: 'v0.29.0' })
  })

  test('a file missing in one pod (its ConfigMap not mounted): named with the pod', async () => {
    cluster.exec[POD_A] = ok(fx('exec-observe-pod-a.stdout').replace(`${CA_SHA}  ${CA}\n@@observe sha256 0`, '@@observe sha256 1'))
    const seen = await kubernetes.readBackNode(plan(), node, compare)
    expect(seen.readBack).toEqual({
      error: expect.stringMatching(
        new RegExp(
          `^pod ${POD_A} \\(replica 1 of 2\\) differs from the plan:\\n  CA for myregistry.test:5443 \\(env:REG_CA\\): ${CA} is missing`
        )
      )
    })
  })

  test('the daemon of one pod does not answer: the daemon error names the pod', async () => {
    cluster.exec[POD_B] = { exitCode: 0, stdout: fx('exec-observe-no-daemon.stdout'), stderr: fx('exec-observe-no-daemon.stderr') }
    const seen = await kubernetes.readBackNode(plan(), node, compare)
    expect(seen.daemon).toEqual({
      error: expect.stringMatching(new RegExp(`^pod ${POD_B} \\(replica 2 of 2\\): asking the daemon for its workers`))
    })
  })

  test('a replica Pending: fewer running pods than replicas, named', async () => {
    cluster.pods = fx('pods-one-pending.json')
    const pending = (JSON.parse(cluster.pods) as { items: { metadata: { name: string }; status: { phase: string } }[] }).items.find(
      p => p.status.phase === 'Pending'
    )
    const seen = await kubernetes.readBackNode(plan(), node, compare)
    expect(seen.readBack).toEqual({ error: expect.stringContaining(`pod ${pending?.metadata.name} is Pending, not Running`) })
    expect((seen.readBack as { error: string }).error).toContain('has 1 running pod(s) of the 2 asked for (replicas)')
    expect(calls.filter(c => c.includes(' exec '))).toHaveLength(1)
  })

  test('no pods: both parts say so, no exec', async () => {
    cluster.pods = fx('pods-none.json')
    const seen = await kubernetes.readBackNode(plan(), node, compare)
    expect(seen.daemon).toEqual({ error: expect.stringContaining(`deployment ${DEP} (${NS}) has 0 running pod(s) of the 2 asked for`) })
    expect(calls.filter(c => c.includes(' exec '))).toEqual([])
  })

  test('kubectl missing: kubectlCheck says what to do; present: it passes', async () => {
    await expect(kubectlCheck()).resolves.toBeUndefined()
    expect(calls).toEqual(['kubectl version --client'])
    cluster.kubectl = false
    await expect(kubectlCheck()).rejects.toThrow(
      /kubectl is not installed or not on PATH: the kubernetes driver needs it to read the config back from the builder's pods/
    )
  })

  test('kubectl missing at observe: an error, not a crash', async () => {
    cluster.kubectl = false
    const seen = await kubernetes.readBackNode(plan(), node, compare)
    expect(seen.readBack).toEqual({ error: expect.stringContaining('could not run kubectl') })
  })

  test("create: each node's createArgs; several nodes are booted together", async () => {
    await kubernetes.create(plan())
    expect(calls).toEqual(['docker buildx create --bootstrap --name k8s-fx --driver kubernetes'])
    calls.length = 0
    const two = plan()
    two.nodes = [
      two.nodes[0],
      { ...two.nodes[0], label: 'append[0]', createArgs: ['buildx', 'create', '--append', '--name', 'k8s-fx', '--node', 'arm'] }
    ]
    await kubernetes.create(two)
    expect(calls).toEqual([
      'docker buildx create --bootstrap --name k8s-fx --driver kubernetes',
      'docker buildx create --append --name k8s-fx --node arm',
      'docker buildx inspect --bootstrap k8s-fx'
    ])
  })

  test('resolve and logSince use the same pod, the first running one', async () => {
    await kubernetes.resolve(node, ['alpine:3.20'], 'k8s-fx')
    const log = await kubernetes.logSince(node, 1748859309.5)
    expect(calls.filter(c => !c.includes(' get pods '))).toEqual([
      `kubectl ${KC} --namespace buildkit-fx exec ${POD_A} --container buildkitd -- sh -c `,
      `kubectl ${KC} --namespace buildkit-fx logs ${POD_A} --container buildkitd --since-time=2025-06-02T10:15:09Z`
    ])
    expect(run.mock.calls.find(c => c[1].includes('exec'))?.[1].slice(-2)).toEqual(['sh', 'alpine:3.20'])
    expect(log).toContain('running server')
  })

  test("logTail: every pod's tail, each under its name; nothing to ask → empty", async () => {
    const tail = await kubernetes.logTail(node, 5)
    expect(tail).toBe(`--- pod ${POD_A} (Running) ---\n${cluster.logs[POD_A].trim()}\n--- pod ${POD_B} (Running) ---\npod b log`)
    cluster.kubectl = false
    expect(await kubernetes.logTail(node)).toBe('')
  })

  test('claim: kubectl is checked first; a free name is taken, a recorded one refused', async () => {
    await expect(kubernetes.claim('k8s-new', true)).resolves.toBe('k8s-new')
    await expect(kubernetes.claim('k8s-fx', true)).rejects.toThrow(/a builder named "k8s-fx" already exists/)
    expect(calls.every(c => c.startsWith('kubectl version'))).toBe(true)
    expect(calls).toHaveLength(2)
  })

  test("owner, nodes and remove go through buildx's record and buildx rm", async () => {
    expect(kubernetes.nodes('k8s-fx')).toEqual([expect.objectContaining({ Name: DEP, Endpoint: node.Endpoint })])
    expect(kubernetes.owner('no-such-builder')).toBeUndefined()
    await kubernetes.remove('k8s-fx', false)
    expect(calls).toEqual(['docker buildx rm k8s-fx'])
  })
})

describe("the kubernetes driver: whose Deployment is at a node's place (#18)", () => {
  const named = { Name: 'fixed-node', Endpoint: '', DriverOpts: { namespace: 'ci' } }
  const deployment = (labels: Record<string, string> | undefined): RunResult =>
    ok(JSON.stringify({ kind: 'Deployment', metadata: { name: 'fixed-node', namespace: 'ci', ...(labels ? { labels } : {}) } }))

  test.each<[string, RunResult, unknown]>([
    ['none yet', ok(''), { state: 'free' }],
    ["this run's (its label)", deployment({ app: 'fixed-node', [owner.OWNER_LABEL]: OWNER }), { state: 'taken', owner: OWNER }],
    ["another run's", deployment({ app: 'fixed-node', [owner.OWNER_LABEL]: 'run-2' }), { state: 'taken', owner: 'run-2' }],
    ['one without a mark (made by raw buildx)', deployment({ app: 'fixed-node' }), { state: 'taken', owner: '' }],
    ['no labels at all', deployment(undefined), { state: 'taken', owner: '' }],
    [
      "the cluster can't be asked",
      { exitCode: 1, stdout: '', stderr: 'error: You must be logged in to the server (Unauthorized)' },
      { state: 'unknown', error: 'error: You must be logged in to the server (Unauthorized)' }
    ]
  ])('%s', async (_what, answer, want) => {
    cluster.deployment = answer
    expect(await kubernetes.occupant(named)).toEqual({ place: 'Deployment fixed-node (ci)', occupant: want })
    expect(calls).toEqual(['kubectl --namespace ci get deployment fixed-node --ignore-not-found --output json'])
  })

  test("a recorded node: the Deployment from its endpoint, the kubeconfig buildx recorded, the kubeconfig's namespace", async () => {
    await kubernetes.occupant({ Name: 'n_1', Endpoint: 'kubernetes:///b?deployment=n-1&kubeconfig=/k/config' })
    expect(calls).toEqual(['kubectl --kubeconfig /k/config get deployment n-1 --ignore-not-found --output json'])
  })

  test('kubectl missing: unknown, never free', async () => {
    cluster.kubectl = false
    expect((await kubernetes.occupant(named))?.occupant).toMatchObject({ state: 'unknown' })
  })

  test('leave and remove keeping the daemon: the buildx commands', async () => {
    await kubernetes.leave('k8s-fx', 'fixed-node')
    await kubernetes.remove('k8s-fx', false, true)
    expect(calls).toEqual(['docker buildx create --leave --name k8s-fx --node fixed-node', 'docker buildx rm --keep-daemon k8s-fx'])
  })
})
