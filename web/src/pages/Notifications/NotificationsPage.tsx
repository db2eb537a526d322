/** Your notifications (mark read, open what they are about) and your settings: which events, in the portal and by e-mail. */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Anchor, Badge, Button, Card, Group, Paper, SegmentedControl, Stack, Switch, Table, Tabs, Text } from '@mantine/core';
import { IconBell, IconChecks, IconSettings } from '@tabler/icons-react';
import { notificationsApi, type NotificationDto } from '../../api/notifications.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { useNotificationCounts } from '../../components/NotificationBell.tsx';
import { useApiList, useApiMutation, useApiQuery } from '../../query/query.ts';
import { notificationKeys } from '../../api/keys/notifications.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'notifications.title', defaultMessage: 'Notifications' },
  description: {
    id: 'notifications.description',
    defaultMessage: 'What happened that concerns you — partners asking for access, access that ends or changes, webhook endpoints that stopped — and what waits for your answer.',
  },
  tabList: { id: 'notifications.tab.list', defaultMessage: 'Notifications' },
  tabSettings: { id: 'notifications.tab.settings', defaultMessage: 'Settings' },
  markedRead: { id: 'notifications.marked_read', defaultMessage: '{count} marked as read.' },
  nothingUnread: { id: 'notifications.nothing_unread', defaultMessage: 'Nothing was unread.' },
  waiting: { id: 'notifications.waiting', defaultMessage: 'Waiting for you' },
  showAll: { id: 'notifications.show.all', defaultMessage: 'All' },
  showUnread: { id: 'notifications.show.unread', defaultMessage: 'Unread' },
  showUnreadCount: { id: 'notifications.show.unread_count', defaultMessage: 'Unread ({count})' },
  markAll: { id: 'notifications.mark_all', defaultMessage: 'Mark all as read' },
  emptyUnread: { id: 'notifications.empty.unread', defaultMessage: 'Nothing unread. You are up to date.' },
  emptyAll: {
    id: 'notifications.empty.all',
    defaultMessage: 'No notifications yet. You will see here when a partner asks for access, when access ends, and more.',
  },
  colWhat: { id: 'notifications.column.what', defaultMessage: 'What happened' },
  colWhen: { id: 'notifications.column.when', defaultMessage: 'When' },
  unreadLabel: { id: 'notifications.unread_label', defaultMessage: 'unread' },
  newBadge: { id: 'notifications.new_badge', defaultMessage: 'New' },
  open: { id: 'notifications.open', defaultMessage: 'Open' },
  markRead: { id: 'notifications.mark_read', defaultMessage: 'Mark as read' },
  saved: { id: 'notifications.settings.saved', defaultMessage: 'Your notification settings are saved.' },
  settingsIntro: {
    id: 'notifications.settings.intro',
    defaultMessage: 'Choose how you hear about each kind of event. You are told only about organizations you belong to; e-mail goes to your account’s address.',
  },
  colEvent: { id: 'notifications.settings.column.event', defaultMessage: 'Event' },
  colInApp: { id: 'notifications.settings.column.in_app', defaultMessage: 'In the portal' },
  colEmail: { id: 'notifications.settings.column.email', defaultMessage: 'By e-mail' },
  inAppLabel: { id: 'notifications.settings.in_app_label', defaultMessage: '{event}: in the portal' },
  emailLabel: { id: 'notifications.settings.email_label', defaultMessage: '{event}: by e-mail' },
  save: { id: 'notifications.settings.save', defaultMessage: 'Save settings' },
});

