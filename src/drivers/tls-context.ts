import * as path from 'node:path'
import * as docker from '../docker/cli.js'
import { defaultContextWithTls, tlsContextName, tlsFromEnvironment } from '../docker/contexts.js'
import type { Inputs } from '../inputs/model.js'
import * as log from '../runner/log.js'
import * as state from '../runner/state.js'
import type { Driver } from './driver.js'

// The default docker context with TLS from the environment (DOCKER_HOST=tcp://…:2376,
// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH): buildx create refuses it for a node without an
// endpoint ("could not create a builder instance with TLS data loaded from environment",
// builder/builder.go Create) and asks for a docker context; so does buildx issue #2520, and
// docker/setup-buildx-action makes one for the run (its issue #105, PR #341). This run makes
// one too, a copy of the default context (TLS files included), gives it to the first node as
// its endpoint, and the one teardown removes it (teardown.ts), unless the builder is kept.
// Nodes on other contexts or hosts are left as they are: a context of the user's keeps its own
// TLS files.

/**
 * Whether the first node needs a docker context of the TLS environment: its endpoint is the
 * default context with TLS from the environment, by being the current one (no endpoint; buildx
 * refuses it) or by name (`default`: buildx records its host alone, builder.go
 * validateEndpoint, and dials it without TLS).
 */
export function needsTlsContext(
  driver: Pick<Driver, 'nodeOnCurrentContext'>,
  inputs: Pick<Inputs, 'nodes'>,
  env: NodeJS.ProcessEnv,
  home: string
): boolean {
  const endpoint = inputs.nodes[0].endpoint
  if (driver.nodeOnCurrentContext !== true) return false
  return endpoint === 'default' ? tlsFromEnvironment(env) : endpoint === '' && defaultContextWithTls(env, home)
}

/**
 * Makes this run's docker context of the TLS environment and returns the inputs with it as the
 * first node's endpoint. The context is recorded before it is made, so that any failure from
 * here on removes it (`docker context rm --force` of a context that is not there is no error).
 */
export async function useTlsContext(inputs: Inputs, owner: string, env: NodeJS.ProcessEnv, home: string): Promise<Inputs> {
  const name = tlsContextName(owner)
  state.update({ tlsContext: name })
  await docker.copyDefaultContext(name, `buildkit-builder-action: the default context's TLS environment, for builder ${inputs.name}`)
  const certs = env.DOCKER_CERT_PATH || env.DOCKER_CONFIG || path.join(home, '.docker')
  log.info(
    `the default docker context takes TLS from the environment (${env.DOCKER_HOST || 'tcp://localhost:2376'}, files in ${certs}), ` +
      `which buildx refuses for a builder: docker context ${name}, a copy of it, is the first node's endpoint`
  )
  if (!inputs.cleanup) {
    log.info(
      `cleanup: false — context ${name} stays with the builder, which needs it (remove both: docker buildx rm ${inputs.name}; docker context rm ${name})`
    )
  }
  const [first, ...rest] = inputs.nodes
  return { ...inputs, nodes: [{ ...first, endpoint: name }, ...rest] }
}

/**
 * Removes this run's docker context, after the builder that used it: always, but for a
 * builder that post leaves running (cleanup: false), which needs it to be reached.
 */
export async function removeTlsContext(keepsBuilder: boolean): Promise<void> {
  const name = state.record().tlsContext
  if (name === '') return
  if (keepsBuilder) {
    log.info(`docker context ${name} is left with the builder, which needs it`)
    return
  }
  await docker.removeContext(name)
  log.info(`docker context ${name} removed`)
  state.update({ tlsContext: '' })
}
