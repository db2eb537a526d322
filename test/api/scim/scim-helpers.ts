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
