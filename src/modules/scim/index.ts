/**
 * SCIM 2.0 provisioning (RFC 7643/7644) per organization — a partner or a customer tenant: the
 * organization's identity provider creates, updates, deactivates and deletes its people and groups. Owns scim_connections,
 * scim_users, scim_groups, scim_group_members and scim_requests.
 */
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { SecretHasher } from '../../platform/crypto.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { PartnersService } from '../partners/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { RoleCatalog } from '../authz/index.ts';
import { ScimConnections } from './scim-connections.service.ts';
import { ScimGroups } from './scim-groups.service.ts';
import { ScimPeople } from './scim-people.service.ts';
import { partnerMembers, tenantMembers, type PartnerMembersDeps, type TenantMembersDeps } from './scim-members.ts';

export { registerScimRoutes, SCIM_BASE_PATH } from './scim.routes.ts';
export { scimAdminRoutes } from './scim-admin.routes.ts';
export { scimErrors } from './scim.errors.ts';
export { SCIM_TOKEN_PREFIX, ScimConnections } from './scim-connections.service.ts';
export { ScimGroups, ScimPeople };

export interface ScimDeps {
  db: Db;
  feed: ChangeFeed;
  audit: AuditLog;
  clock: Clock;
  hasher: SecretHasher;
  identity: IdentityService;
  partners: PartnersService;
  tenants: TenantsService;
  roles: RoleCatalog;
  partnerOf: PartnerMembersDeps['partnerOf'];
  tenantsOf: TenantMembersDeps['tenantsOf'];
  endActivations: PartnerMembersDeps['endActivations'];
}

/** The module's services, built from the app's. */
export function createScim(d: ScimDeps) {
  const memberships = { partner: partnerMembers(d), tenant: tenantMembers(d) };
  return { connections: new ScimConnections(d), people: new ScimPeople({ ...d, memberships }), groups: new ScimGroups({ ...d, memberships }) };
}
