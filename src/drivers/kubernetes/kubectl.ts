import { CONTAINER_CONFIG_FILE } from '../../config/paths.js'
import { redact } from '../../runner/redact.js'
import type { RunResult } from '../../runner/exec.js'
import { parseReadBack, type ReadBackParts } from '../../buildkit/read-back.js'

// buildx's kubernetes driver, the parts that need no cluster: where buildx puts things in
// the pods, how kubectl finds them and what kubectl prints (the inputs it can't take are
// inputs.ts'). Pure. Everything here follows docker/buildx v0.29.1:
//
// - The node's name is the Deployment's: buildx creates a node named by --node, else
//   <builder><n> (store/nodegroup.go Update → nextNodeName: `docker buildx inspect kt` shows
//   node kt0), and its kubernetes driver is given that name (builder/node.go LoadNodes:
//   driver.BuilderName(n.Name)), whose Deployment is that name with "_" turned into "-"
//   (driver/kubernetes/factory.go New → buildxNameToDeploymentName). On a real cluster
//   (v1.36.2, buildx 0.29.1 and 0.36.1) builder kt makes deployment.apps/kt0.
// - builder/builder.go Create records the endpoint
//   `kubernetes:///<builder>?deployment=<name>&kubeconfig=<$KUBECONFIG at create time>`,
//   where <name> is --node or else a random `buildkit-<uuid>-<5 hex>`
//   (driver/kubernetes/util/generate.go GenerateNodeName): only there so that two nodes'
//   endpoints differ ("to avoid duplicated endpoint"); no Deployment is named after it.
//   Only the kubeconfig is read from it.
// - factory.go New: the namespace is driver-opt `namespace`, else the
//   kubeconfig's (context/load.go ConfigFromEndpoint → clientcmd's Namespace(): the current
//   context's namespace, "default" when it names none) — kubectl's own rule, so kubectl is
//   given -n only when the driver-opt is set.
// - driver/kubernetes/manifest/manifest.go NewDeployment: label app=<deployment> on the
//   Deployment, its selector and its pods (custom `labels` are added to all three); one
//   container "buildkitd" whose args are exactly the buildkitd flags (no --config is added,
//   unlike driver/docker-container/driver.go); the files of util/confutil/container.go
//   LoadConfigFiles go into one ConfigMap per directory: buildkitd.toml into
//   "<deployment>-config", mounted at /etc/buildkit; each registry's certificates into
//   "<deployment>-config-<n>" (n follows Go's map order: not predictable), mounted at
//   /etc/buildkit/certs/<host, runs of [^a-zA-Z0-9.-] as _>. So the pod has every file at
//   the path the docker-container driver copies it to (config/paths.ts containerCertPath), and the
//   config's rewritten cert paths are the same: plan.expect applies unchanged.
// - driver/kubernetes/podchooser ListRunningPods: the daemons buildx dials are the pods of
//   that selector in phase Running, sorted by name; with replicas > 1 each is a daemon of its
//   own, so every one is verified.

/** The container buildx runs the daemon in (manifest.go containerName). */
export const KUBE_CONTAINER = 'buildkitd'

/** The Deployment of a node (factory.go buildxNameToDeploymentName). */
export function deploymentName(node: string): string {
  return node.replace(/_/g, '-')
}

/**
 * Name limits: a node's Deployment name is also the value of its pods' `app` label
 * (manifest.go), and Kubernetes takes at most 63 characters in a label value; a builder's
 * nodes are <builder><n>, n up to 99.
 */
export const KUBE_NODE_LIMIT = {
  length: 63,
  why: "buildx names the node's Deployment after it, and its pods' label app=<name> takes at most 63 characters"
}
export const KUBE_NAME_LIMIT = {
  length: KUBE_NODE_LIMIT.length - 2,
  why: "buildx names each node's Deployment <name><n>, and its pods' label app=<name><n> takes at most 63 characters"
}

/** The label selector of a node's pods (manifest.go LabelApp). */
export function podSelector(node: string): string {
  return `app=${deploymentName(node)}`
}

/** A kubernetes node's endpoint as buildx records it (builder.go Create). */
export interface KubeEndpoint {
  builder: string
  /** Not the Deployment's name (see above): a random name unless --node was given */
  deployment: string
  /** $KUBECONFIG when the node was created; '' when it was unset */
  kubeconfig: string
}

