import * as path from 'node:path'
import { certBaseName, containerCertPath } from '../config/paths.js'
import type { Addition } from '../docker/buildx.js'
import type { CertInfo, LoadedPem, RegistryCerts } from '../config/certs.js'
import { isTable, mergeConfig, renderToml, type Override, type RegistrySettings, type TomlTable } from '../config/toml.js'
import { networkAsked } from '../cni/settings.js'
import type { Inputs } from '../inputs/model.js'
import type { ImageSource } from '../docker/through-mirror.js'
import { registrySettings, sectionOf, topSettings } from './config-tree.js'

// The single truth of a run: what to write, what to run, what verification must find.
// Pure: apply executes it, verify checks against it, so the two can't drift apart.

export interface PlannedFile {
  hostPath: string
  containerPath: string
  content: Buffer
  /** 0600 for keys, 0644 otherwise */
  mode: number
  sha256: string
  /** e.g. `CA for myregistry.com (env:REG_CA)` — never content */
  label: string
}

export interface RegistryRow {
  registry: string
  mirrors: string[]
  http: boolean
  insecure: boolean
  cas: CertInfo[]
  clientCerts: CertInfo[]
}

/** One node of the builder: how to create it and what its daemon must run with. */
export interface PlannedNode {
  /** For messages: "the first node", "append[0]" */
  label: string
  /** The node's buildx name, when the action names it (buildx's record has it in any case) */
  name?: string
  /** As given: a docker context or host, '' for the current context */
  endpoint: string
  /** `docker buildx create` (the first node) or `create --append` (the others) */
  createArgs: string[]
  /** Daemon arguments that must be present, in this order */
  args: string[]
  /** Platforms the node was given; its daemon must offer each */
  platforms: string[]
  /** Where the node's image came from, when the action chose it (a docker.io mirror, or the original reference) */
  image?: ImageSource
}

export interface Plan {
  builder: string
  /** Whether the driver takes this run's buildkitd.toml (remote and docker don't) */
  writesConfig: boolean
  configPath: string
  configText: string
  tree: TomlTable
  overrides: Override[]
  /** Directories to create (0700), parents first */
  dirs: string[]
  files: PlannedFile[]
  /** Every node gets the same config and certificates, each is verified on its own */
  nodes: PlannedNode[]
  /** Make it the current builder */
  use: boolean
  registries: RegistryRow[]
  /** The BuildKit image, when a feature chose it (e.g. the CNI image) */
  image?: string
  /** The network mode as asked for (cni: bridge, cni: true, cni-image), for the summary */
  networkAsked?: string
  expect: Expectation
}

/** What a driver's nodes are planned from. */
export interface NodePlanContext {
  inputs: Inputs
  runDir: string
  /** This run's buildkitd.toml on the runner (buildx create --config) */
  configPath: string
  /** This run's owner mark */
  owner: string
  /** What a plugged-in feature (CNI) adds to every node */
  addition: Addition
  /** What the driver's prepare() returned */
  prepared: unknown
  /** Each node's image as the action chose it (drivers/node-images.ts), by the nodes' order */
  images: readonly (ImageSource | undefined)[]
}

/** A driver's nodes, with the files and directories they need beside the config's (remote: TLS files). */
export interface NodesPlan {
  nodes: PlannedNode[]
  dirs: string[]
  files: PlannedFile[]
}

/** What planning needs to know of a driver (each driver in src/drivers/<name>/ is one). */
export interface NodePlanner {
  /** Whether the driver takes this run's buildkitd.toml (remote and docker don't) */
  readonly takesConfig: boolean
  /** How the driver's nodes are created and what their daemons must run with */
  planNodes(ctx: NodePlanContext): NodesPlan
}

export function makePlan(
  driver: NodePlanner,
  inputs: Inputs,
  certs: RegistryCerts[],
  runDir: string,
  add: Addition = {},
  owner = '',
  prepared?: unknown,
  images: readonly (ImageSource | undefined)[] = []
): Plan {
  const configPath = path.join(runDir, 'buildkitd.toml')
  const placed = placeCertFiles(inputs, certs, runDir)
  const { tree, overrides } = mergeConfig(inputs.baseConfig?.tree, topSettings(inputs), placed.settings)
  const nodes = driver.planNodes({ inputs, runDir, configPath, owner, addition: add, prepared, images })
  const files = [...placed.files, ...nodes.files]
  return {
    builder: inputs.name,
    configPath,
    writesConfig: driver.takesConfig,
    configText: renderToml(tree),
    tree,
    overrides,
    dirs: [...placed.dirs, ...nodes.dirs],
    files,
    nodes: nodes.nodes,
    use: inputs.use,
    registries: registryRows(tree, certs),
    image: add.description,
    networkAsked: inputs.cni ? networkAsked(inputs.cni) : undefined,
    expect: {
      config: inContainer(tree, placed.hostToContainer),
      // Files copied into the builder (the remote driver's TLS files stay on the runner).
      files: files.filter(f => f.containerPath !== '').map(f => ({ path: f.containerPath, sha256: f.sha256, label: f.label })),
      network: add.network
    }
  }
}

