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
import { lazy, type ReactNode } from 'react';
import {
  IconApps,
  IconClock,
  IconBell,
  IconMail,
  IconWebhook,
  IconBuilding,
  IconBuildingCommunity,
  IconBuildingStore,
  IconBuildingWarehouse,
  IconLink,
  IconPlug,
  IconPlugConnected,
  IconTicket,
  IconCreditCard,
  IconHistory,
  IconHome,
  IconListDetails,
  IconUser,
  IconUsers,
  IconUsersGroup,
  type Icon,
} from '@tabler/icons-react';
import { can, type Rule } from './session/access.ts';

// Every page is its own chunk, loaded when first opened: the first download holds only the shell.
const LoginPage = lazy(() => import('./pages/Login/LoginPage.tsx').then((m) => ({ default: m.LoginPage })));
const ApplyPage = lazy(() => import('./pages/Apply/ApplyPage.tsx').then((m) => ({ default: m.ApplyPage })));
const AcceptInvitationPage = lazy(() => import('./pages/Invite/AcceptInvitationPage.tsx').then((m) => ({ default: m.AcceptInvitationPage })));
const AccountPage = lazy(() => import('./pages/Account/AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const TenantsPage = lazy(() => import('./pages/Operator/TenantsPage.tsx').then((m) => ({ default: m.TenantsPage })));
const TenantDetailPage = lazy(() => import('./pages/Operator/TenantDetailPage.tsx').then((m) => ({ default: m.TenantDetailPage })));
const PartnersPage = lazy(() => import('./pages/Operator/PartnersPage.tsx').then((m) => ({ default: m.PartnersPage })));
const PartnerDetailPage = lazy(() => import('./pages/Operator/PartnerDetailPage.tsx').then((m) => ({ default: m.PartnerDetailPage })));
const UsersPage = lazy(() => import('./pages/Operator/UsersPage.tsx').then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => import('./pages/Operator/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
const PartnerHomePage = lazy(() => import('./pages/PartnerHome/PartnerHomePage.tsx').then((m) => ({ default: m.PartnerHomePage })));
const PartnerMembersPage = lazy(() => import('./pages/PartnerHome/PartnerMembersPage.tsx').then((m) => ({ default: m.PartnerMembersPage })));
const PartnerAuditPage = lazy(() => import('./pages/PartnerHome/PartnerAuditPage.tsx').then((m) => ({ default: m.PartnerAuditPage })));
const TenantHomePage = lazy(() => import('./pages/TenantHome/TenantHomePage.tsx').then((m) => ({ default: m.TenantHomePage })));
const TenantMembersPage = lazy(() => import('./pages/TenantHome/TenantMembersPage.tsx').then((m) => ({ default: m.TenantMembersPage })));
const TenantBillingPage = lazy(() => import('./pages/TenantHome/TenantBillingPage.tsx').then((m) => ({ default: m.TenantBillingPage })));
const TenantAuditPage = lazy(() => import('./pages/TenantHome/TenantAuditPage.tsx').then((m) => ({ default: m.TenantAuditPage })));
const AgenciesPage = lazy(() => import('./pages/Agencies/AgenciesPage.tsx').then((m) => ({ default: m.AgenciesPage })));
const AgencyDetailPage = lazy(() => import('./pages/Agencies/AgencyDetailPage.tsx').then((m) => ({ default: m.AgencyDetailPage })));
const PartnerCustomersPage = lazy(() => import('./pages/Delegations/PartnerCustomersPage.tsx').then((m) => ({ default: m.PartnerCustomersPage })));
const TenantPartnersPage = lazy(() => import('./pages/Delegations/TenantPartnersPage.tsx').then((m) => ({ default: m.TenantPartnersPage })));
const OperatorDelegationsPage = lazy(() => import('./pages/Delegations/OperatorDelegationsPage.tsx').then((m) => ({ default: m.OperatorDelegationsPage })));
const PartnerAppsPage = lazy(() => import('./pages/Apps/PartnerAppsPage.tsx').then((m) => ({ default: m.PartnerAppsPage })));
const ResoldTenantsPage = lazy(() => import('./pages/Apps/ResoldTenantsPage.tsx').then((m) => ({ default: m.ResoldTenantsPage })));
const NotificationsPage = lazy(() => import('./pages/Notifications/NotificationsPage.tsx').then((m) => ({ default: m.NotificationsPage })));
const TenantWebhooksPage = lazy(() => import('./pages/Webhooks/WebhooksPages.tsx').then((m) => ({ default: m.TenantWebhooksPage })));
const PartnerWebhooksPage = lazy(() => import('./pages/Webhooks/WebhooksPages.tsx').then((m) => ({ default: m.PartnerWebhooksPage })));
const OperatorWebhooksPage = lazy(() => import('./pages/Webhooks/WebhooksPages.tsx').then((m) => ({ default: m.OperatorWebhooksPage })));
const MailOutboxPage = lazy(() => import('./pages/Operator/MailOutboxPage.tsx').then((m) => ({ default: m.MailOutboxPage })));
const TenantTimeLimitedAccessPage = lazy(() => import('./pages/JustInTime/TenantTimeLimitedAccessPage.tsx').then((m) => ({ default: m.TenantTimeLimitedAccessPage })));
const PartnerEligibleAccessPage = lazy(() => import('./pages/JustInTime/PartnerEligibleAccessPage.tsx').then((m) => ({ default: m.PartnerEligibleAccessPage })));
const ConnectedPartnersPage = lazy(() => import('./pages/Connected/ConnectedPartnersPage.tsx').then((m) => ({ default: m.ConnectedPartnersPage })));

export type NavSection = 'operator' | 'partner' | 'tenant' | 'account';

export interface PortalPage {
  path: string;
  /** the browser tab's title; distinct for every page */
  title: string;
  element: ReactNode;
  allow?: Rule;
  nav?: { section: NavSection; label: string; icon: Icon; order?: number; /** active only on this exact path */ exact?: boolean };
  public?: boolean;
}

export const PAGES: PortalPage[] = [
  // ---- public -----------------------------------------------------------------------------
  { path: '/login', title: 'Log in', element: <LoginPage />, public: true },
  { path: '/apply', title: 'Apply as a partner', element: <ApplyPage />, public: true },
  { path: '/invite/:token', title: 'Accept an invitation', element: <AcceptInvitationPage />, public: true },

  // ---- operator console -------------------------------------------------------------------
  { path: '/operator/tenants', title: 'Tenants', element: <TenantsPage />, allow: can.platform('platform.tenants.manage'), nav: { section: 'operator', label: 'Tenants', icon: IconBuilding, order: 10 } },
  { path: '/operator/tenants/:id', title: 'Tenant details', element: <TenantDetailPage />, allow: can.platform('platform.tenants.manage') },
  { path: '/operator/partners', title: 'Partners', element: <PartnersPage />, allow: can.platform('platform.partners.manage'), nav: { section: 'operator', label: 'Partners', icon: IconBuildingStore, order: 20 } },
  { path: '/operator/partners/:id', title: 'Partner details', element: <PartnerDetailPage />, allow: can.platform('platform.partners.manage') },
  {
    path: '/operator/delegations',
    title: 'All delegations',
    element: <OperatorDelegationsPage />,
    allow: can.platform('platform.delegations.manage'),
    nav: { section: 'operator', label: 'Delegations', icon: IconLink, order: 25 },
  },
  { path: '/operator/users', title: 'Users', element: <UsersPage />, allow: can.platform('platform.users.manage'), nav: { section: 'operator', label: 'Users', icon: IconUsers, order: 30 } },
  { path: '/operator/webhooks', title: 'Platform webhooks', element: <OperatorWebhooksPage />, allow: can.platform('platform.webhooks.manage'), nav: { section: 'operator', label: 'Webhooks', icon: IconWebhook, order: 80 } },
  { path: '/operator/mail', title: 'Mail outbox', element: <MailOutboxPage />, allow: can.platform('platform.webhooks.manage'), nav: { section: 'operator', label: 'Mail outbox', icon: IconMail, order: 85 } },
  { path: '/operator/audit', title: 'Platform audit log', element: <AuditPage />, allow: can.platform('platform.audit.read'), nav: { section: 'operator', label: 'Audit log', icon: IconHistory, order: 90 } },

  // ---- partner home -----------------------------------------------------------------------
  { path: '/partner', title: 'Partner profile', element: <PartnerHomePage />, allow: can.partnerMember, nav: { section: 'partner', label: 'Profile', icon: IconHome, order: 10, exact: true } },
  { path: '/partner/members', title: 'Partner team', element: <PartnerMembersPage />, allow: can.partner('partner.profile.read'), nav: { section: 'partner', label: 'Team', icon: IconUsersGroup, order: 20 } },
  {
    path: '/partner/customers',
    title: 'Customers I manage',
    element: <PartnerCustomersPage />,
    allow: can.all(can.capability('managed_services'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: 'Customers I manage', icon: IconBuildingCommunity, order: 30 },
  },
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
    path: '/partner/resold',
    title: 'Resold customers',
    element: <ResoldTenantsPage />,
    allow: can.all(can.capability('wholesale'), can.partner('partner.customers.read')),
    nav: { section: 'partner', label: 'Resold customers', icon: IconBuildingWarehouse, order: 50 },
  },
  { path: '/partner/webhooks', title: 'Partner webhooks', element: <PartnerWebhooksPage />, allow: can.partner('partner.webhooks.manage'), nav: { section: 'partner', label: 'Webhooks', icon: IconWebhook, order: 80 } },
  { path: '/partner/audit', title: 'Partner audit log', element: <PartnerAuditPage />, allow: can.partner('partner.audit.read'), nav: { section: 'partner', label: 'Audit log', icon: IconHistory, order: 90 } },

  // ---- tenant home (the active tenant comes from the URL) ---------------------------------
  { path: '/tenant/:tenantId', title: 'Overview', element: <TenantHomePage />, allow: can.tenant('tenant.read'), nav: { section: 'tenant', label: 'Overview', icon: IconHome, order: 10, exact: true } },
  { path: '/tenant/:tenantId/members', title: 'Members', element: <TenantMembersPage />, allow: can.tenant('tenant.members.read'), nav: { section: 'tenant', label: 'Members', icon: IconUsersGroup, order: 20 } },
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
  {
    path: '/tenant/:tenantId/time-limited',
    title: 'Time-limited access',
    element: <TenantTimeLimitedAccessPage />,
    allow: can.tenant('tenant.delegations.manage'),
    nav: { section: 'tenant', label: 'Time-limited access', icon: IconClock, order: 45 },
  },
  {
    path: '/tenant/:tenantId/connected',
    title: 'Connected partners',
    element: <ConnectedPartnersPage />,
    allow: can.tenant('tenant.delegations.read'),
    nav: { section: 'tenant', label: 'Connected partners', icon: IconPlug, order: 50 },
  },
  { path: '/tenant/:tenantId/agencies', title: 'Agencies', element: <AgenciesPage />, allow: can.tenant('tenant.agencies.manage'), nav: { section: 'tenant', label: 'Agencies', icon: IconTicket, order: 60 } },
  { path: '/tenant/:tenantId/agencies/:agencyId', title: 'Agency details', element: <AgencyDetailPage />, allow: can.tenant('tenant.agencies.manage') },
  { path: '/tenant/:tenantId/webhooks', title: 'Webhooks', element: <TenantWebhooksPage />, allow: can.tenant('tenant.webhooks.manage'), nav: { section: 'tenant', label: 'Webhooks', icon: IconWebhook, order: 80 } },
  { path: '/tenant/:tenantId/audit', title: 'Tenant audit log', element: <TenantAuditPage />, allow: can.tenant('tenant.audit.read'), nav: { section: 'tenant', label: 'Audit log', icon: IconListDetails, order: 90 } },

  // ---- everyone ---------------------------------------------------------------------------
  { path: '/notifications', title: 'Notifications', element: <NotificationsPage />, nav: { section: 'account', label: 'Notifications', icon: IconBell, order: 5 } },
  { path: '/account', title: 'Your account', element: <AccountPage />, nav: { section: 'account', label: 'Your account', icon: IconUser, order: 10 } },
];
