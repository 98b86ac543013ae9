// Version numbers of BuildKit, as its daemon prints them. Pure.

/**
 * The version in `buildkitd --version` output: "buildkitd github.com/moby/buildkit v0.29.0
 * <revision>" (cmd/buildkitd/main.go prints app name, package, version, revision).
 */
export function parseBuildkitdVersion(printed: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+)(?:[-+][\w.-]*)?\b/.exec(printed.replace(/^buildkitd\s+\S+\s+/, ''))?.[0]
}

/** <0, 0, >0 as a is before, equal to, after b; a pre-release (v0.13.0-rc1) counts as its release. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] => (/(\d+)\.(\d+)\.(\d+)/.exec(v) ?? ['', '0', '0', '0']).slice(1).map(Number)
  const [x, y] = [parts(a), parts(b)]
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return 0
}

/**
 * The BuildKit version an image reference is pinned to by its tag (moby/buildkit:v0.29.0,
 * :v0.29.0-rootless), or undefined: a moving tag (buildx-stable-1, latest), a digest, none.
 */
export function pinnedImageVersion(ref: string): string | undefined {
  const name = ref.split('@')[0]
  const colon = name.lastIndexOf(':')
  if (colon < 0 || name.slice(colon).includes('/') || ref.includes('@')) return undefined
  const m = /^v?(\d+\.\d+\.\d+)(?:-rootless)?$/.exec(name.slice(colon + 1))
  return m ? `v${m[1]}` : undefined
}
