/**
 * Webhook endpoints of a tenant, a partner or the platform: add one (the signing secret is shown
 * once), choose its events in plain words, send a test message, read the delivery log, send a
 * delivery again, turn an endpoint off or back on, remove it.
 */
import { useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Alert, Badge, Button, Card, Checkbox, Code, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconSend, IconWebhook } from '@tabler/icons-react';
import { notificationsApi, webhooksApi, type CreatedWebhookEndpoint, type WebhookDeliveryDto, type WebhookEndpointDto, type WebhookOwner } from '../../api/notifications.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiList, useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm, webAddress } from '../../query/form.ts';
import { notificationKeys, webhookKeys } from '../../api/keys/notifications.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  everything: { id: 'webhooks.events.everything', defaultMessage: 'Everything' },
  testMessage: { id: 'webhooks.events.test_message', defaultMessage: 'Test message' },
  title: { id: 'webhooks.title', defaultMessage: 'Webhooks' },
  description: {
    id: 'webhooks.description',
    defaultMessage:
      'Partnergate sends a message to a web address of your system each time something you choose happens at {who}. Every message is signed so your system can check it came from Partnergate; one that fails is tried again for up to a day.',
  },
  addEndpoint: { id: 'webhooks.add_endpoint', defaultMessage: 'Add an endpoint' },
  empty: {
    id: 'webhooks.empty',
    defaultMessage: 'No endpoints yet. Add one to have Partnergate tell your own systems — a ticketing tool, a chat channel, an audit store — {examples}.',
  },
  addedTitle: { id: 'webhooks.added.title', defaultMessage: 'Endpoint added' },
  addedText: {
    id: 'webhooks.added.text',
    defaultMessage:
      'Partnergate signs every message to <b>{endpoint}</b> with this secret. Give it to your system so it can check each message (any Standard Webhooks library does it).',
  },
  signingSecret: { id: 'webhooks.added.signing_secret', defaultMessage: 'Signing secret' },
  signingSecretHint: {
    id: 'webhooks.added.signing_secret_hint',
    defaultMessage: 'This is shown only once. Copy it now — you cannot see it again (remove the endpoint and add it again for a new one).',
  },
  done: { id: 'webhooks.done', defaultMessage: 'Done' },
  pingDelivered: { id: 'webhooks.ping.delivered', defaultMessage: 'Test message delivered (answer {code}).' },
  pingFailed: { id: 'webhooks.ping.failed', defaultMessage: 'Test message not delivered: {error}. It will be tried again.' },
  noAnswer: { id: 'webhooks.no_answer', defaultMessage: 'no answer' },
  turnedOn: { id: 'webhooks.turned_on', defaultMessage: 'Endpoint turned back on: waiting messages go out now.' },
  turnedOff: { id: 'webhooks.turned_off', defaultMessage: 'Endpoint turned off: messages wait until you turn it back on.' },
  removed: { id: 'webhooks.removed', defaultMessage: 'Endpoint removed.' },
  endpointFallback: { id: 'webhooks.endpoint_fallback_name', defaultMessage: 'Webhook endpoint' },
  on: { id: 'webhooks.badge.on', defaultMessage: 'On' },
  off: { id: 'webhooks.badge.turned_off', defaultMessage: 'Turned off' },
  sendTest: { id: 'webhooks.send_test', defaultMessage: 'Send a test message' },
  hideLog: { id: 'webhooks.hide_log', defaultMessage: 'Hide delivery log' },
  showLog: { id: 'webhooks.show_log', defaultMessage: 'Delivery log' },
  turnOff: { id: 'webhooks.turn_off', defaultMessage: 'Turn off' },
  turnBackOn: { id: 'webhooks.turn_back_on', defaultMessage: 'Turn back on' },
  remove: { id: 'webhooks.remove', defaultMessage: 'Remove' },
  disabled: {
    id: 'webhooks.disabled',
    defaultMessage: '{when, select, yes {Turned off {ago}: {reason}. Messages wait until you turn it back on.} other {Turned off : {reason}. Messages wait until you turn it back on.}}',
  },
  failures: {
    id: 'webhooks.failures',
    defaultMessage:
      '{count, plural, one {The last {count} attempt failed. After too many failures in a row the endpoint is turned off.} other {The last {count} attempts failed. After too many failures in a row the endpoint is turned off.}}',
  },
  sends: { id: 'webhooks.sends', defaultMessage: 'Sends:' },
  logEmpty: { id: 'webhooks.log.empty', defaultMessage: 'Nothing sent yet. Send a test message to try the endpoint.' },
  colMessage: { id: 'webhooks.log.column.message', defaultMessage: 'Message' },
  sentAgainSuffix: { id: 'webhooks.log.sent_again', defaultMessage: '{event} (sent again)' },
  colResult: { id: 'webhooks.log.column.result', defaultMessage: 'Result' },
  colAttempts: { id: 'webhooks.log.column.attempts', defaultMessage: 'Attempts' },
  colLatency: { id: 'webhooks.log.column.answer_time', defaultMessage: 'Answer time' },
  latency: { id: 'webhooks.log.latency', defaultMessage: '{ms} ms' },
  colWhen: { id: 'webhooks.log.column.when', defaultMessage: 'When' },
  removeTitle: { id: 'webhooks.remove.title', defaultMessage: 'Remove this endpoint?' },
  removeText: { id: 'webhooks.remove.text', defaultMessage: 'Partnergate stops sending to {url} and forgets its delivery log. This cannot be undone.' },
  keep: { id: 'webhooks.remove.keep', defaultMessage: 'Keep it' },
  delivered: { id: 'webhooks.result.delivered', defaultMessage: '{code, select, none {Delivered} other {Delivered · answer {code}}}' },
  whyAnswer: { id: 'webhooks.result.answer', defaultMessage: 'answer {code}' },
  whyTimeout: { id: 'webhooks.result.timeout', defaultMessage: 'no answer in time' },
  whyConnect: { id: 'webhooks.result.could_not_connect', defaultMessage: 'could not connect' },
  gaveUp: { id: 'webhooks.result.gave_up', defaultMessage: '{why, select, none {Gave up} other {Gave up · {why}}}' },
  failedNext: { id: 'webhooks.result.failed_next', defaultMessage: 'Failed · {why} · next try {time}' },
  soon: { id: 'webhooks.result.soon', defaultMessage: 'soon' },
  waitingToSend: { id: 'webhooks.result.waiting', defaultMessage: 'Waiting to be sent' },
  againDelivered: { id: 'webhooks.again.delivered', defaultMessage: 'Sent again and delivered.' },
  againFailed: { id: 'webhooks.again.failed', defaultMessage: 'Sent again, not delivered; it will be tried again.' },
  sendAgain: { id: 'webhooks.again.send', defaultMessage: 'Send again' },
  urlRequired: { id: 'webhooks.add.url_required', defaultMessage: 'Enter the web address that receives the messages.' },
  urlInvalid: { id: 'webhooks.add.url_invalid', defaultMessage: 'Enter a web address that starts with https:// or http://.' },
  eventsRequired: { id: 'webhooks.add.events_required', defaultMessage: 'Choose at least one event.' },
  addTitle: { id: 'webhooks.add.title', defaultMessage: 'Add a webhook endpoint' },
  webAddress: { id: 'webhooks.add.web_address', defaultMessage: 'Web address' },
  webAddressHelp: { id: 'webhooks.add.web_address_help', defaultMessage: 'Partnergate sends each event you choose to this address.' },
  webAddressPlaceholder: { id: 'webhooks.add.web_address_placeholder', defaultMessage: 'https://example.com/partnergate-events' },
  name: { id: 'webhooks.add.name', defaultMessage: 'Name' },
  nameHelp: { id: 'webhooks.add.name_help', defaultMessage: 'So you can tell your endpoints apart, e.g. “Ticketing system”.' },
  sendEvents: { id: 'webhooks.add.send_events', defaultMessage: 'Send these events' },
  everythingLater: { id: 'webhooks.add.everything_later', defaultMessage: 'Everything, including events added later' },
  events: { id: 'webhooks.add.events', defaultMessage: 'Events' },
  cancel: { id: 'common.cancel', defaultMessage: 'Cancel' },
  add: { id: 'webhooks.add.submit', defaultMessage: 'Add endpoint' },
});

