/**
 * The layers CI enforces (`npm run lint:deps`, a step of .ci/run). Type-only imports count
 * (tsPreCompilationDeps): a cycle through `import type` still ties two layers together.
 *
 *   src/platform   no domain knowledge; imports nothing above it
 *   src/modules/*  capabilities; another module only through its index.ts
 *   src/demo       the demo world (seed data, sample partner app) — above the modules
 *   src/app        wiring (build-app, services)        src/cli  the command line
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only imports included: they are how layers leak into each other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'modules-not-to-app-cli-demo',
      severity: 'error',
      comment: 'A module never reaches up into the wiring (src/app), the command line (src/cli) or the demo world (src/demo).',
      from: { path: '^src/modules/' },
      to: { path: '^src/(app|cli|demo)/' },
    },
    {
      name: 'platform-not-to-domain',
      severity: 'error',
      comment: 'src/platform has no domain knowledge: it imports no module, no wiring and no demo. (A test may boot the whole app to check the platform over every module.)',
      from: { path: '^src/platform/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(modules|app|cli|demo)/' },
    },
    {
      name: 'routes-not-to-repos',
      severity: 'error',
      comment: 'Routes call services; only services (and their helpers) touch a repo.',
      from: { path: '\\.routes\\.ts$' },
      to: { path: '\\.repo\\.ts$' },
    },
    {
      name: 'module-through-index',
      severity: 'error',
      comment: 'A module imports another module only through that module\'s index.ts (its public surface).',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'oidc-provider-only-in-oauth',
      severity: 'error',
      comment: 'oidc-provider is an implementation detail of the authorization server (src/modules/oauth).',
      // bench/oauth-bare.ts is the bare library bench:oauth compares the authorization server with;
      // test/helpers/oidc-upstream.ts is a partner's own identity provider in the single sign-on tests
      from: { pathNot: ['^src/modules/oauth/', '^bench/oauth-bare\\.ts$', '^test/helpers/oidc-upstream\\.ts$'] },
      to: { path: '(^|/)node_modules/(@types/)?oidc-provider/' },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'A package imported is declared in package.json (of the root or its workspace package), not reached through another one\'s.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a missing file or an undeclared package).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    // a workspace package's tests may use the root's devDependencies (fast-check)
    combinedDependencies: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
