// The action's inputs as one typed, validated object: what every later step reads. Types only.
import { type CertRequest } from '../config/certs.js'
import { type CniInputs } from '../cni/settings.js'
import { type TomlTable } from '../config/toml.js'
import { type MirrorEndpoint } from '../config/hosts.js'
import { type InstallRequest } from '../install/buildx-release.js'
import { type ImageRef } from '../docker/refs.js'

export type VerifyMode = 'true' | 'warn' | 'false'

export interface MirrorSpec {
  registry: string
  mirrors: MirrorEndpoint[]
  line: number
}

export interface BaseConfig {
  /** `buildkitd-config`, `buildkitd-config-inline` or `buildkitd.default.toml`, for messages */
  input: string
  /** The file it came from, when there is one */
  path?: string
  tree: TomlTable
  /** buildx's buildkitd.default.toml, taken because no config input was given */
  fromDefault?: boolean
}

/**
 * The daemon flags when buildkitd-flags is empty: docker/setup-buildx-action's default (its
 * README: "--allow-insecure-entitlement security.insecure --allow-insecure-entitlement
 * network.host", replaced when the input is set). buildx alone allows only network.host, so a
 * workflow moving over would otherwise lose RUN --security=insecure.
 */
export const DEFAULT_FLAGS = ['--allow-insecure-entitlement', 'security.insecure', '--allow-insecure-entitlement', 'network.host'] as const

export interface Inputs {
  name: string
  /** A driver of the catalog (drivers/factory.ts): docker-container, kubernetes, remote, docker */
  driver: string
  /** The builder's nodes: the first from driver-opts, buildkitd-flags, endpoint and platforms; then append's */
  nodes: NodeSpec[]
  baseConfig?: BaseConfig
  mirrors: MirrorSpec[]
  httpRegistries: string[]
  insecureRegistries: string[]
  /** undefined: leave `debug` as the base config has it */
  debug?: boolean
  use: boolean
  verify: VerifyMode
  cleanup: boolean
  keepState: boolean
  /** Certificates named by the base config, then by registry-certs; not read yet */
  certRequests: CertRequest[]
  /** CNI networking, when asked for */
  cni?: CniInputs
  /** References the daemon must resolve after verification (`verify-pull`) */
  verifyPull: ImageRef[]
  /** Probe every registry and mirror of the config through the daemon */
  checkRegistries: boolean
  /** A pinned buildx to install (`version`, `buildx-url`) */
  install?: InstallRequest
  /** cache-binary: keep an installed buildx in the Actions cache (also when buildx is missing and the latest is installed) */
  cacheBinary: boolean
  /** image-via-mirror: take a Docker Hub builder image (and the CNI image's base) from the docker.io mirrors */
  imageViaMirror: boolean
  /** kubernetes: client keys may go into the builder's ConfigMaps */
  allowKeysInConfigmap: boolean
}

/** An input's value by its name, as the runner passes it. */
export type Getter = (name: string) => string

/** Where buildx's own files are: the environment and home directory the runner gives. */
export interface Host {
  env: NodeJS.ProcessEnv
  home: string
  /** The yaml package, when `append` is set (nodes.ts Yaml) */
  yaml?: Yaml
}

/**
 * The yaml package, loaded by the caller only when `append` is set (main.ts): most runs have
 * no use for its 300 KB.
 */
export type Yaml = Pick<typeof import('yaml'), 'parseDocument' | 'isMap' | 'isSeq' | 'isScalar'>

export interface NodeSpec {
  /**
   * The buildx node name the action passes as --node; undefined lets buildx choose (the
   * first node: <builder>0; kubernetes nodes: a generated deployment name).
   */
  name?: string
  /** A docker context or docker host (docker-container), a BuildKit address (remote); '' = the current context */
  endpoint: string
  driverOpts: string[]
  buildkitdFlags: string[]
  /** Fixed platforms (buildx create --platform); [] lets buildx ask the daemon */
  platforms: string[]
  /** Where the node came from, for messages: "the first node" or "append[1]" */
  label: string
  /** Its index in append; undefined for the first node, which the top-level inputs describe */
  append?: number
}
