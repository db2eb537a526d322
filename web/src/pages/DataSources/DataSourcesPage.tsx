/**
 * Operator → Data sources: the provider's systems that send billing accounts, invoices, services,
 * orders, tickets, usage and SLA records. Lists each with what it sends, for whom, its last sync,
 * its record counts, and the lines waiting for review (held) or refused (rejected) in plain words;
 * registers a source (its token shown once), replaces or revokes its token, and applies held
 * lines again or sets them aside.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Badge, Button, Checkbox, Drawer, Group, Modal, MultiSelect, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconBrandStripe, IconDatabaseImport, IconInfoCircle, IconKey, IconPlus, IconRefresh } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { dataSourcesApi, type DataSourceDetailDto, type DataSourceDto, type SourceKind } from '../../api/dataSources.ts';
import { dataSourceKeys } from '../../api/keys/dataSources.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime, timeAgo } from '../../components/format.ts';
import { CreateStripeSourceModal, StripePanel } from './StripeSource.tsx';
import { stripeSourceApi } from '../../api/stripeSource.ts';
import { stripeSourceKeys } from '../../api/keys/stripeSource.ts';
import { WriteRoutesPanel } from './WriteRoutesPanel.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { partnerKeys } from '../../api/keys/partners.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';

const KIND_WORDS: Record<SourceKind, string> = {
  billing_accounts: 'Billing accounts',
  invoices: 'Invoices and payments',
  services: 'Services',
  orders: 'Orders',
  tickets: 'Support tickets',
  usage: 'Usage',
  sla: 'SLA records',
};
const KINDS = Object.keys(KIND_WORDS) as SourceKind[];
/** the kinds of line, as the counts name them */
const LINE_WORDS: Record<string, string> = { billing_account: 'billing accounts', invoice: 'invoices', payment: 'payments', service: 'services', order: 'orders', ticket: 'tickets', usage: 'usage records', sla: 'SLA records' };
/** rejection codes in words */
const REFUSALS: Record<string, string> = {
  line_malformed: 'The line is not a valid record',
  kind_not_owned: 'This source is not set up to send that kind of record',
  tenant_out_of_scope: 'This source may not write for that customer',
  ban_in_other_tenant: 'The billing account belongs to another customer',
  record_conflict: 'It clashes with a record already here',
  payment_immutable: 'A payment cannot change once applied',
};

function scopeWords(s: DataSourceDto): string {
  if (s.scope.all) return 'Every customer';
  const names = [...s.scope.tenants.map((t) => t.name), ...s.scope.partners.map((p) => `customers of ${p.name}`)];
  return names.length ? names.join(', ') : 'No customer yet';
}

function SourceName({ s }: { s: DataSourceDto }) {
  return (
    <Group gap={6} wrap="wrap">
      <Text size="sm" fw={500}>
        {s.name}
      </Text>
      {s.built_in && (
        <Badge variant="light" color="gray">
          Built in
        </Badge>
      )}
      {s.status === 'revoked' && (
        <Badge variant="light" color="red">
          Revoked
        </Badge>
      )}
    </Group>
  );
}

/** The built-in demo source only once the demo world has filled it: with the demo off it is no one's source. */
const shown = (s: DataSourceDto) => !s.built_in || !!s.last_batch_at;

