// How a daemon is asked to resolve image references (verify-pull, check-registries): a
// buildctl script run next to it, and its output split per reference. Pure.

export const RESOLVE_TIMEOUT_SECONDS = 30

/**
 * The shell script run in the builder: one `buildctl build` per reference, each a
 * Dockerfile `FROM <ref>` with the outline subrequest (manifest and config, no layers),
 * each with a time limit. References come as arguments, never as script text. buildctl
 * records a build history entry per build (solver/llbsolver/solver.go recordBuildHistory:
 * every non-internal Solve); `--ref-file` gives its ref and `buildctl debug ctl --delete`
 * removes it, so a later `docker buildx history ls` shows only the user's builds. The
 * directory is removed at the end. Output: a marker line, buildctl's stderr, a marker with
 * its exit code and how many seconds it took, per reference. buildctl catches the SIGTERM
 * of `timeout` (util/appcontext) and exits 1 after writing its ref file, so a time-out is
 * told by the time taken, not only by the exit code.
 */
export const RESOLVE_SCRIPT = `
d=$(mktemp -d /tmp/buildkit-builder-prove.XXXXXX) || exit 90
trap 'rm -rf "$d"' EXIT
i=0
for ref in "$@"; do
  i=$((i+1))
  mkdir "$d/$i" || exit 91
  printf 'FROM %s\\n' "$ref" >"$d/$i/Dockerfile"
  t0=$(date +%s)
  timeout ${RESOLVE_TIMEOUT_SECONDS} buildctl build --progress plain --frontend dockerfile.v0 \\
    --local context="$d/$i" --local dockerfile="$d/$i" --opt requestid=frontend.outline \\
    --ref-file "$d/$i/ref" >/dev/null 2>"$d/$i/err"
  rc=$?
  t1=$(date +%s)
  if [ -s "$d/$i/ref" ]; then buildctl debug ctl --delete "$(cat "$d/$i/ref")" >/dev/null 2>&1; fi
  echo "@@resolve-begin $i"
  tail -n 40 "$d/$i/err"
  echo "@@resolve-end $i $rc $((t1 - t0))"
done
`

export interface Resolution {
  exitCode: number
  /** buildctl's stderr (its progress and its error) */
  stderr: string
  timedOut: boolean
}

/** Splits the script's output into one Resolution per reference (undefined: never run). */
export function parseResolveOutput(stdout: string, count: number): (Resolution | undefined)[] {
  const out: (Resolution | undefined)[] = Array.from({ length: count }, () => undefined)
  const re = /^@@resolve-begin (\d+)\n([\s\S]*?)^@@resolve-end \1 (\d+)(?: (\d+))?$/gm
  for (const m of stdout.matchAll(re)) {
    const i = Number(m[1]) - 1
    const exitCode = Number(m[3])
    // A killed buildctl exits 143 (busybox timeout) or 124 (coreutils); one that caught the
    // signal exits 1 at the time limit.
    const seconds = m[4] === undefined ? 0 : Number(m[4])
    const timedOut = exitCode !== 0 && ([124, 137, 143].includes(exitCode) || seconds >= RESOLVE_TIMEOUT_SECONDS)
    if (i >= 0 && i < count) out[i] = { exitCode, stderr: m[2], timedOut }
  }
  return out
}

// ---------------------------------------------------------------------------------------
// Hosts
