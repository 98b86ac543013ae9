import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import { parseCniInputs } from '../cni/settings.js'
import { defaultConfigPath } from '../docker/buildx-record.js'
import { parseDriverOptLine } from '../docker/driver-opts.js'
import { parseVerifyPull } from '../docker/refs.js'
import { parseInstallInputs } from '../install/buildx-release.js'
import { InputError } from '../runner/errors.js'
import { inputLines, parseBool, splitShellWords } from '../runner/lines.js'
import { parseBaseConfig, readBaseConfigFile } from './base-config.js'
import { checkConsistency } from './consistency.js'
import type { DriverCatalog, DriverRules, NameLimit } from './driver-rules.js'
import type { BaseConfig, Getter, Host, Inputs, VerifyMode } from './model.js'
import { checkNodes, parseAppend, parsePlatforms } from './nodes.js'
import type { NodeSpec } from './model.js'
import { certRequestsFromConfig, parseHostList, parseMirrors, parseRegistryCerts } from './registries.js'

// Reads every input into one typed, validated object before anything is created, with the
// rules of the driver it names (inputs/driver-rules.ts). Each parse function is pure (text in,
// value or InputError out) so tests can table them.

/** Reads the action's inputs, the driver's rules taken from the catalog. */
export function readInputs(get: Getter, host: Host, catalog: DriverCatalog): Inputs {
  const configPath = get('buildkitd-config')
  const configInline = get('buildkitd-config-inline')
  if (configPath !== '' && configInline !== '') {
    throw new InputError(
      'buildkitd-config',
      undefined,
      'buildkitd-config and buildkitd-config-inline are both set; give one of them ' +
        '(docker/setup-buildx-action would take the file and drop the inline config without a word)'
    )
  }
  const rules = catalog.rules(parseDriver(get('driver'), catalog.names))
  const baseConfig = readBaseConfig(configPath, configInline, rules, host)
  const name = parseName(get('name'), rules.maxBuilderName)
  const inputs: Inputs = {
    name,
    driver: rules.name,
    nodes: readNodes(get, name, rules, host),
    baseConfig,
    mirrors: parseMirrors(get('mirrors')),
    httpRegistries: parseHostList('http-registries', get('http-registries')),
    insecureRegistries: parseHostList('insecure-registries', get('insecure-registries')),
    debug: get('debug') === '' ? undefined : parseBool('debug', get('debug')),
    use: parseBool('use', get('use'), true),
    verify: parseVerify(get('verify')),
    cleanup: parseBool('cleanup', get('cleanup'), true),
    keepState: parseBool('keep-state', get('keep-state'), false),
    certRequests: [...(baseConfig ? certRequestsFromConfig(baseConfig) : []), ...parseRegistryCerts(get('registry-certs'))],
    cni: parseCniInputs(get, { platform: process.platform, arch: process.arch, endianness: os.endianness() }),
    verifyPull: parseVerifyPull(get('verify-pull')),
    checkRegistries: parseBool('check-registries', get('check-registries'), false),
    install: parseInstallInputs(get),
    cacheBinary: parseBool('cache-binary', get('cache-binary'), true),
    imageViaMirror: parseBool('image-via-mirror', get('image-via-mirror'), true),
    allowKeysInConfigmap: parseBool('allow-keys-in-configmap', get('allow-keys-in-configmap'), false)
  }
  // What the driver can't take first: it says what to do instead.
  const problems = rules.inputProblems(inputs, get)
  if (problems.length > 0) throw new InputError(problems[0].input, problems[0].line, problems[0].message)
  checkConsistency(inputs)
  return inputs
}

/**
 * The base config: buildkitd-config, buildkitd-config-inline, or buildx's default file, which
 * buildx applies to the builders it creates (a docker driver's builder is not created).
 */
function readBaseConfig(configPath: string, configInline: string, rules: DriverRules, host: Host): BaseConfig | undefined {
  if (configPath !== '') return readBaseConfigFile(configPath)
  if (configInline !== '') return parseBaseConfig('buildkitd-config-inline', configInline)
  const defaultFile = defaultConfigPath(host.env, host.home)
  if (!rules.createsBuilder || !fs.existsSync(defaultFile)) return undefined
  return { ...readBaseConfigFile(defaultFile, 'buildkitd.default.toml'), fromDefault: true }
}

/** The builder's nodes: the first from the top-level inputs, then append's, each checked by the driver. */
function readNodes(get: Getter, name: string, rules: DriverRules, host: Host): NodeSpec[] {
  const nodes = checkNodes(name, firstNode(get, rules), parseAppend(get('append'), rules, host.yaml), rules)
  if (rules.checkNode) for (const n of nodes) rules.checkNode(n)
  return nodes
}

