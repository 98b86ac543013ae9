import type { InputProblem } from '../../inputs/driver-rules.js'
import { driverOptFields } from '../../docker/driver-opts.js'
import type { Inputs, NodeSpec } from '../../inputs/model.js'
import { namespaceOf, deploymentName } from './kubectl.js'

// The inputs the kubernetes driver can't take, each with what to do instead. Pure.

/**
 * Every input that can't work with the kubernetes driver, each naming its input; [] for
 * another driver. Called by inputs/inputs.ts (this driver's rules) once the inputs are read.
 */
export function kubernetesInputProblems(inputs: Inputs): InputProblem[] {
  if (inputs.driver !== 'kubernetes') return []
  return [
    ...keysInConfigmapProblems(inputs),
    ...cniBuildProblems(inputs),
    ...inputs.nodes.flatMap(nodeProblems),
    ...keepStateProblems(inputs)
  ]
}

/** A registry client key, which this driver would put into a ConfigMap, unless allow-keys-in-configmap says that is acceptable. */
function keysInConfigmapProblems(inputs: Inputs): InputProblem[] {
  const ns = namespaceOf(Object.fromEntries(driverOptFields(inputs.nodes[0]?.driverOpts ?? []).map(o => [o.key, o.value])))
  const where = ns === undefined ? "the builder's namespace" : `namespace ${ns}`
  // manifest.go puts every file of the config, keys included, into ConfigMap data; reading a
  // ConfigMap needs only `get configmaps` in its namespace, which many roles grant that
  // would never grant `get secrets`.
  const keyed = inputs.certRequests.filter(r => r.keypairs.length > 0)
  if (keyed.length === 0 || inputs.allowKeysInConfigmap === true) return []
  const kp = keyed[0].keypairs[0].key
  return [
    {
      input: kp.input,
      line: kp.line,
      message:
        `the client key for ${keyed[0].registry} would be stored in a ConfigMap: buildx's ` +
        `kubernetes driver hands the config and every certificate file to its pods as ConfigMaps, ` +
        `and ConfigMaps are not secret — anyone who can read ConfigMaps in ${where} can read the key. ` +
        'Set allow-keys-in-configmap: true if that is acceptable (e.g. a namespace of its own), or give only a CA'
    }
  ]
}

/** cni: true, whose image is built on the runner, where the cluster can't pull it. */
function cniBuildProblems(inputs: Inputs): InputProblem[] {
  if (!(inputs.cni && 'build' in inputs.cni)) return []
  return [
    {
      input: 'cni',
      message:
        "true builds the CNI image on the runner's Docker engine, which the cluster can't pull from; " +
        'push a CNI image to a registry the cluster can reach and pass it as cni-image (or use cni: bridge)'
    }
  ]
}

/** A node's endpoint, which this driver refuses, and a node name Kubernetes would refuse as its Deployment's. */
function nodeProblems(n: NodeSpec): InputProblem[] {
  const problems: InputProblem[] = []
  if (n.endpoint !== '') {
    problems.push({
      input: n.append === undefined ? 'endpoint' : 'append',
      message:
        `${n.append === undefined ? '' : `${n.label}: `}the kubernetes driver takes no endpoint (buildx refuses it: "kubernetes driver ` +
        `does not support endpoint args"); choose the cluster with KUBECONFIG and the namespace with driver-opts namespace=`
    })
  }
  if (n.name !== undefined) {
    const d = deploymentName(n.name)
    // The Deployment's name is also the value of its pods' app label: at most 63
    // characters, a letter or digit at each end (Kubernetes label values).
    if (d.length > 63 || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(d)) {
      problems.push({
        input: 'append',
        message:
          `${n.label}: node name "${n.name}" becomes Deployment "${d}" and pod label app=${d}, which Kubernetes refuses: at most 63 ` +
          `characters, lower case letters, digits, "-" and ".", a letter or digit at each end`
      })
    }
  }
  return problems
}

/** keep-state, whose state the pods hold and buildx rm deletes. */
function keepStateProblems(inputs: Inputs): InputProblem[] {
  if (!inputs.keepState) return []
  return [
    {
      input: 'keep-state',
      message:
        "Cannot use keep-state with kubernetes driver (as docker/setup-buildx-action says): the daemon's state lives in the pods, which buildx rm " +
        'deletes with the Deployment'
    }
  ]
}

/** buildx: "kubernetes driver does not support endpoint args" (builder.go Create). */
export function kubernetesEndpointProblem(endpoint: string): string | undefined {
  if (endpoint === '') return undefined
  return 'the kubernetes driver takes no endpoint (buildx refuses it); choose the cluster with KUBECONFIG and the namespace with driver-opts namespace='
}
