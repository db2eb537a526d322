/**
 * The portal's pages and sidebar navigation, in one table.
 *
 * To add a page:
 *   1. Write the component in web/src/pages/<Feature>/<Name>Page.tsx (use PageHeader, ErrorAlert and DataTable from
 *      ../../components, useApiQuery / useApiList / useApiMutation from ../../query/query.ts, useApiForm from
 *      ../../query/form.ts, and `api` / `http` from ../../api), and add a `lazy(() => afterCatalog(import(…)))` line for it below.
 *   2. Add one entry to PAGES below:
 *        path     react-router path. `:tenantId` is the active tenant (the switcher fills it in for nav links).
 *        title    the browser tab's title (" · <tenant name>" is added on tenant pages); distinct per page.
 *        element  the page.
 *        allow    who may open it — by permission, combining the predicates of `can` (session/access.ts), e.g.
 *                 can.tenant('tenant.members.manage'), can.partner('partner.audit.read'), can.capability('wholesale').
 *                 Omit: any signed-in user.
 *        nav      to list it in the sidebar: { section: 'operator' | 'partner' | 'tenant' | 'account', label, icon, order }.
 *                 Omit nav for detail pages reached through links.
 *        public   true for pages shown without logging in (and without the sidebar).
 *   Sidebar sections appear only when at least one of their pages is allowed for the user.
 */
import { lazy, type ComponentType, type ReactNode } from 'react';
import type { MessageDescriptor } from 'react-intl';
import { defineMessage } from './i18n/define.ts';
import { afterCatalog } from './i18n/catalogs.ts';
import {
  IconAlertTriangle,
  IconApps,
  IconChartBar,
  IconFileInvoice,
  IconGauge,
  IconLayoutDashboard,
  IconPackage,
  IconClock,
  IconBell,
  IconMail,
  IconWebhook,
  IconWorldWww,
  IconBuilding,
  IconBuildingCommunity,
  IconBuildingStore,
  IconBuildingWarehouse,
  IconCoin,
  IconFileCertificate,
  IconGift,
  IconTag,
  IconUserPlus,
  IconLink,
  IconPlug,
  IconPlugConnected,
  IconTicket,
  IconCreditCard,
  IconDatabaseImport,
  IconReceipt2,
  IconFlag,
  IconFlask,
  IconHistory,
  IconHome,
  IconListDetails,
  IconCloudUpload,
  IconUser,
  IconShieldCheck,
  IconShieldLock,
  IconLanguage,
  IconUsers,
  IconUsersGroup,
  type Icon,
  IconTarget,
  IconPalette,
} from '@tabler/icons-react';
import { can, type Rule } from './session/access.ts';
import { MSP_VIEWS, mspMayUse } from './session/abilities.ts';
import { AgreementNavBadge, ProgramsNavBadge } from './pages/Program/navBadges.tsx';

