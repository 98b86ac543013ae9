import type { Getter, Inputs, NodeSpec } from './model.js'

// What reading the inputs needs to know of a buildx driver. Each driver implements it in its
// own folder (src/drivers/<name>/) and the catalog (drivers/factory.ts) hands it in: inputs/
// never names a driver.

/** How long a name may be, and why (for the message). */
export interface NameLimit {
  length: number
  why: string
}

/** An input a driver can't take, with what to do instead. */
export interface InputProblem {
  input: string
  /** The input's line, when the problem is on one */
  line?: number
  message: string
}

export interface DriverRules {
  /** buildx's name of the driver, as the `driver` input gives it */
  readonly name: string
  /**
   * Whether buildx creates this driver's builder, and so applies buildkitd.default.toml to it
   * (builder/builder.go Create). The docker driver's builder is the docker context's own.
   */
  readonly createsBuilder: boolean
  /**
   * Whether the step needs a Docker engine for this driver (its nodes run on one); false: buildx
   * talks to a cluster (kubernetes) and the engine is never asked, so a runner without one
   * (inside Kubernetes, without docker-in-docker) works.
   */
  readonly usesEngine: boolean
  /** Whether the driver takes this run's buildkitd.toml (remote and docker don't) */
  readonly takesConfig: boolean
  /** The daemon flags of a node that gives none */
  readonly defaultFlags: readonly string[]
  /** The longest builder name, and why, for the message */
  readonly maxBuilderName: NameLimit
  /** The longest node name (append's, or the one buildx would give), and why */
  readonly maxNodeName: NameLimit
  /**
   * Each node is on an endpoint of its own (a docker context or host, a daemon's address),
   * which buildx refuses to share; false: nodes have no endpoint (kubernetes: the cluster is
   * the kubeconfig's, each node a Deployment). Every driver's nodes are named <builder><n>
   * unless named (store/nodegroup.go nextNodeName).
   */
  readonly nodeEndpoints: boolean
  /** Why an endpoint (the first node's or an appended one's) is not one this driver takes; undefined when it is */
  endpointProblem(endpoint: string): string | undefined
  /** Throws an InputError for a node this driver can't take, before the other inputs are read (remote: its TLS options) */
  checkNode?(node: NodeSpec): void
  /** Every input this driver can't take, once all are read: the first is the step's error */
  inputProblems(inputs: Inputs, get: Getter): InputProblem[]
  /** Where a builder kept with cleanup: false keeps its client keys, for the warning */
  readonly keptKeysPlace: string
}

/** The drivers there are, by name, in the order the `driver` input's message lists them. */
export interface DriverCatalog {
  readonly names: readonly string[]
  rules(name: string): DriverRules
}
