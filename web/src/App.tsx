/**
 * The portal shell: public pages, then everything else behind login inside the sidebar layout.
 * Pages and navigation come from the table in routes.tsx — add pages there, not here.
 */
import { Suspense, useEffect, type ReactNode } from 'react';
import { Link, Navigate, Outlet, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
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
import { IconChevronDown, IconLock, IconLogout, IconUser } from '@tabler/icons-react';
import { PAGES, type NavSection, type PortalPage } from './routes.tsx';
import { NotificationBell, useNotificationCounts } from './components/NotificationBell.tsx';
import { SkipLink, mainRegionProps } from './components/SkipLink.tsx';
import { BrandMark, useShownBrand } from './components/BrandMark.tsx';
import { useSession } from './session/SessionContext.tsx';
import { useView } from './session/useView.ts';
import { roleLabel, viewOf, type SessionView } from './session/access.ts';

export function App() {
  const { me } = useSession();
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
            <Titled title={p.title}>
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
      <Loader aria-label="Loading the page" />
    </Center>
  );
}

/** Sets the browser tab's title while the page is shown. */
function Titled({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Partnergate`;
  }, [title]);
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
  const isMember = !!tenantId && !!me?.tenants.some((t) => t.tenant_id === tenantId);
  useEffect(() => {
    if (tenantId && isMember && tenantId !== activeTenantId) setActiveTenantId(tenantId);
  }, [tenantId, isMember, activeTenantId, setActiveTenantId]);
  // Tenant pages name the tenant too, so two tabs on two tenants can be told apart.
  const title = tenantId && view.tenant ? `${page.title} · ${view.tenant.name}` : page.title;
  if ((tenantId && !isMember) || (page.allow && !page.allow(view))) {
    return (
      <Titled title="Not available">
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

function NoAccess({ what = 'this page' }: { what?: string }) {
  return (
    <Alert color="gray" icon={<IconLock size={18} />} title="This page is not available to you" maw={640}>
      Your role does not include {what}. If you think it should, ask an administrator of your organization.{' '}
      <Anchor component={Link} to="/">
        Go to your home page
      </Anchor>.
    </Alert>
  );
}

function NotFound() {
  return (
    <Titled title="Page not found">
      <Alert color="gray" title="Page not found" maw={640}>
        There is no page at this address.{' '}
        <Anchor component={Link} to="/">
          Go to your home page
        </Anchor>
        .
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
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
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
            <VisuallyHidden>Account menu</VisuallyHidden>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconUser size={16} />} component={Link} to="/account">
          Your account
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          leftSection={<IconLogout size={16} />}
          color="red"
          onClick={async () => {
            await logout().catch(() => undefined);
            navigate('/login', { replace: true });
          }}
        >
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function Navigation() {
  const { me, activeTenantId, setActiveTenantId } = useSession();
  const params = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const counts = useNotificationCounts();
  if (!me) return null;
  // The shell sits above the page route, so it reads the tenant from the path itself.
  const urlTenant = /^\/tenant\/([^/]+)/.exec(location.pathname)?.[1];
  const view = viewOf(me, urlTenant ?? params.tenantId ?? activeTenantId);

  const sectionTitle = (s: NavSection): ReactNode => {
    switch (s) {
      case 'operator':
        return 'Operator console';
      case 'partner':
        return view.partner ? `${view.partner.name} · ${roleLabel(view.partner.role)}` : 'Partner';
      case 'tenant':
        if (!view.tenant) return 'Tenant';
        // With several tenants the switcher below names the tenant.
        return view.tenants.length > 1 ? `Tenant · ${roleLabel(view.tenant.role)}` : `${view.tenant.name} · ${roleLabel(view.tenant.role)}`;
      case 'account':
        return 'Account';
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
                aria-label="Switch tenant"
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
            {items.map(({ p, to }) => {
              const Icon = p.nav!.icon;
              const active = location.pathname === to || (!p.nav!.exact && location.pathname.startsWith(to + '/'));
              // a badge where action waits: the page's own count when it has one, else the count the server
              // gives for this link (e.g. link requests of this tenant)
              const PageBadge = p.nav!.badge;
              const waiting = PageBadge ? 0 : (counts?.waiting ?? []).filter((w) => w.link === to).reduce((n, w) => n + w.count, 0);
              return (
                <NavLink
                  key={p.path}
                  component={Link}
                  to={to}
                  label={p.nav!.label}
                  leftSection={<Icon size={18} stroke={1.6} />}
                  rightSection={
                    PageBadge ? (
                      <Suspense fallback={null}>
                        <PageBadge />
                      </Suspense>
                    ) : waiting > 0 ? (
                      <Badge size="sm" color="orange" variant="filled" aria-label={`${waiting} waiting`} data-testid="nav-badge">
                        {waiting}
                      </Badge>
                    ) : undefined
                  }
                  active={active}
                />
              );
            })}
            <Divider mt="sm" />
          </div>
        );
      })}
      {view.partner && view.partner.member_status === 'active' && view.partner.partner_status === 'applied' && (
        <Text size="xs" c="dimmed" px="xs">
          More partner pages appear once the operator approves your application.
        </Text>
      )}
      {!view.isOperator && !view.partner && view.tenants.length === 0 && (
        <Stack gap="xs" px="xs">
          <Text size="sm" c="dimmed">
            You are not a member of any organization yet. Ask an administrator to invite you, or apply as a partner.
          </Text>
          <Button component={Link} to="/apply" variant="light" size="xs">
            Apply as a partner
          </Button>
        </Stack>
      )}
    </Stack>
  );
}
