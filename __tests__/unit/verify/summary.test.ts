import { describe, expect, test } from '@jest/globals'
import { loadRegistryCerts } from '../../../src/config/certs.js'
import { getInputs } from '../../../src/drivers/read-inputs.js'
import { planFor as makePlan } from '../../inputs-model.js'
import { summaryMarkdown, verificationText } from '../../../src/verify/summary.js'
import { parseWorkers } from '../../../src/buildkit/daemon-info.js'
import { fixture, pki } from '../../helpers.js'

const env = { REG_CA: pki('ca.pem'), REG_CERT: pki('client.crt'), REG_KEY: pki('client.key') }
function plan() {
  const inputs = getInputs(
    n =>
      ({
        name: 'sum1',
        mirrors: 'docker.io=mirror.gcr.io',
        'http-registries': 'registry.local:5000',
        'registry-certs': 'myregistry.test:5443 ca=env:REG_CA cert=env:REG_CERT key=env:REG_KEY'
      })[n] ?? ''
  )
  const { sets } = loadRegistryCerts(inputs.certRequests, new Date('2027-01-01'), env)
  return makePlan(inputs, sets, '/tmp/buildkit-builder-x')
}

describe('job summary', () => {
  const daemon = parseWorkers(fixture('01-workers-json.stdout'))

  test('builder, daemon, registries with mirrors, flags and certificates', () => {
    const md = summaryMarkdown(plan(), { verified: true, mode: 'true', problems: [], daemon, nodes: [] }, 'docker-container')
    expect(md).toContain('<h2>BuildKit builder sum1</h2>')
    expect(md).toContain('<tr><th align="left">BuildKit version</th><td>v0.29.0</td></tr>')
    expect(md).toContain('<tr><th align="left">Network mode</th><td>host</td></tr>')
    expect(md).toContain('passed: the builder runs with the rendered config')
    expect(md).toContain('<td><code>docker.io</code></td><td><code>mirror.gcr.io</code></td>')
    expect(md).toContain('<td><code>registry.local:5000</code></td><td></td><td>yes</td>')
    expect(md).toContain('CN=fixture-test-ca<br><code>SHA256 ')
    expect(md).toContain('CN=fixture-client<br><code>SHA256 48:51:A0:51:37:DA:D6:4B')
    expect(md).toContain('expires 2036-11-24')
  })

  test('never a line of the key', () => {
    const md = summaryMarkdown(plan(), { verified: true, mode: 'true', problems: [], daemon, nodes: [] }, 'docker-container')
    for (const line of pki('client.key')
      .split('\n')
      .filter(l => l.length > 8 && !l.startsWith('-----'))) {
      expect(md).not.toContain(line)
    }
  })

  test('problems are listed, escaped', () => {
    const md = summaryMarkdown(plan(), { verified: false, mode: 'true', problems: ['a <b> problem'], nodes: [] }, 'docker-container')
    expect(md).toContain('<h3>Verification problems</h3>\n<pre>a &lt;b&gt; problem</pre>')
    expect(md).toContain('<td>unknown</td>')
  })

  test.each([
    [{ verified: false, mode: 'false' as const, problems: [], nodes: [] }, 'skipped (verify: false)'],
    [{ verified: false, mode: 'warn' as const, problems: ['x', 'y'], nodes: [] }, 'failed (2 problems)'],
    [{ verified: true, mode: 'true' as const, problems: [], nodes: [] }, 'passed: the builder runs with the rendered config']
  ])('verificationText %#', (o, text) => expect(verificationText(o)).toBe(text))
})
