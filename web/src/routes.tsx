/**
 * The portal's pages and sidebar navigation, in one table.
 *
 * To add a page:
 *   1. Write the component in web/src/pages/<Feature>/<Name>Page.tsx (use PageHeader, ErrorAlert and DataTable from
 *      ../../components, useApiQuery / useApiList / useApiMutation from ../../query/query.ts, useApiForm from
 *      ../../query/form.ts, and `api` / `http` from ../../api), and add a `lazy(() => import(…))` line for it below.
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
  IconUsers,
  IconUsersGroup,
  type Icon,
  IconTarget,
  IconPalette,
} from '@tabler/icons-react';
import { can, type Rule } from './session/access.ts';
import { MSP_VIEWS, mspMayUse } from './session/abilities.ts';
import { AgreementNavBadge, ProgramsNavBadge } from './pages/Program/navBadges.tsx';

// Every page is its own chunk, loaded when first opened: the first download holds only the shell.
const LoginPage = lazy(() => import('./pages/Login/LoginPage.tsx').then((m) => ({ default: m.LoginPage })));
const ApplyPage = lazy(() => import('./pages/Apply/ApplyPage.tsx').then((m) => ({ default: m.ApplyPage })));
const AcceptInvitationPage = lazy(() => import('./pages/Invite/AcceptInvitationPage.tsx').then((m) => ({ default: m.AcceptInvitationPage })));
const ForgotPasswordPage = lazy(() => import('./pages/Login/ForgotPasswordPage.tsx').then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => import('./pages/Login/ResetPasswordPage.tsx').then((m) => ({ default: m.ResetPasswordPage })));
const SecurityPage = lazy(() => import('./pages/Security/SecurityPage.tsx').then((m) => ({ default: m.SecurityPage })));
const OperatorMfaPolicyPage = lazy(() => import('./pages/Security/OperatorMfaPolicyPage.tsx').then((m) => ({ default: m.OperatorMfaPolicyPage })));
const AccountPage = lazy(() => import('./pages/Account/AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const TenantsPage = lazy(() => import('./pages/Operator/TenantsPage.tsx').then((m) => ({ default: m.TenantsPage })));
const TenantDetailPage = lazy(() => import('./pages/Operator/TenantDetailPage.tsx').then((m) => ({ default: m.TenantDetailPage })));
const PartnersPage = lazy(() => import('./pages/Operator/PartnersPage.tsx').then((m) => ({ default: m.PartnersPage })));
const NewPartnerPage = lazy(() => import('./pages/Operator/NewPartnerPage.tsx').then((m) => ({ default: m.NewPartnerPage })));
const PartnerImportPage = lazy(() => import('./pages/Operator/PartnerImportPage.tsx').then((m) => ({ default: m.PartnerImportPage })));
const PartnerBrandPage = lazy(() => import('./pages/PartnerHome/PartnerBrandPage.tsx').then((m) => ({ default: m.PartnerBrandPage })));
const PartnerDetailPage = lazy(() => import('./pages/Operator/PartnerDetailPage.tsx').then((m) => ({ default: m.PartnerDetailPage })));
const UsersPage = lazy(() => import('./pages/Operator/UsersPage.tsx').then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => import('./pages/Operator/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
const PartnerHomePage = lazy(() => import('./pages/PartnerHome/PartnerHomePage.tsx').then((m) => ({ default: m.PartnerHomePage })));
const PartnerMembersPage = lazy(() => import('./pages/PartnerHome/PartnerMembersPage.tsx').then((m) => ({ default: m.PartnerMembersPage })));
const PartnerAuditPage = lazy(() => import('./pages/PartnerHome/PartnerAuditPage.tsx').then((m) => ({ default: m.PartnerAuditPage })));
const PartnerUsagePage = lazy(() => import('./pages/PartnerHome/PartnerUsagePage.tsx').then((m) => ({ default: m.PartnerUsagePage })));
const ProvisioningPage = lazy(() => import('./pages/Provisioning/ProvisioningPage.tsx').then((m) => ({ default: m.ProvisioningPage })));
const TenantProvisioningPage = lazy(() => import('./pages/Provisioning/TenantProvisioningPage.tsx').then((m) => ({ default: m.TenantProvisioningPage })));
const TenantHomePage = lazy(() => import('./pages/TenantHome/TenantHomePage.tsx').then((m) => ({ default: m.TenantHomePage })));
const TenantMembersPage = lazy(() => import('./pages/TenantHome/TenantMembersPage.tsx').then((m) => ({ default: m.TenantMembersPage })));
const TenantBillingPage = lazy(() => import('./pages/TenantHome/TenantBillingPage.tsx').then((m) => ({ default: m.TenantBillingPage })));
const TenantAuditPage = lazy(() => import('./pages/TenantHome/TenantAuditPage.tsx').then((m) => ({ default: m.TenantAuditPage })));
const AgenciesPage = lazy(() => import('./pages/Agencies/AgenciesPage.tsx').then((m) => ({ default: m.AgenciesPage })));
const AgencyDetailPage = lazy(() => import('./pages/Agencies/AgencyDetailPage.tsx').then((m) => ({ default: m.AgencyDetailPage })));
const PartnerCustomersPage = lazy(() => import('./pages/Delegations/PartnerCustomersPage.tsx').then((m) => ({ default: m.PartnerCustomersPage })));
const TenantAccessReviewPage = lazy(() => import('./pages/AccessReview/TenantAccessReviewPage.tsx').then((m) => ({ default: m.TenantAccessReviewPage })));
const TenantPartnersPage = lazy(() => import('./pages/Delegations/TenantPartnersPage.tsx').then((m) => ({ default: m.TenantPartnersPage })));
const TenantPartnerLinkPage = lazy(() => import('./pages/Delegations/TenantPartnerLinkPage.tsx').then((m) => ({ default: m.TenantPartnerLinkPage })));
const OperatorDelegationsPage = lazy(() => import('./pages/Delegations/OperatorDelegationsPage.tsx').then((m) => ({ default: m.OperatorDelegationsPage })));
const PartnerAppsPage = lazy(() => import('./pages/Apps/PartnerAppsPage.tsx').then((m) => ({ default: m.PartnerAppsPage })));
const AppSecurityEventsPage = lazy(() => import('./pages/Apps/AppSecurityEventsPage.tsx').then((m) => ({ default: m.AppSecurityEventsPage })));
const ResoldTenantsPage = lazy(() => import('./pages/Apps/ResoldTenantsPage.tsx').then((m) => ({ default: m.ResoldTenantsPage })));
const SignupPage = lazy(() => import('./pages/Signup/SignupPage.tsx').then((m) => ({ default: m.SignupPage })));
const ProgramHomePage = lazy(() => import('./pages/Program/ProgramHomePage.tsx').then((m) => ({ default: m.ProgramHomePage })));
const ProgramCodesPage = lazy(() => import('./pages/Program/ProgramCodesPage.tsx').then((m) => ({ default: m.ProgramCodesPage })));
const ProgramReferralsPage = lazy(() => import('./pages/Program/ProgramReferralsPage.tsx').then((m) => ({ default: m.ProgramReferralsPage })));
const ProgramEarningsPage = lazy(() => import('./pages/Program/ProgramEarningsPage.tsx').then((m) => ({ default: m.ProgramEarningsPage })));
const ProgramAgreementPage = lazy(() => import('./pages/Program/ProgramAgreementPage.tsx').then((m) => ({ default: m.ProgramAgreementPage })));
const OperatorProgramPage = lazy(() => import('./pages/Program/OperatorProgramPage.tsx').then((m) => ({ default: m.OperatorProgramPage })));
const MspDashboardPage = lazy(() => import('./pages/Msp/MspDashboardPage.tsx').then((m) => ({ default: m.MspDashboardPage })));
const CustomerDetailPage = lazy(() => import('./pages/Msp/CustomerDetailPage.tsx').then((m) => ({ default: m.CustomerDetailPage })));
const MspInvoicesPage = lazy(() => import('./pages/Msp/MspInvoicesPage.tsx').then((m) => ({ default: m.MspInvoicesPage })));
const MspTicketsPage = lazy(() => import('./pages/Msp/MspTicketsPage.tsx').then((m) => ({ default: m.MspTicketsPage })));
const MspReportsPage = lazy(() => import('./pages/Msp/MspReportsPage.tsx').then((m) => ({ default: m.MspReportsPage })));
const MspAlertsPage = lazy(() => import('./pages/Msp/MspAlertsPage.tsx').then((m) => ({ default: m.MspAlertsPage })));
const AlertsBadge = lazy(() => import('./pages/Msp/MspAlertsPage.tsx').then((m) => ({ default: m.AlertsBadge })));
// Badges whose counts need a page's queries load with them, not with the first screen.
const PartnersNavBadge = lazy(() => import('./pages/Operator/navBadges.tsx').then((m) => ({ default: m.PartnersNavBadge })));
const OperatorTemplatesPage = lazy(() => import('./pages/AccessRequests/OperatorTemplatesPage.tsx').then((m) => ({ default: m.OperatorTemplatesPage })));
const PartnerAccessRequestsPage = lazy(() => import('./pages/AccessRequests/PartnerAccessRequestsPage.tsx').then((m) => ({ default: m.PartnerAccessRequestsPage })));
const TenantAccessRequestsPage = lazy(() => import('./pages/AccessRequests/TenantAccessRequestsPage.tsx').then((m) => ({ default: m.TenantAccessRequestsPage })));
const AccessRequestsNavBadge = lazy(() => import('./pages/AccessRequests/TenantAccessRequestsPage.tsx').then((m) => ({ default: m.AccessRequestsNavBadge })));
const TenantSettingsPage = lazy(() => import('./pages/AccessRequests/TenantSettingsPage.tsx').then((m) => ({ default: m.TenantSettingsPage })));
const TenantWaitingNavBadge = lazy(() => import('./pages/TenantHome/navBadges.tsx').then((m) => ({ default: m.TenantWaitingNavBadge })));
const TimeLimitedNavBadge = lazy(() => import('./pages/TenantHome/navBadges.tsx').then((m) => ({ default: m.TimeLimitedNavBadge })));
const TenantSelfServicePage = lazy(() => import('./pages/SelfService/TenantSelfServicePage.tsx').then((m) => ({ default: m.TenantSelfServicePage })));
const NotificationsPage = lazy(() => import('./pages/Notifications/NotificationsPage.tsx').then((m) => ({ default: m.NotificationsPage })));
const TenantWebhooksPage = lazy(() => import('./pages/Webhooks/WebhooksPages.tsx').then((m) => ({ default: m.TenantWebhooksPage })));
const PartnerWebhooksPage = lazy(() => import('./pages/Webhooks/WebhooksPages.tsx').then((m) => ({ default: m.PartnerWebhooksPage })));
const OperatorWebhooksPage = lazy(() => import('./pages/Webhooks/WebhooksPages.tsx').then((m) => ({ default: m.OperatorWebhooksPage })));
const TenantAuditStreamingPage = lazy(() => import('./pages/AuditStreaming/AuditStreamingPages.tsx').then((m) => ({ default: m.TenantAuditStreamingPage })));
const PartnerAuditStreamingPage = lazy(() => import('./pages/AuditStreaming/AuditStreamingPages.tsx').then((m) => ({ default: m.PartnerAuditStreamingPage })));
const OperatorAuditStreamingPage = lazy(() => import('./pages/AuditStreaming/AuditStreamingPages.tsx').then((m) => ({ default: m.OperatorAuditStreamingPage })));
const MailOutboxPage = lazy(() => import('./pages/Operator/MailOutboxPage.tsx').then((m) => ({ default: m.MailOutboxPage })));
const DataSourcesPage = lazy(() => import('./pages/DataSources/DataSourcesPage.tsx').then((m) => ({ default: m.DataSourcesPage })));
const DataImportPage = lazy(() => import('./pages/DataSources/DataImportPage.tsx').then((m) => ({ default: m.DataImportPage })));
const PlanCatalogPage = lazy(() => import('./pages/Plans/PlanCatalogPage.tsx').then((m) => ({ default: m.PlanCatalogPage })));
const PartnerPlansPage = lazy(() => import('./pages/Plans/PartnerPlansPage.tsx').then((m) => ({ default: m.PartnerPlansPage })));
const FeatureCatalogPage = lazy(() => import('./pages/Features/FeatureCatalogPage.tsx').then((m) => ({ default: m.FeatureCatalogPage })));
const PurposeCatalogPage = lazy(() => import('./pages/Purposes/PurposeCatalogPage.tsx').then((m) => ({ default: m.PurposeCatalogPage })));
const EarlyAccessPage = lazy(() => import('./pages/Features/EarlyAccessPage.tsx').then((m) => ({ default: m.EarlyAccessPage })));
const TenantPlanPage = lazy(() => import('./pages/Plans/TenantPlanPage.tsx').then((m) => ({ default: m.TenantPlanPage })));
const TenantTimeLimitedAccessPage = lazy(() => import('./pages/JustInTime/TenantTimeLimitedAccessPage.tsx').then((m) => ({ default: m.TenantTimeLimitedAccessPage })));
const PartnerEligibleAccessPage = lazy(() => import('./pages/JustInTime/PartnerEligibleAccessPage.tsx').then((m) => ({ default: m.PartnerEligibleAccessPage })));
const OperatorHomePage = lazy(() => import('./pages/Operator/OperatorHomePage.tsx').then((m) => ({ default: m.OperatorHomePage })));
const ConnectedPartnersPage = lazy(() => import('./pages/Connected/ConnectedPartnersPage.tsx').then((m) => ({ default: m.ConnectedPartnersPage })));
const PartnerDomainsPage = lazy(() => import('./pages/Domains/DomainsPages.tsx').then((m) => ({ default: m.PartnerDomainsPage })));
const ResellersPage = lazy(() => import('./pages/Resellers/ResellersPage.tsx').then((m) => ({ default: m.ResellersPage })));
const TenantDomainsPage = lazy(() => import('./pages/Domains/DomainsPages.tsx').then((m) => ({ default: m.TenantDomainsPage })));
const PartnerSingleSignOnPage = lazy(() => import('./pages/SingleSignOn/SingleSignOnPages.tsx').then((m) => ({ default: m.PartnerSingleSignOnPage })));
const TenantSingleSignOnPage = lazy(() => import('./pages/SingleSignOn/SingleSignOnPages.tsx').then((m) => ({ default: m.TenantSingleSignOnPage })));
const OperatorDomainsPage = lazy(() => import('./pages/Domains/DomainsPages.tsx').then((m) => ({ default: m.OperatorDomainsPage })));

export type NavSection = 'operator' | 'partner' | 'tenant' | 'account';

export interface PortalPage {
  path: string;
  /** the browser tab's title; distinct for every page */
  title: string;
  element: ReactNode;
  allow?: Rule;
  nav?: {
    section: NavSection;
    label: string;
    icon: Icon;
    order?: number;
    /** active only on this exact path */
    exact?: boolean;
    /** a count next to the label when something waits for the user (rendered only when the link shows) */
    badge?: ComponentType;
  };
  public?: boolean;
  /** what the page is, in "Your role does not include …" for someone who opens it without `allow` */
  refusal?: string;
}

