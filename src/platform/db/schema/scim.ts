/**
 * Row shapes of SCIM 2.0 provisioning (modules/scim): connections (token as a keyed hash), the
 * people and groups an organization's directory provisions, and its recent requests. Conventions: schema.ts.
 */
import type { Generated } from 'kysely';

export type ScimOrgType = 'partner' | 'tenant';

export interface ScimConnectionsTable {
  id: string;
  org_type: ScimOrgType;
  org_id: string;
  /** keyed hash of the bearer token (SecretHasher); null once switched off */
  token_hash: string | null;
  token_prefix: string | null;
  status: 'on' | 'off';
  created_at: string;
  created_by: string | null;
  token_created_at: string | null;
  last_used_at: string | null;
  switched_off_at: string | null;
  switched_off_by: string | null;
}

export interface ScimUsersTable {
  org_type: ScimOrgType;
  org_id: string;
  user_id: string;
  external_id: string | null;
  user_name: string;
  given_name: string | null;
  family_name: string | null;
  /** 1 active, 0 deactivated by the directory */
  active: Generated<number>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface ScimGroupsTable {
  id: string;
  org_type: ScimOrgType;
  org_id: string;
  display_name: string;
  external_id: string | null;
  /** the member role the group's members get (partner_msp_full, …); null: none */
  member_role: string | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface ScimGroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface ScimRequestsTable {
  id: Generated<number>;
  org_type: ScimOrgType;
  org_id: string;
  method: string;
  path: string;
  status: number;
  result: string;
  at: string;
}
