/**
 * Row shapes of customers: tenants, their members and their billing accounts (modules/tenants).
 * Conventions: schema.ts.
 */
import type { Generated } from 'kysely';

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended' | 'closed';
  tier: string;
  referred_by_partner_id: string | null;
  /** the code a tenant gives out so a partner can request a link (0002) */
  invite_code: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** 0090: the default language of the tenant's people; null = their browser's */
  locale: Generated<string | null>;
}

export interface TenantMembersTable {
  tenant_id: string;
  user_id: string;
  role: 'TENANT_ADMIN' | 'TENANT_USER';
  invited_by: string | null;
  created_at: string;
}

export interface BillingAccountsTable {
  id: string;
  tenant_id: string;
  account_number: string;
  name: string;
  status: 'active' | 'closed';
  currency: string;
  created_at: string;
  updated_at: string;
}
