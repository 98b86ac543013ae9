import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { parse } from 'smol-toml'
import type { TomlTable } from '../../../src/config/toml.js'
import { httpMirrorsWithoutHttp, unknownOrMistyped } from '../../../src/config/schema.js'

const toml = (text: string): TomlTable => parse(text) as TomlTable
const tomlBigInt = (text: string): TomlTable => parse(text, { integersAsBigInt: true }) as TomlTable
const fixture = (name: string): string => fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'fixtures', name), 'utf8')
const messages = (tree: TomlTable): string[] => unknownOrMistyped(tree).map(p => `${p.key}: ${p.message}`)

const REGISTRY_KEYS = 'keys here: mirrors, http, insecure, ca, keypair, tlsconfigdir'

describe('unknownOrMistyped: what BuildKit takes passes', () => {
  test.each([
    [
      'top-level scalars',
      'debug = true\ntrace = false\nroot = "/var/lib/buildkit"\ninsecure-entitlements = ["network.host"]\nprovenanceEnvDir = "/p"'
    ],
    ['proxyNetwork (v0.31.0)', 'proxyNetwork = true'],
    ['[log], level (v0.30.0)', '[log]\nformat = "json"\nlevel = "debug"'],
    [
      '[grpc] and [grpc.tls]',
      '[grpc]\naddress = ["tcp://0.0.0.0:1234"]\ndebugAddress = "0.0.0.0:6060"\nuid = 0\ngid = 0\nsecurityDescriptor = "x"\n[grpc.tls]\ncert = ' +
        '"/c"\nkey = "/k"\nca = "/ca"'
    ],
    ['[otel]', '[otel]\nsocketPath = "/run/otel.sock"'],
    ['[cdi]', '[cdi]\ndisabled = true\nspecDirs = ["/etc/cdi"]\nautoAllowed = ["nvidia.com/gpu=all"]'],
    ['[dns]', '[dns]\nnameservers = ["1.1.1.1"]\noptions = ["edns0"]\nsearchDomains = ["example.com"]'],
    ['[history]', '[history]\nmaxAge = "48h"\nmaxEntries = 50'],
    [
      '[frontend."dockerfile.v0"] and [frontend."gateway.v0"]',
      '[frontend."dockerfile.v0"]\nenabled = false\n[frontend."gateway.v0"]\nenabled = true\nallowedRepositories = []'
    ],
    ['[system], maxRegistryConcurrency (v0.31.0)', '[system]\nplatformsCacheMaxAge = "1h"\nmaxRegistryConcurrency = 4'],
    [
      '[cache.gha] with the sigstore policy fields (embedded, untagged)',
      '[cache.gha.sign]\ncommand = ["cosign", "sign-blob"]\n[cache.gha.verify]\nrequired = true\n[cache.gha.verify.policy]\ntimestampThreshold = ' +
        '1\ntlogThreshold = 1\ncertificateIssuer = "x"\nsubjectAlternativeName = "y"\nbuildSignerURI = "z"\nsourceRepositoryVisibilityAtSigning = ' +
        '"public"\nGithubWorkflowSHA = "abc"'
    ],
    [
      '[worker.oci] with the inline GC and network keys',
      '[worker.oci]\nenabled = true\nplatforms = ["linux/amd64"]\nsnapshotter = "overlayfs"\nrootless = false\nnoProcessSandbox = false\ngc = ' +
        'true\ngckeepstorage = 9000\nreservedSpace = "30%"\nmaxUsedSpace = "60%"\nminFreeSpace = "20GB"\nnetworkMode = "cni"\ncniConfigPath = ' +
        '"/etc/buildkit/cni.json"\ncniBinaryPath = "/opt/cni/bin"\ncniPoolSize = 16\nbridgeName = "bk0"\nbridgeSubnet = ' +
        '"10.10.0.0/16"\nuserRemapUnsupported = ""\nbinary = "crun"\nproxySnapshotterPath = "/p"\ndefaultCgroupParent = "buildkit"\napparmor-profile = ' +
        '""\nselinux = false\nmax-parallelism = 4'
    ],
    ['[worker.oci.labels] (free keys)', '[worker.oci.labels]\n"foo" = "bar"\n"org.example/x" = "y"'],
    [
      '[worker.oci.stargzSnapshotter] (anything below)',
      '[worker.oci.stargzSnapshotter]\nno_prometheus = true\n[worker.oci.stargzSnapshotter.blob]\ncheck_always = 1\nx = [1, "a", { b = 2.5 }]'
    ],
    [
      '[[worker.oci.gcpolicy]]',
      '[[worker.oci.gcpolicy]]\nall = false\nfilters = ["type==source.local"]\nkeepDuration = "48h"\nkeepBytes = "512MB"\nreservedSpace = ' +
        '"1GB"\nmaxUsedSpace = 1024000000\nminFreeSpace = "10%"\n[[worker.oci.gcpolicy]]\nall = true\nkeepDuration = 172800'
    ],
    ['gcpolicy as an inline list of tables', '[worker.oci]\ngcpolicy = [{ all = true, keepDuration = "1h" }]'],
    [
      '[worker.containerd] with runtime options',
      '[worker.containerd]\naddress = "/run/containerd/containerd.sock"\nenabled = true\nnamespace = "buildkit"\nsnapshotter = "overlayfs"\ngc = ' +
        'false\nnetworkMode = "host"\nrootless = false\n[worker.containerd.labels]\na = "b"\n[worker.containerd.runtime]\nname = ' +
        '"io.containerd.runc.v2"\npath = "/shim"\noptions = { BinaryName = "runc", SystemdCgroup = true, n = 3 ' +
        '}\n[[worker.containerd.gcpolicy]]\nkeepDuration = "1h30m"'
    ],
    [
      '[registry."<host>"] with every key',
      '[registry."docker.io"]\nmirrors = ["mirror.gcr.io"]\nhttp = false\ninsecure = false\nca = ["/ca.pem"]\ntlsconfigdir = ' +
        '["/etc/certs.d"]\n[[registry."docker.io".keypair]]\nkey = "/k"\ncert = "/c"'
    ],
    // go-toml v2 matches keys to fields case-insensitively: BuildKit takes these.
    [
      'keys that differ only in case',
      '[registry."docker.io"]\nMirrors = ["m"]\nHTTP = true\n[Worker.OCI]\nMAXUSEDSPACE = "1GB"\nMax-Parallelism = ' +
        '2\n[Frontend."Dockerfile.V0"]\nEnabled = true'
    ],
    ['an empty document', '']
  ])('%s', (_name, text) => {
    expect(unknownOrMistyped(toml(text))).toEqual([])
  })

  test('integers given as bigint (integersAsBigInt, or too large for a number) are integers', () => {
    const text =
      '[history]\nmaxEntries = 9223372036854775807\nmaxAge = -9223372036854775808\n[worker.oci]\nmax-parallelism = 4\nreservedSpace = ' +
      '1024000000\n[grpc]\nuid = 1000'
    expect(unknownOrMistyped(tomlBigInt(text))).toEqual([])
    expect(unknownOrMistyped(parse(text, { integersAsBigInt: 'asNeeded' }) as TomlTable)).toEqual([])
  })
})

