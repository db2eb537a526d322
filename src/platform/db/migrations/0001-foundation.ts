/**
 * Foundation schema: identities, sessions, tenants, billing accounts, partners, members,
 * invitations, the role and permission catalogs, the audit log and the change feed.
 */
import { sql } from 'kysely';
import { autoIncrementPk, type MigrationContext, type PartnergateMigration } from '../migration-helpers.ts';

const PERMISSIONS: [string, string][] = [
  // platform (operator)
  ['platform.tenants.manage', 'Create tenants, change their status'],
  ['platform.partners.manage', 'Approve, suspend, reactivate and terminate partners'],
  ['platform.users.manage', 'List users, disable and enable them'],
  ['platform.audit.read', 'Read the whole audit log'],
  ['platform.delegations.manage', 'See every delegation and revoke any'],
  // tenant administration plane
  ['tenant.read', 'See the tenant profile'],
  ['tenant.update', 'Change the tenant profile'],
  ['tenant.members.read', 'See tenant members'],
  ['tenant.members.manage', 'Invite and remove tenant members, change their roles'],
  ['tenant.billing_accounts.read', 'See billing accounts'],
  ['tenant.billing_accounts.manage', 'Create, rename and close billing accounts'],
  ['tenant.audit.read', 'Read the audit events about the tenant'],
  ['tenant.delegations.read', 'See partner delegations of the tenant'],
  ['tenant.delegations.manage', 'Approve, reject, edit and revoke partner delegations'],
  ['tenant.agencies.manage', 'Manage agencies and their embedded-form tokens'],
  // partner organization (the partner permission matrix)
  ['partner.profile.read', 'View partner organization details (canViewPartner)'],
  ['partner.profile.update', 'Update name, contact info, branding (canEditPartner)'],
  ['partner.members.read', 'See partner organization members'],
  ['partner.members.manage', 'Invite, remove members and change roles (canManagePartnerUsers)'],
  ['partner.agreements.read', 'View the current agreement (canViewAgreement)'],
  ['partner.agreements.history.read', 'See all agreement versions (canViewAgreementHistory)'],
  ['partner.agreements.sign', 'Digitally sign agreements (canSignAgreement)'],
  ['partner.agreements.approve', 'Approve signed agreements (operator)'],
  ['partner.referrals.read', 'See referrals from own codes (canViewReferrals)'],
  ['partner.referrals.read_all', 'See referrals from all codes (canViewAllReferrals)'],
  ['partner.referral_codes.create', 'Generate referral codes (canCreateReferralCodes)'],
  ['partner.referral_codes.manage', 'Activate and deactivate referral codes'],
  ['partner.earnings.read', 'See summary earnings (canViewEarnings)'],
  ['partner.earnings.read_all', 'See line-item earnings (canViewAllEarnings)'],
  ['partner.earnings.export', 'Export earnings reports (canExportEarnings)'],
  ['partner.audit.read', "Read the partner's audit events"],
  ['partner.apps.read', 'See the partner OAuth apps'],
  ['partner.apps.manage', 'Register, edit, rotate and delete OAuth apps'],
  ['partner.customers.read', 'See the customers the partner has delegated access to'],
  ['partner.delegations.manage', 'Request, renew and relinquish delegations'],
  // resource APIs (gateway; the customer data categories)
  ['billing.accounts.read', 'See billing accounts (BANs)'],
  ['billing.invoices.read', 'Read invoices'],
  ['billing.invoices.export', 'Export invoices'],
  ['billing.summary.read', 'Read receivables and revenue summaries'],
  ['orders.read', 'Read orders'],
  ['orders.create', 'Place orders'],
  ['orders.cancel', 'Cancel orders'],
  ['services.read', 'Read provisioned services'],
  ['services.manage', 'Provision and change services'],
  ['support.tickets.read', 'Read support tickets'],
  ['support.tickets.create', 'Open support tickets'],
  ['support.tickets.update', 'Update support tickets'],
  ['reports.usage.read', 'Read usage records and reports'],
  ['reports.sla.read', 'Read SLA records and compliance'],
  ['alerts.sla.read', 'Read SLA breach alerts'],
  ['alerts.billing.read', 'Read billing threshold alerts'],
  ['vouchers.read', 'Look up vouchers'],
  ['vouchers.issue', 'Issue vouchers'],
];

