/**
 * Audit streaming: send an organization's audit events to its security team's tools — a web
 * address (signed), a syslog server over TLS, an OpenTelemetry collector — and see each
 * destination's status in words (last delivered, how many wait, why the last try failed); pause,
 * resume, remove, send a test event. Below: download the events of a time range with their
 * hash-chain proof, and how long events are kept.
 */
import { useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Alert, Badge, Button, Card, Code, Group, Modal, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCloudUpload, IconPlus, IconSend } from '@tabler/icons-react';
import { auditStreamsApi, type AuditDestinationDto, type AuditOwner, type CreatedAuditDestination } from '../../api/auditStreams.ts';
import { auditStreamKeys } from '../../api/keys/auditStreams.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { AddDestinationModal } from './AddDestinationModal.tsx';
import { ExportCard, RetentionCard } from './ExportAndRetention.tsx';
import { KIND_WORDS } from './kinds.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'audit_streaming.title', defaultMessage: 'Audit streaming' },
  description: {
    id: 'audit_streaming.description',
    defaultMessage:
      'Partnergate sends {whose} to your security team’s tools as it happens, in order, and nothing is lost while a tool is unreachable: it waits and catches up. Each event carries its place in the tamper-evident chain of {who}’s audit log.',
  },
  addDestination: { id: 'audit_streaming.add_destination', defaultMessage: 'Add a destination' },
  empty: {
    id: 'audit_streaming.empty',
    defaultMessage:
      'No destinations yet. Add one to send the audit log to a SIEM, a log store or an OpenTelemetry collector. Events from then on are sent; download older ones below.',
  },
  loading: { id: 'audit_streaming.loading', defaultMessage: 'Loading destinations…' },
  addedTitle: { id: 'audit_streaming.added.title', defaultMessage: 'Destination added' },
  addedText: {
    id: 'audit_streaming.added.text',
    defaultMessage:
      'Partnergate signs every batch it sends to <b>{name}</b> with this secret. Give it to the receiving system so it can check each batch came from Partnergate (any Standard Webhooks library does it).',
  },
  signingSecret: { id: 'audit_streaming.added.signing_secret', defaultMessage: 'Signing secret' },
  signingSecretHint: { id: 'audit_streaming.added.signing_secret_hint', defaultMessage: 'This is shown only once. Copy it now — you cannot see it again.' },
  done: { id: 'audit_streaming.done', defaultMessage: 'Done' },
  nothingWaiting: { id: 'audit_streaming.status.nothing_waiting', defaultMessage: 'Nothing waiting' },
  waiting: { id: 'audit_streaming.status.waiting', defaultMessage: '{count, plural, one {# event waiting} other {# events waiting}}' },
  lastDelivered: { id: 'audit_streaming.status.last_delivered', defaultMessage: 'last delivered {ago}' },
  nothingDelivered: { id: 'audit_streaming.status.nothing_delivered', defaultMessage: 'nothing delivered yet' },
  deliveredInAll: { id: 'audit_streaming.status.delivered_in_all', defaultMessage: '{count, number} delivered in all' },
  testDelivered: { id: 'audit_streaming.test.delivered', defaultMessage: 'Test event delivered.' },
  testFailed: { id: 'audit_streaming.test.failed', defaultMessage: 'Test event not delivered: {error}' },
  resumed: { id: 'audit_streaming.resumed', defaultMessage: 'Resumed: what waited is sent now, in order.' },
  paused: { id: 'audit_streaming.paused', defaultMessage: 'Paused: events wait here until you resume.' },
  removed: { id: 'audit_streaming.removed', defaultMessage: 'Destination removed.' },
  badgePaused: { id: 'audit_streaming.badge.paused', defaultMessage: 'Paused' },
  badgeRetrying: { id: 'audit_streaming.badge.retrying', defaultMessage: 'Retrying' },
  badgeSending: { id: 'audit_streaming.badge.sending', defaultMessage: 'Sending' },
  caPinned: { id: 'audit_streaming.detail.ca_pinned', defaultMessage: 'trusts the CA certificate you gave' },
  hasAuthorization: { id: 'audit_streaming.detail.has_authorization', defaultMessage: 'sends your Authorization header' },
  sendTest: { id: 'audit_streaming.send_test', defaultMessage: 'Send test event' },
  pause: { id: 'audit_streaming.pause', defaultMessage: 'Pause' },
  resume: { id: 'audit_streaming.resume', defaultMessage: 'Resume' },
  remove: { id: 'audit_streaming.remove', defaultMessage: 'Remove' },
  lastTryFailed: {
    id: 'audit_streaming.last_try_failed',
    defaultMessage: '{when, select, yes {The last try ({ago}) failed: {error}.} other {The last try failed: {error}.}}',
  },
  nextTry: { id: 'audit_streaming.next_try', defaultMessage: 'Next try at {date}; nothing is lost meanwhile.' },
  removeTitle: { id: 'audit_streaming.remove.title', defaultMessage: 'Remove this destination?' },
  removeText: {
    id: 'audit_streaming.remove.text',
    defaultMessage: 'Partnergate stops sending audit events to {address}. Events already sent stay there; this cannot be undone.',
  },
  keep: { id: 'audit_streaming.remove.keep', defaultMessage: 'Keep it' },
});

