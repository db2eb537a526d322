/**
 * Stripe as a data source, in the operator's Data sources page: connecting it (a name, the customers
 * it writes for, the restricted API key and the webhook signing secret — sent once, sealed on the
 * server, never shown again), the webhook URL to paste in Stripe's dashboard, the Stripe customers
 * and the billing account each maps to (chosen by customer name and account number; the unmapped
 * ones listed as waiting), loading the history from Stripe with its result in words, and when the
 * last event arrived.
 */
import { useState } from 'react';
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

/** every data-source query starts with this prefix */
const SOURCES: readonly string[] = ['data-sources'];

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export function backfillWords(r: StripeBackfillDto): string {
  const read = [plural(r.customers, 'customer'), plural(r.invoices, 'invoice'), ...(r.subscriptions ? [plural(r.subscriptions, 'subscription')] : [])].join(', ');
  const outcome = [`${r.applied.toLocaleString()} new or changed`, `${r.unchanged.toLocaleString()} already here`];
  if (r.waiting) outcome.push(`${plural(r.waiting, 'record')} waiting for a billing account`);
  if (r.held) outcome.push(`${r.held.toLocaleString()} held for review`);
  if (r.rejected) outcome.push(`${r.rejected.toLocaleString()} refused`);
  return `Read ${read} from Stripe (${plural(r.pages, 'page')}): ${outcome.join(', ')}.`;
}

/** Where Stripe sends its events, which ones to choose and the API version to set (all as the server says them). */
function WebhookAddress({ status }: { status: StripeStatusDto }) {
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        Webhook endpoint URL
      </Text>
      <CopyableCode value={status.webhook_url} copyLabel="the webhook URL" testId="stripe-webhook-url" />
      <Text size="sm" c="dimmed">
        In Stripe’s dashboard: Developers → Webhooks → Add endpoint. Paste this URL, set the API version to {status.api_versions.newest} (versions from{' '}
        {status.api_versions.oldest} on are read) and choose these events: {status.webhook_events.join(', ')}.
      </Text>
    </Stack>
  );
}

/** The keys form: the signing secret (always) and the API key (to load history and look customers up). */
function KeyFields({ secret, setSecret, apiKey, setApiKey }: { secret: string; setSecret: (v: string) => void; apiKey: string; setApiKey: (v: string) => void }) {
  return (
    <>
      <PasswordInput
        label="Webhook signing secret"
        description="From the endpoint’s page in Stripe (it starts with whsec_). Stored encrypted; it is never shown again."
        value={secret}
        onChange={(e) => setSecret(e.currentTarget.value)}
        required
        autoComplete="off"
      />
      <PasswordInput
        label="Restricted API key"
        description="A restricted key (rk_…) that may read customers, invoices and subscriptions, to load the history. Stored encrypted; it is never shown again."
        value={apiKey}
        onChange={(e) => setApiKey(e.currentTarget.value)}
        autoComplete="off"
      />
    </>
  );
}

const secretOk = (s: string) => /^whsec_.{2,}/.test(s.trim());
const keyOk = (k: string) => k.trim() === '' || /^(sk|rk)_.{5,}/.test(k.trim());

