/**
 * The overview's "Waiting for you": each partner request this admin answers, in one sentence, with a
 * link to the page where it is answered; below it, invitations that wait for someone else. A list that
 * failed to load says so (and "Nothing waits for you" is said only when every list loaded).
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Link } from 'react-router';
import { Alert, Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDate, formatDateTime, timeAgo } from '../../components/format.ts';
import { defineMessages } from '../../i18n/define.ts';
import type { TenantWaiting, WaitingKind } from './useTenantWaiting.ts';

const KIND_WORDS = defineMessages<WaitingKind>({
  link_request: { id: 'tenant_home.waiting.kind.link_request', defaultMessage: 'Access request' },
  renewal: { id: 'tenant_home.waiting.kind.renewal', defaultMessage: 'Renewal' },
  confirmation: { id: 'tenant_home.waiting.kind.confirmation', defaultMessage: 'Confirmation' },
  activation: { id: 'tenant_home.waiting.kind.activation', defaultMessage: 'Time-limited access' },
});

const m = defineMessages({
  title: { id: 'tenant_home.waiting.title', defaultMessage: 'Waiting for you' },
  failed: {
    id: 'tenant_home.waiting.failed',
    defaultMessage:
      '{what, select, delegations {Your partner access requests could not be loaded} activations {Your time-limited access requests could not be loaded} other {Your invitations could not be loaded}}',
  },
  empty: {
    id: 'tenant_home.waiting.empty',
    defaultMessage: 'Nothing waits for you. Partner access requests, renewals and time-limited access requests appear here when a partner asks.',
  },
  asked: { id: 'tenant_home.waiting.asked', defaultMessage: 'asked {ago}' },
  oneInvitation: {
    id: 'tenant_home.waiting.invitations.one',
    defaultMessage: 'Waiting for someone else: {email} has not accepted the invitation you sent on {date} yet.',
  },
  manyInvitations: {
    id: 'tenant_home.waiting.invitations.many',
    defaultMessage: 'Waiting for someone else: {count, plural, one {# person has} other {# people have}} not accepted their invitation yet.',
  },
  seeInvitations: { id: 'tenant_home.waiting.invitations.link', defaultMessage: 'See invitations' },
});

export function WaitingForYou({ w, base }: { w: TenantWaiting; base: string }) {
  const intl = useIntl();
  const n = w.items.length;
  const invitations = w.invitations ?? [];
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="waiting-title" data-testid="waiting-for-you">
      <Group gap="xs" mb="xs">
        <Title order={2} size="h4" id="waiting-title">
          <FormattedMessage {...m.title} />
        </Title>
        {n > 0 && (
          <Badge color="red" variant="filled" data-testid="waiting-count">
            {n}
          </Badge>
        )}
      </Group>
      <Stack gap="sm">
        {w.failed.map((f) => (
          <ErrorAlert key={f.what} error={f.error} title={intl.formatMessage(m.failed, { what: f.what })} />
        ))}
        {w.answers &&
          (w.loading ? (
            <Stack gap="xs">
              <Skeleton h={48} />
              <Skeleton h={48} />
            </Stack>
          ) : n === 0 ? (
            w.failed.length === 0 && (
              <Text size="sm" c="dimmed" data-testid="waiting-empty">
                <FormattedMessage {...m.empty} />
              </Text>
            )
          ) : (
            <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {w.items.map((i) => (
                <li key={i.key} data-row="" data-kind={i.kind}>
                  <Paper withBorder radius="sm" p="sm" style={{ borderLeft: '4px solid var(--mantine-color-orange-6)' }}>
                    <Group justify="space-between" align="center" wrap="wrap" gap="xs">
                      <Stack gap={2} style={{ flex: '1 1 280px', minWidth: 0 }}>
                        <Group gap={6} wrap="wrap">
                          <Badge size="xs" variant="light" color="orange">
                            <FormattedMessage {...KIND_WORDS[i.kind]} />
                          </Badge>
                          {i.at && (
                            <Text size="xs" c="dimmed" title={formatDateTime(i.at)}>
                              <FormattedMessage {...m.asked} values={{ ago: timeAgo(i.at) }} />
                            </Text>
                          )}
                        </Group>
                        <Text fw={600} size="sm">
                          {i.title}
                        </Text>
                        <Text size="sm" c="dimmed">
                          {i.detail}
                        </Text>
                        {i.reason && (
                          <Text size="sm" fs="italic" lineClamp={3}>
                            “{i.reason}”
                          </Text>
                        )}
                      </Stack>
                      <Button component={Link} to={i.to} size="xs" variant="filled" color="orange" rightSection={<IconChevronRight size={14} />}>
                        {i.action}
                      </Button>
                    </Group>
                  </Paper>
                </li>
              ))}
            </Stack>
          ))}
        {invitations.length > 0 && (
          <Alert color="gray" variant="light" p="xs" data-testid="waiting-invitations">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Text size="sm" style={{ flex: '1 1 240px' }}>
                {invitations.length === 1
                  ? intl.formatMessage(m.oneInvitation, { email: invitations[0].email, date: formatDate(invitations[0].created_at) })
                  : intl.formatMessage(m.manyInvitations, { count: invitations.length })}
              </Text>
              <Anchor component={Link} to={`${base}/members`} size="sm">
                <FormattedMessage {...m.seeInvitations} />
              </Anchor>
            </Group>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