/** The first node: the top-level driver-opts, buildkitd-flags, endpoint and platforms. */
function firstNode(get: Getter, rules: DriverRules): NodeSpec {
  const endpoint = get('endpoint').trim()
  const problem = rules.endpointProblem(endpoint)
  if (problem) throw new InputError('endpoint', undefined, problem)
  return {
    endpoint,
    driverOpts: parseDriverOpts(get('driver-opts')),
    buildkitdFlags: get('buildkitd-flags').trim() === '' ? [...rules.defaultFlags] : parseBuildkitdFlags(get('buildkitd-flags')),
    platforms: parsePlatforms('platforms', get('platforms')),
    label: 'the first node'
  }
}

export function parseVerify(value: string): VerifyMode {
  const v = value.trim().toLowerCase()
  if (v === '') return 'true'
  if (v === 'true' || v === 'false' || v === 'warn') return v
  throw new InputError('verify', undefined, `"${value}" is not one of true, warn, false`)
}

// buildx: "name needs to start with a letter and may not contain symbols, except ._-", and
// it registers the builder, its node and its container under the name in lower case
// (store/util.go ValidateName): `My-Builder` is buildx_buildkit_my-builder0.
const NAME_RE = /^[a-zA-Z][a-zA-Z0-9._-]*$/

export function parseName(value: string, limit: NameLimit): string {
  const v = value.trim()
  if (v === '') return `builder-${randomUUID()}`
  if (v.length > limit.length) {
    throw new InputError('name', undefined, `is ${v.length} characters; a builder name has at most ${limit.length} (${limit.why})`)
  }
  if (!NAME_RE.test(v)) {
    throw new InputError(
      'name',
      undefined,
      `"${v}" is not a valid builder name; it must start with a letter and hold only letters, digits and ._-`
    )
  }
  return v.toLowerCase()
}

/** `driver`: one of the catalog's drivers; empty is docker-container, buildx's default. */
export function parseDriver(value: string, names: readonly string[]): string {
  const v = value.trim()
  if (v === '') return 'docker-container'
  if (names.includes(v)) return v
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('')
  throw new InputError('driver', undefined, `driver "${v}" is not supported; ${list} are`)
}

/** `driver-opts`: one --driver-opt a line, each read as buildx reads it (driver-opts.ts). */
export function parseDriverOpts(text: string): string[] {
  return inputLines(text).map(l => {
    const opts = parseDriverOptLine(l.text)
    if (typeof opts === 'string') throw new InputError('driver-opts', l.n, opts)
    return l.text
  })
}

/**
 * Splits daemon flags as buildx does (shell words: quotes and backslashes), so the action
 * can merge its own flags in without duplicates.
 */
export function parseBuildkitdFlags(text: string): string[] {
  const words = splitShellWords(text)
  if (words === undefined) {
    throw new InputError('buildkitd-flags', undefined, 'a quote is not closed')
  }
  for (const w of words) {
    if (w === '--config' || w.startsWith('--config=')) {
      throw new InputError('buildkitd-flags', undefined, '--config is set by this action; give the file as buildkitd-config instead')
    }
  }
  return words
}

/**
 * cleanup: false keeps the builder after the job, and with it every client key it was given:
 * the copy in the builder (its container's /etc/buildkit/certs, or kubernetes ConfigMaps) and
 * buildx's record of the builder, which keeps the files of buildx create --config, the keys
 * with them (~/.docker/buildx/instances/<name>: the node's Files); `where` is the driver's
 * keptKeysPlace. The remote driver's keys are refused with cleanup: false (drivers/remote). Warnings, not errors: a self-hosted runner may
 * want the builder kept, and its owner should know what stays.
 */
export function keptKeyWarnings(inputs: Pick<Inputs, 'cleanup' | 'certRequests' | 'name'>, where: string): string[] {
  if (inputs.cleanup) return []
  const keyed = [...new Set(inputs.certRequests.filter(r => r.keypairs.length > 0).map(r => r.registry))]
  if (keyed.length === 0) return []
  return [
    `input "cleanup": false with client keys (for ${keyed.join(', ')}): the builder stays after the job, and the keys stay with it, ${where} and in ` +
      `buildx's record of the builder (~/.docker/buildx/instances/${inputs.name}, which keeps the files given to buildx create). On a runner ` +
      `that is not thrown away after the job, remove the builder when done (docker buildx rm ${inputs.name}), or keep cleanup: true`
  ]
}