/** the MSP workspace: a managed-services partner whose member reads its customers */
const MSP = can.all(can.capability('managed_services'), can.partner('partner.customers.read'));
/** alerts on customers: an MSP's on its linked customers, a wholesaler's on the customers it resells */
const CUSTOMER_ALERTS = can.all(can.any(can.capability('managed_services'), can.capability('wholesale')), can.partner('partner.customers.read'));

export const PAGES: PortalPage[] = [
  // ---- public -----------------------------------------------------------------------------
  { path: '/login', title: 'Log in', element: <LoginPage />, public: true },
  { path: '/apply', title: 'Apply as a partner', element: <ApplyPage />, public: true },
  { path: '/invite/:token', title: 'Accept an invitation', element: <AcceptInvitationPage />, public: true },
  { path: '/signup', title: 'Create your organization', element: <SignupPage />, public: true },
  { path: '/forgot-password', title: 'Forgot your password', element: <ForgotPasswordPage />, public: true },
  { path: '/reset-password', title: 'Choose a new password', element: <ResetPasswordPage />, public: true },

  // ---- operator console -------------------------------------------------------------------
  { path: '/operator', title: 'Platform overview', element: <OperatorHomePage />, allow: can.platform('platform.audit.read'), nav: { section: 'operator', label: 'Overview', icon: IconHome, order: 5, exact: true } },
  { path: '/operator/tenants', title: 'Tenants', element: <TenantsPage />, allow: can.platform('platform.tenants.manage'), nav: { section: 'operator', label: 'Tenants', icon: IconBuilding, order: 10 } },
  { path: '/operator/tenants/:id', title: 'Tenant details', element: <TenantDetailPage />, allow: can.platform('platform.tenants.manage') },
  { path: '/operator/partners', title: 'Partners', element: <PartnersPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: 'Partners', icon: IconBuildingStore, order: 20, badge: PartnersNavBadge } },
  { path: '/operator/partners/new', title: 'Add a partner', element: <NewPartnerPage />, allow: can.platform('platform.partners.manage') },
  { path: '/operator/partners/import', title: 'Import partners', element: <PartnerImportPage />, allow: can.platform('platform.partners.manage') },
  { path: '/operator/partners/:id', title: 'Partner details', element: <PartnerDetailPage />, allow: can.platform('platform.partners.manage') },
  {
    path: '/operator/delegations',
    title: 'All delegations',
    element: <OperatorDelegationsPage />,
    allow: can.platform('platform.delegations.manage'),
    nav: { section: 'operator', label: 'Delegations', icon: IconLink, order: 25 },
  },
  {
    path: '/operator/program',
    title: 'Partner programs',
    element: <OperatorProgramPage />,
    allow: can.platform('partner.agreements.approve'),
    nav: { section: 'operator', label: 'Programs', icon: IconGift, order: 27, badge: ProgramsNavBadge },
  },
  { path: '/operator/plans', title: 'Plans', element: <PlanCatalogPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: 'Plans', icon: IconReceipt2, order: 22 } },
  {
    path: '/operator/features',
    title: 'Feature catalog',
    element: <FeatureCatalogPage />,
    allow: can.platform('platform.partners.manage'),
    nav: { section: 'operator', label: 'Feature catalog', icon: IconFlag, order: 23 },
  },
  { path: '/operator/purposes', title: 'Purposes', element: <PurposeCatalogPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: 'Purposes', icon: IconTarget, order: 24 } },
  { path: '/operator/access-templates', title: 'Access templates', element: <OperatorTemplatesPage />, allow: can.platform('platform.delegations.manage'), nav: { section: 'operator', label: 'Access templates', icon: IconFileCertificate, order: 26 } },
  { path: '/operator/users', title: 'Users', element: <UsersPage />, allow: can.platform('platform.users.manage'), nav: { section: 'operator', label: 'Users', icon: IconUsers, order: 30 } },
  { path: '/operator/domains', title: 'Sign-in domains', element: <OperatorDomainsPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: 'Sign-in domains', icon: IconWorldWww, order: 36 } },
  { path: '/operator/audit-streaming', title: 'Platform audit streaming', element: <OperatorAuditStreamingPage />, allow: can.platform('platform.audit.stream'), nav: { section: 'operator', label: 'Audit streaming', icon: IconCloudUpload, order: 82 } },
  { path: '/operator/webhooks', title: 'Platform webhooks', element: <OperatorWebhooksPage />, allow: can.platform('platform.webhooks.manage'), nav: { section: 'operator', label: 'Webhooks', icon: IconWebhook, order: 80 } },
  { path: '/operator/data-sources', title: 'Data sources', element: <DataSourcesPage />, allow: can.platform('platform.tenants.manage'), nav: { section: 'operator', label: 'Data sources', icon: IconDatabaseImport, order: 14 } },
  { path: '/operator/data-sources/:id/import', title: 'Import a file', element: <DataImportPage />, allow: can.platform('platform.tenants.manage') },
  { path: '/operator/mail', title: 'Mail outbox', element: <MailOutboxPage />, allow: can.platform('platform.webhooks.manage'), nav: { section: 'operator', label: 'Mail outbox', icon: IconMail, order: 85 } },
  {
    path: '/operator/sign-in-security',
    title: 'Sign-in security',
    element: <OperatorMfaPolicyPage />,
    allow: can.platform('platform.partners.manage'),
    nav: { section: 'operator', label: 'Sign-in security', icon: IconShieldLock, order: 35 },
  },
  { path: '/operator/audit', title: 'Platform audit log', element: <AuditPage />, allow: can.platform('platform.audit.read'), nav: { section: 'operator', label: 'Audit log', icon: IconHistory, order: 90 } },

  // ---- partner home -----------------------------------------------------------------------
  { path: '/partner', title: 'Partner home', element: <PartnerHomePage />, allow: can.partnerMember, nav: { section: 'partner', label: 'Home', icon: IconHome, order: 10, exact: true } },
  { path: '/partner/brand', title: 'Partner brand', element: <PartnerBrandPage />, allow: can.partner('partner.profile.read'), nav: { section: 'partner', label: 'Brand', icon: IconPalette, order: 22 } },
  { path: '/partner/members', title: 'Partner team', element: <PartnerMembersPage />, allow: can.partner('partner.profile.read'), nav: { section: 'partner', label: 'Team', icon: IconUsersGroup, order: 20 } },
  {
    path: '/partner/customers',
    title: 'Customers I manage',
    element: <PartnerCustomersPage />,
    allow: can.all(can.capability('managed_services'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: 'Customers I manage', icon: IconBuildingCommunity, order: 30 },
  },
  { path: '/partner/customers/:customerId', title: 'Managed customer', element: <CustomerDetailPage />, allow: MSP },
  { path: '/partner/dashboard', title: 'MSP dashboard', element: <MspDashboardPage />, allow: MSP, nav: { section: 'partner', label: 'Dashboard', icon: IconLayoutDashboard, order: 25 } },
  { path: '/partner/invoices', title: 'Invoices of my customers', element: <MspInvoicesPage />, allow: can.all(MSP, mspMayUse('invoices')), refusal: MSP_VIEWS.invoices.label, nav: { section: 'partner', label: 'Invoices', icon: IconFileInvoice, order: 32 } },
  { path: '/partner/tickets', title: 'Ticket queue', element: <MspTicketsPage />, allow: can.all(MSP, mspMayUse('tickets')), refusal: MSP_VIEWS.tickets.label, nav: { section: 'partner', label: 'Ticket queue', icon: IconTicket, order: 34 } },
  { path: '/partner/reports', title: 'Usage and SLA reports', element: <MspReportsPage />, allow: can.all(MSP, mspMayUse('reports')), refusal: MSP_VIEWS.reports.label, nav: { section: 'partner', label: 'Reports', icon: IconChartBar, order: 36 } },
  { path: '/partner/alerts', title: 'Alerts', element: <MspAlertsPage />, allow: can.all(CUSTOMER_ALERTS, mspMayUse('alerts')), refusal: MSP_VIEWS.alerts.label, nav: { section: 'partner', label: 'Alerts', icon: IconAlertTriangle, order: 38, badge: AlertsBadge } },
  {
    path: '/partner/time-limited',
    title: 'Time-limited access',
    element: <PartnerEligibleAccessPage />,
    allow: can.all(can.capability('managed_services'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: 'Time-limited access', icon: IconClock, order: 35 },
  },
  {
    path: '/partner/apps',
    title: 'OAuth apps',
    element: <PartnerAppsPage />,
    allow: can.all(can.any(can.capability('delegated'), can.capability('wholesale'), can.capability('managed_services')), can.partner('partner.apps.read')),
    nav: { section: 'partner', label: 'OAuth apps', icon: IconApps, order: 40 },
  },
  {
    path: '/partner/apps/:appId/security-events',
    title: 'Security events',
    element: <AppSecurityEventsPage />,
    allow: can.all(can.any(can.capability('delegated'), can.capability('wholesale'), can.capability('managed_services')), can.partner('partner.apps.read')),
  },
  {
    path: '/partner/resold',
    title: 'Resold customers',
    element: <ResoldTenantsPage />,
    allow: can.all(can.capability('wholesale'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: 'Resold customers', icon: IconBuildingWarehouse, order: 50 },
  },
  // the referral program: pages by the partner permission matrix
  {
    path: '/partner/program',
    title: 'Partner program',
    element: <ProgramHomePage />,
    allow: can.all(can.capability('referral'), can.partner('partner.earnings.read')),
    nav: { section: 'partner', label: 'Program', icon: IconChartBar, order: 60, exact: true },
  },
  {
    path: '/partner/program/codes',
    title: 'Referral codes',
    element: <ProgramCodesPage />,
    allow: can.all(can.capability('referral'), can.partner('partner.referral_codes.create')),
    nav: { section: 'partner', label: 'Referral codes', icon: IconTag, order: 61 },
  },
  {
    path: '/partner/program/referrals',
    title: 'Referred customers',
    element: <ProgramReferralsPage />,
    allow: can.all(can.capability('referral'), can.partner('partner.referrals.read')),
    nav: { section: 'partner', label: 'Referred customers', icon: IconUserPlus, order: 62 },
  },
  {
    path: '/partner/program/earnings',
    title: 'Earnings',
    element: <ProgramEarningsPage />,
    allow: can.all(can.capability('referral'), can.partner('partner.earnings.read')),
    nav: { section: 'partner', label: 'Earnings', icon: IconCoin, order: 63 },
  },
  {
    path: '/partner/program/agreement',
    title: 'Program agreement',
    element: <ProgramAgreementPage />,
    allow: can.all(can.capability('referral'), can.partner('partner.agreements.read')),
    nav: { section: 'partner', label: 'Agreement', icon: IconFileCertificate, order: 64, badge: AgreementNavBadge },
  },
  {
    path: '/partner/early-access',
    title: 'Early access features',
    element: <EarlyAccessPage />,
    allow: can.partner('partner.profile.read'),
    nav: { section: 'partner', label: 'Early access', icon: IconFlask, order: 75 },
  },
  { path: '/partner/access-requests', title: 'Access requests', element: <PartnerAccessRequestsPage />, allow: can.all(can.partner('partner.customers.read'), can.capability('managed_services')), nav: { section: 'partner', label: 'Access requests', icon: IconLink, order: 31 } },
  { path: '/partner/domains', title: 'Partner sign-in domains', element: <PartnerDomainsPage />, allow: can.partner('partner.profile.update'), nav: { section: 'partner', label: 'Sign-in domains', icon: IconWorldWww, order: 78 } },
  { path: '/partner/resellers', title: 'Resellers', element: <ResellersPage />, allow: can.partner('partner.resellers.read'), nav: { section: 'partner', label: 'Resellers', icon: IconBuildingStore, order: 76 } },
  { path: '/partner/single-sign-on', title: 'Single sign-on', element: <PartnerSingleSignOnPage />, allow: can.partner('partner.profile.update'), nav: { section: 'partner', label: 'Single sign-on', icon: IconShieldLock, order: 79 } },
  { path: '/partner/webhooks', title: 'Partner webhooks', element: <PartnerWebhooksPage />, allow: can.partner('partner.webhooks.manage'), nav: { section: 'partner', label: 'Webhooks', icon: IconWebhook, order: 80 } },
  {
    path: '/partner/plans',
    title: 'Plans and customers',
    element: <PartnerPlansPage />,
    allow: can.all(can.capability('wholesale'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: 'Plans and customers', icon: IconReceipt2, order: 55 },
  },
  { path: '/partner/provisioning', title: 'Provisioning', element: <ProvisioningPage />, allow: can.partner('partner.members.manage'), nav: { section: 'partner', label: 'Provisioning', icon: IconUsersGroup, order: 22 } },
  { path: '/partner/usage', title: 'Usage', element: <PartnerUsagePage />, allow: can.partner('partner.profile.read'), nav: { section: 'partner', label: 'Usage', icon: IconGauge, order: 85 } },
  { path: '/partner/audit-streaming', title: 'Partner audit streaming', element: <PartnerAuditStreamingPage />, allow: can.partner('partner.audit.stream'), nav: { section: 'partner', label: 'Audit streaming', icon: IconCloudUpload, order: 91 } },
  { path: '/partner/audit', title: 'Partner audit log', element: <PartnerAuditPage />, allow: can.partner('partner.audit.read'), nav: { section: 'partner', label: 'Audit log', icon: IconHistory, order: 90 } },

  // ---- tenant home (the active tenant comes from the URL) ---------------------------------
  { path: '/tenant/:tenantId', title: 'Overview', element: <TenantHomePage />, allow: can.tenant('tenant.read'), nav: { section: 'tenant', label: 'Overview', icon: IconHome, order: 10, exact: true, badge: TenantWaitingNavBadge } },
  { path: '/tenant/:tenantId/members', title: 'Members', element: <TenantMembersPage />, allow: can.tenant('tenant.members.read'), nav: { section: 'tenant', label: 'Members', icon: IconUsersGroup, order: 20 } },
  { path: '/tenant/:tenantId/provisioning', title: 'Provisioning', element: <TenantProvisioningPage />, allow: can.tenant('tenant.members.manage'), nav: { section: 'tenant', label: 'Provisioning', icon: IconUsersGroup, order: 22 } },
  {
    path: '/tenant/:tenantId/billing-accounts',
    title: 'Billing accounts',
    element: <TenantBillingPage />,
    allow: can.tenant('tenant.billing_accounts.read'),
    nav: { section: 'tenant', label: 'Billing accounts', icon: IconCreditCard, order: 30 },
  },
  {
    path: '/tenant/:tenantId/partners',
    title: 'Partners with access',
    element: <TenantPartnersPage />,
    allow: can.tenant('tenant.delegations.manage'),
    nav: { section: 'tenant', label: 'Partners with access', icon: IconPlugConnected, order: 40 },
  },
  { path: '/tenant/:tenantId/partners/:delegationId', title: 'Partner access', element: <TenantPartnerLinkPage />, allow: can.tenant('tenant.delegations.manage') },
  {
    path: '/tenant/:tenantId/who-has-access',
    title: 'Who has access',
    element: <TenantAccessReviewPage />,
    allow: can.tenant('tenant.delegations.read'),
    nav: { section: 'tenant', label: 'Who has access', icon: IconShieldCheck, order: 42 },
  },
  {
    path: '/tenant/:tenantId/services',
    title: 'Orders, invoices and tickets',
    element: <TenantSelfServicePage />,
    allow: can.any(can.tenant('orders.read'), can.tenant('billing.invoices.read'), can.tenant('support.tickets.read'), can.tenant('services.read')),
    nav: { section: 'tenant', label: 'Orders, invoices and tickets', icon: IconPackage, order: 15 },
  },
  {
    path: '/tenant/:tenantId/time-limited',
    title: 'Time-limited access',
    element: <TenantTimeLimitedAccessPage />,
    allow: can.tenant('tenant.delegations.manage'),
    nav: { section: 'tenant', label: 'Time-limited access', icon: IconClock, order: 45, badge: TimeLimitedNavBadge },
  },
  {
    path: '/tenant/:tenantId/connected',
    title: 'Connected partners',
    element: <ConnectedPartnersPage />,
    allow: can.tenant('tenant.delegations.read'),
    nav: { section: 'tenant', label: 'Connected partners', icon: IconPlug, order: 50 },
  },
  { path: '/tenant/:tenantId/access-requests', title: 'Access requests', element: <TenantAccessRequestsPage />, allow: can.tenant('tenant.delegations.read'), nav: { section: 'tenant', label: 'Access requests', icon: IconLink, order: 41, badge: AccessRequestsNavBadge } },
  { path: '/tenant/:tenantId/settings', title: 'Settings', element: <TenantSettingsPage />, allow: can.tenant('tenant.delegations.read'), nav: { section: 'tenant', label: 'Settings', icon: IconShieldCheck, order: 85 } },
  { path: '/tenant/:tenantId/plan', title: 'Plan and subscription', element: <TenantPlanPage />, allow: can.tenant('tenant.read'), nav: { section: 'tenant', label: 'Plan', icon: IconReceipt2, order: 35 } },
  { path: '/tenant/:tenantId/agencies', title: 'Agencies', element: <AgenciesPage />, allow: can.tenant('tenant.agencies.manage'), nav: { section: 'tenant', label: 'Agencies', icon: IconTicket, order: 60 } },
  { path: '/tenant/:tenantId/agencies/:agencyId', title: 'Agency details', element: <AgencyDetailPage />, allow: can.tenant('tenant.agencies.manage') },
  { path: '/tenant/:tenantId/domains', title: 'Sign-in domains', element: <TenantDomainsPage />, allow: can.tenant('tenant.update'), nav: { section: 'tenant', label: 'Sign-in domains', icon: IconWorldWww, order: 78 } },
  { path: '/tenant/:tenantId/single-sign-on', title: 'Single sign-on', element: <TenantSingleSignOnPage />, allow: can.tenant('tenant.update'), nav: { section: 'tenant', label: 'Single sign-on', icon: IconShieldLock, order: 79 } },
  { path: '/tenant/:tenantId/webhooks', title: 'Webhooks', element: <TenantWebhooksPage />, allow: can.tenant('tenant.webhooks.manage'), nav: { section: 'tenant', label: 'Webhooks', icon: IconWebhook, order: 80 } },
  { path: '/tenant/:tenantId/audit-streaming', title: 'Audit streaming', element: <TenantAuditStreamingPage />, allow: can.tenant('tenant.audit.stream'), nav: { section: 'tenant', label: 'Audit streaming', icon: IconCloudUpload, order: 91 } },
  { path: '/tenant/:tenantId/audit', title: 'Tenant audit log', element: <TenantAuditPage />, allow: can.tenant('tenant.audit.read'), nav: { section: 'tenant', label: 'Audit log', icon: IconListDetails, order: 90 } },

  // ---- everyone ---------------------------------------------------------------------------
  { path: '/notifications', title: 'Notifications', element: <NotificationsPage />, nav: { section: 'account', label: 'Notifications', icon: IconBell, order: 5 } },
  { path: '/account', title: 'Your account', element: <AccountPage />, nav: { section: 'account', label: 'Your account', icon: IconUser, order: 10, exact: true } },
  { path: '/account/security', title: 'Security', element: <SecurityPage />, nav: { section: 'account', label: 'Security', icon: IconShieldCheck, order: 20 } },
];
