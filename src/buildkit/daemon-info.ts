// What a BuildKit daemon says of itself: `buildctl debug workers` as JSON, read into its
// version, platforms, workers and network mode. Pure.

export interface DaemonInfo {
  version: string
  platforms: string[]
  /** org.mobyproject.buildkit.worker.network of the first worker */
  network?: string
  workers: number
}

/** `buildctl debug workers --format '{{json .}}'`: a JSON array of workers. */
export function parseWorkers(json: string): DaemonInfo {
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    throw new Error(`buildctl debug workers printed something that is not JSON: ${json.slice(0, 200)}`)
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new Error('the daemon reports no workers: BuildKit started but can run no build')
  }
  interface Worker {
    labels?: Record<string, string>
    platforms?: { os: string; architecture: string; variant?: string }[]
    buildkitVersion?: { version?: string }
  }
  const workers = data as Worker[]
  const first = workers[0]
  const platforms = [
    ...new Set(workers.flatMap(w => (w.platforms ?? []).map(p => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))))
  ]
  return {
    version: first.buildkitVersion?.version ?? 'unknown',
    platforms,
    network: first.labels?.['org.mobyproject.buildkit.worker.network'],
    workers: workers.length
  }
}
