#!/usr/bin/env node
// npm run bench [-- N]: runs the built action N times (default 5) with the seed scenario
// (docker.io mirrored by mirror.gcr.io, debug = true) against the local engine, main then
// post, and prints wall times and each step's peak memory (RSS, from /proc while it runs).
// Uses $BUILDKIT_IMAGE, or the stand-in image.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { disposeRun, newRun, root, runMain, runPost } from './runner.mjs'

const n = Number(process.argv[2] ?? 5)
const image = process.env.BUILDKIT_IMAGE || execFileSync(path.join(root, '__tests__', 'standin', 'build.sh'), { encoding: 'utf8' }).trim()

/** Runs a step while sampling the RSS of its node process every 5 ms. */
async function measured(step) {
  let peak = 0
  const before = new Set(fs.readdirSync('/proc').filter(p => /^\d+$/.test(p)))
  const timer = setInterval(() => {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || before.has(pid)) continue
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        if (!cmd.includes('dist/index.js')) continue
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
        peak = Math.max(peak, hwm)
      } catch {}
    }
  }, 5)
  const t0 = performance.now()
  const res = await step()
  const ms = performance.now() - t0
  clearInterval(timer)
  if (res.exitCode !== 0) throw new Error(`step failed:\n${res.stdout}`)
  return { ms, peakKiB: peak }
}

const rows = []
for (let i = 0; i < n; i++) {
  const run = newRun({
    inputs: { name: `bench-${process.pid}-${i}`, mirrors: 'docker.io=mirror.gcr.io', debug: 'true', use: 'false', 'driver-opts': `image=${image}\nnetwork=host` }
  })
  const main = await measured(() => runMain(run))
  const post = await measured(() => runPost(run))
  disposeRun(run)
  rows.push({ main, post })
}
const stats = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return `min ${s[0].toFixed(0)}  median ${s[Math.floor(s.length / 2)].toFixed(0)}  max ${s[s.length - 1].toFixed(0)}`
}
console.log(`BuildKit image ${image}, ${n} runs`)
console.log(`main (inputs → create --bootstrap → verify → outputs), ms: ${stats(rows.map(r => r.main.ms))}`)
console.log(`post (buildx rm, files), ms:                            ${stats(rows.map(r => r.post.ms))}`)
console.log(`peak RSS of the action process, MiB: main ${stats(rows.map(r => r.main.peakKiB / 1024))}, post ${stats(rows.map(r => r.post.peakKiB / 1024))}`)