export function WebhooksView({ owner, who, examples }: { owner: WebhookOwner; who: string; /** what endpoints hear about, in words */ examples: string }) {
  const intl = useIntl();
  const key = webhookKeys.of(owner.kind, 'id' in owner ? owner.id : '');
  const list = useApiQuery(key, () => webhooksApi.list(owner));
  const types = useApiQuery(notificationKeys.eventTypes, notificationsApi.eventTypes, { staleTime: 3600_000 });
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);
  const labels = new Map((types.data?.data ?? []).map((t) => [t.type, t.label]));
  labels.set('*', intl.formatMessage(m.everything));
  labels.set('webhook.test', intl.formatMessage(m.testMessage));
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { who })}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)} data-testid="add-endpoint">
            <FormattedMessage {...m.addEndpoint} />
          </Button>
        }
      />
      <ErrorAlert error={list.error} />
      <Stack gap="md">
        {!list.loading && rows.length === 0 && (
          <Card withBorder radius="md" p="lg">
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <IconWebhook size={28} stroke={1.4} style={{ flexShrink: 0 }} />
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.empty} values={{ examples }} />
              </Text>
            </Group>
          </Card>
        )}
        {rows.map((e) => (
          <EndpointCard key={e.id} owner={owner} endpoint={e} labels={labels} onChanged={list.reload} />
        ))}
      </Stack>
      <AddEndpointModal
        owner={owner}
        opened={adding}
        onClose={() => setAdding(false)}
        onCreated={(c) => {
          setAdding(false);
          setCreated(c);
          list.reload();
        }}
        // an endpoint being turned off is told to people, never to the endpoint itself
        eventTypes={(types.data?.data ?? []).filter((t) => t.type !== 'webhook.endpoint_disabled').map((t) => ({ value: t.type, label: t.label, description: t.description }))}
      />
      <Modal opened={!!created} onClose={() => setCreated(null)} title={intl.formatMessage(m.addedTitle)} size="lg">
        {created && (
          <Stack>
            <Text size="sm">
              <FormattedMessage {...m.addedText} values={{ endpoint: created.endpoint.description || created.endpoint.url, b: (chunks) => <b>{chunks}</b> }} />
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

function EndpointCard({ owner, endpoint: e, labels, onChanged }: { owner: WebhookOwner; endpoint: WebhookEndpointDto; labels: Map<string, string>; onChanged: () => void }) {
  const intl = useIntl();
  const [showLog, setShowLog] = useState(false);
  const [removing, setRemoving] = useState(false);
  const log = useApiList(webhookKeys.deliveries(e.id), (cursor) => webhooksApi.deliveries(owner, e.id, cursor));
  const ping = useApiMutation(() => webhooksApi.ping(owner, e.id), {
    notifyError: true,
    success: (r) =>
      r.delivery.status === 'succeeded'
        ? intl.formatMessage(m.pingDelivered, { code: r.delivery.last_status_code })
        : intl.formatMessage(m.pingFailed, { error: r.delivery.last_error ?? intl.formatMessage(m.noAnswer) }),
    onDone: () => {
      setShowLog(true);
      log.reload();
      onChanged();
    },
  });
  const toggle = useApiMutation(() => webhooksApi.update(owner, e.id, { status: e.status === 'active' ? 'disabled' : 'active' }), {
    notifyError: true,
    success: (x) => (x.status === 'active' ? intl.formatMessage(m.turnedOn) : intl.formatMessage(m.turnedOff)),
    onDone: onChanged,
  });
  const remove = useApiMutation(() => webhooksApi.remove(owner, e.id), { success: intl.formatMessage(m.removed), onDone: onChanged });
  const events = e.event_types;
  return (
    <Card withBorder radius="md" p="md" data-testid="endpoint" data-endpoint={e.description || e.url}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs">
              <Text fw={600}>{e.description || intl.formatMessage(m.endpointFallback)}</Text>
              {e.status === 'active' ? (
                <Badge color="teal" variant="light">
                  <FormattedMessage {...m.on} />
                </Badge>
              ) : (
                <Badge color="red" variant="light">
                  <FormattedMessage {...m.off} />
                </Badge>
              )}
            </Group>
            <Code style={{ wordBreak: 'break-all', whiteSpace: 'normal' }}>{e.url}</Code>
          </Stack>
          <Group gap="xs" wrap="wrap">
            <Button size="xs" variant="light" leftSection={<IconSend size={14} />} onClick={() => void ping.run()} loading={ping.busy} disabled={e.status !== 'active'} data-testid="send-test">
              <FormattedMessage {...m.sendTest} />
            </Button>
            <Button size="xs" variant="default" onClick={() => setShowLog((s) => !s)}>
              {showLog ? intl.formatMessage(m.hideLog) : intl.formatMessage(m.showLog)}
            </Button>
            <Button size="xs" variant="default" onClick={() => void toggle.run()} loading={toggle.busy}>
              {e.status === 'active' ? intl.formatMessage(m.turnOff) : intl.formatMessage(m.turnBackOn)}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(true)}>
              <FormattedMessage {...m.remove} />
            </Button>
          </Group>
        </Group>
        {e.status === 'disabled' && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={16} />} p="xs">
            <Text size="sm">
              <FormattedMessage {...m.disabled} values={{ when: e.disabled_at ? 'yes' : 'no', ago: e.disabled_at ? timeAgo(e.disabled_at) : '', reason: e.disabled_reason }} />
            </Text>
          </Alert>
        )}
        {e.status === 'active' && e.consecutive_failures > 0 && (
          <Text size="sm" c="var(--mantine-color-orange-light-color)">
            <FormattedMessage {...m.failures} values={{ count: e.consecutive_failures }} />
          </Text>
        )}
        <Group gap={6}>
          <Text size="xs" c="dimmed">
            <FormattedMessage {...m.sends} />
          </Text>
          {events.map((t) => (
            <Badge key={t} variant="outline" color="gray" size="sm" tt="none">
              {labels.get(t) ?? t}
            </Badge>
          ))}
        </Group>
        {showLog && (
          <DataTable
            testId="deliveries"
            records={log.items}
            loading={log.loading}
            rowKey={(d) => d.id}
            rowProps={(d) => ({ 'data-status': d.status })}
            empty={intl.formatMessage(m.logEmpty)}
            columns={[
              {
                key: 'what',
                title: intl.formatMessage(m.colMessage),
                mobile: 'title',
                render: (d) => {
                  const event = labels.get(d.event_type) ?? d.event_type;
                  return <Text size="sm">{d.kind === 'redelivery' ? intl.formatMessage(m.sentAgainSuffix, { event }) : event}</Text>;
                },
              },
              { key: 'result', title: intl.formatMessage(m.colResult), render: (d) => <DeliveryResult d={d} /> },
              { key: 'attempts', title: intl.formatMessage(m.colAttempts), render: (d) => d.attempts, align: 'right' },
              { key: 'latency', title: intl.formatMessage(m.colLatency), render: (d) => (d.last_latency_ms === null ? '—' : intl.formatMessage(m.latency, { ms: d.last_latency_ms })), align: 'right' },
              { key: 'when', title: intl.formatMessage(m.colWhen), render: (d) => <span title={formatDateTime(d.created_at)}>{timeAgo(d.created_at)}</span>, style: { whiteSpace: 'nowrap' } },
              {
                key: 'again',
                title: '',
                mobile: 'footer',
                align: 'right',
                render: (d) => <Redeliver owner={owner} endpoint={e} delivery={d} onDone={log.reload} />,
              },
            ]}
            more={{ hasMore: log.hasMore, onLoad: log.loadMore, loading: log.loadingMore }}
          />
        )}
      </Stack>
      <Modal opened={removing} onClose={() => setRemoving(false)} title={intl.formatMessage(m.removeTitle)}>
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.removeText} values={{ url: e.url }} />
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