// Every page is its own chunk, loaded when first opened: the first download holds only the shell. A page outside
// the first screens (the sign-in page and each persona's home, plain `import`) comes with the rest of the reader's
// catalog (`afterCatalog`: the build leaves its messages out of the catalog's first part).
const LoginPage = lazy(() => import('./pages/Login/LoginPage.tsx').then((m) => ({ default: m.LoginPage })));
const ApplyPage = lazy(() => afterCatalog(import('./pages/Apply/ApplyPage.tsx')).then((m) => ({ default: m.ApplyPage })));
const AcceptInvitationPage = lazy(() => afterCatalog(import('./pages/Invite/AcceptInvitationPage.tsx')).then((m) => ({ default: m.AcceptInvitationPage })));
const ForgotPasswordPage = lazy(() => afterCatalog(import('./pages/Login/ForgotPasswordPage.tsx')).then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => afterCatalog(import('./pages/Login/ResetPasswordPage.tsx')).then((m) => ({ default: m.ResetPasswordPage })));
const SecurityPage = lazy(() => afterCatalog(import('./pages/Security/SecurityPage.tsx')).then((m) => ({ default: m.SecurityPage })));
const OperatorTextsPage = lazy(() => afterCatalog(import('./pages/Languages/OperatorTextsPage.tsx')).then((m) => ({ default: m.OperatorTextsPage })));
const OperatorMfaPolicyPage = lazy(() => afterCatalog(import('./pages/Security/OperatorMfaPolicyPage.tsx')).then((m) => ({ default: m.OperatorMfaPolicyPage })));
const AccountPage = lazy(() => import('./pages/Account/AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const TenantsPage = lazy(() => afterCatalog(import('./pages/Operator/TenantsPage.tsx')).then((m) => ({ default: m.TenantsPage })));
const TenantDetailPage = lazy(() => afterCatalog(import('./pages/Operator/TenantDetailPage.tsx')).then((m) => ({ default: m.TenantDetailPage })));
const PartnersPage = lazy(() => afterCatalog(import('./pages/Operator/PartnersPage.tsx')).then((m) => ({ default: m.PartnersPage })));
const NewPartnerPage = lazy(() => afterCatalog(import('./pages/Operator/NewPartnerPage.tsx')).then((m) => ({ default: m.NewPartnerPage })));
const PartnerImportPage = lazy(() => afterCatalog(import('./pages/Operator/PartnerImportPage.tsx')).then((m) => ({ default: m.PartnerImportPage })));
const PartnerBrandPage = lazy(() => afterCatalog(import('./pages/PartnerHome/PartnerBrandPage.tsx')).then((m) => ({ default: m.PartnerBrandPage })));
const PartnerDetailPage = lazy(() => afterCatalog(import('./pages/Operator/PartnerDetailPage.tsx')).then((m) => ({ default: m.PartnerDetailPage })));
const UsersPage = lazy(() => afterCatalog(import('./pages/Operator/UsersPage.tsx')).then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => afterCatalog(import('./pages/Operator/AuditPage.tsx')).then((m) => ({ default: m.AuditPage })));
const PartnerHomePage = lazy(() => import('./pages/PartnerHome/PartnerHomePage.tsx').then((m) => ({ default: m.PartnerHomePage })));
const PartnerMembersPage = lazy(() => afterCatalog(import('./pages/PartnerHome/PartnerMembersPage.tsx')).then((m) => ({ default: m.PartnerMembersPage })));
const PartnerAuditPage = lazy(() => afterCatalog(import('./pages/PartnerHome/PartnerAuditPage.tsx')).then((m) => ({ default: m.PartnerAuditPage })));
const PartnerUsagePage = lazy(() => afterCatalog(import('./pages/PartnerHome/PartnerUsagePage.tsx')).then((m) => ({ default: m.PartnerUsagePage })));
const ProvisioningPage = lazy(() => afterCatalog(import('./pages/Provisioning/ProvisioningPage.tsx')).then((m) => ({ default: m.ProvisioningPage })));
const TenantProvisioningPage = lazy(() => afterCatalog(import('./pages/Provisioning/TenantProvisioningPage.tsx')).then((m) => ({ default: m.TenantProvisioningPage })));
const TenantHomePage = lazy(() => import('./pages/TenantHome/TenantHomePage.tsx').then((m) => ({ default: m.TenantHomePage })));
const TenantMembersPage = lazy(() => afterCatalog(import('./pages/TenantHome/TenantMembersPage.tsx')).then((m) => ({ default: m.TenantMembersPage })));
const TenantBillingPage = lazy(() => afterCatalog(import('./pages/TenantHome/TenantBillingPage.tsx')).then((m) => ({ default: m.TenantBillingPage })));
const TenantAuditPage = lazy(() => afterCatalog(import('./pages/TenantHome/TenantAuditPage.tsx')).then((m) => ({ default: m.TenantAuditPage })));
const AgenciesPage = lazy(() => afterCatalog(import('./pages/Agencies/AgenciesPage.tsx')).then((m) => ({ default: m.AgenciesPage })));
const AgencyDetailPage = lazy(() => afterCatalog(import('./pages/Agencies/AgencyDetailPage.tsx')).then((m) => ({ default: m.AgencyDetailPage })));
const PartnerCustomersPage = lazy(() => afterCatalog(import('./pages/Delegations/PartnerCustomersPage.tsx')).then((m) => ({ default: m.PartnerCustomersPage })));
const TenantAccessReviewPage = lazy(() => afterCatalog(import('./pages/AccessReview/TenantAccessReviewPage.tsx')).then((m) => ({ default: m.TenantAccessReviewPage })));
const TenantPartnersPage = lazy(() => afterCatalog(import('./pages/Delegations/TenantPartnersPage.tsx')).then((m) => ({ default: m.TenantPartnersPage })));
const TenantPartnerLinkPage = lazy(() => afterCatalog(import('./pages/Delegations/TenantPartnerLinkPage.tsx')).then((m) => ({ default: m.TenantPartnerLinkPage })));
const OperatorDelegationsPage = lazy(() => afterCatalog(import('./pages/Delegations/OperatorDelegationsPage.tsx')).then((m) => ({ default: m.OperatorDelegationsPage })));
const PartnerAppsPage = lazy(() => afterCatalog(import('./pages/Apps/PartnerAppsPage.tsx')).then((m) => ({ default: m.PartnerAppsPage })));
const AppSecurityEventsPage = lazy(() => afterCatalog(import('./pages/Apps/AppSecurityEventsPage.tsx')).then((m) => ({ default: m.AppSecurityEventsPage })));
const ResoldTenantsPage = lazy(() => afterCatalog(import('./pages/Apps/ResoldTenantsPage.tsx')).then((m) => ({ default: m.ResoldTenantsPage })));
const SignupPage = lazy(() => afterCatalog(import('./pages/Signup/SignupPage.tsx')).then((m) => ({ default: m.SignupPage })));
const ProgramHomePage = lazy(() => afterCatalog(import('./pages/Program/ProgramHomePage.tsx')).then((m) => ({ default: m.ProgramHomePage })));
const ProgramCodesPage = lazy(() => afterCatalog(import('./pages/Program/ProgramCodesPage.tsx')).then((m) => ({ default: m.ProgramCodesPage })));
const ProgramReferralsPage = lazy(() => afterCatalog(import('./pages/Program/ProgramReferralsPage.tsx')).then((m) => ({ default: m.ProgramReferralsPage })));
const ProgramEarningsPage = lazy(() => afterCatalog(import('./pages/Program/ProgramEarningsPage.tsx')).then((m) => ({ default: m.ProgramEarningsPage })));
const ProgramAgreementPage = lazy(() => afterCatalog(import('./pages/Program/ProgramAgreementPage.tsx')).then((m) => ({ default: m.ProgramAgreementPage })));
const OperatorProgramPage = lazy(() => afterCatalog(import('./pages/Program/OperatorProgramPage.tsx')).then((m) => ({ default: m.OperatorProgramPage })));
const MspDashboardPage = lazy(() => afterCatalog(import('./pages/Msp/MspDashboardPage.tsx')).then((m) => ({ default: m.MspDashboardPage })));
const CustomerDetailPage = lazy(() => afterCatalog(import('./pages/Msp/CustomerDetailPage.tsx')).then((m) => ({ default: m.CustomerDetailPage })));
const MspInvoicesPage = lazy(() => afterCatalog(import('./pages/Msp/MspInvoicesPage.tsx')).then((m) => ({ default: m.MspInvoicesPage })));
const MspTicketsPage = lazy(() => afterCatalog(import('./pages/Msp/MspTicketsPage.tsx')).then((m) => ({ default: m.MspTicketsPage })));
const MspReportsPage = lazy(() => afterCatalog(import('./pages/Msp/MspReportsPage.tsx')).then((m) => ({ default: m.MspReportsPage })));
const MspAlertsPage = lazy(() => afterCatalog(import('./pages/Msp/MspAlertsPage.tsx')).then((m) => ({ default: m.MspAlertsPage })));
const AlertsBadge = lazy(() => afterCatalog(import('./pages/Msp/MspAlertsPage.tsx')).then((m) => ({ default: m.AlertsBadge })));
// Badges whose counts need a page's queries load with them, not with the first screen.
const PartnersNavBadge = lazy(() => afterCatalog(import('./pages/Operator/navBadges.tsx')).then((m) => ({ default: m.PartnersNavBadge })));
const OperatorTemplatesPage = lazy(() => afterCatalog(import('./pages/AccessRequests/OperatorTemplatesPage.tsx')).then((m) => ({ default: m.OperatorTemplatesPage })));
const PartnerAccessRequestsPage = lazy(() => afterCatalog(import('./pages/AccessRequests/PartnerAccessRequestsPage.tsx')).then((m) => ({ default: m.PartnerAccessRequestsPage })));
const TenantAccessRequestsPage = lazy(() => afterCatalog(import('./pages/AccessRequests/TenantAccessRequestsPage.tsx')).then((m) => ({ default: m.TenantAccessRequestsPage })));
const AccessRequestsNavBadge = lazy(() => afterCatalog(import('./pages/AccessRequests/TenantAccessRequestsPage.tsx')).then((m) => ({ default: m.AccessRequestsNavBadge })));
const TenantSettingsPage = lazy(() => afterCatalog(import('./pages/AccessRequests/TenantSettingsPage.tsx')).then((m) => ({ default: m.TenantSettingsPage })));
const TenantWaitingNavBadge = lazy(() => afterCatalog(import('./pages/TenantHome/navBadges.tsx')).then((m) => ({ default: m.TenantWaitingNavBadge })));
const TimeLimitedNavBadge = lazy(() => afterCatalog(import('./pages/TenantHome/navBadges.tsx')).then((m) => ({ default: m.TimeLimitedNavBadge })));
const TenantSelfServicePage = lazy(() => afterCatalog(import('./pages/SelfService/TenantSelfServicePage.tsx')).then((m) => ({ default: m.TenantSelfServicePage })));
const NotificationsPage = lazy(() => afterCatalog(import('./pages/Notifications/NotificationsPage.tsx')).then((m) => ({ default: m.NotificationsPage })));
const TenantWebhooksPage = lazy(() => afterCatalog(import('./pages/Webhooks/WebhooksPages.tsx')).then((m) => ({ default: m.TenantWebhooksPage })));
const PartnerWebhooksPage = lazy(() => afterCatalog(import('./pages/Webhooks/WebhooksPages.tsx')).then((m) => ({ default: m.PartnerWebhooksPage })));
const OperatorWebhooksPage = lazy(() => afterCatalog(import('./pages/Webhooks/WebhooksPages.tsx')).then((m) => ({ default: m.OperatorWebhooksPage })));
const TenantAuditStreamingPage = lazy(() => afterCatalog(import('./pages/AuditStreaming/AuditStreamingPages.tsx')).then((m) => ({ default: m.TenantAuditStreamingPage })));
const PartnerAuditStreamingPage = lazy(() => afterCatalog(import('./pages/AuditStreaming/AuditStreamingPages.tsx')).then((m) => ({ default: m.PartnerAuditStreamingPage })));
const OperatorAuditStreamingPage = lazy(() => afterCatalog(import('./pages/AuditStreaming/AuditStreamingPages.tsx')).then((m) => ({ default: m.OperatorAuditStreamingPage })));
const MailOutboxPage = lazy(() => afterCatalog(import('./pages/Operator/MailOutboxPage.tsx')).then((m) => ({ default: m.MailOutboxPage })));
const DataSourcesPage = lazy(() => afterCatalog(import('./pages/DataSources/DataSourcesPage.tsx')).then((m) => ({ default: m.DataSourcesPage })));
const DataImportPage = lazy(() => afterCatalog(import('./pages/DataSources/DataImportPage.tsx')).then((m) => ({ default: m.DataImportPage })));
const PlanCatalogPage = lazy(() => afterCatalog(import('./pages/Plans/PlanCatalogPage.tsx')).then((m) => ({ default: m.PlanCatalogPage })));
const PartnerPlansPage = lazy(() => afterCatalog(import('./pages/Plans/PartnerPlansPage.tsx')).then((m) => ({ default: m.PartnerPlansPage })));
const FeatureCatalogPage = lazy(() => afterCatalog(import('./pages/Features/FeatureCatalogPage.tsx')).then((m) => ({ default: m.FeatureCatalogPage })));
const PurposeCatalogPage = lazy(() => afterCatalog(import('./pages/Purposes/PurposeCatalogPage.tsx')).then((m) => ({ default: m.PurposeCatalogPage })));
const EarlyAccessPage = lazy(() => afterCatalog(import('./pages/Features/EarlyAccessPage.tsx')).then((m) => ({ default: m.EarlyAccessPage })));
const TenantPlanPage = lazy(() => afterCatalog(import('./pages/Plans/TenantPlanPage.tsx')).then((m) => ({ default: m.TenantPlanPage })));
const TenantTimeLimitedAccessPage = lazy(() => afterCatalog(import('./pages/JustInTime/TenantTimeLimitedAccessPage.tsx')).then((m) => ({ default: m.TenantTimeLimitedAccessPage })));
const PartnerEligibleAccessPage = lazy(() => afterCatalog(import('./pages/JustInTime/PartnerEligibleAccessPage.tsx')).then((m) => ({ default: m.PartnerEligibleAccessPage })));
const OperatorHomePage = lazy(() => import('./pages/Operator/OperatorHomePage.tsx').then((m) => ({ default: m.OperatorHomePage })));
const ConsentRequestsPage = lazy(() => afterCatalog(import('./pages/Connected/ConsentRequestsPage.tsx')).then((m) => ({ default: m.ConsentRequestsPage })));
const ConnectedPartnersPage = lazy(() => afterCatalog(import('./pages/Connected/ConnectedPartnersPage.tsx')).then((m) => ({ default: m.ConnectedPartnersPage })));
const PartnerDomainsPage = lazy(() => afterCatalog(import('./pages/Domains/DomainsPages.tsx')).then((m) => ({ default: m.PartnerDomainsPage })));
const ResellersPage = lazy(() => afterCatalog(import('./pages/Resellers/ResellersPage.tsx')).then((m) => ({ default: m.ResellersPage })));
const TenantDomainsPage = lazy(() => afterCatalog(import('./pages/Domains/DomainsPages.tsx')).then((m) => ({ default: m.TenantDomainsPage })));
const PartnerSingleSignOnPage = lazy(() => afterCatalog(import('./pages/SingleSignOn/SingleSignOnPages.tsx')).then((m) => ({ default: m.PartnerSingleSignOnPage })));
const TenantSingleSignOnPage = lazy(() => afterCatalog(import('./pages/SingleSignOn/SingleSignOnPages.tsx')).then((m) => ({ default: m.TenantSingleSignOnPage })));
const OperatorDomainsPage = lazy(() => afterCatalog(import('./pages/Domains/DomainsPages.tsx')).then((m) => ({ default: m.OperatorDomainsPage })));

export type NavSection = 'operator' | 'partner' | 'tenant' | 'account';

export interface PortalPage {
  path: string;
  /** the browser tab's title; distinct for every page */
  title: MessageDescriptor;
  element: ReactNode;
  allow?: Rule;
  nav?: {
    section: NavSection;
    label: MessageDescriptor;
    icon: Icon;
    order?: number;
    /** active only on this exact path */
    exact?: boolean;
    /** a count next to the label when something waits for the user (rendered only when the link shows) */
    badge?: ComponentType;
  };
  public?: boolean;
  /** what the page is, in "Your role does not include …" for someone who opens it without `allow` */
  refusal?: MessageDescriptor;
}

/** the MSP workspace: a managed-services partner whose member reads its customers */
const MSP = can.all(can.capability('managed_services'), can.partner('partner.customers.read'));
/** alerts on customers: an MSP's on its linked customers, a wholesaler's on the customers it resells */
const CUSTOMER_ALERTS = can.all(can.any(can.capability('managed_services'), can.capability('wholesale')), can.partner('partner.customers.read'));

export const PAGES: PortalPage[] = [
  // ---- public -----------------------------------------------------------------------------
  { path: '/login', title: defineMessage({ id: 'page.login.title', defaultMessage: 'Log in' }), element: <LoginPage />, public: true },
  { path: '/apply', title: defineMessage({ id: 'page.apply.title', defaultMessage: 'Apply as a partner' }), element: <ApplyPage />, public: true },
  { path: '/invite/:token', title: defineMessage({ id: 'page.invite_token.title', defaultMessage: 'Accept an invitation' }), element: <AcceptInvitationPage />, public: true },
  { path: '/signup', title: defineMessage({ id: 'page.signup.title', defaultMessage: 'Create your organization' }), element: <SignupPage />, public: true },
  { path: '/forgot-password', title: defineMessage({ id: 'page.forgot_password.title', defaultMessage: 'Forgot your password' }), element: <ForgotPasswordPage />, public: true },
  { path: '/reset-password', title: defineMessage({ id: 'page.reset_password.title', defaultMessage: 'Choose a new password' }), element: <ResetPasswordPage />, public: true },

  // ---- operator console -------------------------------------------------------------------
  { path: '/operator', title: defineMessage({ id: 'page.operator.title', defaultMessage: 'Platform overview' }), element: <OperatorHomePage />, allow: can.platform('platform.audit.read'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator.nav', defaultMessage: 'Overview' }), icon: IconHome, order: 5, exact: true } },
  { path: '/operator/tenants', title: defineMessage({ id: 'page.operator_tenants.title', defaultMessage: 'Tenants' }), element: <TenantsPage />, allow: can.platform('platform.tenants.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_tenants.nav', defaultMessage: 'Tenants' }), icon: IconBuilding, order: 10 } },
  { path: '/operator/tenants/:id', title: defineMessage({ id: 'page.operator_tenants_id.title', defaultMessage: 'Tenant details' }), element: <TenantDetailPage />, allow: can.platform('platform.tenants.manage') },
  { path: '/operator/partners', title: defineMessage({ id: 'page.operator_partners.title', defaultMessage: 'Partners' }), element: <PartnersPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_partners.nav', defaultMessage: 'Partners' }), icon: IconBuildingStore, order: 20, badge: PartnersNavBadge } },
  { path: '/operator/partners/new', title: defineMessage({ id: 'page.operator_partners_new.title', defaultMessage: 'Add a partner' }), element: <NewPartnerPage />, allow: can.platform('platform.partners.manage') },
  { path: '/operator/partners/import', title: defineMessage({ id: 'page.operator_partners_import.title', defaultMessage: 'Import partners' }), element: <PartnerImportPage />, allow: can.platform('platform.partners.manage') },
  { path: '/operator/partners/:id', title: defineMessage({ id: 'page.operator_partners_id.title', defaultMessage: 'Partner details' }), element: <PartnerDetailPage />, allow: can.platform('platform.partners.manage') },
  {
    path: '/operator/delegations',
    title: defineMessage({ id: 'page.operator_delegations.title', defaultMessage: 'All delegations' }),
    element: <OperatorDelegationsPage />,
    allow: can.platform('platform.delegations.manage'),
    nav: { section: 'operator', label: defineMessage({ id: 'page.operator_delegations.nav', defaultMessage: 'Delegations' }), icon: IconLink, order: 25 },
  },
  {
    path: '/operator/program',
    title: defineMessage({ id: 'page.operator_program.title', defaultMessage: 'Partner programs' }),
    element: <OperatorProgramPage />,
    allow: can.platform('partner.agreements.approve'),
    nav: { section: 'operator', label: defineMessage({ id: 'page.operator_program.nav', defaultMessage: 'Programs' }), icon: IconGift, order: 27, badge: ProgramsNavBadge },
  },
  { path: '/operator/plans', title: defineMessage({ id: 'page.operator_plans.title', defaultMessage: 'Plans' }), element: <PlanCatalogPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_plans.nav', defaultMessage: 'Plans' }), icon: IconReceipt2, order: 22 } },
  {
    path: '/operator/features',
    title: defineMessage({ id: 'page.operator_features.title', defaultMessage: 'Feature catalog' }),
    element: <FeatureCatalogPage />,
    allow: can.platform('platform.partners.manage'),
    nav: { section: 'operator', label: defineMessage({ id: 'page.operator_features.nav', defaultMessage: 'Feature catalog' }), icon: IconFlag, order: 23 },
  },
  { path: '/operator/purposes', title: defineMessage({ id: 'page.operator_purposes.title', defaultMessage: 'Purposes' }), element: <PurposeCatalogPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_purposes.nav', defaultMessage: 'Purposes' }), icon: IconTarget, order: 24 } },
  { path: '/operator/access-templates', title: defineMessage({ id: 'page.operator_access_templates.title', defaultMessage: 'Access templates' }), element: <OperatorTemplatesPage />, allow: can.platform('platform.delegations.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_access_templates.nav', defaultMessage: 'Access templates' }), icon: IconFileCertificate, order: 26 } },
  { path: '/operator/users', title: defineMessage({ id: 'page.operator_users.title', defaultMessage: 'Users' }), element: <UsersPage />, allow: can.platform('platform.users.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_users.nav', defaultMessage: 'Users' }), icon: IconUsers, order: 30 } },
  { path: '/operator/domains', title: defineMessage({ id: 'page.operator_domains.title', defaultMessage: 'Sign-in domains' }), element: <OperatorDomainsPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_domains.nav', defaultMessage: 'Sign-in domains' }), icon: IconWorldWww, order: 36 } },
  { path: '/operator/audit-streaming', title: defineMessage({ id: 'page.operator_audit_streaming.title', defaultMessage: 'Platform audit streaming' }), element: <OperatorAuditStreamingPage />, allow: can.platform('platform.audit.stream'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_audit_streaming.nav', defaultMessage: 'Audit streaming' }), icon: IconCloudUpload, order: 82 } },
  { path: '/operator/webhooks', title: defineMessage({ id: 'page.operator_webhooks.title', defaultMessage: 'Platform webhooks' }), element: <OperatorWebhooksPage />, allow: can.platform('platform.webhooks.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_webhooks.nav', defaultMessage: 'Webhooks' }), icon: IconWebhook, order: 80 } },
  { path: '/operator/data-sources', title: defineMessage({ id: 'page.operator_data_sources.title', defaultMessage: 'Data sources' }), element: <DataSourcesPage />, allow: can.platform('platform.tenants.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_data_sources.nav', defaultMessage: 'Data sources' }), icon: IconDatabaseImport, order: 14 } },
  { path: '/operator/data-sources/:id/import', title: defineMessage({ id: 'page.operator_data_sources_id_import.title', defaultMessage: 'Import a file' }), element: <DataImportPage />, allow: can.platform('platform.tenants.manage') },
  { path: '/operator/mail', title: defineMessage({ id: 'page.operator_mail.title', defaultMessage: 'Mail outbox' }), element: <MailOutboxPage />, allow: can.platform('platform.webhooks.manage'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_mail.nav', defaultMessage: 'Mail outbox' }), icon: IconMail, order: 85 } },
  {
    path: '/operator/sign-in-security',
    title: defineMessage({ id: 'page.operator_sign_in_security.title', defaultMessage: 'Sign-in security' }),
    element: <OperatorMfaPolicyPage />,
    allow: can.platform('platform.partners.manage'),
    nav: { section: 'operator', label: defineMessage({ id: 'page.operator_sign_in_security.nav', defaultMessage: 'Sign-in security' }), icon: IconShieldLock, order: 35 },
  },
  {
    path: '/operator/sign-in-texts',
    title: defineMessage({ id: 'page.operator_sign_in_texts.title', defaultMessage: 'Sign-in page texts' }),
    element: <OperatorTextsPage />,
    allow: can.platform('platform.texts.manage'),
    nav: { section: 'operator', label: defineMessage({ id: 'page.operator_sign_in_texts.nav', defaultMessage: 'Sign-in page texts' }), icon: IconLanguage, order: 37 },
  },
  { path: '/operator/audit', title: defineMessage({ id: 'page.operator_audit.title', defaultMessage: 'Platform audit log' }), element: <AuditPage />, allow: can.platform('platform.audit.read'), nav: { section: 'operator', label: defineMessage({ id: 'page.operator_audit.nav', defaultMessage: 'Audit log' }), icon: IconHistory, order: 90 } },

  // ---- partner home -----------------------------------------------------------------------
  { path: '/partner', title: defineMessage({ id: 'page.partner.title', defaultMessage: 'Partner home' }), element: <PartnerHomePage />, allow: can.partnerMember, nav: { section: 'partner', label: defineMessage({ id: 'page.partner.nav', defaultMessage: 'Home' }), icon: IconHome, order: 10, exact: true } },
  { path: '/partner/brand', title: defineMessage({ id: 'page.partner_brand.title', defaultMessage: 'Partner brand' }), element: <PartnerBrandPage />, allow: can.partner('partner.profile.read'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_brand.nav', defaultMessage: 'Brand' }), icon: IconPalette, order: 22 } },
  { path: '/partner/members', title: defineMessage({ id: 'page.partner_members.title', defaultMessage: 'Partner team' }), element: <PartnerMembersPage />, allow: can.partner('partner.profile.read'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_members.nav', defaultMessage: 'Team' }), icon: IconUsersGroup, order: 20 } },
  {
    path: '/partner/customers',
    title: defineMessage({ id: 'page.partner_customers.title', defaultMessage: 'Customers I manage' }),
    element: <PartnerCustomersPage />,
    allow: can.all(can.capability('managed_services'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_customers.nav', defaultMessage: 'Customers I manage' }), icon: IconBuildingCommunity, order: 30 },
  },
  { path: '/partner/customers/:customerId', title: defineMessage({ id: 'page.partner_customers_customer_id.title', defaultMessage: 'Managed customer' }), element: <CustomerDetailPage />, allow: MSP },
  { path: '/partner/dashboard', title: defineMessage({ id: 'page.partner_dashboard.title', defaultMessage: 'MSP dashboard' }), element: <MspDashboardPage />, allow: MSP, nav: { section: 'partner', label: defineMessage({ id: 'page.partner_dashboard.nav', defaultMessage: 'Dashboard' }), icon: IconLayoutDashboard, order: 25 } },
  { path: '/partner/invoices', title: defineMessage({ id: 'page.partner_invoices.title', defaultMessage: 'Invoices of my customers' }), element: <MspInvoicesPage />, allow: can.all(MSP, mspMayUse('invoices')), refusal: MSP_VIEWS.invoices.label, nav: { section: 'partner', label: defineMessage({ id: 'page.partner_invoices.nav', defaultMessage: 'Invoices' }), icon: IconFileInvoice, order: 32 } },
  { path: '/partner/tickets', title: defineMessage({ id: 'page.partner_tickets.title', defaultMessage: 'Ticket queue' }), element: <MspTicketsPage />, allow: can.all(MSP, mspMayUse('tickets')), refusal: MSP_VIEWS.tickets.label, nav: { section: 'partner', label: defineMessage({ id: 'page.partner_tickets.nav', defaultMessage: 'Ticket queue' }), icon: IconTicket, order: 34 } },
  { path: '/partner/reports', title: defineMessage({ id: 'page.partner_reports.title', defaultMessage: 'Usage and SLA reports' }), element: <MspReportsPage />, allow: can.all(MSP, mspMayUse('reports')), refusal: MSP_VIEWS.reports.label, nav: { section: 'partner', label: defineMessage({ id: 'page.partner_reports.nav', defaultMessage: 'Reports' }), icon: IconChartBar, order: 36 } },
  { path: '/partner/alerts', title: defineMessage({ id: 'page.partner_alerts.title', defaultMessage: 'Alerts' }), element: <MspAlertsPage />, allow: can.all(CUSTOMER_ALERTS, mspMayUse('alerts')), refusal: MSP_VIEWS.alerts.label, nav: { section: 'partner', label: defineMessage({ id: 'page.partner_alerts.nav', defaultMessage: 'Alerts' }), icon: IconAlertTriangle, order: 38, badge: AlertsBadge } },
  {
    path: '/partner/time-limited',
    title: defineMessage({ id: 'page.partner_time_limited.title', defaultMessage: 'Time-limited access' }),
    element: <PartnerEligibleAccessPage />,
    allow: can.all(can.capability('managed_services'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_time_limited.nav', defaultMessage: 'Time-limited access' }), icon: IconClock, order: 35 },
  },
  {
    path: '/partner/apps',
    title: defineMessage({ id: 'page.partner_apps.title', defaultMessage: 'OAuth apps' }),
    element: <PartnerAppsPage />,
    allow: can.all(can.any(can.capability('delegated'), can.capability('wholesale'), can.capability('managed_services')), can.partner('partner.apps.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_apps.nav', defaultMessage: 'OAuth apps' }), icon: IconApps, order: 40 },
  },
  {
    path: '/partner/apps/:appId/security-events',
    title: defineMessage({ id: 'page.partner_apps_app_id_security_events.title', defaultMessage: 'Security events' }),
    element: <AppSecurityEventsPage />,
    allow: can.all(can.any(can.capability('delegated'), can.capability('wholesale'), can.capability('managed_services')), can.partner('partner.apps.read')),
  },
  {
    path: '/partner/resold',
    title: defineMessage({ id: 'page.partner_resold.title', defaultMessage: 'Resold customers' }),
    element: <ResoldTenantsPage />,
    allow: can.all(can.capability('wholesale'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_resold.nav', defaultMessage: 'Resold customers' }), icon: IconBuildingWarehouse, order: 50 },
  },
  // the referral program: pages by the partner permission matrix
  {
    path: '/partner/program',
    title: defineMessage({ id: 'page.partner_program.title', defaultMessage: 'Partner program' }),
    element: <ProgramHomePage />,
    allow: can.all(can.capability('referral'), can.partner('partner.earnings.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_program.nav', defaultMessage: 'Program' }), icon: IconChartBar, order: 60, exact: true },
  },
  {
    path: '/partner/program/codes',
    title: defineMessage({ id: 'page.partner_program_codes.title', defaultMessage: 'Referral codes' }),
    element: <ProgramCodesPage />,
    allow: can.all(can.capability('referral'), can.partner('partner.referral_codes.create')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_program_codes.nav', defaultMessage: 'Referral codes' }), icon: IconTag, order: 61 },
  },
  {
    path: '/partner/program/referrals',
    title: defineMessage({ id: 'page.partner_program_referrals.title', defaultMessage: 'Referred customers' }),
    element: <ProgramReferralsPage />,
    allow: can.all(can.capability('referral'), can.partner('partner.referrals.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_program_referrals.nav', defaultMessage: 'Referred customers' }), icon: IconUserPlus, order: 62 },
  },
  {
    path: '/partner/program/earnings',
    title: defineMessage({ id: 'page.partner_program_earnings.title', defaultMessage: 'Earnings' }),
    element: <ProgramEarningsPage />,
    allow: can.all(can.capability('referral'), can.partner('partner.earnings.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_program_earnings.nav', defaultMessage: 'Earnings' }), icon: IconCoin, order: 63 },
  },
  {
    path: '/partner/program/agreement',
    title: defineMessage({ id: 'page.partner_program_agreement.title', defaultMessage: 'Program agreement' }),
    element: <ProgramAgreementPage />,
    allow: can.all(can.capability('referral'), can.partner('partner.agreements.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_program_agreement.nav', defaultMessage: 'Agreement' }), icon: IconFileCertificate, order: 64, badge: AgreementNavBadge },
  },
  {
    path: '/partner/early-access',
    title: defineMessage({ id: 'page.partner_early_access.title', defaultMessage: 'Early access features' }),
    element: <EarlyAccessPage />,
    allow: can.partner('partner.profile.read'),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_early_access.nav', defaultMessage: 'Early access' }), icon: IconFlask, order: 75 },
  },
  { path: '/partner/access-requests', title: defineMessage({ id: 'page.partner_access_requests.title', defaultMessage: 'Access requests' }), element: <PartnerAccessRequestsPage />, allow: can.all(can.partner('partner.customers.read'), can.capability('managed_services')), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_access_requests.nav', defaultMessage: 'Access requests' }), icon: IconLink, order: 31 } },
  { path: '/partner/domains', title: defineMessage({ id: 'page.partner_domains.title', defaultMessage: 'Partner sign-in domains' }), element: <PartnerDomainsPage />, allow: can.partner('partner.profile.update'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_domains.nav', defaultMessage: 'Sign-in domains' }), icon: IconWorldWww, order: 78 } },
  { path: '/partner/resellers', title: defineMessage({ id: 'page.partner_resellers.title', defaultMessage: 'Resellers' }), element: <ResellersPage />, allow: can.partner('partner.resellers.read'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_resellers.nav', defaultMessage: 'Resellers' }), icon: IconBuildingStore, order: 76 } },
  { path: '/partner/single-sign-on', title: defineMessage({ id: 'page.partner_single_sign_on.title', defaultMessage: 'Single sign-on' }), element: <PartnerSingleSignOnPage />, allow: can.partner('partner.profile.update'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_single_sign_on.nav', defaultMessage: 'Single sign-on' }), icon: IconShieldLock, order: 79 } },
  { path: '/partner/webhooks', title: defineMessage({ id: 'page.partner_webhooks.title', defaultMessage: 'Partner webhooks' }), element: <PartnerWebhooksPage />, allow: can.partner('partner.webhooks.manage'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_webhooks.nav', defaultMessage: 'Webhooks' }), icon: IconWebhook, order: 80 } },
  {
    path: '/partner/plans',
    title: defineMessage({ id: 'page.partner_plans.title', defaultMessage: 'Plans and customers' }),
    element: <PartnerPlansPage />,
    allow: can.all(can.capability('wholesale'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: defineMessage({ id: 'page.partner_plans.nav', defaultMessage: 'Plans and customers' }), icon: IconReceipt2, order: 55 },
  },
  { path: '/partner/provisioning', title: defineMessage({ id: 'page.partner_provisioning.title', defaultMessage: 'Provisioning' }), element: <ProvisioningPage />, allow: can.partner('partner.members.manage'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_provisioning.nav', defaultMessage: 'Provisioning' }), icon: IconUsersGroup, order: 22 } },
  { path: '/partner/usage', title: defineMessage({ id: 'page.partner_usage.title', defaultMessage: 'Usage' }), element: <PartnerUsagePage />, allow: can.partner('partner.profile.read'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_usage.nav', defaultMessage: 'Usage' }), icon: IconGauge, order: 85 } },
  { path: '/partner/audit-streaming', title: defineMessage({ id: 'page.partner_audit_streaming.title', defaultMessage: 'Partner audit streaming' }), element: <PartnerAuditStreamingPage />, allow: can.partner('partner.audit.stream'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_audit_streaming.nav', defaultMessage: 'Audit streaming' }), icon: IconCloudUpload, order: 91 } },
  { path: '/partner/audit', title: defineMessage({ id: 'page.partner_audit.title', defaultMessage: 'Partner audit log' }), element: <PartnerAuditPage />, allow: can.partner('partner.audit.read'), nav: { section: 'partner', label: defineMessage({ id: 'page.partner_audit.nav', defaultMessage: 'Audit log' }), icon: IconHistory, order: 90 } },

  // ---- tenant home (the active tenant comes from the URL) ---------------------------------
  { path: '/tenant/:tenantId', title: defineMessage({ id: 'page.tenant.title', defaultMessage: 'Overview' }), element: <TenantHomePage />, allow: can.tenant('tenant.read'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant.nav', defaultMessage: 'Overview' }), icon: IconHome, order: 10, exact: true, badge: TenantWaitingNavBadge } },
  { path: '/tenant/:tenantId/members', title: defineMessage({ id: 'page.tenant_members.title', defaultMessage: 'Members' }), element: <TenantMembersPage />, allow: can.tenant('tenant.members.read'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_members.nav', defaultMessage: 'Members' }), icon: IconUsersGroup, order: 20 } },
  { path: '/tenant/:tenantId/provisioning', title: defineMessage({ id: 'page.tenant_provisioning.title', defaultMessage: 'Provisioning' }), element: <TenantProvisioningPage />, allow: can.tenant('tenant.members.manage'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_provisioning.nav', defaultMessage: 'Provisioning' }), icon: IconUsersGroup, order: 22 } },
  {
    path: '/tenant/:tenantId/billing-accounts',
    title: defineMessage({ id: 'page.tenant_billing_accounts.title', defaultMessage: 'Billing accounts' }),
    element: <TenantBillingPage />,
    allow: can.tenant('tenant.billing_accounts.read'),
    nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_billing_accounts.nav', defaultMessage: 'Billing accounts' }), icon: IconCreditCard, order: 30 },
  },
  {
    path: '/tenant/:tenantId/partners',
    title: defineMessage({ id: 'page.tenant_partners.title', defaultMessage: 'Partners with access' }),
    element: <TenantPartnersPage />,
    allow: can.tenant('tenant.delegations.manage'),
    nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_partners.nav', defaultMessage: 'Partners with access' }), icon: IconPlugConnected, order: 40 },
  },
  { path: '/tenant/:tenantId/partners/:delegationId', title: defineMessage({ id: 'page.tenant_partners_delegation_id.title', defaultMessage: 'Partner access' }), element: <TenantPartnerLinkPage />, allow: can.tenant('tenant.delegations.manage') },
  {
    path: '/tenant/:tenantId/who-has-access',
    title: defineMessage({ id: 'page.tenant_who_has_access.title', defaultMessage: 'Who has access' }),
    element: <TenantAccessReviewPage />,
    allow: can.tenant('tenant.delegations.read'),
    nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_who_has_access.nav', defaultMessage: 'Who has access' }), icon: IconShieldCheck, order: 42 },
  },
  {
    path: '/tenant/:tenantId/services',
    title: defineMessage({ id: 'page.tenant_services.title', defaultMessage: 'Orders, invoices and tickets' }),
    element: <TenantSelfServicePage />,
    allow: can.any(can.tenant('orders.read'), can.tenant('billing.invoices.read'), can.tenant('support.tickets.read'), can.tenant('services.read'), can.tenant('services.subscribers.read')),
    nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_services.nav', defaultMessage: 'Orders, invoices and tickets' }), icon: IconPackage, order: 15 },
  },
  {
    path: '/tenant/:tenantId/time-limited',
    title: defineMessage({ id: 'page.tenant_time_limited.title', defaultMessage: 'Time-limited access' }),
    element: <TenantTimeLimitedAccessPage />,
    allow: can.tenant('tenant.delegations.manage'),
    nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_time_limited.nav', defaultMessage: 'Time-limited access' }), icon: IconClock, order: 45, badge: TimeLimitedNavBadge },
  },
  {
    path: '/tenant/:tenantId/consent-requests',
    title: defineMessage({ id: 'page.tenant_consent_requests.title', defaultMessage: 'Consent requests' }),
    element: <ConsentRequestsPage />,
    allow: can.tenant('tenant.delegations.manage'),
    nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_consent_requests.nav', defaultMessage: 'Consent requests' }), icon: IconPlug, order: 49 },
  },
  {
    path: '/tenant/:tenantId/connected',
    title: defineMessage({ id: 'page.tenant_connected.title', defaultMessage: 'Connected partners' }),
    element: <ConnectedPartnersPage />,
    allow: can.tenant('tenant.delegations.read'),
    nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_connected.nav', defaultMessage: 'Connected partners' }), icon: IconPlug, order: 50 },
  },
  { path: '/tenant/:tenantId/access-requests', title: defineMessage({ id: 'page.tenant_access_requests.title', defaultMessage: 'Access requests' }), element: <TenantAccessRequestsPage />, allow: can.tenant('tenant.delegations.read'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_access_requests.nav', defaultMessage: 'Access requests' }), icon: IconLink, order: 41, badge: AccessRequestsNavBadge } },
  { path: '/tenant/:tenantId/settings', title: defineMessage({ id: 'page.tenant_settings.title', defaultMessage: 'Settings' }), element: <TenantSettingsPage />, allow: can.tenant('tenant.delegations.read'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_settings.nav', defaultMessage: 'Settings' }), icon: IconShieldCheck, order: 85 } },
  { path: '/tenant/:tenantId/plan', title: defineMessage({ id: 'page.tenant_plan.title', defaultMessage: 'Plan and subscription' }), element: <TenantPlanPage />, allow: can.tenant('tenant.read'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_plan.nav', defaultMessage: 'Plan' }), icon: IconReceipt2, order: 35 } },
  { path: '/tenant/:tenantId/agencies', title: defineMessage({ id: 'page.tenant_agencies.title', defaultMessage: 'Agencies' }), element: <AgenciesPage />, allow: can.tenant('tenant.agencies.manage'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_agencies.nav', defaultMessage: 'Agencies' }), icon: IconTicket, order: 60 } },
  { path: '/tenant/:tenantId/agencies/:agencyId', title: defineMessage({ id: 'page.tenant_agencies_agency_id.title', defaultMessage: 'Agency details' }), element: <AgencyDetailPage />, allow: can.tenant('tenant.agencies.manage') },
  { path: '/tenant/:tenantId/domains', title: defineMessage({ id: 'page.tenant_domains.title', defaultMessage: 'Sign-in domains' }), element: <TenantDomainsPage />, allow: can.tenant('tenant.update'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_domains.nav', defaultMessage: 'Sign-in domains' }), icon: IconWorldWww, order: 78 } },
  { path: '/tenant/:tenantId/single-sign-on', title: defineMessage({ id: 'page.tenant_single_sign_on.title', defaultMessage: 'Single sign-on' }), element: <TenantSingleSignOnPage />, allow: can.tenant('tenant.update'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_single_sign_on.nav', defaultMessage: 'Single sign-on' }), icon: IconShieldLock, order: 79 } },
  { path: '/tenant/:tenantId/webhooks', title: defineMessage({ id: 'page.tenant_webhooks.title', defaultMessage: 'Webhooks' }), element: <TenantWebhooksPage />, allow: can.tenant('tenant.webhooks.manage'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_webhooks.nav', defaultMessage: 'Webhooks' }), icon: IconWebhook, order: 80 } },
  { path: '/tenant/:tenantId/audit-streaming', title: defineMessage({ id: 'page.tenant_audit_streaming.title', defaultMessage: 'Audit streaming' }), element: <TenantAuditStreamingPage />, allow: can.tenant('tenant.audit.stream'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_audit_streaming.nav', defaultMessage: 'Audit streaming' }), icon: IconCloudUpload, order: 91 } },
  { path: '/tenant/:tenantId/audit', title: defineMessage({ id: 'page.tenant_audit.title', defaultMessage: 'Tenant audit log' }), element: <TenantAuditPage />, allow: can.tenant('tenant.audit.read'), nav: { section: 'tenant', label: defineMessage({ id: 'page.tenant_audit.nav', defaultMessage: 'Audit log' }), icon: IconListDetails, order: 90 } },

  // ---- everyone ---------------------------------------------------------------------------
  { path: '/notifications', title: defineMessage({ id: 'page.notifications.title', defaultMessage: 'Notifications' }), element: <NotificationsPage />, nav: { section: 'account', label: defineMessage({ id: 'page.notifications.nav', defaultMessage: 'Notifications' }), icon: IconBell, order: 5 } },
  { path: '/account', title: defineMessage({ id: 'page.account.title', defaultMessage: 'Your account' }), element: <AccountPage />, nav: { section: 'account', label: defineMessage({ id: 'page.account.nav', defaultMessage: 'Your account' }), icon: IconUser, order: 10, exact: true } },
  { path: '/account/security', title: defineMessage({ id: 'page.account_security.title', defaultMessage: 'Security' }), element: <SecurityPage />, nav: { section: 'account', label: defineMessage({ id: 'page.account_security.nav', defaultMessage: 'Security' }), icon: IconShieldCheck, order: 20 } },
];
