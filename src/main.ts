import { getInput } from './commands.js'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import { defaultConfigPath, type Addition } from './buildx.js'
import { loadRemoteTls, usesTls, type LoadedRemoteTls } from './remote.js'
import { buildxVersionProblem, installedVersionProblem, type InstallRequest } from './buildx-install.js'
import { loadRegistryCerts, type RegistryCerts } from './certs.js'
import { failureText, prove, verifyBuilder, wantsProof } from './check.js'

import * as docker from './docker.js'
import { firstError } from './daemon-log.js'
import type { Driver } from './drivers/driver.js'
import { driverFor } from './drivers/factory.js'
import { checkPlaces, occupantsOf } from './drivers/shared.js'
import { InputError } from './errors.js'
import { createRunDir, writePlanFiles } from './files.js'
import { getInputs, keptKeyWarnings, type Inputs } from './inputs.js'
import * as log from './log.js'
import { renderToml } from './config.js'
import { configTree, makePlan, takesConfig, type Plan } from './plan.js'
import { removalPlan } from './occupants.js'
import { httpMirrorsWithoutHttp, unknownOrMistyped } from './schema.js'
import * as state from './state.js'
import { allPlatforms, failureMarkdown, nodesOutput, summaryMarkdown, verificationText, type Outcome } from './summary.js'
import { teardown } from './teardown.js'
import { testPause } from './test-pause.js'

// The main step: a list of named steps, each in its own log group. Any failure runs the
// one teardown (teardown.ts: only what this run created) and writes a job summary.
export async function runMain(): Promise<void> {
  state.markMainRan()
  summaryWritten = false
  try {
    await steps()
  } catch (err) {
    await log.group('Clean up after failure', () => cleanUpAfterFailure(err))
    throw err
  }
}

async function steps(): Promise<void> {
  const { inputs: asked, certs, remoteTls, versions } = await log.group('Read and check inputs', readInputsAskingVersions)
  state.update({ builder: asked.name, driver: asked.driver, cleanup: asked.cleanup, keepState: asked.keepState })
  const driver = driverFor(asked.driver)
  state.update({ runDir: createRunDir(), owner: randomUUID() })
  const { runDir, owner } = state.record()
  const install = await log.group('Check Docker and Buildx', () => checkTools(asked, versions))
  if (install) await log.group(`Install buildx ${install.version}`, () => installBuildx(install, runDir, asked.driver))
  const name = await log.group(
    driver.createsBuilder ? `Check that builder ${asked.name} does not exist yet` : "Find the docker context's builder",
    () => driver.claim(asked.name, getInput('name').trim() !== '')
  )
  const inputs: Inputs = { ...asked, name }
  state.update({ builder: name })
  const cni = inputs.cni
  // Loaded only when asked for: the tool cache and the download code are most of the bundle.
  const addition = cni
    ? await log.group('Prepare CNI networking', async () =>
        (await import('./cni-image.js')).prepareCni(cni, runDir, inputs.nodes[0].driverOpts)
      )
    : {}
  // The docker and remote drivers take no config: nothing is rendered; the docker driver's
  // builder is not created either.
  const plan = takesConfig(inputs.driver)
    ? await log.group('Render buildkitd.toml', () => render(inputs, certs, runDir, addition, owner))
    : makePlan(inputs, certs, runDir, addition, owner, remoteTls)
  if (driver.createsBuilder) {
    await log.group('Check that nothing exists under the node names yet', () => checkPlaces(driver, plan, owner))
    await log.group(plan.writesConfig ? 'Write config and certificates' : 'Write the TLS files', () => writeFiles(plan))
    await log.group(`Create builder ${plan.builder}`, () => create(driver, plan))
  } else if (plan.use) {
    await log.group(`Use builder ${plan.builder}`, () => driver.create(plan))
  }
  const outcome = await log.group('Verify the builder', () => verifyBuilder(driver, plan, inputs, owner))
  if (wantsProof(inputs, outcome)) await log.group('Prove it: resolve through the builder', () => prove(driver, plan, inputs, outcome))
  await log.group('Outputs and job summary', () => report(driver, plan, inputs, outcome))
  if (!outcome.verified && inputs.verify === 'true') throw new Error(failureText(outcome))
}

/**
 * The inputs, with the engine's and buildx's versions asked meanwhile: they depend on no
 * input, and starting buildx is most of checkTools' time. Started once the first line is out.
 */
