import * as path from 'node:path'
import { certBaseName, containerCertPath, CONTAINER_CONFIG_FILE, createArgs, nodeName, type Addition } from './buildx.js'
import type { CertInfo, LoadedPem, RegistryCerts } from './certs.js'
import { isTable, mergeConfig, renderToml, type Override, type RegistrySettings, type TomlTable } from './config.js'
import { networkAsked, networkSettings } from './cni.js'
import { isLoopback, mirrorRef } from './hosts.js'
import { kubernetesDaemonFlags } from './kubernetes.js'
import { remoteNodeName } from './owner.js'
import { remoteCreateArgs, remoteTlsFiles, type LoadedRemoteTls } from './remote.js'
import type { Inputs } from './inputs.js'
import type { Expectation } from './verify.js'

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

export function makePlan(
  inputs: Inputs,
  certs: RegistryCerts[],
  runDir: string,
  add: Addition = {},
  owner = '',
  remoteTls: LoadedRemoteTls[] = []
): Plan {
  const settings = registrySettings(inputs)
  const of = (host: string): RegistrySettings => sectionOf(settings, host)
  const certsDir = path.join(runDir, 'certs')
  const dirs = [runDir]
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
    const s = of(set.registry)
    if (set.cas.length > 0) s.ca = set.cas.map((ca, i) => place(set.registry, ca, 'ca', i, 'CA'))
    if (set.keypairs.length > 0) {
      s.keypair = set.keypairs.map((kp, i) => ({
        cert: place(set.registry, kp.cert, 'cert', i, 'client certificate'),
        key: place(set.registry, kp.key, 'key', i, 'client key')
      }))
    }
  }
  if (files.length > 0) dirs.push(certsDir)

  const { tree, overrides } = mergeConfig(inputs.baseConfig?.tree, topSettings(inputs), settings)
  const configPath = path.join(runDir, 'buildkitd.toml')
  const nodes =
    inputs.driver === 'remote'
      ? remoteNodes(inputs, runDir, owner, remoteTls, dirs, files)
      : inputs.nodes.map((n, i): PlannedNode => ({
          label: n.label,
          // buildx names the first node <builder>0 (store/nodegroup.go nextNodeName), but
          // generates kubernetes node names (deployments): those are read from its record.
          name: i === 0 && inputs.driver !== 'kubernetes' ? nodeName(inputs.name) : n.name,
          endpoint: n.endpoint,
          createArgs: createArgs({
            name: inputs.name,
            driver: inputs.driver,
            configPath,
            driverOpts: [...n.driverOpts, ...(add.driverOpts ?? [])],
            buildkitdFlags: inputs.driver === 'kubernetes' ? kubernetesDaemonFlags(n.buildkitdFlags) : n.buildkitdFlags,
            use: inputs.use,
            owner,
            append: i > 0,
            // Several nodes are booted together once all are recorded (drivers/docker-container.ts).
            bootstrap: inputs.nodes.length === 1,
            node: i === 0 ? undefined : n.name,
            platforms: n.platforms,
            endpoint: n.endpoint
          }),
          args: ['--config', CONTAINER_CONFIG_FILE, ...n.buildkitdFlags],
          platforms: n.platforms
        }))

  return {
    builder: inputs.name,
    configPath,
    writesConfig: takesConfig(inputs.driver),
    configText: renderToml(tree),
    tree,
    overrides,
    dirs,
    files,
    nodes,
    use: inputs.use,
    registries: registryRows(tree, certs),
    image: add.description,
    networkAsked: inputs.cni ? networkAsked(inputs.cni) : undefined,
    expect: {
      config: inContainer(tree, hostToContainer),
      // Files copied into the builder (the remote driver's TLS files stay on the runner).
      files: files.filter(f => f.containerPath !== '').map(f => ({ path: f.containerPath, sha256: f.sha256, label: f.label })),
      network: add.network
    }
  }
}

