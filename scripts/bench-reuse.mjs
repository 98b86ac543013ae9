// The fast path for self-hosted runners (#25): a kept builder (made by a run with cleanup: false)
// used again by a later job, against a fresh create, both as a runner runs them (main, then
// post). Called at the end of scripts/bench.mjs with its inputs; prints its figures and returns
// them for bench.json.
//
// One kept builder is made first (not timed). Then `rounds` alternating rounds of (a) a fresh
// builder: main + post with cleanup on, which create and remove it, and (b) the kept one: main +
// post with the same inputs and cleanup: false, as every job of such a runner gives them (main
// compares it with the inputs, starts it, verifies it; post leaves it). The kept builder and its
// state volume are removed at the end.
import { spawnSync } from 'node:child_process'
import { disposeRun, newRun, runMain, runPost } from './runner.mjs'

/** main then post of one run; their times, and main's steps. */
async function mainPost(inputs, stepTimes) {
  const run = newRun({ inputs })
  try {
    const t0 = performance.now()
    const main = await runMain(run)
    const t1 = performance.now()
    if (main.exitCode !== 0) throw new Error(`main failed:\n${main.stdout}`)
    const post = await runPost(run)
    const t2 = performance.now()
    if (post.exitCode !== 0) throw new Error(`post failed:\n${post.stdout}`)
    return { main: t1 - t0, post: t2 - t1, total: t2 - t0, steps: stepTimes(main.stdout), log: main.stdout }
  } finally {
    disposeRun(run)
  }
}

/**
 * Measures a kept builder's main + post against a fresh create's, `rounds` alternating rounds,
 * with `inputs` (the bench's, without name and cleanup); `median` and `stepTimes` are the
 * bench's. Prints and returns the figures.
 */
export async function benchReuse(rounds, inputs, { median, stepTimes }) {
  const kept = `bench-kept-${process.pid}`
  const fresh = []
  const reused = []
  try {
    await mainPost({ ...inputs, name: kept, cleanup: 'false' }, stepTimes)
    for (let i = 0; i < rounds; i++) {
      fresh.push(await mainPost({ ...inputs, name: `bench-fresh-${process.pid}-${i}` }, stepTimes))
      const r = await mainPost({ ...inputs, name: kept, cleanup: 'false' }, stepTimes)
      if (r.log.includes('::group::Create builder')) throw new Error('the kept builder was not reused')
      reused.push(r)
    }
  } finally {
    spawnSync('docker', ['buildx', 'rm', kept], { stdio: 'ignore' })
  }
  const fig = {
    reuseRounds: rounds,
    freshMainPostMs: median(fresh.map(r => r.total)),
    reuseMainPostMs: median(reused.map(r => r.total)),
    reuseMainMs: median(reused.map(r => r.main)),
    reusePostMs: median(reused.map(r => r.post)),
    reuseSteps: reused[0].steps.map((st, i) => ({ step: st.name, ms: median(reused.map(r => r.steps[i]?.ms ?? 0)) }))
  }
  fig.reuseRatio = fig.reuseMainPostMs / fig.freshMainPostMs
  const f = x => x.toFixed(0)
  console.log(`a kept builder reused (cleanup: false, the same inputs) against a fresh create, ${rounds} alternating rounds, main + post:`)
  console.log(`  fresh create, median ms:  ${f(fig.freshMainPostMs)}`)
  const ratio = `${fig.reuseRatio.toFixed(2)} × the fresh create`
  console.log(`  kept builder, median ms:  ${f(fig.reuseMainPostMs)} (main ${f(fig.reuseMainMs)}, post ${f(fig.reusePostMs)}); ${ratio}`)
  for (const st of fig.reuseSteps) console.log(`  ${String(st.ms).padStart(5)}  main: ${st.step}`)
  return fig
}
