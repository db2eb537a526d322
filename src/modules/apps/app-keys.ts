/**
 * A private_key_jwt app's public keys and its "require signed requests" setting.
 *
 * The keys are either pasted in (`jwks`, a JSON Web Key Set of public keys) or published by the app
 * at an address (`jwks_uri`, OpenID Dynamic Client Registration's metadata): an https URL the
 * authorization server reads under the outbound address policy, so an app rotates its keys without
 * asking (oauth/app-key-sets.ts). One or the other, never both; never a private key.
 *
 * `require_signed_request_object` (RFC 9101 §10.5, the same name in client metadata): the app's
 * authorization, pushed authorization and backchannel requests must come as a signed request object.
 */
import { appErrors as E } from './apps.errors.ts';
import type { AppRow } from './apps.repo.ts';
import type { TokenEndpointAuthMethod } from './app-scopes.ts';
import { problemDetails as PD } from './apps.problem-details.ts';

/** JWK members that only a private (or secret) key has. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

export interface KeysInput {
  jwks?: { keys: Record<string, unknown>[] } | null;
  jwks_uri?: string | null;
  require_signed_request_object?: boolean;
}

type KeyColumns = { jwks: string | null; jwks_uri: string | null };

/** The key columns for what a create or update names (`current`: the app as it is, for an update), or a 400 naming the field. */
export function keyColumns(method: TokenEndpointAuthMethod, input: KeysInput, current: KeyColumns | null): KeyColumns | null {
  if (input.jwks === undefined && input.jwks_uri === undefined) return current ? null : checkKeys(method, null, null);
  // naming one replaces the other: keys pasted in, or an address
  const jwks = input.jwks !== undefined ? input.jwks : input.jwks_uri ? null : current ? parse(current.jwks) : null;
  const uri = input.jwks_uri !== undefined ? input.jwks_uri : input.jwks ? null : (current?.jwks_uri ?? null);
  return checkKeys(method, jwks, uri || null);
}

function parse(jwks: string | null): KeysInput['jwks'] {
  return jwks ? (JSON.parse(jwks) as KeysInput['jwks']) : null;
}

function checkKeys(method: TokenEndpointAuthMethod, jwks: KeysInput['jwks'], uri: string | null): KeyColumns {
  if (method !== 'private_key_jwt') {
    if (jwks || uri) throw E.app_jwks_invalid(PD.onlyAppsProveWho, { fields: [{ pointer: jwks ? '/body/jwks' : '/body/jwks_uri', detail: `not used by ${method}` }] });
    return { jwks: null, jwks_uri: null };
  }
  if (jwks && uri) throw E.app_jwks_invalid(PD.giveKeysAddressThey, { fields: [{ pointer: '/body/jwks_uri', detail: 'not with jwks' }] });
  if (uri) {
    const problem = jwksUriProblem(uri);
    if (problem) throw E.app_jwks_invalid(`${uri}: ${problem}.`, { fields: [{ pointer: '/body/jwks_uri', detail: problem }] });
    return { jwks: null, jwks_uri: new URL(uri).href };
  }
  if (!jwks || jwks.keys.length === 0) throw E.app_jwks_invalid(PD.appProvesWhoKeys, { fields: [{ pointer: '/body/jwks', detail: 'required' }] });
  for (const [i, k] of jwks.keys.entries()) {
    if (!['EC', 'RSA', 'OKP'].includes(String(k.kty))) throw E.app_jwks_invalid(PD.keysMustEcRsa, { fields: [{ pointer: `/body/jwks/keys/${i}/kty`, detail: 'unsupported key type' }] });
    if (PRIVATE_JWK_MEMBERS.some((m) => m in k)) throw E.app_jwks_invalid(PD.registerPublicKeysOnly, { fields: [{ pointer: `/body/jwks/keys/${i}`, detail: 'private key material' }] });
  }
  return { jwks: JSON.stringify({ keys: jwks.keys }), jwks_uri: null };
}

/** An https URL without credentials or fragment; null when acceptable (the address policy applies when it is read). */
export function jwksUriProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (u.protocol !== 'https:') return 'the key set address must be an https URL';
  if (raw.includes('#') || u.username || u.password) return 'the key set address must not carry a fragment or credentials';
  return null;
}

/** The setting as stored: 1 or 0; a request needs keys to be signed with. */
export function signedRequestColumn(required: boolean, method: TokenEndpointAuthMethod): number {
  if (required && method !== 'private_key_jwt') {
    throw E.app_jwks_invalid(PD.onlyAppRegisteredKeys, { fields: [{ pointer: '/body/require_signed_request_object', detail: 'needs private_key_jwt' }] });
  }
  return required ? 1 : 0;
}

/** The keys and the setting as the API shows them: public keys only, as registered. */
export function keysDto(a: AppRow) {
  return {
    jwks: a.jwks ? (JSON.parse(a.jwks) as unknown) : null,
    jwks_uri: a.jwks_uri ?? null,
    require_signed_request_object: a.require_signed_request_object === 1,
  };
}
