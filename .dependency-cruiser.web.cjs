/**
 * The portal's layers (web/src), checked with the server's by `npm run lint:deps` (a step of .ci/run).
 * Type-only imports count (tsPreCompilationDeps), as on the server.
 *
 *   web/src/api          the only code that speaks HTTP (client.ts) and knows the server's shapes
 *   web/src/query        data hooks over the api modules (caching, mutations, messages)
 *   web/src/components   shared building blocks: never import a page
 *   web/src/pages        one folder per area; pages may import components, the api and query modules
 */
const path = require('node:path');

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import cycle ties two files into one unit: split out what both need.', from: {}, to: { circular: true } },
    {
      name: 'components-not-pages',
      severity: 'error',
      comment: 'Shared components are below the pages: a component that needs a page\'s code takes it as a prop, or the code moves to components/.',
      from: { path: '^web/src/components' },
      to: { path: '^web/src/pages' },
    },
    {
      name: 'http-only-in-api',
      severity: 'error',
      comment: 'Data access goes through the api modules (web/src/api/*.ts): no page, component or hook calls the HTTP client itself.',
      from: { path: '^web/src', pathNot: '^web/src/api/' },
      to: { path: '^web/src/api/client\\.ts$' },
    },
    {
      name: 'api-below-everything',
      severity: 'error',
      comment: 'The api modules know nothing of React, the query layer, components or pages.',
      from: { path: '^web/src/api/' },
      to: { path: '^web/src/(query|components|pages|session)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: path.resolve(__dirname, 'web/tsconfig.json') },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
