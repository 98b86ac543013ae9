import { InputError } from '../runner/errors.js'
import { inputLines } from '../runner/lines.js'

// Image references as Docker and BuildKit normalise them, so that the action knows which
// registry's hosts a resolution goes through and which log span (`resolving <ref>`) is its.
// Grammar: https://github.com/distribution/reference/blob/main/regexp.go; normalisation
// (docker.io, library/, :latest): https://github.com/distribution/reference/blob/main/normalize.go

export interface ImageRef {
  /** As the user wrote it */
  input: string
  /** The registry host as the config names it: docker.io, ghcr.io, 127.0.0.1:5000 */
  registry: string
  /** Path below the registry: library/alpine, team/base */
  repository: string
  tag?: string
  digest?: string
  /** registry/repository[:tag][@digest], with :latest when neither was given */
  normalised: string
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`)
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG_RE = /^[\w][\w.-]{0,127}$/
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/
// distribution/reference: NameTotalLengthMax
const NAME_MAX = 255

export const DOCKER_HUB = 'docker.io'

/** Parses and normalises a reference; returns why it is not one otherwise. */
export function parseImageRef(value: string): ImageRef | string {
  const v = value.trim()
  const example = 'e.g. alpine:3.20, docker.io/library/alpine:3.20, myregistry.com/team/base:1'
  if (v === '') return 'the reference is empty'
  if (/\s/.test(v)) return `"${v}" holds white space; give one image reference per line (${example})`
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return `"${v}" has a scheme; an image reference has none (${example})`

  let rest = v
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST_RE.test(digest)) return `"${v}" has digest "${digest}", which is not algorithm:hex (e.g. sha256:<64 hex digits>)`
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG_RE.test(tag)) return `"${v}" has tag "${tag}"; a tag is up to 128 of letters, digits and _.- (not starting with . or -)`
  }
  if (rest === '') return `"${v}" has no image name`

  // The first component is a registry when it looks like a host: it has a dot or a port,
  // is localhost, or has upper-case letters (distribution/reference splitDockerDomain).
  const slash = rest.indexOf('/')
  const first = slash === -1 ? '' : rest.slice(0, slash)
  let registry = DOCKER_HUB
  let repository = rest
  if (slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    registry = first
    repository = rest.slice(slash + 1)
    if (!DOMAIN_RE.test(registry)) return `"${v}" has registry "${registry}", which is not a host[:port]`
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`
  for (const part of repository.split('/')) {
    if (!PATH_COMPONENT_RE.test(part)) {
      return `"${v}" has "${part}" in its name; a name is lower-case letters and digits, separated by . _ __ - or /`
    }
  }
  const name = `${registry}/${repository}`
  if (name.length > NAME_MAX) return `"${v}" has a name longer than ${NAME_MAX} characters`
  const normalised = name + (tag !== undefined ? `:${tag}` : digest === undefined ? ':latest' : '') + (digest ? `@${digest}` : '')
  return { input: v, registry, repository, tag: tag ?? (digest === undefined ? 'latest' : undefined), digest, normalised }
}

/** `verify-pull`: one reference per line; a reference given twice is resolved once. */
export function parseVerifyPull(text: string): ImageRef[] {
  const refs: ImageRef[] = []
  for (const l of inputLines(text)) {
    const parsed = parseImageRef(l.text)
    if (typeof parsed === 'string') throw new InputError('verify-pull', l.n, parsed)
    if (!refs.some(r => r.normalised === parsed.normalised)) refs.push(parsed)
  }
  return refs
}

/**
 * A value for messages: quoted as JSON (so a newline or a quote shows as \n, \"), and cut
 * to a length a log line takes, so a paste of junk is not echoed whole.
 */
export function quoteShort(value: string, max = 80): string {
  return value.length > max ? `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)` : JSON.stringify(value)
}

/**
 * Why `value` is not an image reference the action may hand on, or undefined. These values
 * go where one character too many does harm: a Dockerfile's FROM and LABEL lines
 * (buildkit-image), a --driver-opt, which buildx reads as CSV (cni-image: a comma adds driver
 * options), and docker pull's arguments (a leading - is an option). So white space, quotes,
 * commas and a leading - are refused before the reference grammar is asked.
 */
export function imageRefProblem(value: string): string | undefined {
  const v = value.trim()
  const example = 'e.g. moby/buildkit:v0.23.2 or ghcr.io/team/buildkit@sha256:<64 hex digits>'
  if (v === '') return 'is empty'
  if (/[\s\p{Cc}]/u.test(v))
    return `${quoteShort(v)} is not an image reference: it holds white space or a control character; give one image reference (${example})`
  if (/["'`,;\\]/.test(v))
    return `${quoteShort(v)} is not an image reference: it holds a quote, comma, semicolon or backslash, which no image reference has (${example})`
  if (v.startsWith('-'))
    return `${quoteShort(v)} is not an image reference: it starts with "-"; an image reference starts with a registry or a name (${example})`
  if (v.length > 512) return `${quoteShort(v)} is not an image reference: it is too long`
  const parsed = parseImageRef(v)
  if (typeof parsed === 'string') return parsed
  if (parsed.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(parsed.digest)) {
    return `${quoteShort(v)} has digest ${quoteShort(parsed.digest)}; give sha256:<64 lower-case hex digits>`
  }
  return undefined
}
