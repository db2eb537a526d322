/**
 * The overview's "Waiting for you": each partner request this admin answers, in one sentence, with a
 * link to the page where it is answered; below it, invitations that wait for someone else. A list that
 * failed to load says so (and "Nothing waits for you" is said only when every list loaded).
 */
import { Link } from 'react-router';
import { Alert, Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDate, formatDateTime, timeAgo } from '../../components/format.ts';
import type { TenantWaiting, WaitingKind } from './useTenantWaiting.ts';

const KIND_WORDS: Record<WaitingKind, string> = {
  link_request: 'Access request',
  renewal: 'Renewal',
  confirmation: 'Confirmation',
  activation: 'Time-limited access',
};

export function WaitingForYou({ w, base }: { w: TenantWaiting; base: string }) {
  const n = w.items.length;
  const invitations = w.invitations ?? [];
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="waiting-title" data-testid="waiting-for-you">
      <Group gap="xs" mb="xs">
        <Title order={3} size="h4" id="waiting-title">
          Waiting for you
        </Title>
        {n > 0 && (
          <Badge color="red" variant="filled" data-testid="waiting-count">
            {n}
          </Badge>
        )}
      </Group>
      <Stack gap="sm">
        {w.failed.map((f) => (
          <ErrorAlert key={f.what} error={f.error} title={`Your ${f.what} could not be loaded`} />
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
                Nothing waits for you. Partner access requests, renewals and time-limited access requests appear here when a partner asks.
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
                            {KIND_WORDS[i.kind]}
                          </Badge>
                          {i.at && (
                            <Text size="xs" c="dimmed" title={formatDateTime(i.at)}>
                              asked {timeAgo(i.at)}
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
                  ? `Waiting for someone else: ${invitations[0].email} has not accepted the invitation you sent on ${formatDate(invitations[0].created_at)} yet.`
                  : `Waiting for someone else: ${invitations.length} people have not accepted their invitation yet.`}
              </Text>
              <Anchor component={Link} to={`${base}/members`} size="sm">
                See invitations
              </Anchor>
            </Group>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
