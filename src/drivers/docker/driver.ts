import * as docker from '../../docker/cli.js'
import * as log from '../../runner/log.js'
import { daemonFromInspect, parseInspect } from '../../buildkit/buildx-inspect.js'
import * as fs from 'node:fs'
import * as os from 'node:os'
import { defaultConfigPath } from '../../docker/buildx-record.js'
import { DEFAULT_FLAGS } from '../../inputs/model.js'
import { CONTAINER_NAME_LIMIT, CONTAINER_NODE_LIMIT, dockerEndpointProblem, planConfigNodes } from '../common.js'
import type { Driver, NodeRef, ReadBackResult } from '../driver.js'
import { dockerDriverProblems } from './inputs.js'
import { optionLines } from '../../docker/buildx-record.js'

// buildx's docker driver: the builder is the Docker engine's own BuildKit, named after the
// docker context (buildx builder/builder.go: a context's builder has one node whose
// endpoint is the context; `docker buildx inspect default` shows it). It takes no BuildKit
// config (its inputs.ts refuses every config input with the engine's daemon.json settings
// instead), this action creates nothing for it and the post step never removes it.
// Verification can only report what the daemon says: its version and platforms.
const none = async (): Promise<string> => ''

export const engine: Driver = {
  name: 'docker',
  createsBuilder: false,
  takesConfig: false,
  defaultFlags: DEFAULT_FLAGS,
  maxBuilderName: CONTAINER_NAME_LIMIT,
  maxNodeName: CONTAINER_NODE_LIMIT,
  nodeEndpoints: true,
  usesEngine: true,
  endpointProblem: dockerEndpointProblem,
  inputProblems: dockerDriverProblems,
  keptKeysPlace: "in the builder's container (/etc/buildkit/certs)",
  prepare: () => {
    const defaultFile = defaultConfigPath(process.env, os.homedir())
    if (fs.existsSync(defaultFile))
      log.info(`${defaultFile} is ignored: the docker driver's builder is the engine's own BuildKit, which takes no config`)
  },
  // Planned like a docker-container node; nothing is created from it.
  planNodes: ctx => planConfigNodes('docker', ctx, { mark: (_owner, opts) => [...opts] }),
  claim: async (asked, given) => {
    const context = await docker.currentContext()
    // setup-buildx-action, too, names this builder after the context and ignores `name`.
    if (given && asked !== context)
      log.warning(`name "${asked}" is ignored: the docker driver's builder is the docker context's own, "${context}"`)
    log.info(`the docker driver's builder: ${context}, the engine's own BuildKit (nothing is created or removed)`)
    return context
  },
  // Nothing to create: only `use` has something to do.
  create: async plan => {
    if (plan.use) await docker.useBuilder(plan.builder)
  },
  readBackNode: async (plan): Promise<ReadBackResult> => {
    // No files are copied into this builder, so its inspect output holds nothing secret;
    // it is still never printed.
    const res = await docker.inspectBuilder(plan.builder)
    if (res.exitCode !== 0)
      return {
        daemon: {
          error: `docker buildx inspect ${plan.builder} failed (exit code ${res.exitCode}): ${res.stderr.trim().split('\n').pop() ?? ''}`
        }
      }
    // The context's builder has one node, named after the context.
    return { daemon: daemonFromInspect(parseInspect(res.stdout), plan.builder) }
  },
  readsDaemonLog: false,
  resolve: () => Promise.reject(new Error('the docker driver has no builder container to resolve in')),
  logSince: none,
  logTail: none,
  // A context's builder is not in buildx's instance records: nothing of this run's to own.
  owner: () => undefined,
  withoutOwner: optionLines,
  nodes: builder => [{ Name: builder, Endpoint: builder } satisfies NodeRef],
  remove: () => Promise.resolve({ ok: true, message: "the docker driver's builder is the engine's own: never removed" }),
  occupant: () => Promise.resolve(undefined),
  leave: () => Promise.resolve({ ok: true, message: "the docker driver's builder is the engine's own: nothing to leave" })
}
