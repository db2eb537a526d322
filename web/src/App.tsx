/**
 * The portal shell: public pages, then everything else behind login inside the sidebar layout.
 * Pages and navigation come from the table in routes.tsx — add pages there, not here.
 */
import { Suspense, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Outlet, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import {
  Alert,
  Anchor,
  AppShell,
  Avatar,
  Badge,
  Burger,
  Button,
  Center,
  Divider,
  Group,
  Loader,
  Menu,
  NavLink,
  ScrollArea,
  Select,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { FormattedMessage, useIntl, type MessageDescriptor } from 'react-intl';
import { defineMessages } from './i18n/define.ts';
import { IconChevronDown, IconLock, IconLogout, IconUser } from '@tabler/icons-react';
import { PAGES, type NavSection, type PortalPage } from './routes.tsx';
import { NotificationBell, useNotificationCounts } from './components/NotificationBell.tsx';
import { SkipLink, mainRegionProps } from './components/SkipLink.tsx';
import { BrandMark, useShownBrand } from './components/BrandMark.tsx';
import { useSession } from './session/SessionContext.tsx';
import { useView } from './session/useView.ts';
import { roleLabel, viewOf, type SessionView } from './session/access.ts';

const m = defineMessages({
  loadingPage: { id: 'shell.loading_page', defaultMessage: 'Loading the page' },
  tabTitle: { id: 'shell.tab_title', defaultMessage: '{page} · {product}' },
  pageOfTenant: { id: 'shell.page_of_tenant', defaultMessage: '{page} · {tenant}' },
  notAvailable: { id: 'shell.not_available.title', defaultMessage: 'Not available' },
  thisPage: { id: 'shell.not_available.this_page', defaultMessage: 'this page' },
  notFound: { id: 'shell.not_found', defaultMessage: 'Page not found' },
  toggleNavigation: { id: 'shell.toggle_navigation', defaultMessage: 'Toggle navigation' },
  switchTenant: { id: 'shell.switch_tenant', defaultMessage: 'Switch tenant' },
  waiting: { id: 'shell.nav.waiting', defaultMessage: '{count, plural, one {# waiting} other {# waiting}}' },
  operatorConsole: { id: 'shell.nav.operator', defaultMessage: 'Operator console' },
  partner: { id: 'shell.nav.partner', defaultMessage: 'Partner' },
  orgAndRole: { id: 'shell.nav.org_and_role', defaultMessage: '{organization} · {role}' },
  tenant: { id: 'shell.nav.tenant', defaultMessage: 'Tenant' },
  tenantAndRole: { id: 'shell.nav.tenant_and_role', defaultMessage: 'Tenant · {role}' },
  account: { id: 'shell.nav.account', defaultMessage: 'Account' },
});

/** The product's name, in the tab's title and the header (a brand: not translated). */
const PRODUCT = 'Partnergate';

/** The router comes with the shell, not in the first download: nothing before the shell reads the address. */
export function App() {
  return (
    <BrowserRouter>
      <PortalRoutes />
    </BrowserRouter>
  );
}

function PortalRoutes() {
  const { me } = useSession();
  const intl = useIntl();
  if (me === undefined) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  }
  return (
    <Routes>
      {PAGES.filter((p) => p.public).map((p) => (
        <Route
          key={p.path}
          path={p.path}
          element={
            <Titled title={intl.formatMessage(p.title)}>
              <Suspense fallback={<PageLoader />}>{p.element}</Suspense>
            </Titled>
          }
        />
      ))}
      <Route
        element={
          <RequireLogin>
            <Shell />
          </RequireLogin>
        }
      >
        <Route index element={<HomeRedirect />} />
        {PAGES.filter((p) => !p.public).map((p) => (
          <Route key={p.path} path={p.path} element={<Guard page={p} />} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function PageLoader() {
  return (
    <Center py="xl">
      <Loader aria-label={useIntl().formatMessage(m.loadingPage)} />
    </Center>
  );
}

/** Sets the browser tab's title while the page is shown. */
function Titled({ title, children }: { title: string; children: ReactNode }) {
  const intl = useIntl();
  useEffect(() => {
    document.title = intl.formatMessage(m.tabTitle, { page: title, product: PRODUCT });
  }, [title, intl]);
  return <>{children}</>;
}

function RequireLogin({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const location = useLocation();
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

/** Where "/" takes each kind of user. */
export function homePath(v: SessionView): string {
  if (v.isOperator) return v.me.permissions.includes('platform.audit.read') ? '/operator' : '/operator/tenants';
  if (v.partner && v.partner.member_status === 'active') return '/partner';
  if (v.tenant) return `/tenant/${v.tenant.tenant_id}`;
  return '/account';
}

function HomeRedirect() {
  const view = useView();
  return <Navigate to={homePath(view)} replace />;
}

function Guard({ page }: { page: PortalPage }) {
  const { me, activeTenantId, setActiveTenantId } = useSession();
  const { tenantId } = useParams();
  const view = useView();
  const intl = useIntl();
  const isMember = !!tenantId && !!me?.tenants.some((t) => t.tenant_id === tenantId);
  useEffect(() => {
    if (tenantId && isMember && tenantId !== activeTenantId) setActiveTenantId(tenantId);
  }, [tenantId, isMember, activeTenantId, setActiveTenantId]);
  // Tenant pages name the tenant too, so two tabs on two tenants can be told apart.
  const pageTitle = intl.formatMessage(page.title);
  const title = tenantId && view.tenant ? intl.formatMessage(m.pageOfTenant, { page: pageTitle, tenant: view.tenant.name }) : pageTitle;
  if ((tenantId && !isMember) || (page.allow && !page.allow(view))) {
    return (
      <Titled title={intl.formatMessage(m.notAvailable)}>
        <NoAccess what={page.refusal} />
      </Titled>
    );
  }
  return (
    <Titled title={title}>
      <Suspense fallback={<PageLoader />}>{page.element}</Suspense>
    </Titled>
  );
}

function NoAccess({ what = m.thisPage }: { what?: MessageDescriptor }) {
  const intl = useIntl();
  return (
    <Alert color="gray" icon={<IconLock size={18} />} title={<FormattedMessage id="shell.not_available.heading" defaultMessage="This page is not available to you" />} maw={640}>
      <FormattedMessage
        id="shell.not_available.body"
        defaultMessage="Your role does not include {what}. If you think it should, ask an administrator of your organization. <home>Go to your home page</home>."
        values={{
          what: intl.formatMessage(what),
          home: (chunks) => (
            <Anchor component={Link} to="/" underline="always">
              {chunks}
            </Anchor>
          ),
        }}
      />
    </Alert>
  );
}

function NotFound() {
  const intl = useIntl();
  return (
    <Titled title={intl.formatMessage(m.notFound)}>
      <Alert color="gray" title={intl.formatMessage(m.notFound)} maw={640}>
        <FormattedMessage
          id="shell.not_found.body"
          defaultMessage="There is no page at this address. <home>Go to your home page</home>."
          values={{
            home: (chunks) => (
              <Anchor component={Link} to="/" underline="always">
                {chunks}
              </Anchor>
            ),
          }}
        />
      </Alert>
    </Titled>
  );
}

const SECTION_ORDER: NavSection[] = ['operator', 'partner', 'tenant', 'account'];

function navPath(p: PortalPage, v: SessionView): string | null {
  if (p.path.includes(':tenantId')) {
    if (!v.tenant) return null;
    return p.path.replace(':tenantId', v.tenant.tenant_id);
  }
  return p.path;
}

function Shell() {
  const intl = useIntl();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the phone menu whenever the page changes
  useEffect(() => close(), [location.pathname, close]);
  const brand = useShownBrand();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <SkipLink />
      <AppShell.Header style={brand?.primary_color ? { borderBottom: `3px solid ${brand.primary_color}` } : undefined}>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={intl.formatMessage(m.toggleNavigation)} />
            <UnstyledButton component={Link} to="/">
              <BrandMark brand={brand} />
            </UnstyledButton>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <AppShell.Section grow component={ScrollArea}>
          <Navigation />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0" {...mainRegionProps}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function UserMenu() {
  const { me, logout } = useSession();
  const navigate = useNavigate();
  if (!me) return null;
  const initials = (me.user.name || me.user.email)
    .split(/\s+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <Menu position="bottom-end" width={240}>
      <Menu.Target>
        {/* Named by what it shows (the person's name and e-mail) plus "account menu", so the name a screen
            reader announces and a voice user says both start from the words on screen (WCAG 2.5.3). */}
        <UnstyledButton data-testid="user-menu">
          <Group gap={8}>
            <Avatar size="sm" color="blue" radius="xl" aria-hidden>
              {initials}
            </Avatar>
            <Stack gap={0} visibleFrom="sm">
              <Text size="sm" fw={500} lh={1.2}>
                {me.user.name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {me.user.email}
              </Text>
            </Stack>
            <VisuallyHidden>
              <FormattedMessage id="shell.account_menu" defaultMessage="Account menu" />
            </VisuallyHidden>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconUser size={16} />} component={Link} to="/account">
          <FormattedMessage id="shell.your_account" defaultMessage="Your account" />
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          leftSection={<IconLogout size={16} />}
          color="red"
          onClick={async () => {
            const next = await logout().catch(() => null);
            // signed in by the company's provider: it signs the person out there too, then sends them back to sign-in
            if (next) window.location.assign(next);
            else navigate('/login', { replace: true });
          }}
          data-testid="log-out"
        >
          <FormattedMessage id="shell.log_out" defaultMessage="Log out" />
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/**
 * One sidebar link, with a badge where action waits: the page's own count when it has one, else the count the
 * server gives for this link (e.g. link requests of this tenant).
 */
function NavItem({ page, to, waiting }: { page: PortalPage; to: string; waiting: number }) {
  const intl = useIntl();
  const location = useLocation();
  const nav = page.nav!;
  const Icon = nav.icon;
  const active = location.pathname === to || (!nav.exact && location.pathname.startsWith(to + '/'));
  const PageBadge = nav.badge;
  return (
    <NavLink
      component={Link}
      to={to}
      label={intl.formatMessage(nav.label)}
      leftSection={<Icon size={18} stroke={1.6} />}
      rightSection={
        PageBadge ? (
          <Suspense fallback={null}>
            <PageBadge />
          </Suspense>
        ) : waiting > 0 ? (
          <Badge size="sm" color="orange" variant="filled" aria-label={intl.formatMessage(m.waiting, { count: waiting })} data-testid="nav-badge">
            {waiting}
          </Badge>
        ) : undefined
      }
      active={active}
    />
  );
}

function Navigation() {
  const { me, activeTenantId, setActiveTenantId } = useSession();
  const params = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const counts = useNotificationCounts();
  const intl = useIntl();
  if (!me) return null;
  // The shell sits above the page route, so it reads the tenant from the path itself.
  const urlTenant = /^\/tenant\/([^/]+)/.exec(location.pathname)?.[1];
  const view = viewOf(me, urlTenant ?? params.tenantId ?? activeTenantId);

  const sectionTitle = (s: NavSection): ReactNode => {
    switch (s) {
      case 'operator':
        return intl.formatMessage(m.operatorConsole);
      case 'partner':
        return view.partner ? intl.formatMessage(m.orgAndRole, { organization: view.partner.name, role: roleLabel(intl, view.partner.role) }) : intl.formatMessage(m.partner);
      case 'tenant':
        if (!view.tenant) return intl.formatMessage(m.tenant);
        // With several tenants the switcher below names the tenant.
        return view.tenants.length > 1
          ? intl.formatMessage(m.tenantAndRole, { role: roleLabel(intl, view.tenant.role) })
          : intl.formatMessage(m.orgAndRole, { organization: view.tenant.name, role: roleLabel(intl, view.tenant.role) });
      case 'account':
        return intl.formatMessage(m.account);
    }
  };

  const switchTenant = (id: string | null) => {
    if (!id || !view.tenant || id === view.tenant.tenant_id) return;
    setActiveTenantId(id);
    const rest = urlTenant ? location.pathname.replace(/^\/tenant\/[^/]+/, '') : '';
    navigate(`/tenant/${id}${rest}`);
  };

  return (
    <Stack gap="md">
      {SECTION_ORDER.map((section) => {
        const items = PAGES.filter((p) => p.nav?.section === section && (!p.allow || p.allow(view)))
          .map((p) => ({ p, to: navPath(p, view) }))
          .filter((x): x is { p: PortalPage; to: string } => x.to !== null)
          .sort((a, b) => (a.p.nav!.order ?? 50) - (b.p.nav!.order ?? 50));
        if (items.length === 0) return null;
        return (
          <div key={section} data-testid={`nav-${section}`}>
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="xs" mb={4}>
              {sectionTitle(section)}
            </Text>
            {section === 'tenant' && view.tenants.length > 1 && (
              <Select
                aria-label={intl.formatMessage(m.switchTenant)}
                size="xs"
                mx="xs"
                mb={6}
                data={view.tenants.map((t) => ({ value: t.tenant_id, label: t.name }))}
                value={view.tenant?.tenant_id ?? null}
                onChange={switchTenant}
                allowDeselect={false}
                data-testid="tenant-switcher"
              />
            )}
            {items.map(({ p, to }) => (
              <NavItem key={p.path} page={p} to={to} waiting={(counts?.waiting ?? []).filter((w) => w.link === to).reduce((n, w) => n + w.count, 0)} />
            ))}
            <Divider mt="sm" />
          </div>
        );
      })}
      {view.partner && view.partner.member_status === 'active' && view.partner.partner_status === 'applied' && (
        <Text size="xs" c="dimmed" px="xs">
          <FormattedMessage id="shell.nav.applied" defaultMessage="More partner pages appear once the operator approves your application." />
        </Text>
      )}
      {!view.isOperator && !view.partner && view.tenants.length === 0 && (
        <Stack gap="xs" px="xs">
          <Text size="sm" c="dimmed">
            <FormattedMessage id="shell.nav.no_organization" defaultMessage="You are not a member of any organization yet. Ask an administrator to invite you, or apply as a partner." />
          </Text>
          <Button component={Link} to="/apply" variant="light" size="xs">
            <FormattedMessage id="shell.nav.apply" defaultMessage="Apply as a partner" />
          </Button>
        </Stack>
      )}
    </Stack>
  );
}
