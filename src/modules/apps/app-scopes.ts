/**
 * The scopes a partner app may ask for. Resource scopes are permission grants of the customer
 * resource APIs (`orders.create`, `billing.invoices.read`, `billing.*`), so the consent screen
 * can say in plain words what each means (from the permissions table) and the decision engine
 * can intersect them with the delegation. Identity scopes are OpenID Connect's.
 */
import type { RoleCatalog } from '../authz/index.ts';

/** Top-level permission namespaces of the customer resource APIs (the gateway's resources). */
export const RESOURCE_NAMESPACES = ['billing', 'orders', 'services', 'support', 'reports', 'alerts', 'vouchers'] as const;

export const IDENTITY_SCOPES: Readonly<Record<string, string>> = {
  openid: 'Confirm who approved the connection',
  profile: 'See your name',
  email: 'See your email address',
};

/**
 * Scopes of Partnergate's own APIs, asked for with client credentials: `authzen.evaluate` lets the
 * partner's policy enforcement point ask the AuthZEN decision API (modules/authzen) about the
 * partner and its people; `ssf.manage` lets an app manage its own Shared Signals stream (modules/ssf). Listed with the resource scopes, so an app registers and is issued them alike.
 */
export const PLATFORM_SCOPES: Readonly<Record<string, string>> = {
  'authzen.evaluate': 'Ask Partnergate whether your organization and its people may act on a customer',
  'ssf.manage': 'Set where Partnergate pushes this app’s security events (OpenID Shared Signals)',
};

export const OFFLINE_ACCESS = 'offline_access';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE_GRANT] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/**
 * How an app proves who it is (RFC 6749 §2.3.1, RFC 7523 §2.2), at the token, introspection and
 * revocation endpoints alike. An app with a secret accepts it in the Authorization header
 * (client_secret_basic) and in the form body (client_secret_post) unless its owner restricts it
 * to one; an app with keys accepts private_key_jwt only.
 */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export const SECRET_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

/** Every method an app accepts: its owner's restriction (`auth_methods`), else every method of its kind. */
export function acceptedAuthMethods(app: { token_endpoint_auth_method: TokenEndpointAuthMethod; auth_methods: string | null }): TokenEndpointAuthMethod[] {
  if (app.auth_methods) {
    const listed = (JSON.parse(app.auth_methods) as string[]).filter((m): m is TokenEndpointAuthMethod => (TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(m));
    if (listed.length > 0) return listed;
  }
  return SECRET_AUTH_METHODS.includes(app.token_endpoint_auth_method) ? [...SECRET_AUTH_METHODS] : [app.token_endpoint_auth_method];
}

/** The accepted methods in plain words (the apps page, the demo's description). */
export function describeAuthMethods(methods: readonly string[]): string {
  const basic = methods.includes('client_secret_basic');
  const post = methods.includes('client_secret_post');
  if (basic && post) return 'Client secret, in the Authorization header or the request body';
  if (basic) return 'Client secret, in the Authorization header only';
  if (post) return 'Client secret, in the request body only';
  return 'A JWT signed with one of the app’s registered keys';
}

export interface ScopeInfo {
  scope: string;
  /** plain words for the consent screen */
  description: string;
  /** the concrete permissions the scope covers */
  permissions: string[];
}

/**
 * Every resource scope: each resource permission, and each wildcard prefix of one
 * (`billing.*`, `billing.invoices.*`), and the platform scopes. Ordered by name.
 */
export function resourceScopeCatalog(roles: RoleCatalog): Map<string, ScopeInfo> {
  const perms = [...roles.permissions.entries()].filter(([name]) => (RESOURCE_NAMESPACES as readonly string[]).includes(name.split('.')[0]));
  const out = new Map<string, ScopeInfo>();
  for (const [name, description] of perms) out.set(name, { scope: name, description, permissions: [name] });
  const prefixes = new Set<string>();
  for (const [name] of perms) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
  }
  for (const prefix of prefixes) {
    const covered = perms.filter(([n]) => n.startsWith(prefix + '.'));
    out.set(`${prefix}.*`, {
      scope: `${prefix}.*`,
      description: `Everything under ${prefix}: ${covered.map(([, d]) => d.charAt(0).toLowerCase() + d.slice(1)).join('; ')}`,
      permissions: covered.map(([n]) => n),
    });
  }
  for (const [scope, description] of Object.entries(PLATFORM_SCOPES)) out.set(scope, { scope, description, permissions: [] });
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function isResourceScope(scope: string): boolean {
  return (RESOURCE_NAMESPACES as readonly string[]).includes(scope.split('.')[0]);
}