/** The remote and docker drivers take no buildkitd.toml: their daemon's own config applies. */
export function takesConfig(driver: Inputs['driver']): boolean {
  return driver !== 'remote' && driver !== 'docker'
}

/**
 * remote: no config and no daemon flags (buildx refuses both for this driver), TLS files for
 * the connection under <runDir>/remote/<i> (they must live as long as the builder: buildx
 * reads them on every connection), and the owner mark in the first node's name.
 */
function remoteNodes(
  inputs: Inputs,
  runDir: string,
  owner: string,
  tls: LoadedRemoteTls[],
  dirs: string[],
  files: PlannedFile[]
): PlannedNode[] {
  return inputs.nodes.map((n, i) => {
    const out = remoteTlsFiles(tls[i] ?? { other: n.driverOpts }, path.join(runDir, 'remote', String(i)), n.label)
    if (out.files.length > 0 && !dirs.includes(path.join(runDir, 'remote'))) dirs.push(path.join(runDir, 'remote'))
    dirs.push(...out.dirs)
    files.push(...out.files)
    const name = i === 0 ? remoteNodeName(inputs.name, owner) : n.name
    return {
      label: n.label,
      name,
      endpoint: n.endpoint,
      createArgs: remoteCreateArgs({
        name: inputs.name,
        node: name,
        endpoint: n.endpoint,
        driverOpts: out.driverOpts,
        platforms: n.platforms,
        use: inputs.use,
        append: i > 0,
        bootstrap: inputs.nodes.length === 1
      }),
      args: [],
      platforms: n.platforms
    }
  })
}

/**
 * What the structured inputs ask of each registry's section, certificate paths aside (the
 * plan adds them once the files are placed).
 */
export function registrySettings(inputs: Inputs): Map<string, RegistrySettings> {
  const settings = new Map<string, RegistrySettings>()
  const of = (host: string): RegistrySettings => sectionOf(settings, host)
  for (const spec of inputs.mirrors) {
    of(spec.registry).mirrors = spec.mirrors.map(mirrorRef)
    // BuildKit takes http/insecure for a mirror from the mirror host's own section, not
    // from the registry it mirrors (util/resolver/resolver.go, fillInsecureOpts).
    for (const m of spec.mirrors) if (m.scheme === 'http') of(m.host).http = true
  }
  for (const h of inputs.httpRegistries) of(h).http = true
  for (const h of inputs.insecureRegistries) of(h).insecure = true
  // A CA or a client certificate means TLS, but BuildKit speaks plain HTTP to a loopback
  // host whose section leaves `http` unset (isLoopback), and would never use them.
  for (const req of inputs.certRequests) {
    const s = of(req.registry)
    if (isLoopback(req.registry) && s.http === undefined && baseValue(inputs, req.registry, 'http') === undefined) s.http = false
  }
  return settings
}

/** The config the plan will render, certificate paths aside: for the checks made before anything exists. */
export function configTree(inputs: Inputs): TomlTable {
  return mergeConfig(inputs.baseConfig?.tree, topSettings(inputs), registrySettings(inputs)).tree
}

/** What the inputs ask outside [registry]: debug, and the network settings of [worker.oci]. */
function topSettings(inputs: Inputs): { debug?: boolean; workerOci?: TomlTable } {
  return { debug: inputs.debug, workerOci: inputs.cni ? networkSettings(inputs.cni) : undefined }
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

/** A key of the base config's [registry."<host>"] section. */
function baseValue(inputs: Inputs, host: string, key: string): unknown {
  const regs = inputs.baseConfig?.tree.registry
  const section = isTable(regs) ? regs[host] : undefined
  return isTable(section) ? section[key] : undefined
}

function sectionOf(settings: Map<string, RegistrySettings>, host: string): RegistrySettings {
  let s = settings.get(host)
  if (!s) settings.set(host, (s = {}))
  return s
}
