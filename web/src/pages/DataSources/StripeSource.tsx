/**
 * Stripe as a data source, in the operator's Data sources page: connecting it (a name, the customers
 * it writes for, the restricted API key and the webhook signing secret — sent once, sealed on the
 * server, never shown again), the webhook URL to paste in Stripe's dashboard, the Stripe customers
 * and the billing account each maps to (chosen by customer name and account number; the unmapped
 * ones listed as waiting), loading the history from Stripe with its result in words, and when the
 * last event arrived.
 */
import { useState } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Alert, Badge, Button, Checkbox, Group, Modal, MultiSelect, PasswordInput, Radio, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconBrandStripe, IconHistory, IconInfoCircle, IconKey } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { dataSourcesApi } from '../../api/dataSources.ts';
import { stripeSourceApi, type StripeBackfillDto, type StripeCustomerDto, type StripeStatusDto } from '../../api/stripeSource.ts';
import { stripeSourceKeys } from '../../api/keys/stripeSource.ts';
import { CopyableCode } from '../../components/CopyableCode.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { common } from '../../i18n/common-messages.ts';
import { m } from './StripeSource.messages.ts';

/** every data-source query starts with this prefix */
const SOURCES: readonly string[] = ['data-sources'];

export function backfillWords(intl: IntlShape, r: StripeBackfillDto): string {
  const read = [
    intl.formatMessage(m.customers, { count: r.customers }),
    intl.formatMessage(m.invoices, { count: r.invoices }),
    ...(r.subscriptions ? [intl.formatMessage(m.subscriptions, { count: r.subscriptions })] : []),
  ].join(', ');
  const outcome = [intl.formatMessage(m.applied, { count: r.applied }), intl.formatMessage(m.unchanged, { count: r.unchanged })];
  if (r.waiting) outcome.push(intl.formatMessage(m.waiting, { count: r.waiting }));
  if (r.held) outcome.push(intl.formatMessage(m.held, { count: r.held }));
  if (r.rejected) outcome.push(intl.formatMessage(m.rejected, { count: r.rejected }));
  return intl.formatMessage(m.result, { read, pages: r.pages, outcome: outcome.join(', ') });
}

/** Where Stripe sends its events, which ones to choose and the API version to set (all as the server says them). */
function WebhookAddress({ status }: { status: StripeStatusDto }) {
  const intl = useIntl();
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        <FormattedMessage {...m.webhookUrl} />
      </Text>
      <CopyableCode value={status.webhook_url} copyLabel={intl.formatMessage(m.webhookUrlCopy)} testId="stripe-webhook-url" />
      <Text size="sm" c="dimmed">
        <FormattedMessage {...m.webhookHowTo} values={{ newest: status.api_versions.newest, oldest: status.api_versions.oldest, events: status.webhook_events.join(', ') }} />
      </Text>
    </Stack>
  );
}

/** The keys form: the signing secret (always) and the API key (to load history and look customers up). */
function KeyFields({ secret, setSecret, apiKey, setApiKey }: { secret: string; setSecret: (v: string) => void; apiKey: string; setApiKey: (v: string) => void }) {
  const intl = useIntl();
  return (
    <>
      <PasswordInput
        label={intl.formatMessage(m.signingSecret)}
        description={intl.formatMessage(m.signingSecretHelp)}
        value={secret}
        onChange={(e) => setSecret(e.currentTarget.value)}
        required
        autoComplete="off"
      />
      <PasswordInput label={intl.formatMessage(m.apiKey)} description={intl.formatMessage(m.apiKeyHelp)} value={apiKey} onChange={(e) => setApiKey(e.currentTarget.value)} autoComplete="off" />
    </>
  );
}

const secretOk = (s: string) => /^whsec_.{2,}/.test(s.trim());
const keyOk = (k: string) => k.trim() === '' || /^(sk|rk)_.{5,}/.test(k.trim());