describe('unknownOrMistyped: unknown keys', () => {
  test.each([
    // the typo this check exists for
    ['[registry."docker.io"]\nmirror = ["mirror.gcr.io"]', 'registry."docker.io".mirror: BuildKit has no such key; did you mean mirrors?'],
    ['[registry."docker.io"]\ninsecur = true', 'registry."docker.io".insecur: BuildKit has no such key; did you mean insecure?'],
    ['[registry."docker.io"]\nhttps = true', 'registry."docker.io".https: BuildKit has no such key; did you mean http?'],
    ['[registry."docker.io"]\nmirrors-path = "/x"', 'registry."docker.io".mirrors-path: BuildKit has no such key; did you mean mirrors?'],
    ['[registry."docker.io"]\nproxy = "p"', `registry."docker.io".proxy: BuildKit has no such key; ${REGISTRY_KEYS}`],
    ['[registry."docker.io"]\ncertificates = ["/c"]', `registry."docker.io".certificates: BuildKit has no such key; ${REGISTRY_KEYS}`],
    [
      '[[registry."r.example".keypair]]\nkey = "/k"\ncrt = "/c"',
      'registry."r.example".keypair[0].crt: BuildKit has no such key; did you mean cert?'
    ],
    // snake and kebab case
    ['[worker.oci]\nmax_parallelism = 4', 'worker.oci.max_parallelism: BuildKit has no such key; did you mean max-parallelism?'],
    ['[worker.oci]\nmaxParallelism = 4', 'worker.oci.maxParallelism: BuildKit has no such key; did you mean max-parallelism?'],
    ['[worker.oci]\nreserved_space = "1GB"', 'worker.oci.reserved_space: BuildKit has no such key; did you mean reservedSpace?'],
    ['[worker.oci]\napparmor_profile = "p"', 'worker.oci.apparmor_profile: BuildKit has no such key; did you mean apparmor-profile?'],
    ['insecure_entitlements = ["network.host"]', 'insecure_entitlements: BuildKit has no such key; did you mean insecure-entitlements?'],
    // a swap of neighbours counts as one edit
    ['[worker.oci]\ngcpolciy = []', 'worker.oci.gcpolciy: BuildKit has no such key; did you mean gcpolicy?'],
    ['[registry."docker.io"]\nnisecuer = true', 'registry."docker.io".nisecuer: BuildKit has no such key; did you mean insecure?'],
    // every level: top, tables, arrays of tables, embedded structs
    ['debgu = true', 'debgu: BuildKit has no such key; did you mean debug?'],
    ['[workers.oci]\ngc = true', 'workers: BuildKit has no such key; did you mean worker?'],
    ['[worker.runc]\ngc = true', 'worker.runc: BuildKit has no such key; keys here: oci, containerd'],
    [
      '[[worker.oci.gcpolicy]]\nkeepDuraton = "1h"',
      'worker.oci.gcpolicy[0].keepDuraton: BuildKit has no such key; did you mean keepDuration?'
    ],
    [
      '[[worker.containerd.gcpolicy]]\nall = true\n[[worker.containerd.gcpolicy]]\nfilter = ["x"]',
      'worker.containerd.gcpolicy[1].filter: BuildKit has no such key; did you mean filters?'
    ],
    [
      '[worker.oci]\ncniPoolsize = 4\nnetworkmode = "cni"\nbridgename = "b"\ncniPoolSzie = 1',
      'worker.oci.cniPoolSzie: BuildKit has no such key; did you mean cniPoolSize?'
    ],
    [
      '[worker.containerd.runtime]\noption = { a = 1 }',
      'worker.containerd.runtime.option: BuildKit has no such key; did you mean options?'
    ],
    ['[log]\nlevl = "info"', 'log.levl: BuildKit has no such key; did you mean level?'],
    ['[grpc]\naddresses = ["tcp://x"]', 'grpc.addresses: BuildKit has no such key; did you mean address?'],
    ['[grpc.tls]\ncacert = "/ca"', 'grpc.tls.cacert: BuildKit has no such key; did you mean cert?'],
    ['[otel]\nsocket = "/s"', 'otel.socket: BuildKit has no such key; keys here: socketPath'],
    ['[cdi]\nspecDir = ["/etc/cdi"]', 'cdi.specDir: BuildKit has no such key; did you mean specDirs?'],
    ['[dns]\nnameserver = ["1.1.1.1"]', 'dns.nameserver: BuildKit has no such key; did you mean nameservers?'],
    ['[history]\nmaxAgeSeconds = 10', 'history.maxAgeSeconds: BuildKit has no such key; keys here: maxAge, maxEntries'],
    ['[system]\nmaxRegistryConcurency = 2', 'system.maxRegistryConcurency: BuildKit has no such key; did you mean maxRegistryConcurrency?'],
    ['[cache.gha.sign]\ncmd = ""', 'cache.gha.sign.cmd: BuildKit has no such key; keys here: command'],
    ['[frontend."dockerfile.v0"]\nenable = false', 'frontend."dockerfile.v0".enable: BuildKit has no such key; did you mean enabled?'],
    // a dotted name written without quotes is a nested table
    [
      '[frontend.dockerfile.v0]\nenabled = false',
      'frontend.dockerfile: BuildKit has no such key; did you mean "dockerfile.v0"? (a key with a dot in it must be quoted)'
    ],
    [
      '[frontend.gateway.v0]\nenabled = false',
      'frontend.gateway: BuildKit has no such key; did you mean "gateway.v0"? (a key with a dot in it must be quoted)'
    ],
    // where BuildKit's own example goes wrong
    [
      '[ghacache.sign]\ncmd = ""',
      'ghacache: BuildKit has no such key; did you mean cache.gha? (the example in BuildKit\'s docs/buildkitd.toml.md writes [ghacache.sign] cmd = "", ' +
        'but BuildKit reads [cache.gha.sign] command = [...])'
    ],
    // buildkitd's own load_test.go has [gc] at the top; BuildKit never reads it
    ['[gc]\nenabled = true', 'gc: BuildKit has no such key; did you mean grpc?'],
    [
      '[experimental]\nx = 1',
      'experimental: BuildKit has no such key; keys here: debug, trace, root, insecure-entitlements, proxyNetwork, log, grpc, otel, cdi, worker, ' +
        'registry, dns, history, frontend, system, provenanceEnvDir, cache'
    ]
  ])('%j', (text, message) => {
    expect(messages(toml(text))).toEqual([message])
  })

  test('below an unknown key nothing more is reported (BuildKit skips it whole)', () => {
    expect(messages(toml('[workers.oci]\nbogus = 1\nmax_parallelism = "x"'))).toEqual([
      'workers: BuildKit has no such key; did you mean worker?'
    ])
  })

  test('problems come in document order, each key named in full', () => {
    const text =
      'debgu = true\n[registry."docker.io"]\nmirror = ["m"]\nhttp = "yes"\n[worker.oci]\nmax_parallelism = 4\ngc = ' +
      '1\n[[worker.oci.gcpolicy]]\nkeepDuration = "2d"'
    expect(unknownOrMistyped(toml(text))).toEqual([
      { key: 'debgu', message: 'BuildKit has no such key; did you mean debug?' },
      { key: 'registry."docker.io".mirror', message: 'BuildKit has no such key; did you mean mirrors?' },
      { key: 'registry."docker.io".http', message: 'BuildKit wants a boolean, not a string' },
      { key: 'worker.oci.max_parallelism', message: 'BuildKit has no such key; did you mean max-parallelism?' },
      { key: 'worker.oci.gc', message: 'BuildKit wants a boolean, not an integer' },
      {
        key: 'worker.oci.gcpolicy[0].keepDuration',
        message:
          'BuildKit can\'t read "2d" as a duration; it wants a duration: a string such as "48h" or "1h30m" (units ns, us, ms, s, m, h), or a whole ' +
          'number of seconds'
      }
    ])
  })
})

