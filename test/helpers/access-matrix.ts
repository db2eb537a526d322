/**
 * The one shared access check: walks every route in the OpenAPI document and verifies that
 *  - without credentials every non-public /api route answers 401 authentication_required;
 *  - /api/v1/tenants/{tenant_id}/… called by an admin of another tenant answers 404 tenant_not_found;
 *  - /api/v1/partners/{partner_id}/… called by the owner of another partner answers 404 partner_not_found;
 *  - /api/v1/partners/{partner_id}/… called by someone in no partner answers 403 not_partner_member.
 * New routes are covered the moment they are registered.
 */
import type { Client } from './http.ts';

export interface RouteSpec {
  method: string;
  path: string;
  public: boolean;
}

export const PUBLIC_ROUTES = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/partner-applications',
  'GET /api/v1/invitations/{token}',
  'POST /api/v1/invitations/accept',
  'POST /api/v1/signup',
  'GET /api/v1/signup/referral/{code}',
  // the sign-in second step and password reset happen before there is a session
  'POST /api/v1/auth/login/second-factor',
  'POST /api/v1/auth/login/passkey-options',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/check',
  'POST /api/v1/auth/password-reset/complete',
  // does this address sign in with its company's identity provider? (asked before there is a session)
  'POST /api/v1/auth/sso/discover',
]);

export async function apiRoutes(anon: Client): Promise<RouteSpec[]> {
  const doc = (await anon.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const out: RouteSpec[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const method of Object.keys(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const m = method.toUpperCase();
      out.push({ method: m, path, public: PUBLIC_ROUTES.has(`${m} ${path}`) });
    }
  }
  return out;
}

const ID_PREFIX: Record<string, string> = {
  user_id: 'usr',
  tenant_id: 'tnt',
  partner_id: 'ptr',
  ban_id: 'ban',
  token_id: 'pat',
  delegation_id: 'dlg',
  app_id: 'app',
  agency_id: 'agy',
};

/** Fill path parameters: tenant/partner ids from the arguments, every other id with a well-formed random one. */
export function fill(path: string, ids: { tenant_id?: string; partner_id?: string }): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'tenant_id' && ids.tenant_id) return ids.tenant_id;
    if (name === 'partner_id' && ids.partner_id) return ids.partner_id;
    const prefix = ID_PREFIX[name] ?? name.replace(/_id$/, '').slice(0, 3);
    return `${prefix}_01jd9x0a8q4m7w2k3v5b6c8d9e`;
  });
}
