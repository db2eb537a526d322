/**
 * The bell in the portal header: how many things wait for this person (link requests to answer …)
 * plus the unread notices about anything else, the latest unread notices and the waiting items in a
 * dropdown, and a way to the notifications page. It asks again every 30 seconds.
 */
import { Link, useNavigate } from 'react-router';
import { ActionIcon, Anchor, Badge, Button, Divider, Group, Indicator, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconBell } from '@tabler/icons-react';
import { notificationsApi, type NotificationCounts } from '../api/notifications.ts';
import { timeAgo } from './format.ts';
import { notificationKeys } from '../api/keys/notifications.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';
import { common } from '../i18n/common-messages.ts';

const m = defineMessages({
  notifications: { id: 'components.notification_bell.notifications', defaultMessage: 'Notifications' },
  notificationsNew: { id: 'components.notification_bell.notifications_new', defaultMessage: 'Notifications: {count} new' },
});

export const COUNTS_KEY = notificationKeys.counts;

/** The counts every badge reads (one request, shared, refreshed every 30 s). */
export function useNotificationCounts(): NotificationCounts | undefined {
  return useQuery({ queryKey: COUNTS_KEY, queryFn: notificationsApi.counts, refetchInterval: 30_000, staleTime: 10_000 }).data;
}

export function NotificationBell() {
  const counts = useNotificationCounts();
  const intl = useIntl();
  const [opened, { close, toggle }] = useDisclosure(false);
  const navigate = useNavigate();
  const client = useQueryClient();
  const latest = useQuery({ queryKey: notificationKeys.latest, queryFn: () => notificationsApi.list({ unread: true, limit: 5 }), enabled: opened });
  const waiting = counts?.waiting ?? [];
  // the server's count: each waiting item once (a waiting request's own notice is not counted again)
  const total = counts?.bell ?? 0;
  const open = async (id: string, link: string | null) => {
    close();
    await notificationsApi.markRead([id]).catch(() => undefined);
    void client.invalidateQueries({ queryKey: notificationKeys.all });
    if (link) navigate(link);
  };
  return (
    // The count sits outside the popover's target, so the button itself carries the popup's aria-expanded
    // and aria-controls (on the count's wrapper they were attributes a plain element may not have). The
    // button's name already says the count, so the drawn number is hidden from screen readers.
    <Indicator label={<span aria-hidden>{total > 99 ? '99+' : total}</span>} size={18} disabled={total === 0} color="red" offset={4} data-testid="bell-count">
      <Popover opened={opened} onChange={(o) => (o ? undefined : close())} position="bottom-end" width={340} shadow="md" withinPortal>
        <Popover.Target>
          <ActionIcon variant="subtle" size="lg" onClick={toggle} aria-label={total ? intl.formatMessage(m.notificationsNew, { count: total }) : intl.formatMessage(m.notifications)} data-testid="bell">
            <IconBell size={20} aria-hidden />
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown p="sm" data-testid="bell-dropdown">
          <Stack gap="xs">
            {waiting.length > 0 && (
              <>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                  <FormattedMessage id="components.notification_bell.waiting" defaultMessage="Waiting for you" />
                </Text>
                {waiting.map((w) => (
                  <UnstyledButton key={`${w.kind}-${w.tenant_id}`} component={Link} to={w.link} onClick={close}>
                    <Group gap="xs" wrap="nowrap">
                      <Badge color="orange" variant="filled" size="md" circle style={{ flexShrink: 0 }}>
                        {w.count}
                      </Badge>
                      <Text size="sm">{w.label}</Text>
                    </Group>
                  </UnstyledButton>
                ))}
                <Divider />
              </>
            )}
            <Text size="xs" fw={700} c="dimmed" tt="uppercase">
              <FormattedMessage id="components.notification_bell.new" defaultMessage="New notifications" />
            </Text>
            {latest.isPending && opened ? (
              <Text size="sm" c="dimmed">
                <FormattedMessage {...common.loading} />
              </Text>
            ) : (latest.data?.data.length ?? 0) === 0 ? (
              <Text size="sm" c="dimmed">
                <FormattedMessage id="components.notification_bell.nothing_new" defaultMessage="Nothing new. You are up to date." />
              </Text>
            ) : (
              latest.data!.data.map((n) => (
                <UnstyledButton key={n.id} onClick={() => void open(n.id, n.link)} data-testid="bell-item">
                  <Text size="sm" fw={500} lineClamp={2}>
                    {n.title}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {timeAgo(n.created_at)}
                  </Text>
                </UnstyledButton>
              ))
            )}
            <Divider />
            <Group justify="space-between">
              <Anchor component={Link} to="/notifications" size="sm" onClick={close}>
                <FormattedMessage id="components.notification_bell.see_all" defaultMessage="See all notifications" />
              </Anchor>
              <Button variant="subtle" size="compact-sm" component={Link} to="/notifications?tab=settings" onClick={close}>
                <FormattedMessage id="components.notification_bell.settings" defaultMessage="Settings" />
              </Button>
            </Group>
          </Stack>
        </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}
