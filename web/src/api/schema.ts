/**
 * The API's wire types, generated from the server's /openapi.json into packages/client (`npm run
 * generate:client`; `-- --check` fails CI when they drift from the server). The portal uses these —
 * not a hand-written copy — so a changed response breaks the portal's typecheck, not a user's page.
 */
import type { components } from '../../../packages/client/src/schema.d.ts';

export type { components, paths } from '../../../packages/client/src/schema.d.ts';
/** Every named schema of the API: `Schemas['Tenant']`, `Schemas['Delegation']`, … */
export type Schemas = components['schemas'];
