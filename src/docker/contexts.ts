import * as fs from 'node:fs'
import * as path from 'node:path'

// Which docker context the docker CLI uses, and whether its default context takes TLS from the
// environment, read as the CLI reads them, without starting it. Pure but for config.json.
// https://github.com/docker/cli/blob/master/cli/command/cli.go (resolveContextName, resolveDefaultDockerEndpoint)
// https://github.com/docker/cli/blob/master/cli/flags/options.go (DOCKER_TLS, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)

/**
 * The docker CLI's current context without --context or --host: "default" when DOCKER_HOST is
 * set, else DOCKER_CONTEXT, else config.json's currentContext, else "default".
 */
export function currentContextName(env: NodeJS.ProcessEnv, home: string): string {
  if (env.DOCKER_HOST) return 'default'
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT
  try {
    const config = JSON.parse(fs.readFileSync(path.join(env.DOCKER_CONFIG || path.join(home, '.docker'), 'config.json'), 'utf8')) as {
      currentContext?: string
    }
    return config.currentContext || 'default'
  } catch {
    return 'default'
  }
}

/**
 * Whether the CLI's default context speaks TLS, as the environment says: DOCKER_TLS or
 * DOCKER_TLS_VERIFY set to anything (even "0": options.go only asks whether it is empty).
 * Its files then come from DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem; the config directory
 * when unset), and with no DOCKER_HOST its host is tcp://localhost:2376, not the local socket
 * (opts/hosts.go ParseHost, defaultTLSHost).
 */
export function tlsFromEnvironment(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DOCKER_TLS) || Boolean(env.DOCKER_TLS_VERIFY)
}

/**
 * Whether the CLI's current context is the default one with TLS from the environment. buildx
 * refuses to create a builder there ("could not create a builder instance with TLS data loaded
 * from environment", builder/builder.go Create): it records the default context by its host
 * alone, and the TLS settings would be lost. A docker context holds them.
 */
export function defaultContextWithTls(env: NodeJS.ProcessEnv, home: string): boolean {
  return tlsFromEnvironment(env) && currentContextName(env, home) === 'default'
}

/** The name of this run's docker context of the TLS environment: unique (the run's owner mark), and the action's. */
export function tlsContextName(owner: string): string {
  return `buildkit-builder-action-tls-${owner}`
}
