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
 * The BuildKit version an image tag names (v0.29.0, v0.29.0-rootless, 0.32.2), or undefined
 * for a moving tag (buildx-stable-1, latest, master).
 */
export function tagVersion(tag: string): string | undefined {
  const m = /^v?(\d+\.\d+\.\d+)(?:-rootless)?$/.exec(tag)
  return m ? `v${m[1]}` : undefined
}
