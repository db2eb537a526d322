/**
 * A partner app's security events: where Partnergate pushes the signed CAEP events that tell the
 * app of revocations (a customer's break-glass, a person deprovisioned, its secret replaced), which
 * events, a test event, and the last deliveries in words. Owners change it; staff read it.
 */
import { useEffect, useMemo, useState } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
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
import type { Message } from '../../i18n/define.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { m } from './AppSecurityEventsPage.messages.ts';

type Delivery = SecurityEvents['deliveries'][number];
const STATUS_WORDS: Record<Delivery['status'], { label: Message; color: string }> = {
  delivered: { label: m.statusDelivered, color: 'teal' },
  pending: { label: m.statusPending, color: 'yellow' },
  failed: { label: m.statusFailed, color: 'red' },
  rejected: { label: m.statusRejected, color: 'red' },
};

function deliveryColumns(intl: IntlShape): Column<Delivery>[] {
  return [
    { key: 'event', title: intl.formatMessage(m.colEvent), mobile: 'title', render: (d) => <Text fw={500}>{d.event}</Text> },
    { key: 'subject', title: intl.formatMessage(m.colAbout), render: (d) => d.subject },
    { key: 'when', title: intl.formatMessage(m.colWhen), render: (d) => formatDateTime(d.created_at) },
    {
      key: 'outcome',
      title: intl.formatMessage(m.colOutcome),
      render: (d) => (
        <Stack gap={2}>
          <Badge color={STATUS_WORDS[d.status].color} variant="light">
            {intl.formatMessage(STATUS_WORDS[d.status].label)}
          </Badge>
          <Text size="sm">{d.outcome}</Text>
        </Stack>
      ),
    },
  ];
}

export function AppSecurityEventsPage() {
  const intl = useIntl();
  const { appId = '' } = useParams();
  const partner = useView().partner!;
  const owner = allows(partner, 'partner.apps.manage');
  const apps = useApiQuery(appKeys.list(partner.partner_id), () => appsApi.list(partner.partner_id));
  const events = useApiQuery(securityEventKeys.app(partner.partner_id, appId), () => securityEventsApi.get(partner.partner_id, appId));
  const app = apps.data?.data.find((a) => a.id === appId);
  const columns = useMemo(() => deliveryColumns(intl), [intl]);
  return (
    <>
      <PageHeader title={app ? intl.formatMessage(m.titleOf, { app: app.name }) : intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <ErrorAlert error={events.error ?? apps.error} />
      {events.data && (
        <Stack gap="lg">
          <ReceiverSettings data={events.data} owner={owner} partnerId={partner.partner_id} appId={appId} onSaved={(r) => events.setData(r)} />
          <Paper withBorder p="md" radius="md">
            <Text fw={500} mb="xs">
              {intl.formatMessage(m.forDevelopers)}
            </Text>
            <Text size="sm" mb="xs">
              {intl.formatMessage(m.publishedHere)}
            </Text>
            <CopyableCode value={events.data.configuration_url} copyLabel={intl.formatMessage(m.configurationAddress)} testId="ssf-configuration-url" />
          </Paper>
          <Stack gap="xs">
            <Text fw={500}>{intl.formatMessage(m.lastEvents)}</Text>
            <DataTable
              testId="security-deliveries"
              records={events.data.deliveries}
              rowKey={(d) => d.id}
              columns={columns}
              empty={intl.formatMessage(events.data.stream ? m.noneYet : m.noReceiverYet)}
              loading={events.loading}
            />
          </Stack>
        </Stack>
      )}
      {!events.data && events.loading && <Text c="dimmed">{intl.formatMessage(m.loading)}</Text>}
    </>
  );
}

function ReceiverSettings({ data, owner, partnerId, appId, onSaved }: { data: SecurityEvents; owner: boolean; partnerId: string; appId: string; onSaved: (r: SecurityEvents) => void }) {
  const intl = useIntl();
  const s = data.stream;
  const [url, setUrl] = useState(s?.endpoint_url ?? '');
  const [auth, setAuth] = useState('');
  const [chosen, setChosen] = useState<string[]>(s?.events ?? data.events_supported.map((e) => e.type));
  const [on, setOn] = useState(s ? s.status === 'enabled' : true);
  useEffect(() => {
    if (s) setChosen(s.events);
  }, [s]);
  const body = { endpoint_url: url, events: chosen, enabled: on, ...(auth ? { authorization_header: auth } : {}) };
  const save = useApiMutation(() => securityEventsApi.save(partnerId, appId, body), {
    success: intl.formatMessage(m.saved),
    onDone: (r) => {
      setAuth('');
      onSaved(r);
    },
  });
  const test = useApiMutation(() => securityEventsApi.test(partnerId, appId), { success: intl.formatMessage(m.testSent), onDone: onSaved, notifyError: true });
  const stop = useApiMutation(() => securityEventsApi.remove(partnerId, appId), { success: intl.formatMessage(m.stopped), invalidates: [securityEventKeys.app(partnerId, appId)] });
  if (!owner) return <ReadOnlyReceiver data={data} />;
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <TextInput label={intl.formatMessage(m.receiverLabel)} description={intl.formatMessage(m.receiverHelp)} value={url} onChange={(e) => setUrl(e.currentTarget.value)} required />
        <PasswordInput
          label={intl.formatMessage(m.authLabel)}
          description={intl.formatMessage(s?.has_authorization_header ? m.authIsSet : m.authHelp)}
          value={auth}
          onChange={(e) => setAuth(e.currentTarget.value)}
        />
        <Checkbox.Group label={intl.formatMessage(m.sendThese)} value={chosen} onChange={setChosen}>
          <Stack gap={6} mt={6}>
            {data.events_supported.map((e) => (
              <Checkbox key={e.type} value={e.type} label={e.label} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Switch label={intl.formatMessage(m.sendingOn)} checked={on} onChange={(e) => setOn(e.currentTarget.checked)} />
        <ErrorAlert error={save.error ?? stop.error} />
        <Group gap="xs">
          <Button onClick={() => void save.run()} loading={save.busy} disabled={!url || chosen.length === 0}>
            {intl.formatMessage(m.save)}
          </Button>
          {s && (
            <Button variant="default" onClick={() => void test.run()} loading={test.busy}>
              {intl.formatMessage(m.sendTest)}
            </Button>
          )}
          {s && (
            <Button variant="subtle" color="red" onClick={() => void stop.run()} loading={stop.busy}>
              {intl.formatMessage(m.stop)}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function ReadOnlyReceiver({ data }: { data: SecurityEvents }) {
  const intl = useIntl();
  const s = data.stream;
  const label = new Map(data.events_supported.map((e) => [e.type, e.label]));
  return (
    <Paper withBorder p="md" radius="md">
      {s ? (
        <Stack gap={4}>
          <Text size="sm">{intl.formatMessage(m.goesTo, { url: s.endpoint_url, enabled: String(s.status === 'enabled') })}</Text>
          <Text size="sm">{intl.formatMessage(m.theyAre, { events: intl.formatList(s.events.map((e) => label.get(e) ?? e), { type: 'unit' }) })}</Text>
          <Text size="sm" c="dimmed">
            {intl.formatMessage(m.onlyOwners)}
          </Text>
        </Stack>
      ) : (
        <Text size="sm">{intl.formatMessage(m.noReceiver)}</Text>
      )}
    </Paper>
  );
}
