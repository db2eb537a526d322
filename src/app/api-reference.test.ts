/** Which audience the reference files a route under: a table of routes and the tag they get. */
import { describe, expect, it } from 'vitest';
import { audienceOf } from './api-reference.ts';

const cases: [string, string, Record<string, unknown> | null, string][] = [
  ['GET', '/healthz', null, 'Public'],
  ['POST', '/api/v1/auth/login', { public: true }, 'Public'],
  ['POST', '/api/v1/partner-applications', { public: true }, 'Public'],
  ['GET', '/api/v1/me', null, 'Me'],
  ['GET', '/api/v1/roles', null, 'Me'],
  ['POST', '/api/v1/authz/check', null, 'Me'],
  ['GET', '/api/v1/users', { operator: 'platform.users.manage' }, 'Operator'],
  ['GET', '/api/v1/audit-events', null, 'Operator'],
  ['GET', '/api/v1/delegations', null, 'Operator'],
  ['POST', '/api/v1/tenants', { operator: 'platform.tenants.manage' }, 'Operator'],
  ['POST', '/api/v1/partners/:partner_id/approve', { operator: 'platform.partners.manage' }, 'Operator'],
  ['GET', '/api/v1/tenants', null, 'Tenant'],
  ['GET', '/api/v1/tenants/:tenant_id/connected-apps', null, 'Tenant'],
  ['GET', '/api/v1/partners', null, 'Partner'],
  ['GET', '/api/v1/partners/:partner_id/apps', null, 'Partner'],
  ['GET', '/api/v1/partner/customers', null, 'Partner'],
  ['GET', '/resources/v1/orders', null, 'Gateway'],
  ['GET', '/authz/forward-auth', null, 'Gateway'],
  ['POST', '/access/v1/evaluation', null, 'Gateway'],
  ['GET', '/.well-known/authzen-configuration', null, 'Gateway'],
  ['GET', '/api/v1/oauth/scopes', null, 'OAuth'],
  ['GET', '/oauth/interaction/:uid', null, 'OAuth'],
  ['POST', '/embed/v1/vouchers', null, 'Embed'],
];

describe('audienceOf', () => {
  it.each(cases)('%s %s', (method, url, config, want) => {
    expect(audienceOf({ method, url, config: config as never })).toBe(want);
  });
});
