import type { Node as YamlNode, Pair, YAMLSeq } from 'yaml'
import { parseDriverOptLine } from '../docker/driver-opts.js'
import type { DriverRules, NameLimit } from './driver-rules.js'
import { InputError } from '../runner/errors.js'
import { splitShellWords } from '../runner/lines.js'
import { type NodeSpec, type Yaml } from './model.js'

// The builder's nodes as the inputs give them: the first node from the top-level inputs
// (driver-opts, buildkitd-flags, endpoint, platforms), more from `append`, a YAML list with
// docker/setup-buildx-action's fields. Pure: text in, NodeSpec[] or an InputError out.

/**
 * The input a node's setting comes from, for messages: the setting's own input for the first
 * node (driver-opts, buildkitd-flags), append for the others ("append (append[1] driver-opts)").
 */
export function nodeInput(n: Pick<NodeSpec, 'label' | 'append'>, setting: string): string {
  return n.append === undefined ? setting : `append (${n.label} ${setting})`
}

// buildx store.ValidateName: a letter first, then letters, digits and ._- (lower-cased).
const NODE_NAME_RE = /^[a-zA-Z][a-zA-Z0-9._-]*$/

// containerd's platform syntax: os/arch[/variant], lower case.
const PLATFORM_RE = /^[a-z0-9_-]+\/[a-z0-9_-]+(\/[a-z0-9_.-]+)?$/

const FIELDS = ['name', 'endpoint', 'driver-opts', 'buildkitd-flags', 'platforms'] as const

/** `platforms`: comma-separated (or one per line) os/arch[/variant]. */
export function parsePlatforms(input: string, text: string): string[] {
  const out: string[] = []
  for (const p of text
    .split(/[,\n]/)
    .map(s => s.trim())
    .filter(s => s !== '')) {
    if (!PLATFORM_RE.test(p)) {
      throw new InputError(input, undefined, `"${p}" is not a platform; write os/arch[/variant], e.g. linux/amd64 or linux/arm/v7`)
    }
    if (!out.includes(p)) out.push(p)
  }
  return out
}

/**
 * Why an address's host or user would be read as an option, or undefined. An ssh:// address
 * becomes ssh's arguments (docker's connhelper runs `ssh … -- user@host`; older ones put no
 * `--` before it), so ssh://-oProxyCommand=… would run a command; other clients dial or
 * exec the host part the same way. No host or user name starts with "-".
 */
export function optionLike(endpoint: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(endpoint)
  if (!m) return undefined
  const at = m[1].lastIndexOf('@')
  const user = at === -1 ? '' : m[1].slice(0, at)
  const host = m[1].slice(at + 1)
  if (host.startsWith('-') || host.startsWith('[-'))
    return 'its host starts with "-", which ssh and docker would read as an option; give a host name or address'
  if (user.startsWith('-')) return 'its user starts with "-", which ssh would read as an option; give a user name'
  return undefined
}

/**
 * `append`: a YAML list of nodes, each with name, endpoint, driver-opts (a list of strings),
 * buildkitd-flags (one string) and platforms (a comma-separated string), as
 * docker/setup-buildx-action reads them. A node without buildkitd-flags gets `defaultFlags`,
 * as the first node does: every node then allows the same entitlements.
 */
export function parseAppend(
  text: string,
  rules: Pick<DriverRules, 'defaultFlags' | 'endpointProblem' | 'maxNodeName'>,
  yaml: Yaml | undefined
): NodeSpec[] {
  if (text.trim() === '') return []
  if (!yaml) throw new Error('append is set but the YAML parser was not loaded')
  const root = appendList(text, yaml)
  return root.items.map((item, i) => appendedNode(item, i, { text, rules, yaml }))
}

/** What reading an appended node needs: the text (for line numbers), the driver's rules and the YAML parser. */
interface AppendContext {
  text: string
  rules: Pick<DriverRules, 'defaultFlags' | 'endpointProblem' | 'maxNodeName'>
  yaml: Yaml
}

/** Throws an InputError for an appended node, at the line of the YAML node given (or of the node itself). */
type Fail = (at: YamlNode | null | undefined, detail: string) => never

/** The YAML list `append` holds; throws an InputError when it is not valid YAML or not a list. */
function appendList(text: string, yaml: Yaml): YAMLSeq {
  const doc = yaml.parseDocument(text, { uniqueKeys: true })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]
    throw new InputError('append', e.linePos?.[0].line, `is not valid YAML: ${e.message.split('\n')[0]}`)
  }
  const root = doc.contents
  if (!yaml.isSeq(root)) throw new InputError('append', undefined, 'must be a YAML list of nodes (- name: …, endpoint: …)')
  return root
}

/** The line a YAML node starts on in the text, or undefined when it has no place. */
function lineOf(text: string, n: YamlNode | null | undefined): number | undefined {
  const off = n?.range?.[0]
  return off === undefined ? undefined : text.slice(0, off).split('\n').length
}

/** The node the i-th item of append describes; a field it doesn't give is the first node's default. */
function appendedNode(item: unknown, i: number, ctx: AppendContext): NodeSpec {
  const label = `append[${i}]`
  const fail: Fail = (at, detail) => {
    throw new InputError('append', lineOf(ctx.text, at ?? (item as YamlNode)), `${label}: ${detail}`)
  }
  if (!ctx.yaml.isMap(item)) return fail(item as YamlNode, 'is not a mapping of name, endpoint, driver-opts, buildkitd-flags, platforms')
  const spec: NodeSpec = { endpoint: '', driverOpts: [], buildkitdFlags: [...ctx.rules.defaultFlags], platforms: [], label, append: i }
  for (const pair of item.items) readField(spec, pair, ctx, fail)
  const problem = ctx.rules.endpointProblem(spec.endpoint)
  if (problem) fail(item, `endpoint: ${problem}`)
  return spec
}