async function readInputsAskingVersions(): Promise<InputsRead & { versions: Promise<docker.ToolVersions> }> {
  const versions = docker.toolVersions()
  versions.catch(() => undefined) // awaited (and its error thrown) in checkTools, unless an input error comes first
  return { ...(await readInputs()), versions }
}

/** Whether this run's job summary is written (the failure path writes one otherwise). */
let summaryWritten = false

interface InputsRead {
  inputs: Inputs
  certs: RegistryCerts[]
  remoteTls: LoadedRemoteTls[]
}

async function readInputs(): Promise<InputsRead> {
  // The YAML parser only for append (a third of the bundle's size otherwise parsed for nothing).
  const yaml = getInput('append').trim() === '' ? undefined : await import('yaml')
  const inputs = getInputs(undefined, { env: process.env, home: os.homedir(), yaml })
  checkKeys(inputs)
  for (const w of keptKeyWarnings(inputs)) log.warning(w)
  const { sets, warnings } = loadRegistryCerts(inputs.certRequests)
  for (const w of warnings) log.warning(w)
  log.info(`builder ${inputs.name}, driver ${inputs.driver}`)
  const defaultFile = defaultConfigPath(process.env, os.homedir())
  if (inputs.driver === 'docker' && fs.existsSync(defaultFile)) {
    log.info(`${defaultFile} is ignored: the docker driver's builder is the engine's own BuildKit, which takes no config`)
  }
  if (inputs.baseConfig?.fromDefault) {
    log.info(`no buildkitd-config given: buildx's default ${inputs.baseConfig.path} is the base config (buildx would apply it too)`)
  }
  for (const set of sets) {
    log.info(`${set.registry}: ${set.cas.length} CA file(s), ${set.keypairs.length} client keypair(s), checked`)
  }
  // remote: the files for the TLS connection to each daemon, read and checked (keys masked).
  const remoteTls = inputs.nodes.flatMap(n => {
    if (!n.tls) return []
    const loaded = loadRemoteTls(n.tls)
    for (const w of loaded.warnings) log.warning(w)
    if (usesTls(n.tls))
      log.info(
        `${n.label}: TLS to ${n.endpoint} with ` +
          `${[loaded.tls.cacert && 'a CA', loaded.tls.cert && 'a client certificate and key'].filter(Boolean).join(' and ')}, checked`
      )
    return [loaded.tls]
  })
  return { inputs, certs: sets, remoteTls }
}

/**
 * Keys BuildKit would ignore without a word (it decodes its config leniently), values it
 * can't decode, and http:// mirrors it would speak HTTPS to: errors before anything is
 * created, or warnings with verify: warn. Only a base config can hold them.
 */
function checkKeys(inputs: Inputs): void {
  const tree = configTree(inputs)
  const problems = [...unknownOrMistyped(tree), ...httpMirrorsWithoutHttp(tree)]
  if (problems.length === 0) return
  const input = inputs.baseConfig?.input ?? 'buildkitd-config'
  const text = problems.map(p => `${p.key}: ${p.message}`)
  if (inputs.verify === 'warn') {
    for (const t of text) log.warning(`input "${input}": ${t}`)
    return
  }
  throw new InputError(input, undefined, text.length === 1 ? text[0] : `\n- ${text.join('\n- ')}`)
}

/** The engine and buildx; what to install when `version` is set or buildx is missing. */
async function checkTools(inputs: Inputs, versions: Promise<docker.ToolVersions>): Promise<InstallRequest | undefined> {
  const v = await versions
  log.info(`Docker engine ${v.docker}; ${v.buildx ?? 'no buildx plugin'}`)
  if (inputs.install) return inputs.install
  if (v.buildx === undefined) {
    // As docker/setup-buildx-action does when the runner has no buildx.
    log.info('the docker CLI has no buildx: the latest release is installed for this job (set version to pin one)')
    return { version: 'latest', cacheBinary: inputs.cacheBinary }
  }
  const problem = buildxVersionProblem(v.buildx, inputs.driver)
  if (problem) throw new Error(problem)
  return undefined
}

