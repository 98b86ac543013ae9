import { isTable, mergeConfig, type RegistrySettings, type TomlTable } from '../config/toml.js'
import { isLoopback, mirrorRef } from '../config/hosts.js'
import type { Inputs } from '../inputs/model.js'
import { networkSettings } from '../cni/settings.js'
import { hubMirrorsOf, type HubMirror } from '../docker/mirror-refs.js'

// The config tree the inputs ask for: the base config merged with the structured inputs'
// [registry] sections, debug and CNI's [worker.oci]. Pure.

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

/** The config's docker.io mirrors, in order, with what the Docker engine needs to reach each. */
export function hubMirrors(inputs: Inputs): HubMirror[] {
  const caHosts = new Set(inputs.certRequests.filter(r => r.cas.length > 0).map(r => r.registry))
  return hubMirrorsOf(configTree(inputs), caHosts)
}

/** A key of the base config's [registry."<host>"] section. */
function baseValue(inputs: Inputs, host: string, key: string): unknown {
  const regs = inputs.baseConfig?.tree.registry
  const section = isTable(regs) ? regs[host] : undefined
  return isTable(section) ? section[key] : undefined
}

export function sectionOf(settings: Map<string, RegistrySettings>, host: string): RegistrySettings {
  let s = settings.get(host)
  if (!s) settings.set(host, (s = {}))
  return s
}

/** What the inputs ask outside [registry]: debug, and the network settings of [worker.oci]. */
export function topSettings(inputs: Inputs): { debug?: boolean; workerOci?: TomlTable } {
  return { debug: inputs.debug, workerOci: inputs.cni ? networkSettings(inputs.cni) : undefined }
}
