import { isLoopback } from '../config/hosts.js'
import { isTable, type TomlTable } from '../config/toml.js'
import { DOCKER_HUB, parseImageRef, type ImageRef } from './refs.js'

// A Docker Hub image's reference on a docker.io mirror, as BuildKit reaches it, so that the
// Docker engine (or the kubelet) can be given the same image by the mirror's name. Pure.
//
// BuildKit splits a mirror `host[:port][/path]` into host and path (util/resolver/utils.go
// extractMirrorHostAndPath) and asks it for `/v2` + path + `/<repository>/manifests/<tag>`
// (util/resolver/resolver.go newMirrorRegistryHost: Path = path.Join("/v2", mirrorPath)).
// That is the registry API of the repository `path/<repository>` on `host`: the image
// `host/path/<repository>:<tag>`, which is how a Harbor proxy project
// (harbor.example/proxy/library/alpine) or a registry:2 pull-through cache is addressed.

/** A docker.io mirror of the config, with what tells how the Docker engine can reach it. */
export interface HubMirror {
  /** As written in `mirrors = [...]`: host[:port][/path] */
  mirror: string
  host: string
  /** '' or /a/path */
  path: string
  /** The mirror host's section says http = true: BuildKit speaks plain HTTP to it */
  http: boolean
  /** The mirror host's section says insecure = true */
  insecure: boolean
  /** A CA is given for the mirror host (registry-certs or the base config's ca) */
  ca: boolean
}

/**
 * The docker.io mirrors of a config tree, in BuildKit's order (`[registry."docker.io"]
 * mirrors`), with each mirror host's own section. `caHosts`: the registries a CA is given for.
 */
export function hubMirrorsOf(tree: TomlTable, caHosts: ReadonlySet<string>): HubMirror[] {
  const regs = isTable(tree.registry) ? tree.registry : {}
  const hub = regs[DOCKER_HUB]
  const mirrors = isTable(hub) && Array.isArray(hub.mirrors) ? (hub.mirrors as unknown[]).filter(m => typeof m === 'string') : []
  return mirrors.map(mirror => {
    const slash = mirror.indexOf('/')
    const host = slash === -1 ? mirror : mirror.slice(0, slash)
    const section = isTable(regs[host]) ? regs[host] : {}
    return {
      mirror,
      host,
      path: slash === -1 ? '' : mirror.slice(slash).replace(/\/+$/, ''),
      // BuildKit: with http unset, a loopback host is spoken to over plain HTTP (hosts.ts isLoopback).
      http: section.http === true || (section.http === undefined && isLoopback(host)),
      insecure: section.insecure === true,
      ca: caHosts.has(host) || (Array.isArray(section.ca) && section.ca.length > 0)
    }
  })
}

/**
 * The reference of a Docker Hub image on a mirror (`host/path/<repository>[:tag][@digest]`),
 * or why there is none: the mirror's path must make a valid image name (lower case).
 */
export function mirrorReference(ref: ImageRef, m: HubMirror): string | { problem: string } {
  const name = `${m.host}${m.path}/${ref.repository}`
  const text = name + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '')
  const parsed = parseImageRef(text)
  if (typeof parsed === 'string') return { problem: `its path makes no image name for ${ref.normalised}: ${parsed}` }
  return text
}

/**
 * What the engine needs to reach a mirror that BuildKit reaches with the config, for the
 * warning when the engine could not: the engine reads neither the action's config nor
 * registry-certs.
 */
export function engineReachNotes(m: HubMirror): string[] {
  const notes: string[] = []
  const local = isLoopback(m.host)
  if (m.http && !local) {
    notes.push(
      `${m.host} is plain HTTP: the Docker engine pulls over plain HTTP only from a loopback address or a host in its insecure-registries (daemon.json)`
    )
  }
  if (m.insecure && !local) {
    notes.push(
      `${m.host} is insecure = true: the Docker engine skips certificate checks only for a host in its insecure-registries (daemon.json)`
    )
  }
  if (m.ca) {
    notes.push(
      `the CA given for ${m.host} reaches BuildKit, not the Docker engine, which reads /etc/docker/certs.d/${m.host}/ca.crt on the engine's host`
    )
  }
  return notes
}

/** A reference when it names a Docker Hub image, parsed; undefined for any other registry's (or no valid reference). */
export function hubImage(value: string): ImageRef | undefined {
  const parsed = parseImageRef(value)
  return typeof parsed !== 'string' && parsed.registry === DOCKER_HUB ? parsed : undefined
}