export function parseKubeEndpoint(endpoint: string): KubeEndpoint | undefined {
  let u: URL
  try {
    u = new URL(endpoint)
  } catch {
    return undefined
  }
  if (u.protocol !== 'kubernetes:') return undefined
  return {
    builder: decodeURIComponent(u.pathname.replace(/^\//, '')),
    deployment: u.searchParams.get('deployment') ?? '',
    kubeconfig: u.searchParams.get('kubeconfig') ?? ''
  }
}

/** Where kubectl finds a node: the recorded kubeconfig and the namespace driver-opt. */
export interface KubeTarget {
  /** kubectl's global flags: --kubeconfig, -n */
  global: string[]
  /** The node's Deployment */
  deployment: string
  /** For messages: the namespace, or how it is chosen */
  namespace: string
}

/**
 * kubectl's flags for a node. buildx loads the recorded kubeconfig as the explicit path
 * (context/load.go ConfigFromEndpoint); a list of paths can't be one --kubeconfig, so it is
 * left to $KUBECONFIG, which kubectl reads the same way.
 */
export function kubeTarget(node: { Name: string; Endpoint: string; DriverOpts?: Record<string, string> | null }): KubeTarget {
  const ep = parseKubeEndpoint(node.Endpoint)
  const global: string[] = []
  if (ep && ep.kubeconfig !== '' && !ep.kubeconfig.includes(':')) global.push('--kubeconfig', ep.kubeconfig)
  const ns = namespaceOf(node.DriverOpts)
  if (ns !== undefined) global.push('--namespace', ns)
  return {
    global,
    deployment: deploymentName(node.Name),
    namespace: ns ?? "the kubeconfig's current namespace"
  }
}

/** driver-opt namespace, or undefined: the kubeconfig's current namespace applies ("default" if none). */
export function namespaceOf(driverOpts: Record<string, string> | null | undefined): string | undefined {
  const ns = driverOpts?.namespace
  return ns === undefined || ns === '' ? undefined : ns
}

/** driver-opt replicas (factory.go: 1 unless given). */
export function replicasOf(driverOpts: Record<string, string> | null | undefined): number {
  const n = Number.parseInt(driverOpts?.replicas ?? '', 10)
  return Number.isFinite(n) && n >= 0 ? n : 1
}

/** The node's Deployment as JSON; nothing on stdout when there is none. */
export function getDeploymentArgs(t: KubeTarget): string[] {
  return [...t.global, 'get', 'deployment', t.deployment, '--ignore-not-found', '--output', 'json']
}

export function getPodsArgs(t: KubeTarget): string[] {
  return [...t.global, 'get', 'pods', '--selector', `app=${t.deployment}`, '--output', 'json']
}

/** `kubectl exec` of a script in the daemon's container; `args` become $1… */
export function execArgs(t: KubeTarget, pod: string, script: string, args: string[]): string[] {
  return [...t.global, 'exec', pod, '--container', KUBE_CONTAINER, '--', 'sh', '-c', script, 'sh', ...args]
}

/**
 * `kubectl logs` since a moment (unix seconds). The API takes sinceTime in whole seconds
 * (metav1.Time is RFC 3339 without fractions): rounded down, so nothing after `since` is lost.
 */
export function logsSinceArgs(t: KubeTarget, pod: string, since: number): string[] {
  const at = new Date(Math.floor(since) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return [...t.global, 'logs', pod, '--container', KUBE_CONTAINER, `--since-time=${at}`]
}

export function logsTailArgs(t: KubeTarget, pod: string, lines: number): string[] {
  return [...t.global, 'logs', pod, '--container', KUBE_CONTAINER, `--tail=${lines}`]
}

export const KUBECTL_VERSION_ARGS = ['version', '--client']

/** One pod of a node, as verification needs it. */
export interface KubePod {
  name: string
  /** status.phase: Pending, Running, Succeeded, Failed, Unknown */
  phase: string
  /** The buildkitd container's args: the daemon's arguments (the image's entrypoint is buildkitd) */
  args: string[]
  /** Being deleted (a replaced replica): not one of the builder's daemons any more */
  deleting: boolean
}

/** `kubectl get pods -o json`: a List of Pods. Sorted by name, as buildx's pod chooser sorts them. */
export function parsePods(json: string): KubePod[] {
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    throw new Error(`kubectl get pods printed something that is not JSON: ${redact(json.slice(0, 200))}`)
  }
  interface Pod {
    metadata?: { name?: string; deletionTimestamp?: string }
    spec?: { containers?: { name?: string; args?: string[] }[] }
    status?: { phase?: string }
  }
  const items = (data as { items?: Pod[] } | null)?.items
  if (!Array.isArray(items)) throw new Error('kubectl get pods printed JSON without an items list')
  return items
    .map(p => {
      const containers = p.spec?.containers ?? []
      const c = containers.find(x => x.name === KUBE_CONTAINER) ?? containers[0]
      return {
        name: p.metadata?.name ?? '(unnamed)',
        phase: p.status?.phase ?? 'Unknown',
        args: c?.args ?? [],
        deleting: p.metadata?.deletionTimestamp !== undefined
      }
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** One pod's `kubectl exec` of READ_BACK_SCRIPT (buildkit/read-back.ts) with its spec's args, as verification reads them. */
export function podSeen(exec: RunResult, pod: KubePod, files: string[]): ReadBackParts {
  return parseReadBack(exec, { cmd: pod.args }, files, 'the pod')
}

/**
 * The daemon flags to give buildx for a kubernetes node: the config's path first. buildx
 * adds no --config for this driver (manifest.go: args are the flags as given), so the daemon
 * reads /etc/buildkit/buildkitd.toml only by its own default, and a rootless daemon
 * (driver-opt rootless=true) looks in ~/.config/buildkit instead and would run without the
 * config. Naming it makes both read the mounted file, and makes the pod's args what the plan
 * expects of every node (drivers/common.ts planConfigNodes: ['--config', CONTAINER_CONFIG_FILE, ...flags]).
 */
export function kubernetesDaemonFlags(flags: readonly string[]): string[] {
  return ['--config', CONTAINER_CONFIG_FILE, ...flags]
}

// ---------------------------------------------------------------------------------------
// Inputs this driver can't take