/** Installs buildx as the docker CLI's plugin for the job; post puts back what was there. */
async function installBuildx(req: InstallRequest, runDir: string, driver: string): Promise<void> {
  // Loaded only here: the tool cache and the Actions cache client are most of the bundle.
  const { installBuildx: install } = await import('./install.js')
  const done = await install(req, { env: process.env, home: os.homedir(), runDir, platform: process.platform, arch: process.arch })
  // Recorded before the check, so that any failure from here on puts the old plugin back.
  state.update({ plugin: JSON.stringify({ pluginPath: done.pluginPath, backupPath: done.backupPath, sha256: done.sha256 }) })
  log.info(
    `buildx ${done.version} installed at ${done.pluginPath} (from the ${done.source === 'download' ? 'release download' : done.source}, SHA-256 ${done.sha256})`
  )
  const printed = await docker.buildxVersion()
  const problem = installedVersionProblem(printed, done.version, done.pluginPath) ?? buildxVersionProblem(printed, driver)
  if (problem) throw new Error(problem)
}

function render(inputs: Inputs, certs: RegistryCerts[], runDir: string, addition: Addition, owner: string): Plan {
  const plan = makePlan(inputs, certs, runDir, addition, owner)
  for (const o of plan.overrides) {
    log.notice(`${o.key}: the structured inputs override the base config (${JSON.stringify(o.from)} → ${JSON.stringify(o.to)})`)
  }
  if (plan.image) log.info(`BuildKit image: ${plan.image}`)
  log.info(plan.configText)
  return plan
}

function writeFiles(plan: Plan): void {
  writePlanFiles(plan)
  if (plan.writesConfig) log.info(`${plan.configPath}`)
  for (const f of plan.files) log.info(`${f.hostPath} (${f.label}, mode ${f.mode.toString(8)})`)
}

async function create(driver: Driver, plan: Plan): Promise<void> {
  await testPause('create')
  // Recorded before the command: a failed bootstrap leaves the builder registered.
  state.update({ created: true })
  try {
    await driver.create(plan)
  } catch (err) {
    // buildx says only that the container is restarting: the cause is in the daemon's log.
    if (driver.owner(plan.builder) !== state.record().owner) throw err
    const several = plan.nodes.length > 1
    const nodes = driver.nodes(plan.builder)
    // A daemon that is not this run's (made between the check and create) is not asked.
    const notOurs = removalPlan(await occupantsOf(driver, nodes), state.record().owner)
    for (const node of nodes) {
      if (notOurs.keepDaemon || notOurs.leave.includes(node.Name)) continue
      const cause = firstError(await driver.logTail(node, 200))
      if (cause === undefined) continue
      const which = several ? ` of node ${node.Name} (${plan.nodes.find(n => n.name === node.Name)?.label ?? 'a node'})` : ''
      throw new Error(`the BuildKit daemon${which} did not start: ${cause}\n(${(err as Error).message})`, { cause: err })
    }
    throw err
  }
}

async function report(driver: Driver, plan: Plan, inputs: Inputs, o: Outcome): Promise<void> {
  log.setOutput('name', plan.builder)
  log.setOutput('driver', inputs.driver)
  log.setOutput('platforms', allPlatforms(o).join(','))
  log.setOutput('buildkit-version', o.daemon?.version ?? '')
  // The config as the builder has it: certificate paths inside the builder, not the run's
  // files under RUNNER_TEMP, which post deletes.
  log.setOutput('config', plan.writesConfig ? renderToml(plan.expect.config) : '')
  log.setOutput('verified', String(o.verified))
  // setup-buildx-action's node outputs, from buildx's record and the daemon's answers.
  const nodes = nodesOutput(driver.nodes(plan.builder), o, driver.name)
  log.setOutput('nodes', JSON.stringify(nodes))
  log.setOutput('endpoint', nodes[0]?.endpoint ?? '')
  log.setOutput('status', nodes[0]?.status ?? '')
  log.setOutput('flags', nodes[0]?.['buildkitd-flags'] ?? '')
  log.setOutput('pulls', JSON.stringify(o.pulls ?? []))
  log.setOutput('registries', JSON.stringify(o.registries ?? []))
  log.info(`verification: ${verificationText(o)}`)
  // With verify: true, runMain fails the step with the same text once the summary is written.
  if (!o.verified && o.mode === 'warn') log.warning(failureText(o))
  summaryWritten = await log.summary(summaryMarkdown(plan, o, inputs.driver, log.durations()))
}

async function cleanUpAfterFailure(err: unknown): Promise<void> {
  try {
    await teardown('failure')
  } catch (e) {
    log.warning(`clean-up after the failure: ${(e as Error).message}`)
  }
  if (!summaryWritten) {
    summaryWritten = await log.summary(failureMarkdown(state.record().builder, err instanceof Error ? err.message : String(err)))
  }
}