const RESOURCE_ALL = ['billing.*', 'orders.*', 'services.*', 'support.*', 'reports.*', 'alerts.*', 'vouchers.*'];
const RESOURCE_READ = [
  'billing.accounts.read',
  'billing.invoices.read',
  'billing.summary.read',
  'orders.read',
  'services.read',
  'support.tickets.read',
  'reports.usage.read',
  'reports.sla.read',
  'alerts.sla.read',
  'alerts.billing.read',
  'vouchers.read',
];

const ROLES: [string, 'platform' | 'partner' | 'tenant', string, string, string[]][] = [
  [
    'SUPER_ADMIN',
    'platform',
    'Super admin',
    'Full platform access across all partners and tenants; approves agreements but does not sign them.',
    [
      'platform.*',
      'tenant.*',
      'partner.profile.*',
      'partner.members.*',
      'partner.agreements.read',
      'partner.agreements.history.read',
      'partner.agreements.approve',
      'partner.referrals.*',
      'partner.referral_codes.*',
      'partner.earnings.*',
      'partner.audit.read',
      'partner.apps.*',
      'partner.customers.read',
    ],
  ],
  [
    'PARTNER_OWNER',
    'partner',
    'Partner owner',
    'Full control within the partner organization.',
    [
      'partner.profile.read',
      'partner.profile.update',
      'partner.members.read',
      'partner.members.manage',
      'partner.agreements.read',
      'partner.agreements.history.read',
      'partner.agreements.sign',
      'partner.referrals.read',
      'partner.referrals.read_all',
      'partner.referral_codes.create',
      'partner.referral_codes.manage',
      'partner.earnings.read',
      'partner.earnings.read_all',
      'partner.earnings.export',
      'partner.audit.read',
      'partner.apps.read',
      'partner.apps.manage',
      'partner.customers.read',
      'partner.delegations.manage',
    ],
  ],
  [
    'PARTNER_STAFF',
    'partner',
    'Partner staff',
    'Limited operational access within the partner organization.',
    [
      'partner.profile.read',
      'partner.agreements.read',
      'partner.referrals.read',
      'partner.referral_codes.create',
      'partner.earnings.read',
      'partner.apps.read',
      'partner.customers.read',
    ],
  ],
  [
    'TENANT_ADMIN',
    'tenant',
    'Tenant admin',
    'Administers the tenant: members, billing accounts, partner access, agencies; full use of its resources.',
    ['tenant.*', ...RESOURCE_ALL],
  ],
  [
    'TENANT_USER',
    'tenant',
    'Tenant user',
    'Uses the tenant resources; reads but does not administer.',
    ['tenant.read', 'tenant.billing_accounts.read', ...RESOURCE_READ, 'orders.create', 'support.tickets.create', 'support.tickets.update'],
  ],
];

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up(ctx) {
    await createIdentityTables(ctx);
    await createPartnerAndTenantTables(ctx);
    await createMembershipTables(ctx);
    await createCatalogAndAuditTables(ctx);
    await seedRoleCatalog(ctx);
  },
};