describe('unknownOrMistyped: values BuildKit can not decode', () => {
  test.each([
    // list of strings
    ['[registry."docker.io"]\nmirrors = "mirror.gcr.io"', 'registry."docker.io".mirrors: BuildKit wants a list of strings, not a string'],
    ['[registry."docker.io"]\nmirrors = ["a", 5]', 'registry."docker.io".mirrors[1]: BuildKit wants a string, not an integer'],
    ['[registry."docker.io"]\nca = [["/ca.pem"]]', 'registry."docker.io".ca[0]: BuildKit wants a string, not a list'],
    ['[registry."docker.io".mirrors]\na = "b"', 'registry."docker.io".mirrors: BuildKit wants a list of strings, not a table'],
    ['insecure-entitlements = "network.host"', 'insecure-entitlements: BuildKit wants a list of strings, not a string'],
    // boolean (and *bool)
    ['debug = "true"', 'debug: BuildKit wants a boolean, not a string'],
    ['[registry."docker.io"]\nhttp = 1', 'registry."docker.io".http: BuildKit wants a boolean, not an integer'],
    ['[cdi]\ndisabled = "yes"', 'cdi.disabled: BuildKit wants a boolean, not a string'],
    ['[frontend."dockerfile.v0"]\nenabled = "false"', 'frontend."dockerfile.v0".enabled: BuildKit wants a boolean, not a string'],
    // string
    ['root = 1979-05-27', 'root: BuildKit wants a string, not a date'],
    ['[worker.oci]\nsnapshotter = true', 'worker.oci.snapshotter: BuildKit wants a string, not a boolean'],
    ['[[registry."r".keypair]]\ncert = "/c"\nkey = ["/k"]', 'registry.r.keypair[0].key: BuildKit wants a string, not a list'],
    ['[log]\nlevel = 3', 'log.level: BuildKit wants a string, not an integer'],
    // integer (and *int)
    ['[worker.oci]\nmax-parallelism = "4"', 'worker.oci.max-parallelism: BuildKit wants an integer, not a string'],
    ['[worker.oci]\ncniPoolSize = 1.5', 'worker.oci.cniPoolSize: BuildKit wants an integer, not a float'],
    ['[grpc]\nuid = "1000"', 'grpc.uid: BuildKit wants an integer, not a string'],
    ['[history]\nmaxEntries = true', 'history.maxEntries: BuildKit wants an integer, not a boolean'],
    ['[system]\nmaxRegistryConcurrency = inf', 'system.maxRegistryConcurrency: BuildKit wants an integer, not a float'],
    // tables
    ['worker = "oci"', 'worker: BuildKit wants a table, not a string'],
    ['[[worker.oci]]\ngc = true', 'worker.oci: BuildKit wants a table, not a list'],
    ['grpc = []', 'grpc: BuildKit wants a table, not a list'],
    // arrays of tables
    ['[worker.oci.gcpolicy]\nall = true', 'worker.oci.gcpolicy: BuildKit wants a list of tables ([[worker.oci.gcpolicy]]), not a table'],
    ['[worker.oci]\ngcpolicy = ["all"]', 'worker.oci.gcpolicy[0]: BuildKit wants a table, not a string'],
    [
      '[registry."r"]\nkeypair = { key = "/k", cert = "/c" }',
      'registry.r.keypair: BuildKit wants a list of tables ([[registry.r.keypair]]), not a table'
    ],
    // maps with free keys
    ['[registry]\nmirrors = ["m"]', 'registry.mirrors: BuildKit wants a table ([registry."<host>"]), not a list'],
    ['registry = ["docker.io"]', 'registry: BuildKit wants a table, not a list'],
    ['[worker.oci.labels]\nfoo = 1', 'worker.oci.labels.foo: BuildKit wants a string, not an integer'],
    ['[worker.containerd]\nlabels = ["a=b"]', 'worker.containerd.labels: BuildKit wants a table, not a list'],
    ['[worker.oci.labels.foo]\nbar = "x"', 'worker.oci.labels.foo: BuildKit wants a string, not a table'],
    ['[worker.oci]\nstargzSnapshotter = "on"', 'worker.oci.stargzSnapshotter: BuildKit wants a table, not a string'],
    ['[worker.containerd.runtime]\noptions = ["a"]', 'worker.containerd.runtime.options: BuildKit wants a table, not a list'],
    // Duration and DiskSpace of the wrong kind altogether
    [
      '[history]\nmaxAge = true',
      'history.maxAge: BuildKit wants a duration: a string such as "48h" or "1h30m" (units ns, us, ms, s, m, h), or a whole number of seconds; not a boolean'
    ],
    [
      '[system]\nplatformsCacheMaxAge = 1.5',
      'system.platformsCacheMaxAge: BuildKit wants a duration: a string such as "48h" or "1h30m" (units ns, us, ms, s, m, h), or a whole number of ' +
        'seconds; not a float'
    ],
    [
      '[[worker.oci.gcpolicy]]\nkeepDuration = ["1h"]',
      'worker.oci.gcpolicy[0].keepDuration: BuildKit wants a duration: a string such as "48h" or "1h30m" (units ns, us, ms, s, m, h), or a whole ' +
        'number of seconds; not a list'
    ],
    [
      '[worker.oci]\nreservedSpace = 2024-01-01T00:00:00Z',
      'worker.oci.reservedSpace: BuildKit wants a disk space: a number of bytes, a string such as "512MB" or "2GiB", or a percentage such as "10%"; not a date'
    ],
    [
      '[worker.oci]\nmaxUsedSpace = { bytes = 1 }',
      'worker.oci.maxUsedSpace: BuildKit wants a disk space: a number of bytes, a string such as "512MB" or "2GiB", or a percentage such as "10%"; not a table'
    ]
  ])('%j', (text, message) => {
    expect(messages(toml(text))).toEqual([message])
  })
})

