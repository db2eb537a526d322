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

export function NotificationsPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'settings' ? 'settings' : 'list';
  return (
    <>
      <PageHeader title="Notifications" description="What happened that concerns you — partners asking for access, access that ends or changes, webhook endpoints that stopped — and what waits for your answer." />
      <Tabs value={tab} onChange={(v) => setParams(v === 'settings' ? { tab: 'settings' } : {})} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="list" leftSection={<IconBell size={16} />}>
            Notifications
          </Tabs.Tab>
          <Tabs.Tab value="settings" leftSection={<IconSettings size={16} />}>
            Settings
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
  const [show, setShow] = useState<'all' | 'unread'>('all');
  const counts = useNotificationCounts();
  const navigate = useNavigate();
  const list = useApiList(notificationKeys.list(show), (cursor) => notificationsApi.list({ unread: show === 'unread' || undefined, cursor, limit: 30 }));
  const markOne = useApiMutation((ids: string[]) => notificationsApi.markRead(ids), { invalidates: [notificationKeys.all], notifyError: true });
  const markAll = useApiMutation(() => notificationsApi.markAllRead(), { invalidates: [notificationKeys.all], notifyError: true, success: (r) => (r.marked ? `${r.marked} marked as read.` : 'Nothing was unread.') });
  const open = async (n: NotificationDto) => {
    if (!n.read_at) await markOne.run([n.id]);
    if (n.link) navigate(n.link);
  };
  return (
    <Stack gap="md">
      {(counts?.waiting.length ?? 0) > 0 && (
        <Paper withBorder p="md" radius="md" data-testid="waiting">
          <Text fw={600} mb="xs">
            Waiting for you
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
            { value: 'all', label: 'All' },
            { value: 'unread', label: `Unread${counts?.unread ? ` (${counts.unread})` : ''}` },
          ]}
        />
        <Button variant="light" leftSection={<IconChecks size={16} />} onClick={() => void markAll.run()} loading={markAll.busy} disabled={!counts?.unread}>
          Mark all as read
        </Button>
      </Group>
      <ErrorAlert error={list.error} />
      <DataTable
        testId="notifications"
        records={list.items}
        loading={list.loading}
        rowKey={(n) => n.id}
        rowProps={(n) => ({ 'data-unread': n.read_at ? undefined : 'true' })}
        empty={show === 'unread' ? 'Nothing unread. You are up to date.' : 'No notifications yet. You will see here when a partner asks for access, when access ends, and more.'}
        columns={[
          {
            key: 'what',
            title: 'What happened',
            mobile: 'title',
            render: (n) => (
              <Stack gap={2}>
                <Group gap={6} wrap="nowrap">
                  {!n.read_at && <Badge size="xs" color="blue" variant="filled" aria-label="unread">New</Badge>}
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
          { key: 'when', title: 'When', render: (n) => <span title={formatDateTime(n.created_at)}>{timeAgo(n.created_at)}</span>, style: { whiteSpace: 'nowrap' } },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            align: 'right',
            render: (n) => (
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                {n.link && (
                  <Button size="xs" variant="light" onClick={() => void open(n)}>
                    Open
                  </Button>
                )}
                {!n.read_at && (
                  <Button size="xs" variant="subtle" onClick={() => void markOne.run([n.id])}>
                    Mark as read
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
  const prefs = useApiQuery(notificationKeys.preferences, notificationsApi.preferences);
  const [rows, setRows] = useState<{ type: string; label: string; description: string; in_app: boolean; email: boolean }[]>([]);
  useEffect(() => {
    if (prefs.data) setRows(prefs.data.events);
  }, [prefs.data]);
  const save = useApiMutation(() => notificationsApi.savePreferences(rows.map(({ type, in_app, email }) => ({ type, in_app, email }))), { success: 'Your notification settings are saved.', invalidates: [notificationKeys.preferences] });
  const set = (type: string, key: 'in_app' | 'email', v: boolean) => setRows((r) => r.map((x) => (x.type === type ? { ...x, [key]: v } : x)));
  const changed = JSON.stringify(rows) !== JSON.stringify(prefs.data?.events ?? []);
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={720}>
        Choose how you hear about each kind of event. You are told only about organizations you belong to; e-mail goes to your account’s address.
      </Text>
      <ErrorAlert error={prefs.error ?? save.error} />
      <Card withBorder radius="md" p={0}>
        <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="preferences">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th w={90}>In the portal</Table.Th>
              <Table.Th w={90}>By e-mail</Table.Th>
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
                  <Switch checked={r.in_app} onChange={(e) => set(r.type, 'in_app', e.currentTarget.checked)} aria-label={`${r.label}: in the portal`} />
                </Table.Td>
                <Table.Td>
                  <Switch checked={r.email} onChange={(e) => set(r.type, 'email', e.currentTarget.checked)} aria-label={`${r.label}: by e-mail`} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Group>
        <Button onClick={() => void save.run()} loading={save.busy} disabled={!changed}>
          Save settings
        </Button>
      </Group>
    </Stack>
  );
}