/** People: users, their sessions and personal API tokens. */
async function createIdentityTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','disabled','invited')`))
    .addColumn('platform_role', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .addUniqueConstraint('users_email_key', ['email'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addUniqueConstraint('api_tokens_token_hash_key', ['token_hash'])
    .execute();
  await db.schema.createIndex('api_tokens_user_id_idx').on('api_tokens').column('user_id').execute();
}

/** Partners, tenants and tenant members. */
async function createPartnerAndTenantTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('partners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('website', 'text')
    .addColumn('contact_email', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('applied','active','suspended','terminated','rejected')`),
    )
    .addColumn('capabilities', 'text', (c) => c.notNull())
    .addColumn('requested_capabilities', 'text', (c) => c.notNull())
    .addColumn('feature_toggles', 'text', (c) => c.notNull())
    .addColumn('home_tenant_id', 'text')
    .addColumn('status_reason', 'text')
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('partners_slug_key', ['slug'])
    .execute();

  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','suspended','closed')`))
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('referred_by_partner_id', 'text', (c) => c.references('partners.id'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('tenants_slug_key', ['slug'])
    .execute();

  await db.schema
    .createTable('tenant_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('TENANT_ADMIN','TENANT_USER')`))
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tenant_members_pkey', ['tenant_id', 'user_id'])
    .execute();
  await db.schema.createIndex('tenant_members_user_id_idx').on('tenant_members').column('user_id').execute();
}

/** Billing accounts, partner members and invitations. */
async function createMembershipTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('billing_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('account_number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','closed')`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('billing_accounts_account_number_key', ['account_number'])
    .execute();
  await db.schema.createIndex('billing_accounts_tenant_id_idx').on('billing_accounts').column('tenant_id').execute();

  await db.schema
    .createTable('partner_members')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('PARTNER_OWNER','PARTNER_STAFF')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','inactive')`))
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('partner_members_pkey', ['partner_id', 'user_id'])
    // A person belongs to at most one partner organization (a user id appears in one partner membership at most).
    .addUniqueConstraint('partner_members_user_id_key', ['user_id'])
    .execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('scope_type', 'text', (c) => c.notNull().check(sql`scope_type in ('tenant','partner')`))
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('revoked_at', 'text')
    .addUniqueConstraint('invitations_token_hash_key', ['token_hash'])
    .execute();
  await db.schema.createIndex('invitations_scope_idx').on('invitations').columns(['scope_type', 'scope_id']).execute();
}

/** The permission and role catalog, the audit log and the change feed. */
async function createCatalogAndAuditTables({ db, dialect }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('permissions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('catalog', 'text', (c) => c.notNull().check(sql`catalog in ('platform','partner','tenant','delegation')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('grants', 'text', (c) => c.notNull())
    .execute();

  let audit = db.schema.createTable('audit_events');
  audit = autoIncrementPk(audit, dialect, 'seq');
  await audit
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_partner_id', 'text')
    .addColumn('actor_client_id', 'text')
    .addColumn('partner_agency_id', 'text')
    .addColumn('tenant_id', 'text')
    .addColumn('partner_id', 'text')
    .addColumn('ban', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_events_id_key', ['id'])
    .execute();
  await db.schema.createIndex('audit_events_tenant_idx').on('audit_events').columns(['tenant_id', 'seq']).execute();
  await db.schema.createIndex('audit_events_partner_idx').on('audit_events').columns(['partner_id', 'seq']).execute();
  await db.schema
    .createIndex('audit_events_actor_partner_idx')
    .on('audit_events')
    .columns(['actor_partner_id', 'seq'])
    .execute();
  await db.schema.createIndex('audit_events_action_idx').on('audit_events').columns(['action', 'seq']).execute();

  let changes = db.schema.createTable('change_events');
  changes = autoIncrementPk(changes, dialect, 'id');
  await changes
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

/** The built-in permissions and roles. */
async function seedRoleCatalog({ db }: MigrationContext): Promise<void> {
  await db
    .insertInto('permissions')
    .values(PERMISSIONS.map(([name, description]) => ({ name, description })))
    .execute();
  await db
    .insertInto('roles')
    .values(
      ROLES.map(([id, catalog, name, description, grants]) => ({
        id,
        catalog,
        name,
        description,
        grants: JSON.stringify(grants),
      })),
    )
    .execute();
}
