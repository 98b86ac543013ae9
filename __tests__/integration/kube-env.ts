import { describe } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { root } from '../../scripts/runner.mjs'
import { buildkitImage, hasCommand, uniqueName } from './docker-env.js'

// What the kubernetes integration tests need: a real cluster named by KUBECONFIG, kubectl,
// and the BuildKit image in the cluster's image store (its pods can't pull: no registry is
// reachable). On this project's machines ../shared/real-kubernetes/up starts a single-node
// Kubernetes and imports the image; on GitHub the e2e workflow's kind job loads it.
// Without a cluster the tests are skipped, and say so; REQUIRE_KUBERNETES=1 makes that a
// failure instead (as REQUIRE_DOCKER does for the engine).

const UP = path.join(root, '..', 'shared', 'real-kubernetes', 'up')

function probe(): string | undefined {
  const kc = process.env.KUBECONFIG ?? ''
  if (kc === '') return 'KUBECONFIG is not set'
  if (!kc.split(':').some(f => fs.existsSync(f))) return `KUBECONFIG=${kc} names no file`
  if (!hasCommand('kubectl')) return 'kubectl is not on PATH'
  const r = spawnSync('kubectl', ['get', '--raw', '/readyz'], { encoding: 'utf8', timeout: 15_000 })
  if (r.status !== 0) return `the cluster does not answer (kubectl get --raw /readyz): ${(r.stderr || r.error?.message || '').trim()}`
  return undefined
}

export const kubeProblem = probe()
if (kubeProblem && process.env.REQUIRE_KUBERNETES === '1') {
  throw new Error(`REQUIRE_KUBERNETES=1 but no Kubernetes cluster is reachable: ${kubeProblem}`)
}
if (kubeProblem) {
  console.warn(
    `KUBERNETES TESTS SKIPPED: ${kubeProblem}. Set KUBECONFIG to a cluster whose image store holds the BuildKit image ` +
      '(../shared/real-kubernetes/up starts one here) to run them; REQUIRE_KUBERNETES=1 makes a missing cluster a failure.'
  )
}
export const describeKube = kubeProblem ? describe.skip : describe

export function kubectl(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('kubectl', args, { encoding: 'utf8', env, timeout: 60_000 })
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? r.error?.message ?? '' }
}

/** kubectl that must work: its stdout. */
export function kubectlOk(args: string[], env?: NodeJS.ProcessEnv): string {
  const r = kubectl(args, env)
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr.trim()}`)
  return r.stdout
}

/**
 * The BuildKit image, in the cluster's store: imported by ../shared/real-kubernetes/up where
 * that exists (idempotent, under a second once done); elsewhere the cluster is expected to
 * have it (kind: `kind load docker-image`).
 */
export function clusterImage(): string {
  const image = buildkitImage()
  if (fs.existsSync(UP)) {
    const r = spawnSync(UP, [], { encoding: 'utf8', env: { ...process.env, BUILDKIT_IMAGE: image } })
    if (r.status !== 0) throw new Error(`${UP} failed: ${r.stderr.trim().split('\n').slice(-3).join('\n')}`)
  }
  return image
}

const namespaces: string[] = []

/** A namespace of the test's own, removed by cleanUpKube. */
export function newNamespace(): string {
  const ns = uniqueName('k8s')
  kubectlOk(['create', 'namespace', ns])
  namespaces.push(ns)
  return ns
}

export function cleanUpKube(): void {
  for (const ns of namespaces.splice(0)) kubectl(['delete', 'namespace', ns, '--wait=false'])
}

/**
 * The CA bundles the cluster's controllers publish into every namespace, some time after it is
 * made (kube-root-ca.crt; OpenShift's service CA on microshift): not anything a run makes.
 */
const PUBLISHED = new Set(['configmap/kube-root-ca.crt', 'configmap/openshift-service-ca.crt'])

/** The Deployments and ConfigMaps in a namespace, as `kind/name`, sorted (the cluster's published CA bundles aside). */
export function objectsIn(ns: string, env?: NodeJS.ProcessEnv): string[] {
  return kubectlOk(['--namespace', ns, 'get', 'deployment,configmap', '--output', 'name'], env)
    .split('\n')
    .filter(l => l !== '' && !PUBLISHED.has(l))
    .sort()
}

/** A Deployment's JSON, or undefined when there is none. */
export function deployment(
  ns: string,
  name: string
): { metadata: { labels?: Record<string, string> }; status?: { readyReplicas?: number } } | undefined {
  const out = kubectlOk(['--namespace', ns, 'get', 'deployment', name, '--ignore-not-found', '--output', 'json'])
  return out.trim() === '' ? undefined : JSON.parse(out)
}

/** The names of a Deployment's pods in phase Running. */
export function runningPods(ns: string, dep: string): string[] {
  return kubectlOk([
    '--namespace',
    ns,
    'get',
    'pods',
    '--selector',
    `app=${dep}`,
    '--field-selector',
    'status.phase=Running',
    '--output',
    'name'
  ])
    .split('\n')
    .filter(l => l !== '')
    .map(l => l.replace(/^pod\//, ''))
    .sort()
}

/**
 * A kubeconfig of the test's own: the current one with its current context's namespace set
 * (as a runner's kubeconfig may name one), written to `dir`.
 */
export function kubeconfigWithNamespace(dir: string, ns: string): string {
  const file = path.join(dir, 'kubeconfig')
  fs.writeFileSync(file, kubectlOk(['config', 'view', '--raw', '--flatten', '--minify']), { mode: 0o600 })
  kubectlOk(['--kubeconfig', file, 'config', 'set-context', '--current', `--namespace=${ns}`])
  return file
}

/**
 * A kubeconfig that authenticates as service account `sa` of `ns` with a token (the cluster's
 * server and CA from the current kubeconfig), as a runner pod's service account would.
 */
export function serviceAccountKubeconfig(dir: string, ns: string, sa: string): string {
  const raw = JSON.parse(kubectlOk(['config', 'view', '--raw', '--flatten', '--minify', '--output', 'json'])) as {
    clusters: { cluster: { server: string; 'certificate-authority-data'?: string } }[]
  }
  const cluster = raw.clusters[0].cluster
  const token = kubectlOk(['--namespace', ns, 'create', 'token', sa, '--duration', '1h']).trim()
  const file = path.join(dir, 'sa-kubeconfig')
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster }],
    users: [{ name: sa, user: { token } }],
    contexts: [{ name: 'sa', context: { cluster: 'c', user: sa, namespace: ns } }],
    'current-context': 'sa'
  }
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 })
  return file
}
