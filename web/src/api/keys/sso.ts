import type { SsoOrg } from '../sso.ts';

export const ssoKeys = {
  all: ['sso'] as const,
  of: (o: SsoOrg) => ['sso', o.kind, o.id] as const,
  operator: (o: SsoOrg) => ['sso', 'operator', o.kind, o.id] as const,
};
