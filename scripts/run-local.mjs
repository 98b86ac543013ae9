#!/usr/bin/env node
// npm run local -- [inputs.json]: runs the built action (main, then post) against the local
// Docker engine, as a runner would, with the inputs in the JSON file
// (default examples/local.json). The builder uses $BUILDKIT_IMAGE when set, otherwise the
// stand-in image (__tests__/standin), which works without any registry; with cni: true that
// image is the base of the CNI image the action builds.
// Set KEEP=1 to skip the post step and look at the builder (remove it with docker buildx rm).
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { disposeRun, newRun, readOutputs, readSummary, root, runMain, runPost } from './runner.mjs'

const file = process.argv[2] ?? path.join(root, 'examples', 'local.json')
const inputs = JSON.parse(fs.readFileSync(file, 'utf8'))
const image =
  process.env.BUILDKIT_IMAGE ||
  execFileSync(path.join(root, '__tests__', 'standin', 'build.sh'), { encoding: 'utf8' }).trim()
// The engine on CI machines has no bridge network: host networking unless the file says otherwise.
const opts = (inputs['driver-opts'] ?? '').split('\n').filter(Boolean)
if (!opts.some(o => o.startsWith('network='))) opts.push('network=host')
// With CNI the action picks the image itself; the image under test is then its base.
if (inputs.cni === 'true') inputs['buildkit-image'] ??= image
else if (!inputs['cni-image']) opts.unshift(`image=${image}`)
inputs['driver-opts'] = opts.join('\n')
console.log(`== inputs from ${file}, BuildKit image ${image}`)

const run = newRun({ inputs })
const main = await runMain(run, { echo: true })
const post = process.env.KEEP ? undefined : await runPost(run, { echo: true })
console.log('\n== outputs')
for (const [k, v] of Object.entries(readOutputs(run))) console.log(`${k}: ${v.includes('\n') ? `\n${v}` : v}`)
console.log(`\n== job summary: ${readSummary(run).length} bytes; main exit ${main.exitCode}, post ${post ? `exit ${post.exitCode}` : 'skipped (KEEP=1)'}`)
disposeRun(run)
process.exit(main.exitCode || post?.exitCode || 0)