/** Sets the field one key: value pair of an appended node gives; throws an InputError for an unknown field or a bad value. */
function readField(spec: NodeSpec, pair: Pair<unknown, unknown>, ctx: AppendContext, fail: Fail): void {
  const { isScalar } = ctx.yaml
  const key = isScalar(pair.key) ? String(pair.key.value) : ''
  const value = pair.value as YamlNode | null
  const field = FIELDS.find(f => f === key)
  if (!field) fail(pair.key as YamlNode, `unknown field "${key}"; a node has ${FIELDS.join(', ')}`)
  const str = (): string => {
    if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number')) return String(value.value).trim()
    return fail(value, `${key} must be a string`)
  }
  switch (field) {
    case 'name':
      spec.name = nodeName(str(), value, ctx.rules.maxNodeName, fail)
      break
    case 'endpoint':
      spec.endpoint = str()
      break
    case 'driver-opts':
      spec.driverOpts = driverOptList(value, ctx.yaml, fail)
      break
    case 'buildkitd-flags':
      spec.buildkitdFlags = buildkitdFlags(str(), value, ctx.rules.defaultFlags, fail)
      break
    case 'platforms':
      try {
        spec.platforms = parsePlatforms('append', str())
      } catch (err) {
        fail(value, (err as Error).message.replace(/^input "append": /, ''))
      }
      break
  }
}

/** A node's name as buildx keeps it (lower case); fails when buildx would refuse it or it is over the driver's limit. */
function nodeName(name: string, value: YamlNode | null, limit: NameLimit, fail: Fail): string {
  if (name.length > limit.length) fail(value, `name is ${name.length} characters; at most ${limit.length} (${limit.why})`)
  if (!NODE_NAME_RE.test(name)) fail(value, `name "${name}" must start with a letter and hold only letters, digits and ._-`)
  return name.toLowerCase()
}

/** A node's driver-opts, a list of strings each buildx can read; fails for any other value. */
function driverOptList(value: YamlNode | null, yaml: Yaml, fail: Fail): string[] {
  // setup-buildx-action takes a list; one string is one option there too.
  const list = yaml.isSeq(value) ? value.items : [value]
  return list.map(v => {
    const opt =
      yaml.isScalar(v) && typeof v.value === 'string' ? v.value.trim() : fail(v as YamlNode, 'driver-opts must be a list of strings')
    const opts = parseDriverOptLine(opt)
    if (typeof opts === 'string') fail(v as YamlNode, `driver-opts: ${opts}`)
    return opt
  })
}

/** A node's buildkitd-flags as words, or the default flags when it gives none; fails for an open quote or a --config. */
function buildkitdFlags(text: string, value: YamlNode | null, defaultFlags: readonly string[], fail: Fail): string[] {
  const words = splitShellWords(text)
  if (words === undefined) fail(value, 'buildkitd-flags: a quote is not closed')
  if (words!.some(w => w === '--config' || w.startsWith('--config=')))
    fail(value, 'buildkitd-flags: --config is set by this action for every node')
  return words!.length > 0 ? words! : [...defaultFlags]
}

/**
 * Rules across all nodes: buildx refuses two nodes on one endpoint ("invalid duplicate
 * endpoint", store/nodegroup.go validateDuplicates), and an appended node named like an
 * existing one is not appended: buildx changes that node instead (NodeGroup.Update finds
 * it by name). Appended nodes get the name buildx would give them (store/nodegroup.go
 * nextNodeName: <builder><n>, the first free n, for every driver) so that every node has a
 * known name.
 */
export function checkNodes(
  builder: string,
  first: NodeSpec,
  appended: NodeSpec[],
  rules: Pick<DriverRules, 'nodeEndpoints' | 'maxNodeName'>
): NodeSpec[] {
  const nodes = [first, ...appended]
  const names = new Set<string>([`${builder}0`])
  for (const n of appended) {
    if (n.name === undefined) continue
    if (names.has(n.name)) {
      throw new InputError(
        'append',
        undefined,
        `${n.label}: node name "${n.name}" is taken by another node (buildx would change that node instead of adding one)`
      )
    }
    names.add(n.name)
  }
  for (const n of appended) {
    if (n.name !== undefined) continue
    let k = 0
    while (names.has(`${builder}${k}`)) k++
    n.name = `${builder}${k}`
    if (n.name.length > rules.maxNodeName.length) {
      throw new InputError(
        'append',
        undefined,
        `${n.label}: the node name buildx would give it is ${n.name.length} characters, over ${rules.maxNodeName.length}; give it a shorter name`
      )
    }
    names.add(n.name)
  }
  // Nodes of a driver without endpoints (kubernetes) share none.
  if (!rules.nodeEndpoints) return nodes
  const seen = new Map<string, string>()
  for (const n of nodes) {
    // The first node without an endpoint is on the current context: an appended node needs its own.
    const ep = n.endpoint === '' && n !== first ? undefined : n.endpoint
    if (ep === undefined) {
      throw new InputError(
        'append',
        undefined,
        `${n.label}: has no endpoint; a second node on the current docker context would share the first node's endpoint, which buildx refuses`
      )
    }
    const other = seen.get(ep)
    if (other !== undefined) {
      throw new InputError(
        'append',
        undefined,
        `${n.label}: endpoint "${ep}" is also ${other}'s; buildx refuses two nodes on one endpoint (give each node its own docker context or host)`
      )
    }
    seen.set(ep, n.label)
  }
  return nodes
}
