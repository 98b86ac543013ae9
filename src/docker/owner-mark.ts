// The names of the mark a run puts on the builder it creates, so that it only ever removes
// its own (the teardown compares it with the run's). Each driver carries it its own way
// (drivers/<name>/owner.ts): docker-container as an environment variable of the daemon's
// container, kubernetes as a label of the Deployment, remote in its first node's name. buildx
// keeps the driver options in its record of the builder, where the mark is read back without
// starting a process. The names are here, below the driver-opts check
// (docker/driver-opts.ts), which refuses a driver option that would set them. A builder whose
// run said cleanup: false carries a second mark, the kept mark, which a later run with the
// same name reads to reuse it (verify/kept.ts).

/**
 * docker-container: an environment variable of the daemon's container (driver-opt
 * env.<NAME>=<value>, driver/docker-container/factory.go).
 */
export const OWNER_ENV = 'BUILDKIT_BUILDER_ACTION_OWNER'

/** kubernetes: the label key of the mark (a prefixed Kubernetes label key; its value is the owner uuid). */
export const OWNER_LABEL = 'buildkit-builder-action/owner'

/**
 * docker-container: the environment variable that says the builder is kept (its run said
 * cleanup: false), beside the owner mark; its value is keptValue's.
 */
export const KEPT_ENV = 'BUILDKIT_BUILDER_ACTION_KEPT'

/** kubernetes: the label key that says the builder is kept, beside the owner label. */
export const KEPT_LABEL = 'buildkit-builder-action/kept'

/**
 * The kept mark's value: what a later run compares that the builder can't tell otherwise, its
 * creator's keep-state (a label value: letters, digits and "-" only).
 */
export function keptValue(keepState: boolean): string {
  return `keep-state-${keepState}`
}

/** The keep-state a kept mark's value says; undefined for a value keptValue never gives. */
export function keepStateOfKept(value: string): boolean | undefined {
  return value === keptValue(true) ? true : value === keptValue(false) ? false : undefined
}