function DeliveryResult({ d }: { d: WebhookDeliveryDto }) {
  const intl = useIntl();
  if (d.status === 'succeeded')
    return (
      <Badge color="teal" variant="light" tt="none">
        <FormattedMessage {...m.delivered} values={{ code: d.last_status_code ? String(d.last_status_code) : 'none' }} />
      </Badge>
    );
  const why = d.last_status_code
    ? intl.formatMessage(m.whyAnswer, { code: d.last_status_code })
    : (d.last_error ?? '').startsWith('timeout')
      ? intl.formatMessage(m.whyTimeout)
      : d.last_error
        ? intl.formatMessage(m.whyConnect)
        : '';
  if (d.status === 'failed')
    return (
      <Badge color="red" variant="light" tt="none" title={d.last_error ?? ''}>
        <FormattedMessage {...m.gaveUp} values={{ why: why || 'none' }} />
      </Badge>
    );
  return (
    <Badge color={d.attempts ? 'orange' : 'gray'} variant="light" tt="none" title={d.last_error ?? ''}>
      {d.attempts
        ? intl.formatMessage(m.failedNext, { why, time: d.next_attempt_at ? intl.formatTime(d.next_attempt_at, { hour: 'numeric', minute: '2-digit', second: '2-digit' }) : intl.formatMessage(m.soon) })
        : intl.formatMessage(m.waitingToSend)}
    </Badge>
  );
}