/**
 * The registries' certificate files under <runDir>/certs, and each registry's settings with
 * their paths: buildx copies them into the builder (config/paths.ts containerCertPath).
 */
function placeCertFiles(
  inputs: Inputs,
  certs: RegistryCerts[],
  runDir: string
): { settings: Map<string, RegistrySettings>; dirs: string[]; files: PlannedFile[]; hostToContainer: Map<string, string> } {
  const settings = registrySettings(inputs)
  const certsDir = path.join(runDir, 'certs')
  const files: PlannedFile[] = []
  const hostToContainer = new Map<string, string>()
  const place = (registry: string, pem: LoadedPem, kind: 'ca' | 'cert' | 'key', i: number, what: string): string => {
    const hostPath = path.join(certsDir, certBaseName(registry, kind, i))
    const containerPath = containerCertPath(registry, hostPath)
    hostToContainer.set(hostPath, containerPath)
    files.push({
      hostPath,
      containerPath,
      content: pem.content,
      mode: kind === 'key' ? 0o600 : 0o644,
      sha256: pem.sha256,
      label: `${what} for ${registry} (${pem.ref})`
    })
    return hostPath
  }
  for (const set of certs) {
    const s = sectionOf(settings, set.registry)
    if (set.cas.length > 0) s.ca = set.cas.map((ca, i) => place(set.registry, ca, 'ca', i, 'CA'))
    if (set.keypairs.length > 0) {
      s.keypair = set.keypairs.map((kp, i) => ({
        cert: place(set.registry, kp.cert, 'cert', i, 'client certificate'),
        key: place(set.registry, kp.key, 'key', i, 'client key')
      }))
    }
  }
  return { settings, dirs: files.length > 0 ? [runDir, certsDir] : [runDir], files, hostToContainer }
}

/** The config as buildx writes it into the container: each cert path moved under /etc/buildkit/certs. */
function inContainer(tree: TomlTable, hostToContainer: Map<string, string>): TomlTable {
  const out = structuredClone(tree)
  if (!isTable(out.registry)) return out
  for (const reg of Object.values(out.registry)) {
    if (!isTable(reg)) continue
    if (Array.isArray(reg.ca)) reg.ca = reg.ca.map(p => hostToContainer.get(p as string) ?? p)
    if (Array.isArray(reg.keypair)) {
      for (const kp of reg.keypair) {
        if (!isTable(kp)) continue
        for (const k of ['cert', 'key']) kp[k] = hostToContainer.get(kp[k] as string) ?? kp[k]
      }
    }
  }
  return out
}

function registryRows(tree: TomlTable, certs: RegistryCerts[]): RegistryRow[] {
  const regs = isTable(tree.registry) ? tree.registry : {}
  return Object.keys(regs)
    .sort()
    .map(registry => {
      const r = regs[registry] as TomlTable
      const set = certs.find(c => c.registry === registry)
      return {
        registry,
        mirrors: Array.isArray(r.mirrors) ? (r.mirrors as string[]) : [],
        http: r.http === true,
        insecure: r.insecure === true,
        cas: (set?.cas ?? []).flatMap(c => (c.info ? [c.info] : [])),
        clientCerts: (set?.keypairs ?? []).flatMap(kp => (kp.cert.info ? [kp.cert.info] : []))
      }
    })
}

export interface Expectation {
  /** The config as buildx writes it into the container: cert paths rewritten */
  config: TomlTable
  /** Files buildx must have copied, with the SHA-256 of their source */
  files: { path: string; sha256: string; label: string }[]
  /** Worker network mode the daemon must report, when the plan asks for one */
  network?: string
}

/** What one node must run with beyond the shared config: its daemon arguments and platforms. */
export interface NodeExpectation {
  /** Daemon arguments that must be present, in this order */
  args: string[]
  /** Platforms the node was given (buildx create --platform); the daemon must offer each */
  platforms: string[]
}