export function AuditStreamingView({ owner, who, whose }: { owner: AuditOwner; who: string; /** what is sent, in words */ whose: string }) {
  const intl = useIntl();
  const ownerId = 'id' in owner ? owner.id : '';
  const list = useApiQuery(auditStreamKeys.of(owner.kind, ownerId), () => auditStreamsApi.list(owner));
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedAuditDestination | null>(null);
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { whose, who })}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)} data-testid="add-destination">
            <FormattedMessage {...m.addDestination} />
          </Button>
        }
      />
      <ErrorAlert error={list.error} />
      <Stack gap="md">
        {!list.loading && rows.length === 0 && (
          <Card withBorder radius="md" p="lg" data-testid="no-destinations">
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <IconCloudUpload size={28} stroke={1.4} style={{ flexShrink: 0 }} />
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.empty} />
              </Text>
            </Group>
          </Card>
        )}
        {list.loading && rows.length === 0 && (
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.loading} />
          </Text>
        )}
        {rows.map((d) => (
          <DestinationCard key={d.id} owner={owner} d={d} onChanged={list.reload} />
        ))}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <ExportCard owner={owner} />
          <RetentionCard owner={owner} />
        </SimpleGrid>
      </Stack>
      <AddDestinationModal
        owner={owner}
        opened={adding}
        onClose={() => setAdding(false)}
        onCreated={(c) => {
          setAdding(false);
          list.reload();
          if (c.secret) setCreated(c);
        }}
      />
      <Modal opened={!!created} onClose={() => setCreated(null)} title={intl.formatMessage(m.addedTitle)} size="lg">
        {created?.secret && (
          <Stack>
            <Text size="sm">
              <FormattedMessage {...m.addedText} values={{ name: created.destination.name, b: (chunks) => <b>{chunks}</b> }} />
            </Text>
            <OneTimeSecret value={created.secret} label={intl.formatMessage(m.signingSecret)} hint={intl.formatMessage(m.signingSecretHint)} />
            <Group justify="flex-end">
              <Button onClick={() => setCreated(null)}>
                <FormattedMessage {...m.done} />
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function StatusLine({ d }: { d: AuditDestinationDto }) {
  const intl = useIntl();
  const waiting = d.backlog === 0 ? intl.formatMessage(m.nothingWaiting) : intl.formatMessage(m.waiting, { count: d.backlog });
  const last = d.last_delivered_at ? intl.formatMessage(m.lastDelivered, { ago: timeAgo(d.last_delivered_at) }) : intl.formatMessage(m.nothingDelivered);
  return (
    <Text size="sm" data-testid="destination-status">
      {waiting} · {last}
      {d.delivered_count > 0 ? ` · ${intl.formatMessage(m.deliveredInAll, { count: d.delivered_count })}` : ''}
    </Text>
  );
}

function DestinationCard({ owner, d, onChanged }: { owner: AuditOwner; d: AuditDestinationDto; onChanged: () => void }) {
  const intl = useIntl();
  const [removing, setRemoving] = useState(false);
  const test = useApiMutation(() => auditStreamsApi.test(owner, d.id), {
    notifyError: true,
    success: (r) => (r.delivered ? intl.formatMessage(m.testDelivered) : intl.formatMessage(m.testFailed, { error: r.error })),
    onDone: onChanged,
  });
  const toggle = useApiMutation(() => auditStreamsApi.update(owner, d.id, { status: d.status === 'active' ? 'paused' : 'active' }), {
    notifyError: true,
    success: (x) => (x.status === 'active' ? intl.formatMessage(m.resumed) : intl.formatMessage(m.paused)),
    onDone: onChanged,
  });
  const remove = useApiMutation(() => auditStreamsApi.remove(owner, d.id), { success: intl.formatMessage(m.removed), onDone: onChanged });
  return (
    <Card withBorder radius="md" p="md" data-testid="destination" data-destination={d.name}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs">
              <Text fw={600}>{d.name}</Text>
              {d.status === 'paused' ? (
                <Badge color="gray" variant="light">
                  <FormattedMessage {...m.badgePaused} />
                </Badge>
              ) : d.last_error ? (
                <Badge color="orange" variant="light">
                  <FormattedMessage {...m.badgeRetrying} />
                </Badge>
              ) : (
                <Badge color="teal" variant="light">
                  <FormattedMessage {...m.badgeSending} />
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {intl.formatMessage(KIND_WORDS[d.kind].title)}
              {d.ca_pinned ? ` · ${intl.formatMessage(m.caPinned)}` : ''}
              {d.has_authorization ? ` · ${intl.formatMessage(m.hasAuthorization)}` : ''}
            </Text>
            <Code style={{ wordBreak: 'break-all', whiteSpace: 'normal' }}>{d.address}</Code>
          </Stack>
          <Group gap="xs" wrap="wrap">
            <Button size="xs" variant="light" leftSection={<IconSend size={14} />} onClick={() => void test.run()} loading={test.busy} data-testid="send-test-event">
              <FormattedMessage {...m.sendTest} />
            </Button>
            <Button size="xs" variant="default" onClick={() => void toggle.run()} loading={toggle.busy}>
              {d.status === 'active' ? intl.formatMessage(m.pause) : intl.formatMessage(m.resume)}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(true)}>
              <FormattedMessage {...m.remove} />
            </Button>
          </Group>
        </Group>
        <StatusLine d={d} />
        {d.last_error && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={16} />} p="xs" data-testid="destination-error">
            <Text size="sm">
              {intl.formatMessage(m.lastTryFailed, { when: d.last_error_at ? 'yes' : 'no', ago: d.last_error_at ? timeAgo(d.last_error_at) : '', error: d.last_error })}{' '}
              {d.status === 'active' && d.next_attempt_at ? intl.formatMessage(m.nextTry, { date: formatDateTime(d.next_attempt_at) }) : ''}
            </Text>
          </Alert>
        )}
      </Stack>
      <Modal opened={removing} onClose={() => setRemoving(false)} title={intl.formatMessage(m.removeTitle)}>
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.removeText} values={{ address: d.address }} />
          </Text>
          <ErrorAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(false)}>
              <FormattedMessage {...m.keep} />
            </Button>
            <Button color="red" loading={remove.busy} onClick={() => void remove.run()}>
              <FormattedMessage {...m.remove} />
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