function Redeliver({ owner, endpoint, delivery, onDone }: { owner: WebhookOwner; endpoint: WebhookEndpointDto; delivery: WebhookDeliveryDto; onDone: () => void }) {
  const intl = useIntl();
  const again = useApiMutation(() => webhooksApi.redeliver(owner, endpoint.id, delivery.id), {
    notifyError: true,
    success: (r) => (r.delivery.status === 'succeeded' ? intl.formatMessage(m.againDelivered) : intl.formatMessage(m.againFailed)),
    onDone,
  });
  if (endpoint.status !== 'active' || delivery.status === 'pending') return null;
  return (
    <Button size="xs" variant="subtle" onClick={() => void again.run()} loading={again.busy}>
      <FormattedMessage {...m.sendAgain} />
    </Button>
  );
}

function AddEndpointModal({ owner, opened, onClose, onCreated, eventTypes }: { owner: WebhookOwner; opened: boolean; onClose: () => void; onCreated: (c: CreatedWebhookEndpoint) => void; eventTypes: { value: string; label: string; description: string }[] }) {
  const intl = useIntl();
  const create = useApiMutation((v: { url: string; description: string; event_types: string[] }) => webhooksApi.create(owner, { url: v.url.trim(), description: v.description.trim() || undefined, event_types: v.event_types }), { onDone: onCreated });
  const form = useApiForm(
    {
      initialValues: { url: '', description: '', event_types: [] as string[] },
      validate: {
        url: (v: string) => required(v, intl.formatMessage(m.urlRequired)) ?? webAddress(v, intl.formatMessage(m.urlInvalid)),
        event_types: (v: string[]) => required(v, intl.formatMessage(m.eventsRequired)),
      },
    },
    create,
    { resetWhen: opened },
  );
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.addTitle)} size="lg">
      <form noValidate onSubmit={form.submit((v) => create.run(v))}>
        <Stack>
          <TextInput
            label={intl.formatMessage(m.webAddress)}
            description={intl.formatMessage(m.webAddressHelp)}
            placeholder={intl.formatMessage(m.webAddressPlaceholder)}
            withAsterisk {...form.getInputProps('url')} data-testid="endpoint-url" />
          <TextInput label={intl.formatMessage(m.name)} description={intl.formatMessage(m.nameHelp)} maxLength={200} {...form.getInputProps('description')} data-testid="endpoint-name" />
          <Checkbox.Group label={intl.formatMessage(m.sendEvents)} withAsterisk {...form.getInputProps('event_types')}>
            <Stack gap={6} mt={6}>
              <Checkbox value="*" label={intl.formatMessage(m.everythingLater)} />
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6}>
                {eventTypes.map((t) => (
                  <Checkbox key={t.value} value={t.value} label={t.label} title={t.description} disabled={form.values.event_types.includes('*')} />
                ))}
              </SimpleGrid>
            </Stack>
          </Checkbox.Group>
          <ErrorAlert error={create.error} labels={{ url: intl.formatMessage(m.webAddress), event_types: intl.formatMessage(m.events) }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button type="submit" loading={create.busy} data-testid="save-endpoint">
              <FormattedMessage {...m.add} />
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
