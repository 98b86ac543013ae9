import { leaveArgs, rmArgs } from '../../docker/buildx.js'
import { type RecordedNode } from '../../docker/buildx-record.js'
import * as docker from '../../docker/cli.js'
import { lastLine, run, runChecked, type RunResult } from '../../runner/exec.js'
import * as log from '../../runner/log.js'
import {
  execArgs,
  kubernetesDaemonFlags,
  getDeploymentArgs,
  getPodsArgs,
  KUBE_NAME_LIMIT,
  KUBE_NODE_LIMIT,
  KUBECTL_VERSION_ARGS,
  kubeTarget,
  logsSinceArgs,
  logsTailArgs,
  parseKubeEndpoint,
  parsePods,
  podSeen,
  replicasOf,
  type KubePod,
  type KubeTarget
} from './kubectl.js'
import type { Plan } from '../../plan/plan.js'
import { RESOLVE_SCRIPT } from '../../buildkit/resolve.js'
import { parseWorkers, type DaemonInfo } from '../../buildkit/daemon-info.js'
import { DEFAULT_FLAGS } from '../../inputs/model.js'
import { kubernetesEndpointProblem, kubernetesInputProblems } from './inputs.js'
import { keptFromLabelsOpt, labelMarkOf, ownerFromLabels, withLabelMark, withoutLabelMark } from './owner.js'
import { claimFreeName, createNodes, kubeletImage, planConfigNodes } from '../common.js'
import { READ_BACK_SCRIPT } from '../../buildkit/read-back.js'
import type { Compare, Driver, NodeRef, ReadBackResult } from '../driver.js'

// buildx's kubernetes driver: each node is a Deployment whose pods (driver-opt replicas)
// each run a daemon of their own, with the config and certificates mounted from ConfigMaps
// (kubectl.ts says where, from buildx v0.29.1's driver/kubernetes). buildx creates
// and removes them; kubectl reads them back, every pod, because buildx sends each build to
// one of them (podchooser: sticky by context path, or random) and a pod that runs without the
// config would fail only the builds that land on it.

/** Throws a clear error when kubectl is not there: it is how the builder's pods are verified. */
export async function kubectlCheck(): Promise<void> {
  let res: RunResult
  try {
    res = await run('kubectl', KUBECTL_VERSION_ARGS)
  } catch {
    throw new Error(
      "kubectl is not installed or not on PATH: the kubernetes driver needs it to read the config back from the builder's pods " +
        '(buildx itself talks to the cluster without it); install it first, e.g. with azure/setup-kubectl'
    )
  }
  if (res.exitCode !== 0) {
    throw new Error(
      `kubectl version --client failed (exit code ${res.exitCode}): ${(res.stderr || res.stdout).trim().split('\n').pop() ?? ''}`
    )
  }
}

/** buildx's record of a node (namespace and replicas are in its DriverOpts), by its endpoint. */
function recordOf(node: NodeRef): RecordedNode {
  const builder = parseKubeEndpoint(node.Endpoint)?.builder
  const rec = builder === undefined ? undefined : docker.builderNodes(builder).find(n => n.Name === node.Name)
  return rec ?? { Name: node.Name, Endpoint: node.Endpoint }
}

/** The node's pods that are not being deleted, by name (podchooser.ListRunningPods order). */
async function podsOf(t: KubeTarget): Promise<KubePod[]> {
  const res = await runChecked(`kubectl get pods of deployment ${t.deployment} (${t.namespace})`, 'kubectl', getPodsArgs(t))
  return parsePods(res.stdout).filter(p => !p.deleting)
}

async function runningPods(t: KubeTarget): Promise<KubePod[]> {
  const pods = (await podsOf(t)).filter(p => p.phase === 'Running')
  if (pods.length === 0) throw new Error(`deployment ${t.deployment} (${t.namespace}) has no running pod`)
  return pods
}