export function DataSourcesPage() {
  const list = useApiQuery(dataSourceKeys.all, dataSourcesApi.list);
  const [creating, setCreating] = useState(false);
  const [connectingStripe, setConnectingStripe] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Data sources"
        description="The systems that send your customers’ billing accounts, invoices, services, orders, tickets, usage and SLA records. Partners and customers see what these send."
        actions={
          <Group gap="sm">
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              Add a data source
            </Button>
            <Button variant="light" leftSection={<IconBrandStripe size={16} />} onClick={() => setConnectingStripe(true)}>
              Connect Stripe
            </Button>
          </Group>
        }
      />
      <ErrorAlert error={list.error} />
      <DataTable<DataSourceDto>
        testId="data-sources"
        records={list.data?.data.filter(shown)}
        loading={list.loading}
        rowKey={(s) => s.id}
        empty="No data sources yet."
        onRowClick={(s) => setOpenId(s.id)}
        columns={[
          { key: 'name', title: 'Source', mobile: 'title', render: (s) => <SourceName s={s} /> },
          { key: 'kinds', title: 'Sends', render: (s) => s.kinds.map((k) => KIND_WORDS[k]).join(', ') },
          { key: 'scope', title: 'For', render: scopeWords },
          { key: 'last', title: 'Last sync', render: (s) => (s.last_batch_at ? timeAgo(s.last_batch_at) : 'Never'), style: { whiteSpace: 'nowrap' } },
          {
            key: 'held',
            title: 'Waiting for review',
            render: (s) =>
              s.held_lines > 0 ? (
                <Badge color="orange" variant="light">
                  {s.held_lines} held
                </Badge>
              ) : (
                'None'
              ),
          },
          {
            key: 'open',
            title: '',
            mobile: 'footer',
            align: 'right',
            render: (s) => (
              <Button size="xs" variant="light" onClick={() => setOpenId(s.id)} aria-label={`Open ${s.name}`}>
                Open
              </Button>
            ),
          },
        ]}
      />
      <WriteRoutesPanel />
      {creating && <CreateSourceModal onClose={() => setCreating(false)} onCreated={(id) => setOpenId(id)} />}
      {connectingStripe && <CreateStripeSourceModal onClose={() => setConnectingStripe(false)} onCreated={(id) => setOpenId(id)} />}
      <Drawer opened={!!openId} onClose={() => setOpenId(null)} position="right" size="xl" title="Data source">
        {openId && <SourceDetail id={openId} />}
      </Drawer>
    </>
  );
}

function CreateSourceModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const [name, setName] = useState('');
  const [kinds, setKinds] = useState<string[]>(['invoices']);
  const [all, setAll] = useState('all');
  const [tenantIds, setTenantIds] = useState<string[]>([]);
  const [partnerIds, setPartnerIds] = useState<string[]>([]);
  const [issued, setIssued] = useState<{ token: string; name: string } | null>(null);
  const tenants = useApiQuery(tenantKeys.list({ limit: 200 }), () => api.tenants.list({ limit: 200 }), { enabled: all === 'some' });
  const partners = useApiQuery(partnerKeys.list({ limit: 200 }), () => api.partners.list({ limit: 200 }), { enabled: all === 'some' });
  const create = useApiMutation(() => dataSourcesApi.create({ name, kinds: kinds as SourceKind[], scope: all === 'all' ? { all: true } : { all: false, tenant_ids: tenantIds, partner_ids: partnerIds } }), {
    onDone: (r) => {
      setIssued({ token: r.token, name: r.source.name });
      onCreated(r.source.id);
    },
    invalidates: [dataSourceKeys.all],
  });
  const invalid = name.trim() === '' || kinds.length === 0 || (all === 'some' && tenantIds.length + partnerIds.length === 0);
  return (
    <Modal opened onClose={onClose} title={issued ? `${issued.name} is registered` : 'Add a data source'} size="lg">
      {issued ? (
        <Stack>
          <OneTimeSecret value={issued.token} label="Source token" hint="Shown only once. Give it to the system that sends the records: it goes in the Authorization header as a Bearer token. Partnergate keeps only a hash." />
          <Text size="sm">
            The system sends its records to <b>{`${window.location.origin}/sync/v1/batches`}</b>, one record per line. The integrators’ guide “Data sync” explains the format.
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!invalid) void create.run();
          }}
        >
          <Stack>
            <TextInput label="Name" description="How partners and customers see it: “Billing data from <name>”." value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} />
            <Checkbox.Group label="What it sends" description="It may send only these kinds of record." value={kinds} onChange={setKinds} required>
              <Stack gap={6} mt={6}>
                {KINDS.map((k) => (
                  <Checkbox key={k} value={k} label={KIND_WORDS[k]} />
                ))}
              </Stack>
            </Checkbox.Group>
            <Radio.Group label="For which customers" value={all} onChange={setAll}>
              <Stack gap={6} mt={6}>
                <Radio value="all" label="Every customer" />
                <Radio value="some" label="Only the customers I choose" />
              </Stack>
            </Radio.Group>
            {all === 'some' && (
              <>
                <MultiSelect
                  label="Customers"
                  placeholder="Search by name"
                  searchable
                  data={(tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                  value={tenantIds}
                  onChange={setTenantIds}
                  nothingFoundMessage={tenants.loading ? 'Loading…' : 'No customer by that name'}
                />
                <MultiSelect
                  label="Customers of these partners"
                  description="Every customer the partner can act for at the time a record arrives."
                  placeholder="Search by name"
                  searchable
                  data={(partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                  value={partnerIds}
                  onChange={setPartnerIds}
                  nothingFoundMessage={partners.loading ? 'Loading…' : 'No partner by that name'}
                />
              </>
            )}
            <ErrorAlert error={create.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" disabled={invalid} loading={create.busy} leftSection={<IconDatabaseImport size={16} />}>
                Register and show its token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function SourceDetail({ id }: { id: string }) {
  const q = useApiQuery(dataSourceKeys.one(id), () => dataSourcesApi.get(id));
  // a Stripe source sends nothing with a sync token: Stripe signs its webhooks with the signing secret
  const stripe = useApiQuery(stripeSourceKeys.status(id), () => stripeSourceApi.status(id));
  const isStripe = !!stripe.data?.configured;
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const rotate = useApiMutation(() => dataSourcesApi.rotate(id), {
    // turning a Stripe source back on makes a sync token too, which nothing uses: it is not shown
    onDone: (r) => setSecret(isStripe ? null : r.token),
    success: isStripe ? 'Stripe’s events are received again.' : undefined,
    invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)],
  });
  const revoke = useApiMutation(() => dataSourcesApi.revoke(id), { success: isStripe ? 'Turned off: Stripe’s events are refused from now on.' : 'The source is revoked: its token no longer works.', onDone: () => setConfirmRevoke(false), invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)] });
  const retry = useApiMutation(() => dataSourcesApi.retryHeld(id), {
    success: (r) => `${r.applied} applied, ${r.still_held} still waiting${r.rejected ? `, ${r.rejected} refused` : ''}.`,
    invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)],
  });
  const dismiss = useApiMutation((heldId: string) => dataSourcesApi.dismissHeld(id, heldId), { success: 'Set aside.', invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)] });
  const s = q.data;
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!s) return <Text size="sm">Loading…</Text>;
  return (
    <Stack gap="lg" data-testid="data-source-detail">
      <Stack gap={4}>
        <Title order={3} size="h4">
          {s.name}
        </Title>
        <Text size="sm">Sends {s.kinds.map((k) => KIND_WORDS[k].toLowerCase()).join(', ')}.</Text>
        <Text size="sm">Writes for: {scopeWords(s)}.</Text>
        <Text size="sm">{s.last_batch_at ? `Last sync ${timeAgo(s.last_batch_at)} (${formatDateTime(s.last_batch_at)}).` : 'It has not sent anything yet.'}</Text>
        {s.built_in ? (
          <Alert variant="light" icon={<IconInfoCircle size={16} />}>
            <Text size="sm">The demo world’s records. It has no token; nothing outside Partnergate sends as it.</Text>
          </Alert>
        ) : isStripe ? (
          <Text size="sm">
            {s.status === 'active'
              ? 'Stripe sends its events to the webhook address below, signed with the webhook signing secret, and the history is loaded with the restricted API key. It has no sync token and no file import: to change what it may read, replace the Stripe keys.'
              : 'Turned off: Stripe’s events are refused. Its records stay. Turning it back on receives them again.'}
          </Text>
        ) : s.status === 'active' ? (
          <Text size="sm">
            Its token begins <b>{s.token_prefix}…</b> and was created {formatDateTime(s.token_created_at)}.
          </Text>
        ) : (
          <Text size="sm">Revoked: no token works. Its records stay. A new token brings it back.</Text>
        )}
      </Stack>
      {secret && <OneTimeSecret value={secret} label="New source token" hint="Shown only once. The previous token has stopped working; give this one to the system that sends the records." />}
      {!s.built_in && !stripe.loading && (
        <Group gap="sm">
          {s.status === 'active' && !isStripe && (
            <Button component={Link} to={`/operator/data-sources/${s.id}/import`} variant="light" leftSection={<IconDatabaseImport size={16} />}>
              Import a file
            </Button>
          )}
          {(!isStripe || s.status !== 'active') && (
            <Button leftSection={<IconKey size={16} />} variant="light" onClick={() => void rotate.run()} loading={rotate.busy}>
              {isStripe ? 'Turn it back on' : s.status === 'active' ? 'Replace the token' : 'Create a new token'}
            </Button>
          )}
          {s.status === 'active' && (
            <Button color="red" variant="light" onClick={() => setConfirmRevoke(true)}>
              {isStripe ? 'Turn off' : 'Revoke'}
            </Button>
          )}
        </Group>
      )}
      <ErrorAlert error={rotate.error ?? revoke.error} />
      {!s.built_in && <StripePanel id={s.id} active={s.status === 'active'} />}

      <Stack gap="xs">
        <Title order={4} size="h5">
          Records
        </Title>
        {s.counts.length === 0 ? (
          <Text size="sm">No records yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={320}>
            <Table data-testid="data-source-counts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th ta="right">Records</Table.Th>
                  <Table.Th>Last sync</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.counts.map((c) => (
                  <Table.Tr key={c.kind}>
                    <Table.Td>{LINE_WORDS[c.kind] ?? c.kind}</Table.Td>
                    <Table.Td ta="right">{c.records.toLocaleString()}</Table.Td>
                    <Table.Td>{timeAgo(c.last_synced_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>

      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4} size="h5">
            Waiting for review {s.held.length > 0 && <Badge color="orange" variant="light">{s.held.length}</Badge>}
          </Title>
          {s.held.length > 0 && (
            <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} onClick={() => void retry.run()} loading={retry.busy}>
              Try them again
            </Button>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          Records that name a billing account or customer Partnergate does not know yet. Each is applied as soon as what it names appears.
        </Text>
        <HeldTable s={s} onDismiss={(heldId) => void dismiss.run(heldId)} />
      </Stack>

      <Stack gap="xs">
        <Title order={4} size="h5">
          Recent batches
        </Title>
        <DataTable<DataSourceDetailDto['batches'][number]>
          testId="data-source-batches"
          records={s.batches}
          rowKey={(b) => b.id}
          empty="No batches yet."
          columns={[
            { key: 'at', title: 'Received', mobile: 'title', render: (b) => formatDateTime(b.received_at) },
            { key: 'lines', title: 'Records', render: (b) => `${b.lines}: ${b.applied} applied, ${b.unchanged} unchanged, ${b.held} held, ${b.rejected} refused` },
            {
              key: 'refused',
              title: 'Refused',
              render: (b) =>
                b.rejections.length === 0
                  ? 'None'
                  : b.rejections.map((r) => (
                      <Text key={r.line} size="sm">
                        Line {r.line}
                        {r.external_id ? ` (${r.external_id})` : ''}: {REFUSALS[r.code] ?? r.code}. {r.detail.replace(/^Line \d+: /, '')}
                      </Text>
                    )),
            },
          ]}
        />
      </Stack>

      <Modal opened={confirmRevoke} onClose={() => setConfirmRevoke(false)} title={isStripe ? `Turn off ${s.name}?` : `Revoke ${s.name}?`}>
        <Stack>
          <Text size="sm">{isStripe ? 'Stripe’s events are refused from now on, and the history cannot be loaded. The records it sent stay.' : 'Its token stops working at once, so it cannot send anything more. The records it sent stay.'}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmRevoke(false)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => void revoke.run()} loading={revoke.busy}>
              {isStripe ? 'Turn off' : 'Revoke'}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function HeldTable({ s, onDismiss }: { s: DataSourceDetailDto; onDismiss: (id: string) => void }) {
  return (
    <DataTable<DataSourceDetailDto['held'][number]>
      testId="held-lines"
      records={s.held}
      rowKey={(h) => h.id}
      empty="Nothing is waiting."
      columns={[
        { key: 'what', title: 'Record', mobile: 'title', render: (h) => `${LINE_WORDS[h.kind] ?? h.kind}: ${h.external_id}` },
        { key: 'waiting', title: 'Waiting for', render: (h) => h.waiting_for },
        { key: 'since', title: 'Since', render: (h) => timeAgo(h.held_at) },
        {
          key: 'act',
          title: '',
          mobile: 'footer',
          align: 'right',
          render: (h) => (
            <Button size="xs" variant="subtle" color="gray" onClick={() => onDismiss(h.id)} aria-label={`Set aside ${h.external_id}`}>
              Set aside
            </Button>
          ),
        },
      ]}
    />
  );
}
