// The shape of src/, checked by `npm run lint` (dependency-cruiser): no import circles
// (type-only imports included), folders that import only from lower ranks or from within
// themselves, and drivers that never import each other. CONTRIBUTING.md explains the ranks.

/** The folders of src/, from the ground up. The steps (src/*.ts) stand above them all. */
const RANKS = ['runner', 'config', 'buildkit', 'docker', 'install', 'cni', 'inputs', 'plan', 'drivers', 'verify']

const layering = RANKS.map((folder, i) => ({
  name: `rank-${folder}`,
  comment: `src/${folder}/ imports only from ${i === 0 ? 'itself' : `lower ranks (${RANKS.slice(0, i).join(', ')}) or from itself`}`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: { path: `^src/(${[...RANKS.slice(i + 1)].join('|') || 'none'})/|^src/[^/]+\\.ts$` }
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import circle, type-only imports included: two modules that each know the other',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    },
    ...layering,
    {
      name: 'drivers-apart',
      comment: 'a driver never imports another driver (shared code is in src/drivers/*.ts)',
      severity: 'error',
      from: { path: '^src/drivers/([^/]+)/' },
      to: { path: '^src/drivers/[^/]+/', pathNot: '^src/drivers/$1/' }
    },
    {
      name: 'only-the-factory-knows-drivers',
      comment:
        'a driver is reached through the catalog (drivers/factory.ts), never by its folder: main, verify and the shared driver code stay driver-blind',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/drivers/(factory\\.ts$|[^/]+/)' },
      to: { path: '^src/drivers/[^/]+/' }
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports is dead code (the entry point aside)',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: '^src/index\\.ts$' },
      to: {}
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] }
  }
}