export function CreateStripeSourceModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
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
    <Modal opened onClose={onClose} title={connected ? `${name.trim()} is connected` : 'Connect Stripe'} size="lg">
      {connected ? (
        <Stack>
          <Text size="sm">Stripe now sends its invoices and payments here. One step is left in Stripe’s dashboard:</Text>
          <WebhookAddress status={connected} />
          <Text size="sm">Customers whose metadata has no “ban” field wait until you map them to a billing account on the source’s page.</Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
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
            <TextInput label="Name" description="How partners and customers see it: “Billing data from <name>”." value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} disabled={!!sourceId} />
            <Checkbox label="Also send Stripe subscriptions as services" checked={services} onChange={(e) => setServices(e.currentTarget.checked)} disabled={!!sourceId} />
            <Radio.Group label="For which customers" value={all} onChange={setAll}>
              <Stack gap={6} mt={6}>
                <Radio value="all" label="Every customer" disabled={!!sourceId} />
                <Radio value="some" label="Only the customers I choose" disabled={!!sourceId} />
              </Stack>
            </Radio.Group>
            {all === 'some' && (
              <MultiSelect
                label="Customers"
                placeholder="Search by name"
                searchable
                data={(tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                value={tenantIds}
                onChange={setTenantIds}
                disabled={!!sourceId}
                nothingFoundMessage={tenants.loading ? 'Loading…' : 'No customer by that name'}
              />
            )}
            <KeyFields secret={secret} setSecret={setSecret} apiKey={apiKey} setApiKey={setApiKey} />
            {secret.trim() !== '' && !secretOk(secret) && <Text size="sm" c="red.8">The signing secret starts with whsec_.</Text>}
            {!keyOk(apiKey) && <Text size="sm" c="red.8">The API key starts with rk_ (restricted) or sk_.</Text>}
            {sourceId && <Text size="sm">The source is registered; only its Stripe keys are left to save.</Text>}
            <ErrorAlert error={connect.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" disabled={invalid} loading={connect.busy} leftSection={<IconBrandStripe size={16} />}>
                Connect Stripe
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
  const q = useApiQuery(stripeSourceKeys.status(id), () => stripeSourceApi.status(id));
  const [replacing, setReplacing] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const backfill = useApiMutation(() => stripeSourceApi.backfill(id), { onDone: (r) => setResult(backfillWords(r)), invalidates: [SOURCES] });
  const s = q.data;
  if (!s?.configured) return null;
  return (
    <Stack gap="md" data-testid="stripe-panel">
      <Group gap="xs">
        <IconBrandStripe size={20} aria-hidden />
        <Title order={4} size="h5">
          Stripe
        </Title>
      </Group>
      <Text size="sm">{s.last_event_at ? `Last event received ${timeAgo(s.last_event_at)} (${formatDateTime(s.last_event_at)}).` : 'No event received from Stripe yet.'}</Text>
      <WebhookAddress status={s} />
      {active && (
        <Group gap="sm">
          <Button variant="light" leftSection={<IconKey size={16} />} onClick={() => setReplacing(true)}>
            Replace the Stripe keys
          </Button>
        </Group>
      )}

      <Stack gap="xs">
        <Title order={5} size="h6">
          History
        </Title>
        <Text size="sm">
          {s.last_backfill_at ? `History last loaded ${timeAgo(s.last_backfill_at)} (${formatDateTime(s.last_backfill_at)}).` : 'The history has not been loaded yet.'} Loading it again changes only what changed in Stripe.
        </Text>
        {!s.has_api_key && (
          <Alert variant="light" icon={<IconInfoCircle size={16} />}>
            <Text size="sm">Add a restricted API key (Replace the Stripe keys) to load the history.</Text>
          </Alert>
        )}
        <Group>
          <Button leftSection={<IconHistory size={16} />} onClick={() => void backfill.run()} loading={backfill.busy} disabled={!s.has_api_key || !active}>
            Load history from Stripe
          </Button>
        </Group>
        {backfill.busy && (
          <Text size="sm" role="status">
            Loading history from Stripe: reading customers, then invoices and subscriptions, a page at a time…
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
  const [secret, setSecret] = useState('');
  const [apiKey, setApiKey] = useState('');
  const save = useApiMutation(() => stripeSourceApi.setUp(id, { webhook_secret: secret.trim(), ...(apiKey.trim() ? { api_key: apiKey.trim() } : {}) }), { success: 'The Stripe keys are replaced.', onDone: onClose, invalidates: [SOURCES] });
  const invalid = !secretOk(secret) || !keyOk(apiKey);
  return (
    <Modal opened onClose={onClose} title="Replace the Stripe keys">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) void save.run();
        }}
      >
        <Stack>
          <KeyFields secret={secret} setSecret={setSecret} apiKey={apiKey} setApiKey={setApiKey} />
          <Text size="sm" c="dimmed">
            Leave the API key empty to keep the one saved.
          </Text>
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={invalid} loading={save.busy}>
              Save the keys
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const ORIGIN: Record<string, string> = { metadata: 'from its metadata in Stripe', operator: 'mapped here' };

function customerName(c: StripeCustomerDto): string {
  return c.name || c.email || `Stripe customer ${c.customer_id}`;
}

function CustomerMappings({ id }: { id: string }) {
  const q = useApiQuery(stripeSourceKeys.customers(id), () => stripeSourceApi.customers(id));
  const [mapping, setMapping] = useState<StripeCustomerDto | null>(null);
  const rows = q.data?.data ?? [];
  const waiting = rows.filter((c) => !c.ban).length;
  return (
    <Stack gap="xs">
      <Title order={5} size="h6">
        Stripe customers {waiting > 0 && <Badge color="orange" variant="light">{waiting} waiting</Badge>}
      </Title>
      <Text size="sm" c="dimmed">
        Each Stripe customer’s invoices go to a billing account: the one in its metadata (“ban”), or the one you choose here (yours wins). A customer without one waits, and so do its invoices.
      </Text>
      <ErrorAlert error={q.error} />
      <DataTable<StripeCustomerDto>
        testId="stripe-customers"
        records={q.data?.data}
        loading={q.loading}
        rowKey={(c) => c.customer_id}
        empty="No Stripe customer seen yet. They appear with their first event or when the history is loaded."
        columns={[
          { key: 'who', title: 'Stripe customer', mobile: 'title', render: (c) => customerName(c) },
          {
            key: 'ban',
            title: 'Billing account',
            render: (c) =>
              c.ban ? (
                `${c.ban} (${ORIGIN[c.origin] ?? 'mapped'})`
              ) : (
                <Badge color="orange" variant="light">
                  Waiting for a billing account
                </Badge>
              ),
          },
          { key: 'waiting', title: 'Records waiting', render: (c) => (c.waiting ? plural(c.waiting, 'record') : 'None') },
          {
            key: 'act',
            title: '',
            mobile: 'footer',
            align: 'right',
            render: (c) => (
              <Button size="xs" variant="light" onClick={() => setMapping(c)} aria-label={`${c.ban ? 'Change' : 'Map'} the billing account of ${customerName(c)}`}>
                {c.ban ? 'Change' : 'Map'}
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
  const [tenantId, setTenantId] = useState<string | null>(null);
  const [ban, setBan] = useState<string | null>(null);
  const tenants = useApiQuery(stripeSourceKeys.tenantChoices, () => api.tenants.list({ limit: 200 }));
  const accounts = useApiQuery(stripeSourceKeys.accountChoices(tenantId ?? ''), () => api.tenants.billingAccounts(tenantId ?? ''), { enabled: !!tenantId });
  const map = useApiMutation((b: string | null) => stripeSourceApi.mapCustomer(id, customer.customer_id, b), {
    success: (r) => {
      const applied = r.results.filter((x) => x.status === 'applied').length;
      return r.ban ? `${customerName(customer)} now bills to ${r.ban}${applied ? `; ${plural(applied, 'waiting record')} applied` : ''}.` : `${customerName(customer)} is back to its metadata in Stripe.`;
    },
    onDone: onClose,
    invalidates: [SOURCES],
  });
  return (
    <Modal opened onClose={onClose} title={`Billing account of ${customerName(customer)}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ban) void map.run(ban);
        }}
      >
        <Stack>
          <Select
            label="Customer"
            placeholder="Search by name"
            searchable
            data={(tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
            value={tenantId}
            onChange={(v) => {
              setTenantId(v);
              setBan(null);
            }}
            nothingFoundMessage={tenants.loading ? 'Loading…' : 'No customer by that name'}
          />
          <Select
            label="Billing account"
            placeholder={tenantId ? 'Search by number or name' : 'Choose the customer first'}
            searchable
            disabled={!tenantId}
            data={(accounts.data?.data ?? []).map((a) => ({ value: a.account_number, label: `${a.account_number} — ${a.name}` }))}
            value={ban}
            onChange={setBan}
            nothingFoundMessage={accounts.loading ? 'Loading…' : 'This customer has no billing account by that number or name'}
          />
          <ErrorAlert error={map.error} />
          <Group justify="space-between">
            {customer.origin === 'operator' ? (
              <Button variant="subtle" color="gray" onClick={() => void map.run(null)}>
                Remove my mapping
              </Button>
            ) : (
              <span />
            )}
            <Group gap="sm">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" disabled={!ban} loading={map.busy}>
                Save
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