export function CreateStripeSourceModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const intl = useIntl();
  const [name, setName] = useState('Stripe');
  const [services, setServices] = useState(false);
  const [all, setAll] = useState('all');
  const [tenantIds, setTenantIds] = useState<string[]>([]);
  const [secret, setSecret] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [sourceId, setSourceId] = useState<string | null>(null);
  const [connected, setConnected] = useState<StripeStatusDto | null>(null);
  const tenants = useApiQuery(stripeSourceKeys.tenantChoices, () => api.tenants.list({ limit: 200 }), { enabled: all === 'some' });
  const connect = useApiMutation(
    async () => {
      let id = sourceId;
      if (!id) {
        const created = await dataSourcesApi.create({ name: name.trim(), kinds: services ? ['invoices', 'services'] : ['invoices'], scope: all === 'all' ? { all: true } : { all: false, tenant_ids: tenantIds } });
        id = created.source.id;
        setSourceId(id);
      }
      return { id, status: await stripeSourceApi.setUp(id, { webhook_secret: secret.trim(), ...(apiKey.trim() ? { api_key: apiKey.trim() } : {}) }) };
    },
    {
      onDone: (r) => {
        setConnected(r.status);
        onCreated(r.id);
      },
      invalidates: [SOURCES],
    },
  );
  const invalid = name.trim() === '' || !secretOk(secret) || !keyOk(apiKey) || (all === 'some' && tenantIds.length === 0);
  return (
    <Modal opened onClose={onClose} title={connected ? intl.formatMessage(m.connectedTitle, { name: name.trim() }) : intl.formatMessage(m.connectStripe)} size="lg">
      {connected ? (
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.connectedText} />
          </Text>
          <WebhookAddress status={connected} />
          <Text size="sm">
            <FormattedMessage {...m.connectedWaiting} />
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>
              <FormattedMessage {...m.done} />
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!invalid) void connect.run();
          }}
        >
          <Stack>
            <TextInput
              label={intl.formatMessage(m.name)}
              description={intl.formatMessage(m.nameHelp)}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              maxLength={200}
              disabled={!!sourceId}
            />
            <Checkbox label={intl.formatMessage(m.alsoServices)} checked={services} onChange={(e) => setServices(e.currentTarget.checked)} disabled={!!sourceId} />
            <Radio.Group label={intl.formatMessage(m.forWhich)} value={all} onChange={setAll}>
              <Stack gap={6} mt={6}>
                <Radio value="all" label={intl.formatMessage(m.everyCustomer)} disabled={!!sourceId} />
                <Radio value="some" label={intl.formatMessage(m.onlyChosen)} disabled={!!sourceId} />
              </Stack>
            </Radio.Group>
            {all === 'some' && (
              <MultiSelect
                label={intl.formatMessage(m.customers_)}
                placeholder={intl.formatMessage(m.searchByName)}
                searchable
                data={(tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                value={tenantIds}
                onChange={setTenantIds}
                disabled={!!sourceId}
                nothingFoundMessage={tenants.loading ? intl.formatMessage(common.loading) : intl.formatMessage(m.noCustomerByName)}
              />
            )}
            <KeyFields secret={secret} setSecret={setSecret} apiKey={apiKey} setApiKey={setApiKey} />
            {secret.trim() !== '' && !secretOk(secret) && (
              <Text size="sm" c="red.8">
                <FormattedMessage {...m.secretFormat} />
              </Text>
            )}
            {!keyOk(apiKey) && (
              <Text size="sm" c="red.8">
                <FormattedMessage {...m.keyFormat} />
              </Text>
            )}
            {sourceId && (
              <Text size="sm">
                <FormattedMessage {...m.registeredKeysLeft} />
              </Text>
            )}
            <ErrorAlert error={connect.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                <FormattedMessage {...m.cancel} />
              </Button>
              <Button type="submit" disabled={invalid} loading={connect.busy} leftSection={<IconBrandStripe size={16} />}>
                <FormattedMessage {...m.connectStripe} />
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** On a source's page: shown only when the source is set up for Stripe. */
export function StripePanel({ id, active }: { id: string; active: boolean }) {
  const intl = useIntl();
  const q = useApiQuery(stripeSourceKeys.status(id), () => stripeSourceApi.status(id));
  const [replacing, setReplacing] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const backfill = useApiMutation(() => stripeSourceApi.backfill(id), { onDone: (r) => setResult(backfillWords(intl, r)), invalidates: [SOURCES] });
  const s = q.data;
  if (!s?.configured) return null;
  return (
    <Stack gap="md" data-testid="stripe-panel">
      <Group gap="xs">
        <IconBrandStripe size={20} aria-hidden />
        <Title order={3} size="h5">
          <FormattedMessage {...m.stripe} />
        </Title>
      </Group>
      <Text size="sm">{s.last_event_at ? intl.formatMessage(m.lastEvent, { ago: timeAgo(s.last_event_at), date: formatDateTime(s.last_event_at) }) : intl.formatMessage(m.noEvent)}</Text>
      <WebhookAddress status={s} />
      {active && (
        <Group gap="sm">
          <Button variant="light" leftSection={<IconKey size={16} />} onClick={() => setReplacing(true)}>
            <FormattedMessage {...m.replaceKeys} />
          </Button>
        </Group>
      )}

      <Stack gap="xs">
        <Title order={4} size="h6">
          <FormattedMessage {...m.history} />
        </Title>
        <Text size="sm">
          <FormattedMessage
            {...m.historyState}
            values={{ loaded: s.last_backfill_at ? 'yes' : 'no', ago: s.last_backfill_at ? timeAgo(s.last_backfill_at) : '', date: s.last_backfill_at ? formatDateTime(s.last_backfill_at) : '' }}
          />
        </Text>
        {!s.has_api_key && (
          <Alert variant="light" icon={<IconInfoCircle size={16} />}>
            <Text size="sm">
              <FormattedMessage {...m.needApiKey} />
            </Text>
          </Alert>
        )}
        <Group>
          <Button leftSection={<IconHistory size={16} />} onClick={() => void backfill.run()} loading={backfill.busy} disabled={!s.has_api_key || !active}>
            <FormattedMessage {...m.loadHistory} />
          </Button>
        </Group>
        {backfill.busy && (
          <Text size="sm" role="status">
            <FormattedMessage {...m.loadingHistory} />
          </Text>
        )}
        {result && !backfill.busy && (
          <Alert color="teal" variant="light" data-testid="stripe-backfill-result" role="status">
            <Text size="sm">{result}</Text>
          </Alert>
        )}
        <ErrorAlert error={backfill.error} />
      </Stack>

      <CustomerMappings id={id} />
      {replacing && <ReplaceKeysModal id={id} onClose={() => setReplacing(false)} />}
    </Stack>
  );
}

function ReplaceKeysModal({ id, onClose }: { id: string; onClose: () => void }) {
  const intl = useIntl();
  const [secret, setSecret] = useState('');
  const [apiKey, setApiKey] = useState('');
  const save = useApiMutation(() => stripeSourceApi.setUp(id, { webhook_secret: secret.trim(), ...(apiKey.trim() ? { api_key: apiKey.trim() } : {}) }), {
    success: intl.formatMessage(m.keysReplaced),
    onDone: onClose,
    invalidates: [SOURCES],
  });
  const invalid = !secretOk(secret) || !keyOk(apiKey);
  return (
    <Modal opened onClose={onClose} title={intl.formatMessage(m.replaceKeys)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) void save.run();
        }}
      >
        <Stack>
          <KeyFields secret={secret} setSecret={setSecret} apiKey={apiKey} setApiKey={setApiKey} />
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.keepKey} />
          </Text>
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button type="submit" disabled={invalid} loading={save.busy}>
              <FormattedMessage {...m.saveKeys} />
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function customerName(intl: IntlShape, c: StripeCustomerDto): string {
  return c.name || c.email || intl.formatMessage(m.stripeCustomerId, { id: c.customer_id });
}

function CustomerMappings({ id }: { id: string }) {
  const intl = useIntl();
  const q = useApiQuery(stripeSourceKeys.customers(id), () => stripeSourceApi.customers(id));
  const [mapping, setMapping] = useState<StripeCustomerDto | null>(null);
  const rows = q.data?.data ?? [];
  const waiting = rows.filter((c) => !c.ban).length;
  return (
    <Stack gap="xs">
      <Title order={4} size="h6">
        <FormattedMessage {...m.stripeCustomers} />{' '}
        {waiting > 0 && (
          <Badge color="orange" variant="light">
            <FormattedMessage {...m.waitingBadge} values={{ count: waiting }} />
          </Badge>
        )}
      </Title>
      <Text size="sm" c="dimmed">
        <FormattedMessage {...m.customersHelp} />
      </Text>
      <ErrorAlert error={q.error} />
      <DataTable<StripeCustomerDto>
        testId="stripe-customers"
        records={q.data?.data}
        loading={q.loading}
        rowKey={(c) => c.customer_id}
        empty={intl.formatMessage(m.customersEmpty)}
        columns={[
          { key: 'who', title: intl.formatMessage(m.colCustomer), mobile: 'title', render: (c) => customerName(intl, c) },
          {
            key: 'ban',
            title: intl.formatMessage(m.colBillingAccount),
            render: (c) =>
              c.ban ? (
                intl.formatMessage(m.banWithOrigin, { ban: c.ban, origin: c.origin })
              ) : (
                <Badge color="orange" variant="light">
                  <FormattedMessage {...m.waitingForAccount} />
                </Badge>
              ),
          },
          { key: 'waiting', title: intl.formatMessage(m.colRecordsWaiting), render: (c) => (c.waiting ? intl.formatMessage(m.records, { count: c.waiting }) : intl.formatMessage(m.none)) },
          {
            key: 'act',
            title: '',
            mobile: 'footer',
            align: 'right',
            render: (c) => (
              <Button size="xs" variant="light" onClick={() => setMapping(c)} aria-label={intl.formatMessage(m.mapLabel, { mapped: c.ban ? 'yes' : 'no', name: customerName(intl, c) })}>
                {c.ban ? intl.formatMessage(m.change) : intl.formatMessage(m.map)}
              </Button>
            ),
          },
        ]}
      />
      {mapping && <MapCustomerModal id={id} customer={mapping} onClose={() => setMapping(null)} />}
    </Stack>
  );
}

function MapCustomerModal({ id, customer, onClose }: { id: string; customer: StripeCustomerDto; onClose: () => void }) {
  const intl = useIntl();
  const [tenantId, setTenantId] = useState<string | null>(null);
  const [ban, setBan] = useState<string | null>(null);
  const tenants = useApiQuery(stripeSourceKeys.tenantChoices, () => api.tenants.list({ limit: 200 }));
  const accounts = useApiQuery(stripeSourceKeys.accountChoices(tenantId ?? ''), () => api.tenants.billingAccounts(tenantId ?? ''), { enabled: !!tenantId });
  const name = customerName(intl, customer);
  const map = useApiMutation((b: string | null) => stripeSourceApi.mapCustomer(id, customer.customer_id, b), {
    success: (r) => {
      const applied = r.results.filter((x) => x.status === 'applied').length;
      return r.ban ? intl.formatMessage(m.nowBillsTo, { name, ban: r.ban, applied }) : intl.formatMessage(m.backToMetadata, { name });
    },
    onDone: onClose,
    invalidates: [SOURCES],
  });
  return (
    <Modal opened onClose={onClose} title={intl.formatMessage(m.mapTitle, { name })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ban) void map.run(ban);
        }}
      >
        <Stack>
          <Select
            label={intl.formatMessage(m.customer)}
            placeholder={intl.formatMessage(m.searchByName)}
            searchable
            data={(tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
            value={tenantId}
            onChange={(v) => {
              setTenantId(v);
              setBan(null);
            }}
            nothingFoundMessage={tenants.loading ? intl.formatMessage(common.loading) : intl.formatMessage(m.noCustomerByName)}
          />
          <Select
            label={intl.formatMessage(m.colBillingAccount)}
            placeholder={tenantId ? intl.formatMessage(m.searchAccount) : intl.formatMessage(m.chooseCustomerFirst)}
            searchable
            disabled={!tenantId}
            data={(accounts.data?.data ?? []).map((a) => ({ value: a.account_number, label: `${a.account_number} — ${a.name}` }))}
            value={ban}
            onChange={setBan}
            nothingFoundMessage={accounts.loading ? intl.formatMessage(common.loading) : intl.formatMessage(m.noAccount)}
          />
          <ErrorAlert error={map.error} />
          <Group justify="space-between">
            {customer.origin === 'operator' ? (
              <Button variant="subtle" color="gray" onClick={() => void map.run(null)}>
                <FormattedMessage {...m.removeMapping} />
              </Button>
            ) : (
              <span />
            )}
            <Group gap="sm">
              <Button variant="default" onClick={onClose}>
                <FormattedMessage {...m.cancel} />
              </Button>
              <Button type="submit" disabled={!ban} loading={map.busy}>
                <FormattedMessage {...m.save} />
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
