import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

// Unit tests never see this machine's buildx files (a buildkitd.default.toml there would
// become every test's base config): an empty buildx directory of their own.
process.env.BUILDX_CONFIG = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-buildx-'))
