/**
 * Row shapes of every table, for Kysely's typing. Conventions shared by both dialects:
 * ids are prefixed text, times are ISO-8601 UTC text (sortable), JSON is text, flags are
 * status strings, autoincrement keys are numbers.
 *
 * Each table's row shape lives in schema/<area>.ts, by the module that owns the table; this file
 * re-exports every one and assembles Database, so imports of schema.ts stay as they were.
 */
import type { UsersTable, SessionsTable, ApiTokensTable, InvitationsTable, MfaTotpTable, MfaRecoveryCodesTable, MfaPasskeysTable, AuthChallengesTable, PasswordResetsTable, MfaPoliciesTable } from './schema/identity.ts';
import type { TenantsTable, TenantMembersTable, BillingAccountsTable } from './schema/tenants.ts';
import type { PartnersTable, PartnerMembersTable, PartnerConfigVersionsTable, FeatureCatalogTable, PartnerUsageTable } from './schema/partners.ts';
import type { RolesTable, PermissionsTable } from './schema/authz.ts';
import type { AuditEventsTable, AuditHeadTable, ChangeEventsTable } from './schema/audit.ts';
import type { DelegationsTable, DelegationJitSettingsTable, DelegationActivationsTable, DelegationNoticesTable, DelegationRelationshipsTable } from './schema/delegations.ts';
import type { OrdersTable, ProvisionedServicesTable, InvoicesTable, SupportTicketsTable, UsageRecordsTable, SlaRecordsTable, ExportJobsTable, ExportFileChunksTable } from './schema/resources.ts';
import type { PartnerAgenciesTable, PartnerTokensTable, VouchersTable } from './schema/agencies.ts';
import type { AppsTable, OAuthStoreTable, OAuthConsentsTable, OAuthSigningKeysTable, OAuthRevokedTokensTable } from './schema/apps.ts';
import type { ReferralCodesTable, ReferralAttributionsTable, ProgramAgreementsTable, ProgramEarningsTable, ProgramEarningInvoicesTable, ProgramPayoutsTable } from './schema/program.ts';
import type { LinkCommitmentsTable, PartnerAlertsTable } from './schema/alerts.ts';
import type { MailOutboxTable, DomainEventsTable, WebhookEndpointsTable, WebhookDeliveriesTable, WebhookAttemptsTable, NotificationsTable, NotificationPreferencesTable, MailMessagesTable } from './schema/notifications.ts';
import type { ScimConnectionsTable, ScimUsersTable, ScimGroupsTable, ScimGroupMembersTable, ScimRequestsTable } from './schema/scim.ts';
import type { PlansTable, PartnerPlansTable, CustomerAccountsTable, KycCasesTable, KycDocumentsTable, SubscriptionsTable } from './schema/plans.ts';
import type { OrganizationDomainsTable } from './schema/domains.ts';
import type { SsoConnectionsTable, SsoRoleMappingsTable, SsoIdentitiesTable, SsoFlowsTable } from './schema/sso.ts';
import type { DataSourcesTable, SyncRecordsTable, SyncKindStateTable, SyncTenantStateTable, SyncHeldLinesTable, SyncBatchesTable } from './schema/datasources.ts';

export type * from './schema/identity.ts';
export type * from './schema/tenants.ts';
export type * from './schema/partners.ts';
export type * from './schema/authz.ts';
export type * from './schema/audit.ts';
export type * from './schema/delegations.ts';
export type * from './schema/resources.ts';
export type * from './schema/agencies.ts';
export type * from './schema/apps.ts';
export type * from './schema/program.ts';
export type * from './schema/alerts.ts';
export type * from './schema/notifications.ts';
export type * from './schema/plans.ts';
export type * from './schema/domains.ts';
export type * from './schema/scim.ts';
export type * from './schema/sso.ts';
export type * from './schema/datasources.ts';

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  tenants: TenantsTable;
  tenant_members: TenantMembersTable;
  billing_accounts: BillingAccountsTable;
  partners: PartnersTable;
  partner_config_versions: PartnerConfigVersionsTable;
  feature_catalog: FeatureCatalogTable;
  partner_usage: PartnerUsageTable;
  partner_members: PartnerMembersTable;
  invitations: InvitationsTable;
  roles: RolesTable;
  permissions: PermissionsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  change_events: ChangeEventsTable;
  delegations: DelegationsTable;
  apps: AppsTable;
  oauth_store: OAuthStoreTable;
  oauth_consents: OAuthConsentsTable;
  oauth_signing_keys: OAuthSigningKeysTable;
  oauth_revoked_tokens: OAuthRevokedTokensTable;
  orders: OrdersTable;
  provisioned_services: ProvisionedServicesTable;
  invoices: InvoicesTable;
  support_tickets: SupportTicketsTable;
  usage_records: UsageRecordsTable;
  sla_records: SlaRecordsTable;
  partner_agencies: PartnerAgenciesTable;
  partner_tokens: PartnerTokensTable;
  vouchers: VouchersTable;
  referral_codes: ReferralCodesTable;
  referral_attributions: ReferralAttributionsTable;
  program_agreements: ProgramAgreementsTable;
  program_earnings: ProgramEarningsTable;
  program_earning_invoices: ProgramEarningInvoicesTable;
  program_payouts: ProgramPayoutsTable;
  link_commitments: LinkCommitmentsTable;
  partner_alerts: PartnerAlertsTable;
  export_jobs: ExportJobsTable;
  export_file_chunks: ExportFileChunksTable;
  mail_outbox: MailOutboxTable;
  domain_events: DomainEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  mail_messages: MailMessagesTable;
  plans: PlansTable;
  partner_plans: PartnerPlansTable;
  customer_accounts: CustomerAccountsTable;
  kyc_cases: KycCasesTable;
  kyc_documents: KycDocumentsTable;
  subscriptions: SubscriptionsTable;
  organization_domains: OrganizationDomainsTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_passkeys: MfaPasskeysTable;
  auth_challenges: AuthChallengesTable;
  password_resets: PasswordResetsTable;
  mfa_policies: MfaPoliciesTable;
  delegation_jit_settings: DelegationJitSettingsTable;
  delegation_relationships: DelegationRelationshipsTable;
  delegation_activations: DelegationActivationsTable;
  delegation_notices: DelegationNoticesTable;
  scim_connections: ScimConnectionsTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
  scim_requests: ScimRequestsTable;
  sso_connections: SsoConnectionsTable;
  sso_role_mappings: SsoRoleMappingsTable;
  sso_identities: SsoIdentitiesTable;
  sso_flows: SsoFlowsTable;
  data_sources: DataSourcesTable;
  sync_records: SyncRecordsTable;
  sync_kind_state: SyncKindStateTable;
  sync_tenant_state: SyncTenantStateTable;
  sync_held_lines: SyncHeldLinesTable;
  sync_batches: SyncBatchesTable;
}