export const kubernetes: Driver = {
  name: 'kubernetes',
  createsBuilder: true,
  takesConfig: true,
  defaultFlags: DEFAULT_FLAGS,
  maxBuilderName: KUBE_NAME_LIMIT,
  maxNodeName: KUBE_NODE_LIMIT,
  // A node is a Deployment in the kubeconfig's cluster: no endpoint of its own.
  nodeEndpoints: false,
  // buildx's kubernetes driver talks to the cluster only (checked: create, inspect and rm with
  // DOCKER_HOST on a socket nobody serves).
  usesEngine: false,
  endpointProblem: kubernetesEndpointProblem,
  inputProblems: inputs => kubernetesInputProblems(inputs),
  keptKeysPlace: "in the builder's ConfigMaps",
  // The owner mark is a `labels=` driver option, which buildx's kubernetes factory takes from v0.12.0.
  oldestBuildx: 'v0.12.0',
  builderImage: kubeletImage,
  planNodes: ctx => planConfigNodes('kubernetes', ctx, { mark: withLabelMark, daemonFlags: kubernetesDaemonFlags }),
  claim: async asked => {
    // kubectl first: verification needs it, and nothing is created until it is there.
    await kubectlCheck()
    return claimFreeName(asked, keptFromLabelsOpt)
  },
  keptOf: keptFromLabelsOpt,
  create: createNodes,
  readBackNode: async (plan, node, compare) => readBackPods(plan, node, compare),
  readsDaemonLog: true,
  resolve: async (node, refs) => {
    // The first running pod, as logSince reads: the proof's log lines must come from the
    // daemon that resolved.
    const t = kubeTarget(recordOf(node))
    const [pod] = await runningPods(t)
    return run('kubectl', execArgs(t, pod.name, RESOLVE_SCRIPT, refs))
  },
  logSince: async (node, since) => {
    const t = kubeTarget(recordOf(node))
    const [pod] = await runningPods(t)
    const res = await runChecked(`reading the daemon's log of pod ${pod.name}`, 'kubectl', logsSinceArgs(t, pod.name, since))
    return `${res.stdout}\n${res.stderr}`
  },
  logTail: async (node, lines = 30) => {
    const t = kubeTarget(recordOf(node))
    let pods: KubePod[]
    try {
      pods = await podsOf(t)
    } catch {
      return ''
    }
    const tails = await Promise.all(
      pods.map(async p => {
        const res = await run('kubectl', logsTailArgs(t, p.name, lines))
        const text = `${res.stdout}${res.stderr}`.trim()
        return pods.length > 1 ? `--- pod ${p.name} (${p.phase}) ---\n${text}` : text
      })
    )
    return tails.join('\n')
  },
  owner: builder => docker.builderOwner(builder, labelMarkOf),
  withoutOwner: withoutLabelMark,
  nodes: builder => docker.builderNodes(builder),
  occupant: async node => {
    const t = kubeTarget(node)
    const place = `Deployment ${t.deployment} (${t.namespace})`
    const res = await run('kubectl', getDeploymentArgs(t)).catch((err: Error) => ({ exitCode: 1, stdout: '', stderr: err.message }))
    if (res.exitCode !== 0) return { place, occupant: { state: 'unknown', error: lastLine(res.stderr || res.stdout) } }
    // --ignore-not-found: nothing on stdout when there is no such Deployment.
    if (res.stdout.trim() === '') return { place, occupant: { state: 'free' } }
    try {
      const d = JSON.parse(res.stdout) as { metadata?: { labels?: Record<string, string> | null } }
      return { place, occupant: { state: 'taken', owner: ownerFromLabels(d.metadata?.labels) } }
    } catch (err) {
      return { place, occupant: { state: 'unknown', error: `kubectl's answer is not JSON: ${(err as Error).message}` } }
    }
  },
  leave: (builder, node) => docker.leaveNode(leaveArgs(builder, node)),
  remove: (builder, keepState, keepDaemon) => docker.removeBuilder(rmArgs(builder, keepState, keepDaemon))
}

/**
 * Every pod of the node, each with one `kubectl exec`; compared with the plan here, pod by
 * pod, because the ReadBackResult has room for one daemon: all pods agree with the plan → the
 * first pod's findings; otherwise the failing pods, named, as the errors.
 */
async function readBackPods(plan: Plan, node: NodeRef, compare: Compare): Promise<ReadBackResult> {
  const recorded = docker.builderNodes(plan.builder)
  const i = recorded.findIndex(n => n.Name === node.Name)
  const rec = recorded[i] ?? { Name: node.Name, Endpoint: node.Endpoint }
  const planned = plan.nodes[i] ?? plan.nodes[0]
  const t = kubeTarget(rec)
  const files = plan.expect.files.map(f => f.path)

  let pods: KubePod[]
  try {
    pods = await podsOf(t)
  } catch (err) {
    const error = (err as Error).message
    return { daemon: { error }, readBack: { error } }
  }
  const wanted = replicasOf(rec.DriverOpts)
  const failures: string[] = []
  const running = pods.filter(p => p.phase === 'Running')
  for (const p of pods) if (p.phase !== 'Running') failures.push(`pod ${p.name} is ${p.phase}, not Running`)
  if (running.length < wanted) {
    failures.push(`deployment ${t.deployment} (${t.namespace}) has ${running.length} running pod(s) of the ${wanted} asked for (replicas)`)
  }
  if (running.length === 0) {
    const error = failures.join('; ')
    return { daemon: { error }, readBack: { error } }
  }

  const seen = await Promise.all(
    running.map(async p => ({ pod: p, ...podSeen(await run('kubectl', execArgs(t, p.name, READ_BACK_SCRIPT, files)), p, files) }))
  )
  let firstDaemon: DaemonInfo | undefined
  let daemonError: string | undefined
  for (const [k, s] of seen.entries()) {
    const who = `pod ${s.pod.name}${running.length > 1 ? ` (replica ${k + 1} of ${running.length})` : ''}`
    let daemon: DaemonInfo | undefined
    if ('error' in s.workers) {
      daemonError ??= `${who}: ${s.workers.error}`
    } else {
      try {
        daemon = parseWorkers(s.workers.text)
        firstDaemon ??= daemon
      } catch (err) {
        daemonError ??= `${who}: ${(err as Error).message}`
      }
    }
    if ('error' in s.readBack) {
      failures.push(`${who}: ${s.readBack.error}`)
      continue
    }
    const problems = compare(plan.expect, planned, s.readBack, daemon)
    if (problems.length > 0) failures.push(`${who} differs from the plan:\n${problems.map(p => `  ${p}`).join('\n')}`)
    else log.info(`${who} of Deployment ${t.deployment} (${t.namespace}): read back, as planned`)
  }
  const first = seen[0]
  return {
    daemon: daemonError !== undefined ? { error: daemonError } : (firstDaemon ?? { error: 'no pod answered' }),
    readBack: failures.length > 0 ? { error: failures.join('\n') } : first.readBack
  }
}
