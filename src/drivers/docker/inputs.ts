import type { Inputs } from '../../inputs/model.js'

// The docker driver: the builder is the Docker engine's own BuildKit, which takes no
// buildkitd.toml, no daemon flags and no driver options (buildx driver/docker: the engine
// runs it). Every input that would configure it is refused, naming the engine's own setting
// that does the same, so a workflow never believes a mirror or a certificate applies when
// the engine ignores it. Pure.

export interface EngineProblem {
  input: string
  message: string
}

const DAEMON_JSON = "the engine's /etc/docker/daemon.json (restart dockerd after changing it)"
const OR_CONTAINER = 'or use driver: docker-container, which this action configures and verifies'

export function dockerDriverProblems(inputs: Inputs, get: (name: string) => string): EngineProblem[] {
  const problems: EngineProblem[] = []
  const set = (name: string): boolean => get(name).trim() !== ''
  const refuse = (input: string, instead: string): void => {
    problems.push({
      input,
      message: `the docker driver uses the Docker engine's own BuildKit, which takes no BuildKit config: ${instead}; ${OR_CONTAINER}`
    })
  }
  for (const input of ['buildkitd-config', 'buildkitd-config-inline']) {
    if (set(input)) refuse(input, `its settings are ${DAEMON_JSON} ("registry-mirrors", "insecure-registries", "features", "builder")`)
  }
  if (set('mirrors')) refuse('mirrors', `set "registry-mirrors" in ${DAEMON_JSON} (the engine mirrors Docker Hub only)`)
  if (set('http-registries'))
    refuse('http-registries', `list the hosts under "insecure-registries" in ${DAEMON_JSON} (it allows plain HTTP too)`)
  if (set('insecure-registries')) refuse('insecure-registries', `list the hosts under "insecure-registries" in ${DAEMON_JSON}`)
  if (set('registry-certs'))
    refuse('registry-certs', "put the files in /etc/docker/certs.d/<host[:port]>/ on the engine's host (ca.crt, client.cert, client.key)")
  if (set('debug')) refuse('debug', `set "debug": true in ${DAEMON_JSON}`)
  for (const input of ['cni', 'cni-image', 'cni-subnet', 'cni-config', 'cni-plugins-version', 'cni-plugins-url', 'buildkit-image']) {
    if (set(input) && !(input === 'cni' && get(input).trim().toLowerCase() === 'false'))
      refuse(input, "the engine's builds use the engine's networks")
  }
  if (set('buildkitd-flags')) refuse('buildkitd-flags', 'the engine starts its BuildKit itself, with no daemon flags to give')
  if (inputs.nodes[0].driverOpts.length > 0) refuse('driver-opts', 'the docker driver takes no driver options')
  for (const input of ['endpoint', 'platforms', 'append']) {
    if (set(input))
      problems.push({
        input,
        message: `the docker driver's builder is one node, the docker context's engine; ${OR_CONTAINER} (nodes elsewhere, fixed platforms)`
      })
  }
  // setup-buildx-action: "Cannot use keep-state with docker driver".
  if (inputs.keepState)
    problems.push({ input: 'keep-state', message: "the docker driver's builder is never removed, so there is no state to keep" })
  if (inputs.verifyPull.length > 0 || inputs.checkRegistries) {
    problems.push({
      input: inputs.verifyPull.length > 0 ? 'verify-pull' : 'check-registries',
      message:
        'the docker driver has no builder container to resolve in: the engine resolves with its own registry settings; prove them with docker pull, or ' +
        'use driver: docker-container'
    })
  }
  return problems
}
