/**
 * @partnergate/client — a typed client for the Partnergate API.
 *
 * The types (schema.d.ts) are generated from the server's OpenAPI document by `npm run generate:client`;
 * requests go through openapi-fetch, so paths, parameters, bodies and answers are checked by the compiler:
 *
 *   const pg = createPartnergateClient({ baseUrl: 'https://partnergate.example.com', token: process.env.PARTNERGATE_TOKEN });
 *   const { data, error } = await pg.GET('/api/v1/tenants/{tenant_id}', { params: { path: { tenant_id } } });
 *   // data: Schemas['Tenant'] | undefined; error: Schemas['Problem'] | undefined (RFC 9457, with a stable `code`)
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths } from './schema.d.ts';
/** Every named schema of the API: `Schemas['Tenant']`, `Schemas['Delegation']`, `Schemas['Problem']`, … */
export type Schemas = components['schemas'];
/**
 * Every operation's id, as the API reference names it (`getTenantsByTenantId`, `postTenantsBillingAccounts`, …):
 * `operations[OperationId]` holds its parameters, request body and responses.
 */
export type OperationId = keyof operations;
export type PartnergateClient = Client<paths>;

export interface PartnergateClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** the server's public URL, e.g. https://partnergate.example.com */
  baseUrl: string;
  /**
   * Sent as `Authorization: Bearer …`: a personal API token (pgpat_…), an OAuth access token for the
   * gateway routes (/resources/v1), or an agency token (pgagt_…) for /embed/v1. A function is asked on
   * every request (tokens that refresh).
   */
  token?: string | (() => string | Promise<string>) | undefined;
}

export function createPartnergateClient(opts: PartnergateClientOptions): PartnergateClient {
  const { token, ...rest } = opts;
  const client = createClient<paths>({ ...rest, baseUrl: opts.baseUrl.replace(/\/+$/, '') });
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        const value = typeof token === 'function' ? await token() : token;
        if (value && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}
