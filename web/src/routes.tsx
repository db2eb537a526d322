/**
 * The portal's pages and sidebar navigation, in one table.
 *
 * To add a page:
 *   1. Write the component in web/src/pages/<Feature>/<Name>Page.tsx (use PageHeader, ErrorAlert, useLoad,
 *      useAction from ../../components, and `api` / `http` from ../../api).
 *   2. Add one entry to PAGES below:
 *        path     react-router path. `:tenantId` is the active tenant (the switcher fills it in for nav links).
 *        element  the page.
 *        allow    who may open it — combine the predicates of `can` (session/access.ts), e.g.
 *                 can.capability('managed_services'), can.tenantAdmin, can.partnerOwner. Omit: any signed-in user.
 *        nav      to list it in the sidebar: { section: 'operator' | 'partner' | 'tenant' | 'account', label, icon, order }.
 *                 Omit nav for detail pages reached through links.
 *        public   true for pages shown without logging in (and without the sidebar).
 *   Sidebar sections appear only when at least one of their pages is allowed for the user.
 */
import type { ReactNode } from 'react';
import {
  IconBuilding,
  IconBuildingStore,
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
import { LoginPage } from './pages/Login/LoginPage.tsx';
import { ApplyPage } from './pages/Apply/ApplyPage.tsx';
import { AcceptInvitationPage } from './pages/Invite/AcceptInvitationPage.tsx';
import { AccountPage } from './pages/Account/AccountPage.tsx';
import { TenantsPage } from './pages/Operator/TenantsPage.tsx';
import { TenantDetailPage } from './pages/Operator/TenantDetailPage.tsx';
import { PartnersPage } from './pages/Operator/PartnersPage.tsx';
import { PartnerDetailPage } from './pages/Operator/PartnerDetailPage.tsx';
import { UsersPage } from './pages/Operator/UsersPage.tsx';
import { AuditPage } from './pages/Operator/AuditPage.tsx';
import { PartnerHomePage } from './pages/PartnerHome/PartnerHomePage.tsx';
import { PartnerMembersPage } from './pages/PartnerHome/PartnerMembersPage.tsx';
import { PartnerAuditPage } from './pages/PartnerHome/PartnerAuditPage.tsx';
import { TenantHomePage } from './pages/TenantHome/TenantHomePage.tsx';
import { TenantMembersPage } from './pages/TenantHome/TenantMembersPage.tsx';
import { TenantBillingPage } from './pages/TenantHome/TenantBillingPage.tsx';
import { TenantAuditPage } from './pages/TenantHome/TenantAuditPage.tsx';
import { AgenciesPage } from './pages/Agencies/AgenciesPage.tsx';
import { AgencyDetailPage } from './pages/Agencies/AgencyDetailPage.tsx';
import { IconTicket } from '@tabler/icons-react';
import { IconBuildingCommunity, IconLink, IconPlugConnected } from '@tabler/icons-react';
import { PartnerCustomersPage } from './pages/Delegations/PartnerCustomersPage.tsx';
import { TenantPartnersPage } from './pages/Delegations/TenantPartnersPage.tsx';
import { OperatorDelegationsPage } from './pages/Delegations/OperatorDelegationsPage.tsx';
import { PartnerAppsPage } from './pages/Apps/PartnerAppsPage.tsx';
import { ResoldTenantsPage } from './pages/Apps/ResoldTenantsPage.tsx';
import { ConnectedPartnersPage } from './pages/Connected/ConnectedPartnersPage.tsx';
import { IconApps, IconBuildingWarehouse, IconPlug } from '@tabler/icons-react';

export type NavSection = 'operator' | 'partner' | 'tenant' | 'account';

export interface PortalPage {
  path: string;
  element: ReactNode;
  allow?: Rule;
  nav?: { section: NavSection; label: string; icon: Icon; order?: number; /** active only on this exact path */ exact?: boolean };
  public?: boolean;
}

export const PAGES: PortalPage[] = [
  // ---- public -----------------------------------------------------------------------------
  { path: '/login', element: <LoginPage />, public: true },
  { path: '/apply', element: <ApplyPage />, public: true },
  { path: '/invite/:token', element: <AcceptInvitationPage />, public: true },

  // ---- operator console -------------------------------------------------------------------
  { path: '/operator/tenants', element: <TenantsPage />, allow: can.operator, nav: { section: 'operator', label: 'Tenants', icon: IconBuilding, order: 10 } },
  { path: '/operator/tenants/:id', element: <TenantDetailPage />, allow: can.operator },
  { path: '/operator/partners', element: <PartnersPage />, allow: can.operator, nav: { section: 'operator', label: 'Partners', icon: IconBuildingStore, order: 20 } },
  { path: '/operator/partners/:id', element: <PartnerDetailPage />, allow: can.operator },
  { path: '/operator/delegations', element: <OperatorDelegationsPage />, allow: can.operator, nav: { section: 'operator', label: 'Delegations', icon: IconLink, order: 25 } },
  { path: '/operator/users', element: <UsersPage />, allow: can.operator, nav: { section: 'operator', label: 'Users', icon: IconUsers, order: 30 } },
  { path: '/operator/audit', element: <AuditPage />, allow: can.operator, nav: { section: 'operator', label: 'Audit log', icon: IconHistory, order: 90 } },

  // ---- partner home -----------------------------------------------------------------------
  { path: '/partner', element: <PartnerHomePage />, allow: can.partnerMember, nav: { section: 'partner', label: 'Profile', icon: IconHome, order: 10, exact: true } },
  { path: '/partner/members', element: <PartnerMembersPage />, allow: can.activePartner, nav: { section: 'partner', label: 'Team', icon: IconUsersGroup, order: 20 } },
  { path: '/partner/customers', element: <PartnerCustomersPage />, allow: can.capability('managed_services'), nav: { section: 'partner', label: 'Customers I manage', icon: IconBuildingCommunity, order: 30 } },
  {
    path: '/partner/apps',
    element: <PartnerAppsPage />,
    allow: (s) => can.capability('delegated')(s) || can.capability('wholesale')(s) || can.capability('managed_services')(s),
    nav: { section: 'partner', label: 'OAuth apps', icon: IconApps, order: 40 },
  },
  { path: '/partner/resold', element: <ResoldTenantsPage />, allow: can.capability('wholesale'), nav: { section: 'partner', label: 'Resold customers', icon: IconBuildingWarehouse, order: 50 } },
  { path: '/partner/audit', element: <PartnerAuditPage />, allow: can.partnerOwner, nav: { section: 'partner', label: 'Audit log', icon: IconHistory, order: 90 } },

  // ---- tenant home (the active tenant comes from the URL) ---------------------------------
  { path: '/tenant/:tenantId', element: <TenantHomePage />, allow: can.tenantMember, nav: { section: 'tenant', label: 'Overview', icon: IconHome, order: 10, exact: true } },
  { path: '/tenant/:tenantId/members', element: <TenantMembersPage />, allow: can.tenantAdmin, nav: { section: 'tenant', label: 'Members', icon: IconUsersGroup, order: 20 } },
  {
    path: '/tenant/:tenantId/billing-accounts',
    element: <TenantBillingPage />,
    allow: can.tenantMember,
    nav: { section: 'tenant', label: 'Billing accounts', icon: IconCreditCard, order: 30 },
  },
  { path: '/tenant/:tenantId/partners', element: <TenantPartnersPage />, allow: can.tenantAdmin, nav: { section: 'tenant', label: 'Partners with access', icon: IconPlugConnected, order: 40 } },
  { path: '/tenant/:tenantId/connected', element: <ConnectedPartnersPage />, allow: can.tenantAdmin, nav: { section: 'tenant', label: 'Connected partners', icon: IconPlug, order: 50 } },
  { path: '/tenant/:tenantId/agencies', element: <AgenciesPage />, allow: can.tenantAdmin, nav: { section: 'tenant', label: 'Agencies', icon: IconTicket, order: 60 } },
  { path: '/tenant/:tenantId/agencies/:agencyId', element: <AgencyDetailPage />, allow: can.tenantAdmin },
  { path: '/tenant/:tenantId/audit', element: <TenantAuditPage />, allow: can.tenantAdmin, nav: { section: 'tenant', label: 'Audit log', icon: IconListDetails, order: 90 } },

  // ---- everyone ---------------------------------------------------------------------------
  { path: '/account', element: <AccountPage />, nav: { section: 'account', label: 'Your account', icon: IconUser, order: 10 } },
];
