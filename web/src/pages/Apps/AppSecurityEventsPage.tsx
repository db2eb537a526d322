/**
 * A partner app's security events: where Partnergate pushes the signed CAEP events that tell the
 * app of revocations (a customer's break-glass, a person deprovisioned, its secret replaced), which
 * events, a test event, and the last deliveries in words. Owners change it; staff read it.
 */
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { Badge, Button, Checkbox, Group, Paper, PasswordInput, Stack, Switch, Text, TextInput } from '@mantine/core';
import { appsApi } from '../../api/apps.ts';
import { appKeys } from '../../api/keys/apps.ts';
import { securityEventKeys } from '../../api/keys/securityEvents.ts';
import { securityEventsApi, type SecurityEvents } from '../../api/securityEvents.ts';
import { CopyableCode } from '../../components/CopyableCode.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';

type Delivery = SecurityEvents['deliveries'][number];
const STATUS_WORDS: Record<Delivery['status'], { label: string; color: string }> = {
  delivered: { label: 'Delivered', color: 'teal' },
  pending: { label: 'Waiting', color: 'yellow' },
  failed: { label: 'Not delivered', color: 'red' },
  rejected: { label: 'Refused by receiver', color: 'red' },
};

const COLUMNS: Column<Delivery>[] = [
  { key: 'event', title: 'Event', mobile: 'title', render: (d) => <Text fw={500}>{d.event}</Text> },
  { key: 'subject', title: 'About', render: (d) => d.subject },
  { key: 'when', title: 'When', render: (d) => formatDateTime(d.created_at) },
  {
    key: 'outcome',
    title: 'What happened',
    render: (d) => (
      <Stack gap={2}>
        <Badge color={STATUS_WORDS[d.status].color} variant="light">
          {STATUS_WORDS[d.status].label}
        </Badge>
        <Text size="sm">{d.outcome}</Text>
      </Stack>
    ),
  },
];

export function AppSecurityEventsPage() {
  const { appId = '' } = useParams();
  const partner = useView().partner!;
  const owner = allows(partner, 'partner.apps.manage');
  const apps = useApiQuery(appKeys.list(partner.partner_id), () => appsApi.list(partner.partner_id));
  const events = useApiQuery(securityEventKeys.app(partner.partner_id, appId), () => securityEventsApi.get(partner.partner_id, appId));
  const app = apps.data?.data.find((a) => a.id === appId);
  return (
    <>
      <PageHeader
        title={app ? `Security events of ${app.name}` : 'Security events'}
        description="Partnergate pushes a signed event to your app's receiver the moment a customer revokes its access (one link or all at once), someone your app acts for is deprovisioned, or the app's secret is replaced — so your app can drop sessions and cached tokens without polling. Events are OpenID Shared Signals (CAEP) security event tokens, sent again until your receiver accepts them."
      />
      <ErrorAlert error={events.error ?? apps.error} />
      {events.data && (
        <Stack gap="lg">
          <ReceiverSettings data={events.data} owner={owner} partnerId={partner.partner_id} appId={appId} onSaved={(r) => events.setData(r)} />
          <Paper withBorder p="md" radius="md">
            <Text fw={500} mb="xs">
              For your receiver's developers
            </Text>
            <Text size="sm" mb="xs">
              The transmitter's settings and the keys the events are signed with are published here:
            </Text>
            <CopyableCode value={events.data.configuration_url} copyLabel="configuration address" testId="ssf-configuration-url" />
          </Paper>
          <Stack gap="xs">
            <Text fw={500}>Last events sent</Text>
            <DataTable testId="security-deliveries" records={events.data.deliveries} rowKey={(d) => d.id} columns={COLUMNS} empty={events.data.stream ? 'No events sent yet.' : 'Nothing is sent until a receiver is set.'} loading={events.loading} />
          </Stack>
        </Stack>
      )}
      {!events.data && events.loading && <Text c="dimmed">Loading…</Text>}
    </>
  );
}

function ReceiverSettings({ data, owner, partnerId, appId, onSaved }: { data: SecurityEvents; owner: boolean; partnerId: string; appId: string; onSaved: (r: SecurityEvents) => void }) {
  const s = data.stream;
  const [url, setUrl] = useState(s?.endpoint_url ?? '');
  const [auth, setAuth] = useState('');
  const [chosen, setChosen] = useState<string[]>(s?.events ?? data.events_supported.map((e) => e.type));
  const [on, setOn] = useState(s ? s.status === 'enabled' : true);
  useEffect(() => {
    if (s) setChosen(s.events);
  }, [s]);
  const save = useApiMutation(() => securityEventsApi.save(partnerId, appId, { endpoint_url: url, events: chosen, enabled: on, ...(auth ? { authorization_header: auth } : {}) }), { success: 'Saved. New events go to this receiver.', onDone: (r) => { setAuth(''); onSaved(r); } });
  const test = useApiMutation(() => securityEventsApi.test(partnerId, appId), { success: 'Test event sent; its result is in the list below.', onDone: onSaved, notifyError: true });
  const stop = useApiMutation(() => securityEventsApi.remove(partnerId, appId), { success: 'No more events are sent to this app.', invalidates: [securityEventKeys.app(partnerId, appId)] });
  if (!owner) return <ReadOnlyReceiver data={data} />;
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <TextInput label="Receiver address" description="An https address of your app that accepts pushed security events (RFC 8935)." value={url} onChange={(e) => setUrl(e.currentTarget.value)} required />
        <PasswordInput
          label="Authorization header your receiver expects (optional)"
          description={s?.has_authorization_header ? 'One is set; leave this empty to keep it.' : 'Sent with every event, e.g. "Bearer <token>". Kept sealed; never shown again.'}
          value={auth}
          onChange={(e) => setAuth(e.currentTarget.value)}
        />
        <Checkbox.Group label="Send these events" value={chosen} onChange={setChosen}>
          <Stack gap={6} mt={6}>
            {data.events_supported.map((e) => (
              <Checkbox key={e.type} value={e.type} label={e.label} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Switch label="Sending on (off: events wait and are sent when you turn it back on)" checked={on} onChange={(e) => setOn(e.currentTarget.checked)} />
        <ErrorAlert error={save.error ?? stop.error} />
        <Group gap="xs">
          <Button onClick={() => void save.run()} loading={save.busy} disabled={!url || chosen.length === 0}>
            Save
          </Button>
          {s && (
            <Button variant="default" onClick={() => void test.run()} loading={test.busy}>
              Send a test event
            </Button>
          )}
          {s && (
            <Button variant="subtle" color="red" onClick={() => void stop.run()} loading={stop.busy}>
              Stop sending events
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function ReadOnlyReceiver({ data }: { data: SecurityEvents }) {
  const s = data.stream;
  const label = new Map(data.events_supported.map((e) => [e.type, e.label]));
  return (
    <Paper withBorder p="md" radius="md">
      {s ? (
        <Stack gap={4}>
          <Text size="sm">Events go to {s.endpoint_url}{s.status === 'enabled' ? '.' : ' once sending is turned back on.'}</Text>
          <Text size="sm">They are: {s.events.map((e) => label.get(e) ?? e).join('; ')}.</Text>
          <Text size="sm" c="dimmed">Only the partner's owners can change this.</Text>
        </Stack>
      ) : (
        <Text size="sm">No receiver is set, so this app is not told of revocations. Only the partner's owners can set one.</Text>
      )}
    </Paper>
  );
}
