/**
 * Webhook endpoints of a tenant, a partner or the platform: add one (the signing secret is shown
 * once), choose its events in plain words, send a test message, read the delivery log, send a
 * delivery again, turn an endpoint off or back on, remove it.
 */
import { useState } from 'react';
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

export function WebhooksView({ owner, who, examples }: { owner: WebhookOwner; who: string; /** what endpoints hear about, in words */ examples: string }) {
  const key = webhookKeys.of(owner.kind, 'id' in owner ? owner.id : '');
  const list = useApiQuery(key, () => webhooksApi.list(owner));
  const types = useApiQuery(notificationKeys.eventTypes, notificationsApi.eventTypes, { staleTime: 3600_000 });
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);
  const labels = new Map((types.data?.data ?? []).map((t) => [t.type, t.label]));
  labels.set('*', 'Everything');
  labels.set('webhook.test', 'Test message');
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title="Webhooks"
        description={`Partnergate sends a message to a web address of your system each time something you choose happens at ${who}. Every message is signed so your system can check it came from Partnergate; one that fails is tried again for up to a day.`}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)} data-testid="add-endpoint">
            Add an endpoint
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
                No endpoints yet. Add one to have Partnergate tell your own systems — a ticketing tool, a chat channel, an audit store — {examples}.
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
      <Modal opened={!!created} onClose={() => setCreated(null)} title="Endpoint added" size="lg">
        {created && (
          <Stack>
            <Text size="sm">
              Partnergate signs every message to <b>{created.endpoint.description || created.endpoint.url}</b> with this secret. Give it to your system so it can check each message (any Standard Webhooks library does it).
            </Text>
            <OneTimeSecret value={created.secret} label="Signing secret" hint="This is shown only once. Copy it now — you cannot see it again (remove the endpoint and add it again for a new one)." />
            <Group justify="flex-end">
              <Button onClick={() => setCreated(null)}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function EndpointCard({ owner, endpoint: e, labels, onChanged }: { owner: WebhookOwner; endpoint: WebhookEndpointDto; labels: Map<string, string>; onChanged: () => void }) {
  const [showLog, setShowLog] = useState(false);
  const [removing, setRemoving] = useState(false);
  const log = useApiList(webhookKeys.deliveries(e.id), (cursor) => webhooksApi.deliveries(owner, e.id, cursor));
  const ping = useApiMutation(() => webhooksApi.ping(owner, e.id), {
    notifyError: true,
    success: (r) => (r.delivery.status === 'succeeded' ? `Test message delivered (answer ${r.delivery.last_status_code}).` : `Test message not delivered: ${r.delivery.last_error ?? 'no answer'}. It will be tried again.`),
    onDone: () => {
      setShowLog(true);
      log.reload();
      onChanged();
    },
  });
  const toggle = useApiMutation(() => webhooksApi.update(owner, e.id, { status: e.status === 'active' ? 'disabled' : 'active' }), {
    notifyError: true,
    success: (x) => (x.status === 'active' ? 'Endpoint turned back on: waiting messages go out now.' : 'Endpoint turned off: messages wait until you turn it back on.'),
    onDone: onChanged,
  });
  const remove = useApiMutation(() => webhooksApi.remove(owner, e.id), { success: 'Endpoint removed.', onDone: onChanged });
  const events = e.event_types;
  return (
    <Card withBorder radius="md" p="md" data-testid="endpoint" data-endpoint={e.description || e.url}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs">
              <Text fw={600}>{e.description || 'Webhook endpoint'}</Text>
              {e.status === 'active' ? (
                <Badge color="teal" variant="light">
                  On
                </Badge>
              ) : (
                <Badge color="red" variant="light">
                  Turned off
                </Badge>
              )}
            </Group>
            <Code style={{ wordBreak: 'break-all', whiteSpace: 'normal' }}>{e.url}</Code>
          </Stack>
          <Group gap="xs" wrap="wrap">
            <Button size="xs" variant="light" leftSection={<IconSend size={14} />} onClick={() => void ping.run()} loading={ping.busy} disabled={e.status !== 'active'} data-testid="send-test">
              Send a test message
            </Button>
            <Button size="xs" variant="default" onClick={() => setShowLog((s) => !s)}>
              {showLog ? 'Hide delivery log' : 'Delivery log'}
            </Button>
            <Button size="xs" variant="default" onClick={() => void toggle.run()} loading={toggle.busy}>
              {e.status === 'active' ? 'Turn off' : 'Turn back on'}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(true)}>
              Remove
            </Button>
          </Group>
        </Group>
        {e.status === 'disabled' && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={16} />} p="xs">
            <Text size="sm">Turned off {e.disabled_at ? timeAgo(e.disabled_at) : ''}: {e.disabled_reason}. Messages wait until you turn it back on.</Text>
          </Alert>
        )}
        {e.status === 'active' && e.consecutive_failures > 0 && (
          <Text size="sm" c="orange">
            The last {e.consecutive_failures} attempt{e.consecutive_failures === 1 ? '' : 's'} failed. After too many failures in a row the endpoint is turned off.
          </Text>
        )}
        <Group gap={6}>
          <Text size="xs" c="dimmed">
            Sends:
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
            empty="Nothing sent yet. Send a test message to try the endpoint."
            columns={[
              { key: 'what', title: 'Message', mobile: 'title', render: (d) => <Text size="sm">{labels.get(d.event_type) ?? d.event_type}{d.kind === 'redelivery' ? ' (sent again)' : ''}</Text> },
              { key: 'result', title: 'Result', render: (d) => <DeliveryResult d={d} /> },
              { key: 'attempts', title: 'Attempts', render: (d) => d.attempts, align: 'right' },
              { key: 'latency', title: 'Answer time', render: (d) => (d.last_latency_ms === null ? '—' : `${d.last_latency_ms} ms`), align: 'right' },
              { key: 'when', title: 'When', render: (d) => <span title={formatDateTime(d.created_at)}>{timeAgo(d.created_at)}</span>, style: { whiteSpace: 'nowrap' } },
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
      <Modal opened={removing} onClose={() => setRemoving(false)} title="Remove this endpoint?">
        <Stack>
          <Text size="sm">Partnergate stops sending to {e.url} and forgets its delivery log. This cannot be undone.</Text>
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

function DeliveryResult({ d }: { d: WebhookDeliveryDto }) {
  if (d.status === 'succeeded')
    return (
      <Badge color="teal" variant="light" tt="none">
        Delivered{d.last_status_code ? ` · answer ${d.last_status_code}` : ''}
      </Badge>
    );
  const why = d.last_status_code ? `answer ${d.last_status_code}` : (d.last_error ?? '').startsWith('timeout') ? 'no answer in time' : d.last_error ? 'could not connect' : '';
  if (d.status === 'failed')
    return (
      <Badge color="red" variant="light" tt="none" title={d.last_error ?? ''}>
        Gave up{why ? ` · ${why}` : ''}
      </Badge>
    );
  return (
    <Badge color={d.attempts ? 'orange' : 'gray'} variant="light" tt="none" title={d.last_error ?? ''}>
      {d.attempts ? `Failed · ${why} · next try ${d.next_attempt_at ? new Date(d.next_attempt_at).toLocaleTimeString() : 'soon'}` : 'Waiting to be sent'}
    </Badge>
  );
}

function Redeliver({ owner, endpoint, delivery, onDone }: { owner: WebhookOwner; endpoint: WebhookEndpointDto; delivery: WebhookDeliveryDto; onDone: () => void }) {
  const again = useApiMutation(() => webhooksApi.redeliver(owner, endpoint.id, delivery.id), {
    notifyError: true,
    success: (r) => (r.delivery.status === 'succeeded' ? 'Sent again and delivered.' : 'Sent again, not delivered; it will be tried again.'),
    onDone,
  });
  if (endpoint.status !== 'active' || delivery.status === 'pending') return null;
  return (
    <Button size="xs" variant="subtle" onClick={() => void again.run()} loading={again.busy}>
      Send again
    </Button>
  );
}

function AddEndpointModal({ owner, opened, onClose, onCreated, eventTypes }: { owner: WebhookOwner; opened: boolean; onClose: () => void; onCreated: (c: CreatedWebhookEndpoint) => void; eventTypes: { value: string; label: string; description: string }[] }) {
  const create = useApiMutation((v: { url: string; description: string; event_types: string[] }) => webhooksApi.create(owner, { url: v.url.trim(), description: v.description.trim() || undefined, event_types: v.event_types }), { onDone: onCreated });
  const form = useApiForm(
    {
      initialValues: { url: '', description: '', event_types: [] as string[] },
      validate: {
        url: (v: string) => required(v, 'Enter the web address that receives the messages.') ?? webAddress(v),
        event_types: (v: string[]) => required(v, 'Choose at least one event.'),
      },
    },
    create,
    { resetWhen: opened },
  );
  return (
    <Modal opened={opened} onClose={onClose} title="Add a webhook endpoint" size="lg">
      <form noValidate onSubmit={form.submit((v) => create.run(v))}>
        <Stack>
          <TextInput label="Web address" description="Partnergate sends each event you choose to this address." placeholder="https://example.com/partnergate-events" withAsterisk {...form.getInputProps('url')} data-testid="endpoint-url" />
          <TextInput label="Name" description="So you can tell your endpoints apart, e.g. “Ticketing system”." maxLength={200} {...form.getInputProps('description')} data-testid="endpoint-name" />
          <Checkbox.Group label="Send these events" withAsterisk {...form.getInputProps('event_types')}>
            <Stack gap={6} mt={6}>
              <Checkbox value="*" label="Everything, including events added later" />
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6}>
                {eventTypes.map((t) => (
                  <Checkbox key={t.value} value={t.value} label={t.label} title={t.description} disabled={form.values.event_types.includes('*')} />
                ))}
              </SimpleGrid>
            </Stack>
          </Checkbox.Group>
          <ErrorAlert error={create.error} labels={{ url: 'Web address', event_types: 'Events' }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.busy} data-testid="save-endpoint">
              Add endpoint
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
