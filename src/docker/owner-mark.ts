// The names of the mark a run puts on the builder it creates, so that it only ever removes
// its own (the teardown compares it with the run's). Each driver carries it its own way
// (drivers/<name>/owner.ts): docker-container as an environment variable of the daemon's
// container, kubernetes as a label of the Deployment, remote in its first node's name. buildx
// keeps the driver options in its record of the builder, where the mark is read back without
// starting a process. The names are here, below the driver-opts check
// (docker/driver-opts.ts), which refuses a driver option that would set them.

/**
 * docker-container: an environment variable of the daemon's container (driver-opt
 * env.<NAME>=<value>, driver/docker-container/factory.go).
 */
export const OWNER_ENV = 'BUILDKIT_BUILDER_ACTION_OWNER'

/** kubernetes: the label key of the mark (a prefixed Kubernetes label key; its value is the owner uuid). */
export const OWNER_LABEL = 'buildkit-builder-action/owner'
