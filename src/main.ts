import { randomUUID } from 'node:crypto'
import * as os from 'node:os'
import { loadRegistryCerts, type RegistryCerts } from './config/certs.js'
import * as docker from './docker/cli.js'
import { checkPlaces } from './drivers/common.js'
import { createBuilder } from './drivers/create.js'
import { keptBuilder, startKept } from './drivers/kept.js'
import { baseViaMirror, nodeImages, takesImagesFromMirror, withImage } from './drivers/node-images.js'
import type { Driver } from './drivers/driver.js'
import { driverFor, usesEngine } from './drivers/factory.js'
import { getInputs } from './drivers/read-inputs.js'
import { teardown } from './drivers/teardown.js'
import { needsTlsContext, useTlsContext } from './drivers/tls-context.js'
import { keptKeyWarnings } from './inputs/inputs.js'
import type { Inputs } from './inputs/model.js'
import { checkTools, installBuildx } from './install/setup.js'
import { checkKeys } from './plan/check-keys.js'
import { hubMirrors } from './plan/config-tree.js'
import { makePlan, type Plan } from './plan/plan.js'
import { getInput } from './runner/commands.js'
import * as log from './runner/log.js'
import { createRunDir, writePlanFiles } from './runner/run-dir.js'
import * as state from './runner/state.js'
import { testPause } from './runner/test-pause.js'
import { prove, wantsProof } from './verify/prove.js'
import { report } from './verify/report.js'
import { failureMarkdown } from './verify/summary.js'
import { checkKept } from './verify/kept.js'
import { failureText, verifyBuilder } from './verify/verify.js'

// The main step: a list of named steps, each in its own log group. Any failure runs the
// one teardown (drivers/teardown.ts: only what this run created) and writes a job summary.
export async function runMain(): Promise<void> {
  summaryWritten = false
  try {
    await steps()
  } catch (err) {
    await log.group('Clean up after failure', () => cleanUpAfterFailure(err))
    throw err
  }
}

async function steps(): Promise<void> {
  const read = await log.group('Read and check inputs', readInputsAskingVersions)
  const { inputs: asked, driver } = read
  state.update({ builder: asked.name, driver: asked.driver, cleanup: asked.cleanup, keepState: asked.keepState })
  state.update({ runDir: createRunDir(), owner: randomUUID() })
  const { runDir, owner } = state.record()
  // The builder's image is taken from the mirror while buildx answers for its version: the
  // pull needs neither buildx nor the name, and both are a process to wait for.
  const mirrors = asked.imageViaMirror ? hubMirrors(asked) : []
  const images = takesImagesFromMirror(driver, asked, mirrors) ? log.ahead(() => nodeImages(driver, asked, mirrors)) : undefined
  const install = await log.group('Check Docker and Buildx', () => checkTools(asked, driver, read.versions))
  if (install) {
    const { standalone } = await read.versions
    await log.group(`Install buildx ${install.version}${standalone ? ' standalone' : ''}`, () =>
      installBuildx(install, runDir, driver, standalone)
    )
  }
  const name = await log.group(
    driver.createsBuilder
      ? `Check that builder ${asked.name} does not exist yet${driver.keptOf ? ', or is a kept one' : ''}`
      : "Find the docker context's builder",
    () => driver.claim(asked.name, getInput('name').trim() !== '')
  )
  const claimed: Inputs = { ...asked, name }
  // A kept builder (an earlier run's, cleanup: false) is compared with the inputs and used as it is; this run never removes it.
  const kept = keptBuilder(driver, name)
  state.update({ builder: name, reused: kept !== undefined })
  // A kept builder reaches its engine through what its nodes recorded (a TLS context kept with it).
  const inputs =
    kept === undefined && needsTlsContext(driver, claimed, process.env, os.homedir())
      ? await log.group('Make a docker context of the TLS environment', () => useTlsContext(claimed, owner, process.env, os.homedir()))
      : claimed
  const nodeSources = images ? await log.group('Take the BuildKit image from the docker.io mirror', () => images.shown()) : []
  const cni = inputs.cni
  // Loaded only when asked for: the tool cache and the download code are most of the bundle.
  const addition = cni
    ? await log.group('Prepare CNI networking', async () =>
        (await import('./cni/image.js')).prepareCni(
          cni,
          runDir,
          withImage(inputs.nodes[0].driverOpts, nodeSources[0]),
          baseViaMirror(mirrors)
        )
      )
    : {}
  // A driver that takes no config (remote, docker) has nothing rendered.
  const planned = (): Plan => makePlan(driver, inputs, read.certs, runDir, addition, owner, read.prepared, nodeSources)
  const plan = driver.takesConfig ? await log.group('Render buildkitd.toml', () => render(planned())) : planned()
  if (kept) {
    await log.group(`Compare kept builder ${name} with the inputs`, () => checkKept(driver, plan, inputs.keepState, kept))
    await log.group(`Start kept builder ${name}`, () => startKept(driver, plan, kept))
  } else if (driver.createsBuilder) {
    await log.group('Check that nothing exists under the node names yet', () => checkPlaces(driver, plan, owner))
    await log.group(plan.writesConfig ? 'Write config and certificates' : 'Write the TLS files', () => writeFiles(plan))
    await log.group(`Create builder ${plan.builder}`, () => createBuilder(driver, plan))
  } else if (plan.use) {
    await log.group(`Use builder ${plan.builder}`, () => driver.create(plan))
  }
  await testPause('verify')
  // A kept builder's daemons carry the mark of the run that created it.
  const outcome = await log.group('Verify the builder', () => verifyBuilder(driver, plan, inputs, kept?.owner ?? owner))
  if (wantsProof(inputs, outcome)) await log.group('Prove it: resolve through the builder', () => prove(driver, plan, inputs, outcome))
  summaryWritten = await log.group('Outputs and job summary', () => report(driver, plan, outcome))
  if (!outcome.verified && inputs.verify === 'true') throw new Error(failureText(outcome))
}

