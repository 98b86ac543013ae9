import { NETWORK_FLAGS, networkSettings, type CniInputs } from '../cni/settings.js'
import { isTable } from '../config/toml.js'
import { InputError } from '../runner/errors.js'
import { driverOptFields } from '../docker/driver-opts.js'
import { flagValues } from '../buildkit/flags.js'
import { nodeInput } from './nodes.js'
import type { BaseConfig, NodeSpec } from './model.js'
import { type Inputs } from './model.js'

// Rules across inputs, once each is read: CNI against the nodes' images, networks, flags and the
// base config; a mirror listed as plain HTTP. Pure.

/** Rules that span inputs. */
export function checkConsistency(inputs: Inputs): void {
  // BuildKit v0.29 to v0.32 empty the CNI config path when this flag is given (it reads a
  // misspelt name, cmd/buildkitd/main_oci_worker.go), and the daemon then exits.
  const flagged = inputs.nodes.find(n => flagValues(n.buildkitdFlags, '--oci-cni-config-path').length > 0)
  if (flagged) {
    throw new InputError(
      nodeInput(flagged, 'buildkitd-flags'),
      undefined,
      '--oci-cni-config-path does not work: BuildKit reads its value from a misspelt name and the daemon exits with failed to read cni config ""; ' +
        'set [worker.oci] cniConfigPath in buildkitd-config instead (cni: true with a .conflist cni-config does it for you)'
    )
  }
  if (inputs.cni) checkNetwork(inputs, inputs.cni)
  for (const spec of inputs.mirrors) {
    for (const m of spec.mirrors) {
      if (m.scheme === 'https' && inputs.httpRegistries.includes(m.host)) {
        throw new InputError(
          'mirrors',
          spec.line,
          `mirror "https://${m.host}" is also listed in http-registries; BuildKit reaches a host over HTTP or HTTPS, not both`
        )
      }
    }
  }
}

/** CNI against the other inputs: the builder's image, its network, daemon flags, a base config. */
function checkNetwork(inputs: Inputs, cni: CniInputs): void {
  const mode = 'bridge' in cni ? 'cni: bridge' : 'image' in cni ? 'cni-image' : 'cni: true'
  checkBuiltImageReach(inputs.nodes, mode)
  checkNetworkDriverOpts(inputs.nodes, cni, mode)
  checkNetworkFlags(inputs.nodes, mode)
  checkBaseConfigNetwork(inputs.baseConfig, cni, mode)
}

/** Throws an InputError for cni: true when a node is not on the runner's engine, where the image it builds is. */
function checkBuiltImageReach(nodes: NodeSpec[], mode: string): void {
  // A CNI image this action builds is only on the runner's engine, for the runner's architecture.
  const away = nodes.find((n, i) => i > 0 || n.endpoint !== '')
  if (away && mode === 'cni: true') {
    throw new InputError(
      'cni',
      undefined,
      `true with ${away.label} on endpoint "${away.endpoint}": the CNI image this action builds exists only on the runner's engine, for its architecture; ` +
        'push a CNI image and give it as cni-image, or use cni: bridge'
    )
  }
}

/** Throws an InputError for a driver option that conflicts with CNI: an image= (but with cni: bridge), or network=host. */
function checkNetworkDriverOpts(nodes: NodeSpec[], cni: CniInputs, mode: string): void {
  // Each option as buildx reads it: `"network=host"` and `a=1,network=host` are network=host.
  const opts = nodes.flatMap(n => n.driverOpts.map(o => ({ o, n, fields: driverOptFields([o]) })))
  const find = (key: string, value?: string): { o: string; n: NodeSpec } | undefined =>
    opts.find(x => x.fields.some(f => f.key === key && (value === undefined || f.value === value)))
  const image = find('image')
  if (image && !('bridge' in cni)) {
    throw new InputError(
      nodeInput(image.n, 'driver-opts'),
      undefined,
      `"${image.o}" conflicts with ${mode}, which sets the builder image; use cni-image for a ready CNI image, buildkit-image for the base of the one ` +
        `built, or cni: bridge with your image`
    )
  }
  // With the runner's network the CNI bridge and its iptables rules are made in the runner's
  // own network namespace, and outlive the builder.
  const host = find('network', 'host')
  if (host) {
    throw new InputError(
      nodeInput(host.n, 'driver-opts'),
      undefined,
      `"${host.o}" with ${mode}: the CNI bridge (and its iptables rules) would be created in the runner's own network namespace and stay after the ` +
        `builder is removed; ` +
        'drop network=host (the builder gets its own namespace), or drop CNI'
    )
  }
}

/** Throws an InputError for a node's daemon flag that would override the network settings the action writes. */
function checkNetworkFlags(nodes: NodeSpec[], mode: string): void {
  for (const flag of NETWORK_FLAGS) {
    const n = nodes.find(x => flagValues(x.buildkitdFlags, flag).length > 0)
    if (n) {
      throw new InputError(
        nodeInput(n, 'buildkitd-flags'),
        undefined,
        `${flag} overrides the network settings of ${mode} (the action writes them into [worker.oci]); remove it`
      )
    }
  }
}

/** Throws an InputError for a [worker.oci] key of the base config that differs from what CNI needs there. */
function checkBaseConfigNetwork(base: BaseConfig | undefined, cni: CniInputs, mode: string): void {
  const worker = base && isTable(base.tree.worker) && isTable(base.tree.worker.oci) ? base.tree.worker.oci : undefined
  if (!base || !worker) return
  for (const [key, value] of Object.entries(networkSettings(cni))) {
    if (key in worker && worker[key] !== value) {
      throw new InputError(
        base.input,
        undefined,
        `worker.oci.${key} is ${JSON.stringify(worker[key])}, but ${mode} needs ${JSON.stringify(value)}; remove it from the base config or drop ${mode}`
      )
    }
  }
}
