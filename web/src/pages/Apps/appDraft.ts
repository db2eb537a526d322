/**
 * An OAuth app as its owner edits it: the form's draft, the choices it offers in plain words, and
 * the draft turned into what the apps API takes.
 */
import type { IntlShape } from 'react-intl';
import { TOKEN_EXCHANGE, type AppDto, type AppInput, type AppJwks, type AuthMethod, type GrantType } from '../../api/apps.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';

const m = defineMessages({
  rs256: { id: 'apps.id_token_alg.rs256', defaultMessage: 'RSA (RS256) — works with every OpenID client' },
  es256: { id: 'apps.id_token_alg.es256', defaultMessage: 'Elliptic curve (ES256) — smaller' },
  eitherWay: { id: 'apps.auth.either_way', defaultMessage: 'A secret, in the Authorization header or the request body' },
  eitherWayDescription: {
    id: 'apps.auth.either_way.description',
    defaultMessage:
      'Either way works (client_secret_basic and client_secret_post), as most OAuth libraries expect on their defaults. Pick one of the next two only to refuse the other.',
  },
  basic: { id: 'apps.auth.basic', defaultMessage: 'A secret, sent in the Authorization header' },
  basicDescription: { id: 'apps.auth.basic.description', defaultMessage: 'HTTP Basic (client_secret_basic). Most server-side OAuth libraries can do this.' },
  post: { id: 'apps.auth.post', defaultMessage: 'A secret, sent in the request body' },
  postDescription: {
    id: 'apps.auth.post.description',
    defaultMessage: 'client_secret_post: client_id and client_secret as form fields. The default of openid-client and several other libraries.',
  },
  jwt: { id: 'apps.auth.private_key_jwt', defaultMessage: 'A signed statement, made with a private key only your app holds' },
  jwtDescription: {
    id: 'apps.auth.private_key_jwt.description',
    defaultMessage: 'private_key_jwt: no shared secret. Register your public key (JWKS); the app signs a short-lived JWT for each request.',
  },
  describeBoth: { id: 'apps.auth.describe.both', defaultMessage: 'Client secret, in the Authorization header or the request body' },
  describeBasic: { id: 'apps.auth.describe.basic', defaultMessage: 'Client secret, in the Authorization header only' },
  describePost: { id: 'apps.auth.describe.post', defaultMessage: 'Client secret, in the request body only' },
  describeJwt: { id: 'apps.auth.describe.private_key_jwt', defaultMessage: 'A JWT signed with one of the app’s registered keys' },
  notJson: { id: 'apps.jwks.not_json', defaultMessage: 'Not valid JSON.' },
  noKeys: { id: 'apps.jwks.no_keys', defaultMessage: 'A JWKS is an object with a "keys" list.' },
  noKty: { id: 'apps.jwks.no_kty', defaultMessage: 'Each key of the JWKS needs its key type ("kty"), e.g. "RSA" or "EC".' },
});

/** The grant types in plain words (the form's checkboxes). */
const GRANT_WORDS: Record<string, Message> = defineMessages({
  authorization_code: { id: 'apps.grant.authorization_code', defaultMessage: 'Authorization code (a person signs in and approves)' },
  refresh_token: { id: 'apps.grant.refresh_token', defaultMessage: 'Refresh tokens' },
  client_credentials: { id: 'apps.grant.client_credentials', defaultMessage: 'Client credentials (own resources)' },
  token_exchange: { id: 'apps.grant.token_exchange', defaultMessage: 'Token exchange (act for resold customers)' },
});

/** A grant type in the reader's words; an unknown one by its name. */
export function grantWords(intl: IntlShape, g: string): string {
  const message = GRANT_WORDS[g === TOKEN_EXCHANGE ? 'token_exchange' : g];
  return message ? intl.formatMessage(message) : g;
}

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
export function idTokenAlgs(intl: IntlShape): { value: IdTokenAlg; label: string }[] {
  return [
    { value: 'RS256', label: intl.formatMessage(m.rs256) },
    { value: 'ES256', label: intl.formatMessage(m.es256) },
  ];
}

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
/** The choices of how the app proves who it is, as the form offers them, in plain words: either secret way first. */
export function authChoices(intl: IntlShape): { value: AuthChoice; label: string; description: string }[] {
  return [
    { value: 'client_secret', label: intl.formatMessage(m.eitherWay), description: intl.formatMessage(m.eitherWayDescription) },
    { value: 'client_secret_basic', label: intl.formatMessage(m.basic), description: intl.formatMessage(m.basicDescription) },
    { value: 'client_secret_post', label: intl.formatMessage(m.post), description: intl.formatMessage(m.postDescription) },
    { value: 'private_key_jwt', label: intl.formatMessage(m.jwt), description: intl.formatMessage(m.jwtDescription) },
  ];
}

/** The choice that describes an app as registered. */
export function authChoiceOf(a: AppDto): AuthChoice {
  if (a.token_endpoint_auth_method === 'private_key_jwt') return 'private_key_jwt';
  return (a.token_endpoint_auth_methods ?? []).length === 1 ? a.token_endpoint_auth_method : 'client_secret';
}

/** How the app may prove who it is, in plain words (every method it accepts). */
export function describeAuthMethods(intl: IntlShape, methods: readonly string[]): string {
  const basic = methods.includes('client_secret_basic');
  const post = methods.includes('client_secret_post');
  if (basic && post) return intl.formatMessage(m.describeBoth);
  if (basic) return intl.formatMessage(m.describeBasic);
  if (post) return intl.formatMessage(m.describePost);
  return intl.formatMessage(m.describeJwt);
}

type Jwk = AppJwks['keys'][number];
const isJwk = (k: unknown): k is Jwk => typeof k === 'object' && k !== null && !Array.isArray(k) && 'kty' in k && typeof k.kty === 'string';

/** The typed JWKS, or what is wrong with it (a message to format). */
export function parseJwks(text: string): AppJwks | Message {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return m.notJson;
  }
  if (typeof v !== 'object' || v === null || !('keys' in v) || !Array.isArray(v.keys)) return m.noKeys;
  const keys: unknown[] = v.keys;
  if (!keys.every(isJwk)) return m.noKty;
  return { keys };
}

/** What is wrong with the typed JWKS, in the reader's words; null when it is a JWKS. */
export function jwksProblem(intl: IntlShape, text: string): string | null {
  const parsed = parseJwks(text);
  return 'keys' in parsed ? null : intl.formatMessage(parsed);
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
    ...(jwks && 'keys' in jwks ? { jwks } : {}),
    id_token_signed_response_alg: d.id_token_alg,
  };
}