/** Whether this run's job summary is written (the failure path writes one otherwise). */
let summaryWritten = false

interface InputsRead {
  inputs: Inputs
  driver: Driver
  certs: RegistryCerts[]
  /** What the driver's prepare() returned, for its nodes' plan */
  prepared: unknown
}

/**
 * The inputs, with the engine's and buildx's versions asked meanwhile: they depend on no
 * input, and starting buildx is most of checkTools' time. Started once the first line is out.
 */
async function readInputsAskingVersions(): Promise<InputsRead & { versions: Promise<docker.ToolVersions> }> {
  const versions = docker.toolVersions(usesEngine(getInput('driver')))
  versions.catch(() => undefined) // awaited (and its error thrown) in checkTools, unless an input error comes first
  return { ...(await readInputs()), versions }
}

async function readInputs(): Promise<InputsRead> {
  // The YAML parser only for append (a third of the bundle's size otherwise parsed for nothing).
  const yaml = getInput('append').trim() === '' ? undefined : await import('yaml')
  const inputs = getInputs(undefined, { env: process.env, home: os.homedir(), yaml })
  const driver = driverFor(inputs.driver)
  checkKeys(inputs)
  for (const w of keptKeyWarnings(inputs, driver.keptKeysPlace)) log.warning(w)
  const { sets, warnings } = loadRegistryCerts(inputs.certRequests)
  for (const w of warnings) log.warning(w)
  log.info(`builder ${inputs.name}, driver ${inputs.driver}`)
  if (inputs.baseConfig?.fromDefault) {
    log.info(`no buildkitd-config given: buildx's default ${inputs.baseConfig.path} is the base config (buildx would apply it too)`)
  }
  for (const set of sets) {
    log.info(`${set.registry}: ${set.cas.length} CA file(s), ${set.keypairs.length} client keypair(s), checked`)
  }
  // What the driver's nodes need beyond the inputs (remote: each daemon's TLS files, read and checked, keys masked).
  const prepared = driver.prepare?.(inputs)
  return { inputs, driver, certs: sets, prepared }
}

function render(plan: Plan): Plan {
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
