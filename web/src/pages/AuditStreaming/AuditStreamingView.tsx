/**
 * Audit streaming: send an organization's audit events to its security team's tools — a web
 * address (signed), a syslog server over TLS, an OpenTelemetry collector — and see each
 * destination's status in words (last delivered, how many wait, why the last try failed); pause,
 * resume, remove, send a test event. Below: download the events of a time range with their
 * hash-chain proof, and how long events are kept.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Card, Code, Group, Modal, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCloudUpload, IconPlus, IconSend } from '@tabler/icons-react';
import { auditStreamsApi, type AuditDestinationDto, type AuditOwner, type CreatedAuditDestination } from '../../api/auditStreams.ts';
import { auditStreamKeys } from '../../api/keys/auditStreams.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { formatDateTime, formatNumber, timeAgo } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { AddDestinationModal } from './AddDestinationModal.tsx';
import { ExportCard, RetentionCard } from './ExportAndRetention.tsx';
import { KIND_WORDS } from './kinds.ts';

export function AuditStreamingView({ owner, who, whose }: { owner: AuditOwner; who: string; /** what is sent, in words */ whose: string }) {
  const ownerId = 'id' in owner ? owner.id : '';
  const list = useApiQuery(auditStreamKeys.of(owner.kind, ownerId), () => auditStreamsApi.list(owner));
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedAuditDestination | null>(null);
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title="Audit streaming"
        description={`Partnergate sends ${whose} to your security team’s tools as it happens, in order, and nothing is lost while a tool is unreachable: it waits and catches up. Each event carries its place in the tamper-evident chain of ${who}’s audit log.`}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)} data-testid="add-destination">
            Add a destination
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
                No destinations yet. Add one to send the audit log to a SIEM, a log store or an OpenTelemetry collector. Events from then on are sent; download older ones below.
              </Text>
            </Group>
          </Card>
        )}
        {list.loading && rows.length === 0 && <Text size="sm" c="dimmed">Loading destinations…</Text>}
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
      <Modal opened={!!created} onClose={() => setCreated(null)} title="Destination added" size="lg">
        {created?.secret && (
          <Stack>
            <Text size="sm">
              Partnergate signs every batch it sends to <b>{created.destination.name}</b> with this secret. Give it to the receiving system so it can check each batch came from Partnergate (any Standard Webhooks library does it).
            </Text>
            <OneTimeSecret value={created.secret} label="Signing secret" hint="This is shown only once. Copy it now — you cannot see it again." />
            <Group justify="flex-end">
              <Button onClick={() => setCreated(null)}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function StatusLine({ d }: { d: AuditDestinationDto }) {
  const waiting = d.backlog === 0 ? 'Nothing waiting' : `${formatNumber(d.backlog)} event${d.backlog === 1 ? '' : 's'} waiting`;
  const last = d.last_delivered_at ? `last delivered ${timeAgo(d.last_delivered_at)}` : 'nothing delivered yet';
  return (
    <Text size="sm" data-testid="destination-status">
      {waiting} · {last}
      {d.delivered_count > 0 ? ` · ${formatNumber(d.delivered_count)} delivered in all` : ''}
    </Text>
  );
}

function DestinationCard({ owner, d, onChanged }: { owner: AuditOwner; d: AuditDestinationDto; onChanged: () => void }) {
  const [removing, setRemoving] = useState(false);
  const test = useApiMutation(() => auditStreamsApi.test(owner, d.id), {
    notifyError: true,
    success: (r) => (r.delivered ? 'Test event delivered.' : `Test event not delivered: ${r.error}`),
    onDone: onChanged,
  });
  const toggle = useApiMutation(() => auditStreamsApi.update(owner, d.id, { status: d.status === 'active' ? 'paused' : 'active' }), {
    notifyError: true,
    success: (x) => (x.status === 'active' ? 'Resumed: what waited is sent now, in order.' : 'Paused: events wait here until you resume.'),
    onDone: onChanged,
  });
  const remove = useApiMutation(() => auditStreamsApi.remove(owner, d.id), { success: 'Destination removed.', onDone: onChanged });
  return (
    <Card withBorder radius="md" p="md" data-testid="destination" data-destination={d.name}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs">
              <Text fw={600}>{d.name}</Text>
              {d.status === 'paused' ? (
                <Badge color="gray" variant="light">Paused</Badge>
              ) : d.last_error ? (
                <Badge color="orange" variant="light">Retrying</Badge>
              ) : (
                <Badge color="teal" variant="light">Sending</Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {KIND_WORDS[d.kind].title}
              {d.ca_pinned ? ' · trusts the CA certificate you gave' : ''}
              {d.has_authorization ? ' · sends your Authorization header' : ''}
            </Text>
            <Code style={{ wordBreak: 'break-all', whiteSpace: 'normal' }}>{d.address}</Code>
          </Stack>
          <Group gap="xs" wrap="wrap">
            <Button size="xs" variant="light" leftSection={<IconSend size={14} />} onClick={() => void test.run()} loading={test.busy} data-testid="send-test-event">
              Send test event
            </Button>
            <Button size="xs" variant="default" onClick={() => void toggle.run()} loading={toggle.busy}>
              {d.status === 'active' ? 'Pause' : 'Resume'}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(true)}>
              Remove
            </Button>
          </Group>
        </Group>
        <StatusLine d={d} />
        {d.last_error && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={16} />} p="xs" data-testid="destination-error">
            <Text size="sm">
              The last try {d.last_error_at ? `(${timeAgo(d.last_error_at)}) ` : ''}failed: {d.last_error}.{' '}
              {d.status === 'active' && d.next_attempt_at ? `Next try at ${formatDateTime(d.next_attempt_at)}; nothing is lost meanwhile.` : ''}
            </Text>
          </Alert>
        )}
      </Stack>
      <Modal opened={removing} onClose={() => setRemoving(false)} title="Remove this destination?">
        <Stack>
          <Text size="sm">Partnergate stops sending audit events to {d.address}. Events already sent stay there; this cannot be undone.</Text>
          <ErrorAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(false)}>
              Keep it
            </Button>
            <Button color="red" loading={remove.busy} onClick={() => void remove.run()}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
