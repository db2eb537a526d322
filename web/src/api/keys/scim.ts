import type { ScimOrg } from '../scim.ts';

export const scimKeys = {
  connection: (org: ScimOrg) => ['scim', 'connection', org.type, org.id] as const,
};
