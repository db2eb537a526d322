/**
 * An OAuth app as its owner edits it: the form's draft, the choices it offers in plain words, and
 * the draft turned into what the apps API takes.
 */
import { TOKEN_EXCHANGE, type AppDto, type AppInput, type AppJwks, type AuthMethod, type GrantType } from '../../api/apps.ts';

export const GRANTS_BY_CAPABILITY: Record<string, GrantType[]> = {
  delegated: ['authorization_code', 'refresh_token'],
  managed_services: ['authorization_code', 'refresh_token'],
  wholesale: ['client_credentials', TOKEN_EXCHANGE],
};

export interface Draft {
  name: string;
  description: string;
  logo_uri: string;
  redirect_uris: string;
  grant_types: GrantType[];
  scopes: string[];
  auth_method: AuthChoice;
  /** the public JSON Web Key Set, as typed (private_key_jwt only) */
  jwks: string;
  id_token_alg: IdTokenAlg;
}

export type IdTokenAlg = AppDto['id_token_signed_response_alg'];
/** How sign-in confirmations (ID tokens) are signed, in plain words. */
export const ID_TOKEN_ALGS: { value: IdTokenAlg; label: string }[] = [
  { value: 'RS256', label: 'RSA (RS256) — works with every OpenID client' },
  { value: 'ES256', label: 'Elliptic curve (ES256) — smaller' },
];

export const emptyDraft = (grants: GrantType[]): Draft => ({
  name: '',
  description: '',
  logo_uri: '',
  redirect_uris: '',
  grant_types: grants.slice(0, 2),
  scopes: [],
  auth_method: 'client_secret',
  jwks: '',
  id_token_alg: 'RS256',
});

export const SECRET_METHODS: AuthMethod[] = ['client_secret_basic', 'client_secret_post'];

/** The ways an app may prove who it is, as the form offers them: a secret either way (the default), one way only, or keys. */
export type AuthChoice = AuthMethod | 'client_secret';
export const EITHER_WAY = {
  value: 'client_secret' as const,
  label: 'A secret, in the Authorization header or the request body',
  description: 'Either way works (client_secret_basic and client_secret_post), as most OAuth libraries expect on their defaults. Pick one of the next two only to refuse the other.',
};

/** The choice that describes an app as registered. */
export function authChoiceOf(a: AppDto): AuthChoice {
  if (a.token_endpoint_auth_method === 'private_key_jwt') return 'private_key_jwt';
  return (a.token_endpoint_auth_methods ?? []).length === 1 ? a.token_endpoint_auth_method : 'client_secret';
}

/** How the app may prove who it is, in plain words (every method it accepts). */
export function describeAuthMethods(methods: readonly string[]): string {
  const basic = methods.includes('client_secret_basic');
  const post = methods.includes('client_secret_post');
  if (basic && post) return 'Client secret, in the Authorization header or the request body';
  if (basic) return 'Client secret, in the Authorization header only';
  if (post) return 'Client secret, in the request body only';
  return 'A JWT signed with one of the app’s registered keys';
}

type Jwk = AppJwks['keys'][number];
const isJwk = (k: unknown): k is Jwk => typeof k === 'object' && k !== null && !Array.isArray(k) && 'kty' in k && typeof k.kty === 'string';

/** The typed JWKS, or what is wrong with it. */
export function parseJwks(text: string): AppJwks | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'Not valid JSON.';
  }
  if (typeof v !== 'object' || v === null || !('keys' in v) || !Array.isArray(v.keys)) return 'A JWKS is an object with a "keys" list.';
  const keys: unknown[] = v.keys;
  if (!keys.every(isJwk)) return 'Each key of the JWKS needs its key type ("kty"), e.g. "RSA" or "EC".';
  return { keys };
}

export function toInput(d: Draft): AppInput {
  const code = d.grant_types.includes('authorization_code');
  const jwks = d.auth_method === 'private_key_jwt' ? parseJwks(d.jwks) : null;
  return {
    name: d.name.trim(),
    description: d.description.trim() || null,
    logo_uri: d.logo_uri.trim() || null,
    grant_types: d.grant_types,
    scopes: d.scopes,
    ...(code
      ? {
          redirect_uris: d.redirect_uris
            .split(/\s+/)
            .map((u) => u.trim())
            .filter(Boolean),
        }
      : {}),
    // a secret either way; one secret way only (the other refused); or keys
    ...(d.auth_method === 'client_secret'
      ? { token_endpoint_auth_methods: [...SECRET_METHODS] }
      : d.auth_method === 'private_key_jwt'
        ? { token_endpoint_auth_method: d.auth_method }
        : { token_endpoint_auth_method: d.auth_method, token_endpoint_auth_methods: [d.auth_method] }),
    ...(jwks && typeof jwks !== 'string' ? { jwks } : {}),
    id_token_signed_response_alg: d.id_token_alg,
  };
}
