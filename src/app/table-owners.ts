/**
 * Which module owns each table (the table-ownership test reads this): only the owner's repository
 * queries the table; every other module asks the owner through its index.ts. 'platform' owns the
 * platform's own change feed. Logto keeps its SQL in packages/core/src/queries/, one file per
 * table, and its cross-table logic in libraries/ — READERS below are our libraries.
 */
export const TABLE_OWNERS: Readonly<Record<string, string>> = {
  // people, their sign-in and second factors
  users: 'identity',
  sessions: 'identity',
  api_tokens: 'identity',
  invitations: 'identity', // an invitation makes a person a member of a tenant or a partner: identity sends and accepts it
  mfa_totp: 'identity',
  mfa_recovery_codes: 'identity',
  mfa_passkeys: 'identity',
  auth_challenges: 'identity',
  password_resets: 'identity',
  mfa_policies: 'identity', // an organization's second-factor rule, enforced at sign-in
  // customers
  tenants: 'tenants',
  tenant_members: 'tenants',
  billing_accounts: 'tenants', // a tenant's BANs; data sources write them through the tenants module
  // partners and their configuration
  partners: 'partners',
  partner_members: 'partners',
  partner_config_versions: 'partners',
  feature_catalog: 'partners',
  platform_texts: 'languages', // the operator's own words per language on the sign-in and consent pages // the operator edits it in the partner configuration manager; authz reads it for the snapshot
  partner_usage: 'partners',
  partner_brands: 'branding', // a partner's look, shown to its people and (where allowed) its customers
  brand_logos: 'branding',
  roles: 'authz',
  permissions: 'authz',
  audit_events: 'audit',
  audit_head: 'audit',
  change_events: 'platform', // the change feed (src/platform/events) every instance's snapshot follows
  schema_migration_phases: 'platform', // the phase (expand, contract) each applied migration ran in: src/platform/db/migrate.ts
  delegations: 'delegations',
  delegation_jit_settings: 'delegations',
  delegation_activations: 'delegations',
  delegation_notices: 'delegations',
  delegation_relationships: 'delegations',
  delegation_limits: 'delegations', // a customer's own limits on a link; read into the decision snapshot
  // the provider's records (the reference resource service); data sources write them through the resources module
  orders: 'resources',
  provisioned_services: 'resources',
  subscribers: 'resources', // the provider's end customers under a customer, synced like its other records
  invoices: 'resources',
  invoice_totals: 'resources',
  partner_total_members: 'resources',
  ticket_totals: 'resources',
  partner_month_totals: 'resources',
  partner_total_state: 'resources',
  support_tickets: 'resources',
  usage_records: 'resources',
  sla_records: 'resources',
  export_jobs: 'resources',
  export_file_chunks: 'resources',
  partner_agencies: 'agencies',
  partner_tokens: 'agencies',
  vouchers: 'vouchers',
  apps: 'apps',
  oauth_store: 'oauth',
  oauth_consents: 'oauth',
  ciba_requests: 'oauth', // a partner app's backchannel (CIBA) consent request, until a customer admin decides
  oauth_signing_keys: 'oauth',
  oauth_revoked_tokens: 'oauth',
  referral_codes: 'program',
  referral_attributions: 'program',
  program_agreements: 'program',
  program_earnings: 'program',
  program_earning_invoices: 'program',
  program_payouts: 'program',
  link_commitments: 'alerts',
  partner_alerts: 'alerts',
  mail_outbox: 'notifications',
  mail_messages: 'notifications',
  domain_events: 'notifications', // the outbox of events for webhooks, bell and e-mail
  webhook_endpoints: 'notifications',
  webhook_deliveries: 'notifications',
  webhook_attempts: 'notifications',
  notifications: 'notifications',
  notification_preferences: 'notifications',
  scim_connections: 'scim',
  scim_users: 'scim',
  scim_groups: 'scim',
  scim_group_members: 'scim',
  scim_requests: 'scim',
  plans: 'plans',
  partner_plans: 'plans',
  customer_accounts: 'plans',
  kyc_cases: 'plans',
  kyc_documents: 'plans',
  subscriptions: 'plans',
  organization_domains: 'domains',
  sso_connections: 'sso',
  sso_role_mappings: 'sso',
  sso_identities: 'sso',
  sso_flows: 'sso',
  sso_sessions: 'sso',
  sso_logout_tokens: 'sso',
  data_sources: 'datasources',
  sync_records: 'datasources',
  sync_kind_state: 'datasources',
  sync_tenant_state: 'datasources',
  sync_held_lines: 'datasources',
  sync_batches: 'datasources',
  record_write_routes: 'datasources',
  stripe_sources: 'datafeeds',
  stripe_customers: 'datafeeds',
  stripe_objects: 'datafeeds',
  stripe_events: 'datafeeds',
  ssf_streams: 'ssf',
  ssf_deliveries: 'ssf',
  cross_tenant_token_policies: 'tokenpolicy',
  purposes: 'purposes', // the purpose catalog the operator keeps; consent, links and the gateway name its ids
  gateway_route_purposes: 'purposes',
  access_templates: 'accessrequests',
  access_requests: 'accessrequests',
  access_request_approvals: 'accessrequests',
  access_approval_policies: 'accessrequests',
  audit_stream_destinations: 'auditstream',
  audit_retention: 'audit', // the sweep deletes audit events and keeps its checkpoint with them
  audit_tombstones: 'audit',
};

