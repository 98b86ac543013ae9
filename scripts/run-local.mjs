#!/usr/bin/env node
// npm run local -- [inputs.json]: runs the built action (main, then post) against the local
// Docker engine, as a runner would, with the inputs in the JSON file
// (default examples/local.json). Relative paths in it are relative to the file's directory
// (the workspace, as on a runner). The builder's BuildKit image is a real one when one can be
// had: $BUILDKIT_IMAGE, else a local moby/buildkit:buildx-stable-1 (buildx's default), else a
// local moby/buildkit:latest, else a pull of moby/buildkit:buildx-stable-1; only when none of
// these works, the stand-in (__tests__/standin), a busybox imitation that answers like BuildKit
// and builds nothing: it is then named as such at the top of the log and in the result. With
// cni: true the image is the base of the CNI image the action builds.
// Secrets: pass them as environment variables and name them with env:NAME in the file, e.g.
//   REG_KEY="$(cat client.key)" npm run local -- my-inputs.json   ("key=env:REG_KEY")
// Set KEEP=1 to skip the post step and look at the builder (remove it with docker buildx rm);
// it is then not made the current builder unless the file says use: true.
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { actionInputs, disposeRun, newRun, readOutputs, readSummary, root, runMain, runPost } from './runner.mjs'

const file = path.resolve(process.argv[2] ?? path.join(root, 'examples', 'local.json'))
const raw = JSON.parse(fs.readFileSync(file, 'utf8'))
// Inputs are strings on a runner: JSON booleans and numbers as YAML would give them, lists as lines.
const inputs = {}
for (const [k, v] of Object.entries(raw)) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) throw new Error(`${file}: input "${k}" is an object; give a string`)
  inputs[k] = Array.isArray(v) ? v.join('\n') : String(v)
}
// A runner warns about inputs the action does not declare; so does this.
const { names } = actionInputs()
const unexpected = Object.keys(inputs).filter(k => !names.includes(k))
if (unexpected.length > 0) {
  console.log(`Warning: Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${names.join("', '")}']`)
}
const { image, how, standin } = buildkitImage()
const STANDIN_NOTE = 'a stand-in daemon, not BuildKit'
// The image and the network are chosen here only for a builder on the local engine
// (docker-container, the default driver): a kubernetes or remote builder takes its inputs as
// they are, and the docker driver has no image.
const driver = (inputs.driver ?? '').trim().toLowerCase() || 'docker-container'
if (driver === 'docker-container') {
  // The engine on CI machines has no bridge network: none for a builder, unless the file says
  // otherwise (host for one that must reach the runner's loopback, e.g. a local registry).
  // The action's own lines go after the user's, so an error names the user's line numbers.
  const opts = (inputs['driver-opts'] ?? '').split('\n').filter(Boolean)
  if (!opts.some(o => o.startsWith('network='))) opts.push('network=none')
  // With cni: true the action picks the image itself; the image under test is then its base.
  if (inputs.cni === 'true') inputs['buildkit-image'] ??= image
  else if (!inputs['cni-image'] && !opts.some(o => o.startsWith('image='))) opts.push(`image=${image}`)
  inputs['driver-opts'] = opts.join('\n')
}
if (process.env.KEEP && inputs.use === undefined) inputs.use = 'false'
if (standin && driver === 'docker-container') {
  console.log(
    `== NOTE: ${STANDIN_NOTE}. No real BuildKit image could be had (${how}), so the builder runs the stand-in ${image}: it ` +
      'answers like BuildKit v0.29.0 and builds nothing. Set BUILDKIT_IMAGE to a real image to run BuildKit.'
  )
}
console.log(`== inputs from ${file}, BuildKit image ${image} (${how})`)

const run = newRun({ inputs, workspace: path.dirname(file) })
const main = await runMain(run, { echo: true })
const post = process.env.KEEP ? undefined : await runPost(run, { echo: true })
console.log('\n== outputs')
for (const [k, v] of Object.entries(readOutputs(run))) console.log(`${k}: ${v.includes('\n') ? `\n${v}` : v}`)
console.log('\n== job summary')
console.log(summaryText(readSummary(run)))
console.log(
  `\n== main exit ${main.exitCode}, post ${post ? `exit ${post.exitCode}` : `skipped (KEEP=1): remove it with docker buildx rm ${readOutputs(run).name ?? ''}`}`
)
if (standin && driver === 'docker-container')
  console.log(`== the builder ran ${STANDIN_NOTE} (${image}): set BUILDKIT_IMAGE to run BuildKit`)
disposeRun(run)
process.exit(main.exitCode || post?.exitCode || 0)

/**
 * A real BuildKit image when one can be had, in this order: $BUILDKIT_IMAGE, a local
 * moby/buildkit:buildx-stable-1, a local moby/buildkit:latest, a pull of buildx-stable-1;
 * else the stand-in, built here. `how` says which, for the log.
 */
function buildkitImage() {
  if (process.env.BUILDKIT_IMAGE) return { image: process.env.BUILDKIT_IMAGE, how: 'from BUILDKIT_IMAGE', standin: false }
  const local = ref => spawnSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0
  for (const ref of ['moby/buildkit:buildx-stable-1', 'moby/buildkit:latest']) {
    if (local(ref)) return { image: ref, how: 'found on the local engine', standin: false }
  }
  const pull = spawnSync('docker', ['pull', '--quiet', 'moby/buildkit:buildx-stable-1'], { encoding: 'utf8' })
  if (pull.status === 0) return { image: 'moby/buildkit:buildx-stable-1', how: 'pulled', standin: false }
  const why = (pull.stderr || pull.error?.message || '').trim().split('\n').pop()
  const image = execFileSync(path.join(root, '__tests__', 'standin', 'build.sh'), { encoding: 'utf8' }).trim()
  return {
    image,
    how: `no BUILDKIT_IMAGE, no local moby/buildkit:buildx-stable-1 or :latest, and the pull of moby/buildkit:buildx-stable-1 failed: ${why}`,
    standin: true
  }
}

/** The job summary's HTML as plain text for a terminal. */
function summaryText(html) {
  return html
    .replace(/<h[23]>(.*?)<\/h[23]>/g, '\n## $1\n')
    .replace(/<tr>/g, '\n')
    .replace(/<\/t[hd]>\s*<t[hd][^>]*>/g, ' | ')
    .replace(/<br\s*\/?>/g, '; ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