describe('Duration (history.maxAge): what UnmarshalText takes', () => {
  const check = (value: string): string[] => messages(toml(`[history]\nmaxAge = ${value}`))
  test.each([
    '"48h"',
    '"1h30m"',
    '"1.5h"',
    '".5s"',
    '"5.s"',
    '"300ms"',
    '"10us"',
    '"10µs"',
    '"10μs"',
    '"100ns"',
    '"-1h"',
    '"+2m"',
    '"0"',
    '"-0"',
    '""',
    '"3600"',
    '"-5"',
    '"9223372036854775807"',
    '"00"',
    '"2562047h"',
    '\'"48h"\'',
    '3600',
    '0',
    '-1',
    '31536000'
  ])('takes %s', value => {
    expect(check(value)).toEqual([])
  })
  test.each([
    '"2d"',
    '"1w"',
    '"48 h"',
    '"h"',
    '"."',
    '".s"',
    '"1.5"',
    '"0.0"',
    '"1hm"',
    '"3_600"',
    '"0x10"',
    '"9223372036854775808"',
    '"2562048h"',
    '"\\""',
    '"forever"'
  ])('refuses %s', value => {
    const got = check(value)
    expect(got).toHaveLength(1)
    expect(got[0]).toMatch(/^history\.maxAge: BuildKit can't read ".*" as a duration; it wants a duration: /)
  })
})

describe('DiskSpace (worker.oci.reservedSpace): what UnmarshalText takes', () => {
  const check = (value: string): string[] => messages(toml(`[worker.oci]\nreservedSpace = ${value}`))
  test.each([
    '"10%"',
    '"0%"',
    '"-5%"',
    '"+5%"',
    '"512MB"',
    '"512mb"',
    '"512M"',
    '"512MiB"',
    '"2GiB"',
    '"1.5GB"',
    '"512 MB"',
    '"1024"',
    '"1024B"',
    '"1e3KB"',
    '"1_000MB"',
    '"0x1p10"',
    '"1\u212A"',
    '"3TB"',
    '"1PiB"',
    '"5.k"',
    '""',
    '\'"10%"\'',
    '1024000000',
    '0',
    '-0',
    '1.5',
    '1e3'
  ])('takes %s', value => {
    expect(check(value)).toEqual([])
  })
  test.each([
    '"10 %"',
    '"%"',
    '"1.5%"',
    '"ten%"',
    '"512XB"',
    '"512MBs"',
    '"512 MiBs"',
    '"512  MB"',
    '"512MB "',
    '"-1GB"',
    '"1e400"',
    '"inf GB"',
    '"nan B"',
    '"GB"',
    '"1__0MB"',
    '"1_MB"',
    '"1BB"',
    '"1bb"',
    '"1Bi"',
    '"1EB"',
    '"1\u212AiB"',
    '"\\""'
  ])('refuses %s', value => {
    const got = check(value)
    expect(got).toHaveLength(1)
    expect(got[0]).toMatch(/^worker\.oci\.reservedSpace: BuildKit can't read ".*" as a disk space; it wants a disk space: /)
  })
  test.each(['-1', '-1.5', 'inf', 'nan', '-inf'])('refuses the number %s', value => {
    const got = check(value)
    expect(got).toHaveLength(1)
    expect(got[0]).toMatch(/^worker\.oci\.reservedSpace: BuildKit can't read \S+ as a disk space/)
  })
  test('a negative bigint is refused too', () => {
    expect(messages(tomlBigInt('[worker.oci]\nminFreeSpace = -1'))).toEqual([
      'worker.oci.minFreeSpace: BuildKit can\'t read -1 as a disk space; it wants a disk space: a number of bytes, a string such as "512MB" or "2GiB", ' +
        'or a percentage such as "10%"'
    ])
  })
})

describe('unknownOrMistyped: real configs', () => {
  test('the config buildx wrote into a real BuildKit v0.29.0 container has no problem', () => {
    expect(unknownOrMistyped(toml(fixture('buildkit/01-container-config.stdout')))).toEqual([])
  })

  test.each(fs.readdirSync(path.join(import.meta.dirname, '..', '..', 'fixtures', 'buildkit')).filter(f => f.endsWith('.input.toml')))(
    'the config %s given to a real BuildKit has no problem',
    name => {
      expect(unknownOrMistyped(toml(fixture(`buildkit/${name}`)))).toEqual([])
    }
  )

  // BuildKit's documented example (v0.29.0) is complete but for one mistake of its own: it
  // writes [ghacache.*], a key config.go does not have ([cache.gha] is read instead).
  test("BuildKit's documented example: every key known but the misnamed [ghacache]", () => {
    const tree = toml(fixture('buildkitd-docs-example.toml'))
    expect(unknownOrMistyped(tree).map(p => p.key)).toEqual(['ghacache'])
    delete tree.ghacache
    expect(unknownOrMistyped(tree)).toEqual([])
  })

  test("the documented example's GitHub cache settings under the key BuildKit reads pass", () => {
    const text = fixture('buildkitd-docs-example.toml')
      .replace(/^\[ghacache\./gm, '[cache.gha.')
      .replace(/^cmd = ""$/m, 'command = []')
    expect(text).not.toMatch(/^\[ghacache|^cmd/m)
    expect(unknownOrMistyped(toml(text))).toEqual([])
  })

  test("the keys v0.32.2's documented example adds", () => {
    expect(unknownOrMistyped(toml('proxyNetwork = true\n[log]\nlevel = "info"\n[system]\nmaxRegistryConcurrency = 4'))).toEqual([])
  })
})

describe('httpMirrorsWithoutHttp', () => {
  const hint = (registry: string, mirror: string, host: string): string =>
    `"${mirror}" is plain HTTP, but BuildKit drops the scheme and speaks HTTPS to ${host} unless its own section says so; add [registry."${host}"] ` +
    `http = true, or give it with the mirrors input (${registry}=${mirror}), which adds that section`

  test.each([
    [
      "the mirror host's own section says http = true",
      '[registry."docker.io"]\nmirrors = ["http://10.0.0.5:5000"]\n[registry."10.0.0.5:5000"]\nhttp = true'
    ],
    ['no scheme: the user asked for nothing', '[registry."docker.io"]\nmirrors = ["10.0.0.5:5000"]'],
    ['https://', '[registry."docker.io"]\nmirrors = ["https://mirror.example"]'],
    [
      'loopback with http unset: BuildKit uses HTTP',
      '[registry."docker.io"]\nmirrors = ["http://127.0.0.1:5001", "http://localhost:5000/v2-path", "http://[::1]:5000", "http://127.8.9.10", ' +
        '"http://[::ffff:127.0.0.1]:5000"]'
    ],
    [
      'loopback with an own section that leaves http unset',
      '[registry."docker.io"]\nmirrors = ["http://localhost:5000"]\n[registry."localhost:5000"]\ninsecure = true'
    ],
    [
      'keys that differ only in case (go-toml matches them)',
      '[registry."docker.io"]\nMirrors = ["http://10.0.0.5:5000"]\n[registry."10.0.0.5:5000"]\nHTTP = true'
    ],
    ['no registry at all', 'debug = true'],
    ['mistyped values are left to unknownOrMistyped', 'registry = 1\n[x]\nmirrors = ["http://a.example"]'],
    [
      'a mistyped http is left to unknownOrMistyped',
      '[registry."docker.io"]\nmirrors = ["http://10.0.0.5:5000", 7]\n[registry."10.0.0.5:5000"]\nhttp = "true"'
    ]
  ])('fine: %s', (_name, text) => {
    expect(httpMirrorsWithoutHttp(toml(text))).toEqual([])
  })

  test.each([
    [
      'no section for the mirror host',
      '[registry."docker.io"]\nmirrors = ["http://10.0.0.5:5000"]',
      'registry."docker.io".mirrors[0]',
      hint('docker.io', 'http://10.0.0.5:5000', '10.0.0.5:5000')
    ],
    [
      'a section without http',
      '[registry."docker.io"]\nmirrors = ["mirror.gcr.io", "http://m.example:5000/cache/"]\n[registry."m.example:5000"]\ninsecure = true',
      'registry."docker.io".mirrors[1]',
      hint('docker.io', 'http://m.example:5000/cache/', 'm.example:5000')
    ],
    [
      'HTTP:// in capitals, user info dropped',
      '[registry."ghcr.io"]\nmirrors = ["HTTP://u:p@m.example"]',
      'registry."ghcr.io".mirrors[0]',
      hint('ghcr.io', 'HTTP://u:p@m.example', 'm.example')
    ],
    [
      'the section is looked up by exact host and port',
      '[registry."docker.io"]\nmirrors = ["http://m.example:5000"]\n[registry."m.example"]\nhttp = true',
      'registry."docker.io".mirrors[0]',
      hint('docker.io', 'http://m.example:5000', 'm.example:5000')
    ],
    [
      'not loopback: 128.0.0.1',
      '[registry."docker.io"]\nmirrors = ["http://128.0.0.1:5000"]',
      'registry."docker.io".mirrors[0]',
      hint('docker.io', 'http://128.0.0.1:5000', '128.0.0.1:5000')
    ],
    [
      'not loopback to Go: LOCALHOST',
      '[registry."docker.io"]\nmirrors = ["http://LOCALHOST:5000"]',
      'registry."docker.io".mirrors[0]',
      hint('docker.io', 'http://LOCALHOST:5000', 'LOCALHOST:5000')
    ],
    [
      'http = false set explicitly, even on loopback',
      '[registry."docker.io"]\nmirrors = ["http://127.0.0.1:5001"]\n[registry."127.0.0.1:5001"]\nhttp = false',
      'registry."docker.io".mirrors[0]',
      '"http://127.0.0.1:5001" is plain HTTP, but [registry."127.0.0.1:5001"] says http = false, so BuildKit drops the scheme and speaks HTTPS to ' +
        '127.0.0.1:5001; set http = true there, or give it with the mirrors input (docker.io=http://127.0.0.1:5001), which adds that section'
    ]
  ])('problem: %s', (_name, text, key, message) => {
    expect(httpMirrorsWithoutHttp(toml(text))).toEqual([{ key, message }])
  })

  test('the message of the brief, exactly', () => {
    expect(httpMirrorsWithoutHttp(toml('[registry."docker.io"]\nmirrors = ["http://10.0.0.5:5000"]'))).toEqual([
      {
        key: 'registry."docker.io".mirrors[0]',
        message:
          '"http://10.0.0.5:5000" is plain HTTP, but BuildKit drops the scheme and speaks HTTPS to 10.0.0.5:5000 unless its own section says so; add ' +
          '[registry."10.0.0.5:5000"] http = true, or give it with the mirrors input (docker.io=http://10.0.0.5:5000), which adds that section'
      }
    ])
  })

  test('each mirror of each registry, in document order', () => {
    const text =
      '[registry."docker.io"]\nmirrors = ["http://a.example", "http://localhost:1"]\n[registry."quay.io"]\nmirrors = ["http://b.example:8080"]'
    expect(httpMirrorsWithoutHttp(toml(text)).map(p => p.key)).toEqual(['registry."docker.io".mirrors[0]', 'registry."quay.io".mirrors[0]'])
  })

  test('the real fixtures (plain host:port mirrors with their own http = true) pass', () => {
    expect(httpMirrorsWithoutHttp(toml(fixture('buildkit/01-container-config.stdout')))).toEqual([])
    expect(httpMirrorsWithoutHttp(toml(fixture('buildkitd-docs-example.toml')))).toEqual([])
  })
})
