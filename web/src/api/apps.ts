/** Partner OAuth apps, the scope catalog, customers' connected apps and the wholesaler's resold tenants (wire types and calls). */
import type { Body, Schemas } from './schema.ts';
import { http } from './client.ts';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange' as const;

export type AppDto = Schemas['App'];
/** A partner app's consent request sent out of band (CIBA), as the customer's admins see it. */
export type ConsentRequestDto = Schemas['CibaRequest'];
export type ConsentApproval = Body<'/api/v1/tenants/{tenant_id}/ciba-requests/{request_id}/approve', 'post'>;

/** What registering an app takes. */
export type AppInput = Body<'/api/v1/partners/{partner_id}/apps', 'post'>;
/** What changing an app takes (any of its fields). */
export type AppChange = Body<'/api/v1/partners/{partner_id}/apps/{app_id}', 'patch'>;
/** The public keys of an app that signs its requests (private_key_jwt). */
export type AppJwks = NonNullable<AppInput['jwks']>;
export type GrantType = AppInput['grant_types'][number];
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE] as const satisfies readonly GrantType[];
/** One of the grants an app may be registered with (an app's answer lists them as plain strings). */
export const isGrantType = (g: string): g is GrantType => GRANT_TYPES.some((x) => x === g);

/** How an app proves who it is at the token endpoint (the one method the server accepts from it). */
export type AuthMethod = NonNullable<AppInput['token_endpoint_auth_method']>;

export const AUTH_METHODS: { value: AuthMethod; label: string; description: string }[] = [
  { value: 'client_secret_basic', label: 'A secret, sent in the Authorization header', description: 'HTTP Basic (client_secret_basic). Most server-side OAuth libraries can do this.' },
  { value: 'client_secret_post', label: 'A secret, sent in the request body', description: 'client_secret_post: client_id and client_secret as form fields. The default of openid-client and several other libraries.' },
  { value: 'private_key_jwt', label: 'A signed statement, made with a private key only your app holds', description: 'private_key_jwt: no shared secret. Register your public key (JWKS); the app signs a short-lived JWT for each request.' },
];

export type ScopeDto = Schemas['Scope'];
/** The keys Partnergate last read at an app's key set address, when, and why the last read failed. */
export type AppKeySetDto = Schemas['AppKeySet'];

export type ConnectedAppDto = Schemas['ConnectedApp'];

export type ResoldTenantDto = Schemas['ResoldTenant'];

const enc = encodeURIComponent;

export const appsApi = {
  scopes: () => http.get<{ data: ScopeDto[] }>('/api/v1/oauth/scopes'),
  list: (partnerId: string) => http.get<{ data: AppDto[] }>(`/api/v1/partners/${enc(partnerId)}/apps`),
  create: (partnerId: string, body: AppInput) => http.post<{ app: AppDto; client_secret: string | null }>(`/api/v1/partners/${enc(partnerId)}/apps`, body),
  update: (partnerId: string, appId: string, body: AppChange) => http.patch<AppDto>(`/api/v1/partners/${enc(partnerId)}/apps/${enc(appId)}`, body),
  rotateSecret: (partnerId: string, appId: string) => http.post<{ app: AppDto; client_secret: string | null }>(`/api/v1/partners/${enc(partnerId)}/apps/${enc(appId)}/rotate-secret`),
  keySet: (partnerId: string, appId: string) => http.get<AppKeySetDto>(`/api/v1/partners/${enc(partnerId)}/apps/${enc(appId)}/key-set`),
  remove: (partnerId: string, appId: string) => http.delete(`/api/v1/partners/${enc(partnerId)}/apps/${enc(appId)}`),

  connected: (tenantId: string, includeEnded = true) => http.get<{ data: ConnectedAppDto[] }>(`/api/v1/tenants/${enc(tenantId)}/connected-apps`, { include_ended: includeEnded }),
  /** consent requests partner apps sent out of band (CIBA), waiting for a tenant admin */
  consentRequests: (tenantId: string) => http.get<{ data: ConsentRequestDto[] }>(`/api/v1/tenants/${enc(tenantId)}/ciba-requests`),
  approveConsentRequest: (tenantId: string, id: string, body: ConsentApproval) => http.post<{ delegation_id: string }>(`/api/v1/tenants/${enc(tenantId)}/ciba-requests/${enc(id)}/approve`, body),
  denyConsentRequest: (tenantId: string, id: string) => http.post<void>(`/api/v1/tenants/${enc(tenantId)}/ciba-requests/${enc(id)}/deny`, {}),
  disconnect: (tenantId: string, delegationId: string, reason?: string) => http.post<void>(`/api/v1/tenants/${enc(tenantId)}/connected-apps/${enc(delegationId)}/revoke`, reason ? { reason } : {}),

  resold: (partnerId: string) => http.get<{ data: ResoldTenantDto[] }>(`/api/v1/partners/${enc(partnerId)}/resold-tenants`),
  provision: (partnerId: string, body: { name: string; slug: string; billing_account_name?: string; admin?: { email: string; name?: string } }) =>
    http.post<{ resold: ResoldTenantDto; invitation: { url: string; expires_at: string } | null }>(`/api/v1/partners/${enc(partnerId)}/resold-tenants`, body),
};

export function grantTypeLabel(g: string): string {
  return (
    {
      authorization_code: 'Authorization code (a person signs in and approves)',
      refresh_token: 'Refresh tokens',
      client_credentials: 'Client credentials (own resources)',
      [TOKEN_EXCHANGE]: 'Token exchange (act for resold customers)',
    }[g] ?? g
  );
}