/** An owner's repository under another name than *.repo.ts (file → why). */
export const STORE_FILES: Readonly<Record<string, string>> = {
  'src/platform/events/change-feed.ts': 'the change feed is the platform’s; this file is its store',
  'src/modules/oauth/oauth-store.ts': 'the oidc-provider adapter is the store of oauth_store',
  'src/modules/oauth/signing-keys.ts': 'the signing key ring’s store',
  'src/modules/oauth/revoked-tokens.ts': 'the revocation list’s store',
  'src/modules/notifications/mail-outbox.ts': 'the mail outbox’s store',
  'src/modules/sso/sso-flows.ts': 'the single sign-on flows’ store',
  'src/modules/partners/partner-usage.ts': 'the partner usage counters’ store',
  'src/modules/agencies/agency-token-index.ts': 'the agency token index’s store',
  'src/modules/audit/audit-seal.ts': 'the audit chain’s sealing store (batched hash-chain writes)',
};

/**
 * Cross-table read models (Logto's libraries/): each reads, never writes, exactly the tables listed,
 * because what it builds spans modules and the module that reads it may not depend on their owners.
 */
export const READERS: readonly { file: string; tables: readonly string[]; why: string }[] = [
  {
    file: 'src/modules/identity/locale-reads.ts',
    tables: ['partner_members', 'partners', 'tenant_members', 'tenants', 'users'],
    why: "a reader's language is their own choice, else their organization's default: pages, e-mails and notices ask identity, which tenants and partners depend on",
  },
  {
    file: 'src/modules/audit/audit-names.ts',
    tables: ['apps', 'delegations', 'invitations', 'orders', 'partner_agencies', 'partners', 'program_agreements', 'support_tickets', 'tenants', 'users', 'vouchers'],
    why: "the audit log's readers see names, not ids; audit depends only on the platform, so it cannot ask the owners",
  },
  {
    file: 'src/modules/delegations/delegation-views.ts',
    tables: ['billing_accounts', 'delegation_activations', 'delegations', 'partners', 'tenants', 'users'],
    why: "delegations shown with both parties' names (lists, detail pages, the activations page, a wholesaler's customers): one query per page joins the owners' names, where asking each owner in turn would add a round trip per page",
  },
  {
    file: 'src/modules/apps/client-records.ts',
    tables: ['apps', 'billing_accounts', 'partners'],
    why: "the authorization server's client record (the app, its partner, the partner's own billing account) is one compiled query on every token request; asking the owners in turn would add two round trips to the token path",
  },
  {
    file: 'src/modules/notifications/event-names.ts',
    tables: ['delegations', 'partners', 'roles', 'tenants', 'users'],
    why: "a delegation event's payload (the delegation, its role's name, both parties' names, the actor's name) is one statement inside every delegation write's transaction; asking the five owners in turn made five round trips",
  },
  {
    file: 'src/modules/alerts/alert-reads.ts',
    tables: ['invoices', 'partner_alerts', 'partner_members', 'partners', 'sla_records', 'tenants', 'users'],
    why: "resources depends on alerts (its MSP views show the alerts that hold), so alerts reads the SLA records and open invoices it evaluates; the inbox page joins each alert's tenant name, and the people it names come with their partner, in one query each",
  },
  {
    file: 'src/modules/datasources/held-line-reads.ts',
    tables: ['billing_accounts', 'sync_held_lines'],
    why: "which held lines' missing billing accounts exist now is one query per retry pass (an EXISTS over billing accounts); asking the tenants module would mean reading every held line's key first",
  },
  {
    file: 'src/modules/program/program-reads.ts',
    tables: ['invoices', 'partners', 'program_earning_invoices', 'program_earnings', 'program_payouts', 'referral_attributions', 'referral_codes', 'tenants', 'users'],
    why: "the partner program's pages (codes with their creator, referred customers filtered and sorted by name, earnings and payouts with both parties named, the funnel's paying customers) and the refund sweep over the few unpaid invoices are each one query, paged and sorted in the database; asking the owners in turn would page in memory or add a round trip per row",
  },
  {
    file: 'src/modules/resources/assignee-reads.ts',
    tables: ['delegations', 'partner_members', 'tenant_members', 'users'],
    why: "whether a person may be a ticket's assignee (an active member of the tenant or of a partner acting on it) is two queries side by side joining the people's status; asking the tenants, partners, identity and delegations modules in turn would chain four",
  },
  {
    file: 'src/modules/resources/invoice-export-reads.ts',
    tables: ['billing_accounts', 'invoices'],
    why: "the invoice export searches as the invoice list does, by the invoice's number or its billing account's number or name, in the one statement that counts or pages a customer's invoices, and names each page's accounts in one query",
  },
  {
    file: 'src/modules/resources/resource-lists.ts',
    tables: ['billing_accounts', 'tenants'],
    why: "every list of customer data (orders, services, invoices, tickets, usage, SLA) is searched and sorted by the customer's name, and invoices by their account's number: one query per page joins the tenant and the billing account to the page's rows of the resources' own tables",
  },
  {
    file: 'src/modules/identity/membership-reads.ts',
    tables: ['partner_members', 'partners', 'tenant_members', 'tenants'],
    why: "a user's memberships with their organizations' names are one compiled statement on every API request the database authenticates; tenants and partners depend on identity, so identity cannot ask them",
  },
  {
    file: 'src/modules/identity/organization-names.ts',
    tables: ['partners', 'tenants'],
    why: "an invitation names its tenant or partner and the operator's second-factor page its partners; tenants and partners depend on identity, so identity cannot ask them",
  },
  {
    file: 'src/modules/tenants/member-reads.ts',
    tables: ['tenant_members', 'users'],
    why: "a tenant's people page lists its members by e-mail with their names and status, and an invitation finds a member by e-mail: one query each, sorted and matched in the database, where asking identity for each page's people would add a round trip and sort in memory",
  },
  {
    file: 'src/modules/partners/people-reads.ts',
    tables: ['partner_config_versions', 'partner_members', 'partners', 'users'],
    why: "an operator-made partner's owner is refused when the address already belongs to a partner (named), a partner's people page lists its members by e-mail with their names and status, an invitation finds a member by e-mail, and the configuration's history names who made each change: one query each, sorted, matched or paged in the database, where asking identity for each page's people would add a round trip and sort in memory",
  },
  {
    file: 'src/modules/oauth/grant-reads.ts',
    tables: ['apps', 'delegations', 'oauth_consents', 'partner_members', 'partners', 'tenants', 'users'],
    why: "whether a grant stands and what its tokens claim is read on every refresh: a consent's grant with its delegation, tenant status and consenting user is one compiled statement, a member grant's user, membership, partner and app one more; asking the delegations, tenants, identity, partners and apps modules in turn would add round trips to the token path",
  },
  {
    file: 'src/modules/delegations/connected-apps.ts',
    tables: ['apps', 'delegations', 'partners', 'users'],
    why: "a tenant's connected apps page lists its consent delegations with each app, partner and approver named, in one query; apps depends on delegations, so delegations cannot ask it, and asking partners and identity per page would add round trips",
  },
  {
    file: 'src/modules/delegations/waiting-requests.ts',
    tables: ['delegations', 'tenant_members', 'tenants'],
    why: "the bell counts the link requests waiting for each tenant a person administers, with the tenant's name, in one query grouped by tenant; asking the tenants module for the person's tenants first would add a round trip to every count",
  },
  {
    file: 'src/modules/notifications/program-names.ts',
    tables: ['program_agreements', 'referral_codes'],
    why: "the partner program's events name the referral code's label and the agreement's title, read in the transaction of the change; program depends on notifications (its changes emit events there), so the outbox cannot ask it",
  },
  {
    file: 'src/modules/authz/feature-catalog.ts',
    tables: ['feature_catalog'],
    why: "the feature catalog's defaults in the decision snapshot; partners depends on authz",
  },
  {
    file: 'src/modules/authz/jit-loader.ts',
    tables: ['delegation_activations', 'delegation_jit_settings'],
    why: "just-in-time activations in the decision snapshot; delegations depends on authz",
  },
  {
    file: 'src/modules/authz/link-limits-loader.ts',
    tables: ['delegation_limits'],
    why: "a customer's own limits on its links (addresses, hours) in the decision snapshot; delegations depends on authz",
  },
  {
    file: 'src/modules/authz/snapshot-loader.ts',
    tables: ['billing_accounts', 'delegations', 'mfa_policies', 'partner_members', 'partners', 'roles', 'tenant_members', 'tenants', 'users'],
    why: "the decision snapshot (every instance's in-memory copy of who may do what) is loaded and kept current from these rows; the owners depend on authz",
  },
  {
    file: 'src/modules/authz/subscription-suspensions.ts',
    tables: ['plans', 'subscriptions'],
    why: "suspended subscriptions in the decision snapshot; plans depends on authz",
  },
];
