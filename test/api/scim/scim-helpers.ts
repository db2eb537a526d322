/**
 * What the SCIM API tests share, whatever the organization: the RFC's schema URNs, a client that
 * speaks application/scim+json with an organization's token, and unique e-mail addresses.
 */
import { Client } from '../../helpers/http.ts';
import type { OAuthTestApp } from '../oauth/oauth-helpers.ts';

export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A SCIM client with the organization's token: send(method, '/Users…', body?, headers?). */
export function scimClient(t: OAuthTestApp, token: string) {
  const c = new Client(t.app);
  c.bearer = token;
  return (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    c.request(method, `/scim/v2${url}`, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), { ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers });
}

export const email = (label: string) => `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@contoso.test`;

/** Entra ID's deactivation: a capitalised op and "False" as a string. */
export const entraDeactivate = { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };

/** Reads until `done` or `ms` pass (polling, no fixed sleep); how long it took. */
export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms: number): Promise<{ value: T; elapsed: number }> {
  const t0 = performance.now();
  let value = await read();
  while (!done(value) && performance.now() - t0 < ms) {
    await new Promise((r) => setTimeout(r, 5));
    value = await read();
  }
  return { value, elapsed: performance.now() - t0 };
}

/** A SCIM request with `fetch` to a running instance (two-instance suites). */
export function scimAt(token: string) {
  return (i: { base: string }, method: string, url: string, body?: unknown) =>
    fetch(`${i.base}/scim/v2${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { id?: string; active?: boolean },
    }));
}