export function NotificationsPage() {
  const intl = useIntl();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'settings' ? 'settings' : 'list';
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <Tabs value={tab} onChange={(v) => setParams(v === 'settings' ? { tab: 'settings' } : {})} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="list" leftSection={<IconBell size={16} />}>
            {intl.formatMessage(m.tabList)}
          </Tabs.Tab>
          <Tabs.Tab value="settings" leftSection={<IconSettings size={16} />}>
            {intl.formatMessage(m.tabSettings)}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="list">
          <NotificationList />
        </Tabs.Panel>
        <Tabs.Panel value="settings">
          <Preferences />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function NotificationList() {
  const intl = useIntl();
  const [show, setShow] = useState<'all' | 'unread'>('all');
  const counts = useNotificationCounts();
  const navigate = useNavigate();
  const list = useApiList(notificationKeys.list(show), (cursor) => notificationsApi.list({ unread: show === 'unread' || undefined, cursor, limit: 30 }));
  const markOne = useApiMutation((ids: string[]) => notificationsApi.markRead(ids), { invalidates: [notificationKeys.all], notifyError: true });
  const markAll = useApiMutation(() => notificationsApi.markAllRead(), { invalidates: [notificationKeys.all], notifyError: true, success: (r) => (r.marked ? intl.formatMessage(m.markedRead, { count: r.marked }) : intl.formatMessage(m.nothingUnread)) });
  const open = async (n: NotificationDto) => {
    if (!n.read_at) await markOne.run([n.id]);
    if (n.link) navigate(n.link);
  };
  return (
    <Stack gap="md">
      {(counts?.waiting.length ?? 0) > 0 && (
        <Paper withBorder p="md" radius="md" data-testid="waiting">
          <Text fw={600} mb="xs">
            {intl.formatMessage(m.waiting)}
          </Text>
          <Stack gap={6}>
            {counts!.waiting.map((w) => (
              <Group key={`${w.kind}-${w.tenant_id}`} gap="xs" wrap="nowrap">
                <Badge color="orange" variant="filled" size="md" circle style={{ flexShrink: 0 }}>
                  {w.count}
                </Badge>
                <Anchor component={Link} to={w.link} size="sm">
                  {w.label}
                </Anchor>
              </Group>
            ))}
          </Stack>
        </Paper>
      )}
      <Group justify="space-between" wrap="wrap">
        <SegmentedControl
          value={show}
          onChange={(v) => setShow(v as 'all' | 'unread')}
          data={[
            { value: 'all', label: intl.formatMessage(m.showAll) },
            { value: 'unread', label: counts?.unread ? intl.formatMessage(m.showUnreadCount, { count: counts.unread }) : intl.formatMessage(m.showUnread) },
          ]}
        />
        <Button variant="light" leftSection={<IconChecks size={16} />} onClick={() => void markAll.run()} loading={markAll.busy} disabled={!counts?.unread}>
          {intl.formatMessage(m.markAll)}
        </Button>
      </Group>
      <ErrorAlert error={list.error} />
      <DataTable
        testId="notifications"
        records={list.items}
        loading={list.loading}
        rowKey={(n) => n.id}
        rowProps={(n) => ({ 'data-unread': n.read_at ? undefined : 'true' })}
        empty={show === 'unread' ? intl.formatMessage(m.emptyUnread) : intl.formatMessage(m.emptyAll)}
        columns={[
          {
            key: 'what',
            title: intl.formatMessage(m.colWhat),
            mobile: 'title',
            render: (n) => (
              <Stack gap={2}>
                <Group gap={6} wrap="nowrap">
                  {!n.read_at && <Badge size="xs" color="blue" variant="filled" aria-label={intl.formatMessage(m.unreadLabel)}>{intl.formatMessage(m.newBadge)}</Badge>}
                  <Text size="sm" fw={n.read_at ? 400 : 600}>
                    {n.title}
                  </Text>
                </Group>
                {n.body && (
                  <Text size="xs" c="dimmed">
                    {n.body}
                  </Text>
                )}
              </Stack>
            ),
          },
          { key: 'when', title: intl.formatMessage(m.colWhen), render: (n) => <span title={formatDateTime(n.created_at)}>{timeAgo(n.created_at)}</span>, style: { whiteSpace: 'nowrap' } },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            align: 'right',
            render: (n) => (
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                {n.link && (
                  <Button size="xs" variant="light" onClick={() => void open(n)}>
                    {intl.formatMessage(m.open)}
                  </Button>
                )}
                {!n.read_at && (
                  <Button size="xs" variant="subtle" onClick={() => void markOne.run([n.id])}>
                    {intl.formatMessage(m.markRead)}
                  </Button>
                )}
              </Group>
            ),
          },
        ]}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
      />
    </Stack>
  );
}

function Preferences() {
  const intl = useIntl();
  const prefs = useApiQuery(notificationKeys.preferences, notificationsApi.preferences);
  const [rows, setRows] = useState<{ type: string; label: string; description: string; in_app: boolean; email: boolean }[]>([]);
  useEffect(() => {
    if (prefs.data) setRows(prefs.data.events);
  }, [prefs.data]);
  const save = useApiMutation(() => notificationsApi.savePreferences(rows.map(({ type, in_app, email }) => ({ type, in_app, email }))), { success: intl.formatMessage(m.saved), invalidates: [notificationKeys.preferences] });
  const set = (type: string, key: 'in_app' | 'email', v: boolean) => setRows((r) => r.map((x) => (x.type === type ? { ...x, [key]: v } : x)));
  const changed = JSON.stringify(rows) !== JSON.stringify(prefs.data?.events ?? []);
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={720}>
        {intl.formatMessage(m.settingsIntro)}
      </Text>
      <ErrorAlert error={prefs.error ?? save.error} />
      <Card withBorder radius="md" p={0}>
        <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="preferences">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{intl.formatMessage(m.colEvent)}</Table.Th>
              <Table.Th w={90}>{intl.formatMessage(m.colInApp)}</Table.Th>
              <Table.Th w={90}>{intl.formatMessage(m.colEmail)}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.type}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {r.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {r.description}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Switch checked={r.in_app} onChange={(e) => set(r.type, 'in_app', e.currentTarget.checked)} aria-label={intl.formatMessage(m.inAppLabel, { event: r.label })} />
                </Table.Td>
                <Table.Td>
                  <Switch checked={r.email} onChange={(e) => set(r.type, 'email', e.currentTarget.checked)} aria-label={intl.formatMessage(m.emailLabel, { event: r.label })} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Group>
        <Button onClick={() => void save.run()} loading={save.busy} disabled={!changed}>
          {intl.formatMessage(m.save)}
        </Button>
      </Group>
    </Stack>
  );
}
