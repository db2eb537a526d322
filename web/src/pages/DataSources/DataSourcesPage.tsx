/**
 * Operator → Data sources: the provider's systems that send billing accounts, invoices, services,
 * orders, tickets, usage and SLA records. Lists each with what it sends, for whom, its last sync,
 * its record counts, and the lines waiting for review (held) or refused (rejected) in plain words;
 * registers a source (its token shown once), replaces or revokes its token, and applies held
 * lines again or sets them aside.
 */
import { useState, type ReactNode } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
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
import { formatDateTime, formatNumber, timeAgo } from '../../components/format.ts';
import { CreateStripeSourceModal, StripePanel } from './StripeSource.tsx';
import { stripeSourceApi } from '../../api/stripeSource.ts';
import { stripeSourceKeys } from '../../api/keys/stripeSource.ts';
import { WriteRoutesPanel } from './WriteRoutesPanel.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { partnerKeys } from '../../api/keys/partners.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';
import { common } from '../../i18n/common-messages.ts';
import { m } from './DataSourcesPage.messages.ts';
import { waitingForWords } from './ImportHeldRows.tsx';

const KIND_WORDS: Record<SourceKind, Message> = defineMessages({
  billing_accounts: { id: 'data_sources.kind.billing_accounts', defaultMessage: 'Billing accounts' },
  invoices: { id: 'data_sources.kind.invoices', defaultMessage: 'Invoices and payments' },
  services: { id: 'data_sources.kind.services', defaultMessage: 'Services' },
  orders: { id: 'data_sources.kind.orders', defaultMessage: 'Orders' },
  tickets: { id: 'data_sources.kind.tickets', defaultMessage: 'Support tickets' },
  usage: { id: 'data_sources.kind.usage', defaultMessage: 'Usage' },
  sla: { id: 'data_sources.kind.sla', defaultMessage: 'SLA records' },
  subscribers: { id: 'data_sources.kind.subscribers', defaultMessage: 'Subscribers' },
});
/** the same kinds inside a sentence ("Sends invoices and payments, usage.") */
const KIND_IN_SENTENCE: Record<SourceKind, Message> = defineMessages({
  billing_accounts: { id: 'data_sources.kind_in_sentence.billing_accounts', defaultMessage: 'billing accounts' },
  invoices: { id: 'data_sources.kind_in_sentence.invoices', defaultMessage: 'invoices and payments' },
  services: { id: 'data_sources.kind_in_sentence.services', defaultMessage: 'services' },
  orders: { id: 'data_sources.kind_in_sentence.orders', defaultMessage: 'orders' },
  tickets: { id: 'data_sources.kind_in_sentence.tickets', defaultMessage: 'support tickets' },
  usage: { id: 'data_sources.kind_in_sentence.usage', defaultMessage: 'usage' },
  sla: { id: 'data_sources.kind_in_sentence.sla', defaultMessage: 'sla records' },
  subscribers: { id: 'data_sources.kind_in_sentence.subscribers', defaultMessage: 'subscribers' },
});
const KINDS = Object.keys(KIND_WORDS) as SourceKind[];
/** the kinds of line, as the counts name them */
const LINE_WORDS: Record<string, Message> = defineMessages({
  billing_account: { id: 'data_sources.line.billing_account', defaultMessage: 'billing accounts' },
  invoice: { id: 'data_sources.line.invoice', defaultMessage: 'invoices' },
  payment: { id: 'data_sources.line.payment', defaultMessage: 'payments' },
  service: { id: 'data_sources.line.service', defaultMessage: 'services' },
  order: { id: 'data_sources.line.order', defaultMessage: 'orders' },
  ticket: { id: 'data_sources.line.ticket', defaultMessage: 'tickets' },
  usage: { id: 'data_sources.line.usage', defaultMessage: 'usage records' },
  sla: { id: 'data_sources.line.sla', defaultMessage: 'SLA records' },
  subscriber: { id: 'data_sources.line.subscriber', defaultMessage: 'subscribers' },
});
/** rejection codes in words */
const REFUSALS: Record<string, Message> = defineMessages({
  line_malformed: { id: 'data_sources.refusal.line_malformed', defaultMessage: 'The line is not a valid record' },
  kind_not_owned: { id: 'data_sources.refusal.kind_not_owned', defaultMessage: 'This source is not set up to send that kind of record' },
  tenant_out_of_scope: { id: 'data_sources.refusal.tenant_out_of_scope', defaultMessage: 'This source may not write for that customer' },
  ban_in_other_tenant: { id: 'data_sources.refusal.ban_in_other_tenant', defaultMessage: 'The billing account belongs to another customer' },
  record_conflict: { id: 'data_sources.refusal.record_conflict', defaultMessage: 'It clashes with a record already here' },
  payment_immutable: { id: 'data_sources.refusal.payment_immutable', defaultMessage: 'A payment cannot change once applied' },
});

const lineWords = (intl: IntlShape, kind: string): string => (LINE_WORDS[kind] ? intl.formatMessage(LINE_WORDS[kind]) : kind);

function scopeWords(intl: IntlShape, s: DataSourceDto): string {
  if (s.scope.all) return intl.formatMessage(m.everyCustomer);
  const names = [...s.scope.tenants.map((t) => t.name), ...s.scope.partners.map((p) => intl.formatMessage(m.customersOf, { partner: p.name }))];
  return names.length ? names.join(', ') : intl.formatMessage(m.noCustomerYet);
}

function SourceName({ s }: { s: DataSourceDto }) {
  return (
    <Group gap={6} wrap="wrap">
      <Text size="sm" fw={500}>
        {s.name}
      </Text>
      {s.built_in && (
        <Badge variant="light" color="gray">
          <FormattedMessage {...m.builtIn} />
        </Badge>
      )}
      {s.status === 'revoked' && (
        <Badge variant="light" color="red">
          <FormattedMessage {...m.revoked} />
        </Badge>
      )}
    </Group>
  );
}

/** The built-in demo source only once the demo world has filled it: with the demo off it is no one's source. */
const shown = (s: DataSourceDto) => !s.built_in || !!s.last_batch_at;

export function DataSourcesPage() {
  const intl = useIntl();
  const list = useApiQuery(dataSourceKeys.all, dataSourcesApi.list);
  const [creating, setCreating] = useState(false);
  const [connectingStripe, setConnectingStripe] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
        actions={
          <Group gap="sm">
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              <FormattedMessage {...m.add} />
            </Button>
            <Button variant="light" leftSection={<IconBrandStripe size={16} />} onClick={() => setConnectingStripe(true)}>
              <FormattedMessage {...m.connectStripe} />
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
        empty={intl.formatMessage(m.empty)}
        onRowClick={(s) => setOpenId(s.id)}
        columns={[
          { key: 'name', title: intl.formatMessage(m.colSource), mobile: 'title', render: (s) => <SourceName s={s} /> },
          { key: 'kinds', title: intl.formatMessage(m.colSends), render: (s) => s.kinds.map((k) => intl.formatMessage(KIND_WORDS[k])).join(', ') },
          { key: 'scope', title: intl.formatMessage(m.colFor), render: (s) => scopeWords(intl, s) },
          { key: 'last', title: intl.formatMessage(m.colLastSync), render: (s) => (s.last_batch_at ? timeAgo(s.last_batch_at) : intl.formatMessage(m.never)), style: { whiteSpace: 'nowrap' } },
          {
            key: 'held',
            title: intl.formatMessage(m.colWaiting),
            render: (s) =>
              s.held_lines > 0 ? (
                <Badge color="orange" variant="light">
                  <FormattedMessage {...m.heldBadge} values={{ count: s.held_lines }} />
                </Badge>
              ) : (
                intl.formatMessage(m.none)
              ),
          },
          {
            key: 'open',
            title: '',
            mobile: 'footer',
            align: 'right',
            render: (s) => (
              <Button size="xs" variant="light" onClick={() => setOpenId(s.id)} aria-label={intl.formatMessage(m.openLabel, { name: s.name })}>
                <FormattedMessage {...m.open} />
              </Button>
            ),
          },
        ]}
      />
      <WriteRoutesPanel />
      {creating && <CreateSourceModal onClose={() => setCreating(false)} onCreated={(id) => setOpenId(id)} />}
      {connectingStripe && <CreateStripeSourceModal onClose={() => setConnectingStripe(false)} onCreated={(id) => setOpenId(id)} />}
      <Drawer opened={!!openId} onClose={() => setOpenId(null)} position="right" size="xl" title={intl.formatMessage(m.drawerTitle)}>
        {openId && <SourceDetail id={openId} />}
      </Drawer>
    </>
  );
}

function CreateSourceModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const intl = useIntl();
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
    <Modal opened onClose={onClose} title={issued ? intl.formatMessage(m.registeredTitle, { name: issued.name }) : intl.formatMessage(m.add)} size="lg">
      {issued ? (
        <Stack>
          <OneTimeSecret value={issued.token} label={intl.formatMessage(m.tokenLabel)} hint={intl.formatMessage(m.tokenHint)} />
          <Text size="sm">
            <FormattedMessage {...m.sendsTo} values={{ url: `${window.location.origin}/sync/v1/batches`, b: (chunks) => <b data-technical="">{chunks}</b> }} />
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
            if (!invalid) void create.run();
          }}
        >
          <Stack>
            <TextInput label={intl.formatMessage(m.name)} description={intl.formatMessage(m.nameHelp)} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} />
            <Checkbox.Group label={intl.formatMessage(m.whatItSends)} description={intl.formatMessage(m.whatItSendsHelp)} value={kinds} onChange={setKinds} required>
              <Stack gap={6} mt={6}>
                {KINDS.map((k) => (
                  <Checkbox key={k} value={k} label={intl.formatMessage(KIND_WORDS[k])} />
                ))}
              </Stack>
            </Checkbox.Group>
            <Radio.Group label={intl.formatMessage(m.forWhich)} value={all} onChange={setAll}>
              <Stack gap={6} mt={6}>
                <Radio value="all" label={intl.formatMessage(m.everyCustomer)} />
                <Radio value="some" label={intl.formatMessage(m.onlyChosen)} />
              </Stack>
            </Radio.Group>
            {all === 'some' && (
              <>
                <MultiSelect
                  label={intl.formatMessage(m.customers)}
                  placeholder={intl.formatMessage(m.searchByName)}
                  searchable
                  data={(tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                  value={tenantIds}
                  onChange={setTenantIds}
                  nothingFoundMessage={tenants.loading ? intl.formatMessage(common.loading) : intl.formatMessage(m.noCustomerByName)}
                />
                <MultiSelect
                  label={intl.formatMessage(m.partnerCustomers)}
                  description={intl.formatMessage(m.partnerCustomersHelp)}
                  placeholder={intl.formatMessage(m.searchByName)}
                  searchable
                  data={(partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                  value={partnerIds}
                  onChange={setPartnerIds}
                  nothingFoundMessage={partners.loading ? intl.formatMessage(common.loading) : intl.formatMessage(m.noPartnerByName)}
                />
              </>
            )}
            <ErrorAlert error={create.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                <FormattedMessage {...m.cancel} />
              </Button>
              <Button type="submit" disabled={invalid} loading={create.busy} leftSection={<IconDatabaseImport size={16} />}>
                <FormattedMessage {...m.register} />
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function SourceDetail({ id }: { id: string }) {
  const intl = useIntl();
  const q = useApiQuery(dataSourceKeys.one(id), () => dataSourcesApi.get(id));
  // a Stripe source sends nothing with a sync token: Stripe signs its webhooks with the signing secret
  const stripe = useApiQuery(stripeSourceKeys.status(id), () => stripeSourceApi.status(id));
  const isStripe = !!stripe.data?.configured;
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const rotate = useApiMutation(() => dataSourcesApi.rotate(id), {
    // turning a Stripe source back on makes a sync token too, which nothing uses: it is not shown
    onDone: (r) => setSecret(isStripe ? null : r.token),
    success: isStripe ? intl.formatMessage(m.stripeBackOn) : undefined,
    invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)],
  });
  const revoke = useApiMutation(() => dataSourcesApi.revoke(id), {
    success: isStripe ? intl.formatMessage(m.stripeTurnedOff) : intl.formatMessage(m.sourceRevoked),
    onDone: () => setConfirmRevoke(false),
    invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)],
  });
  const retry = useApiMutation(() => dataSourcesApi.retryHeld(id), {
    success: (r) => intl.formatMessage(m.retried, { refused: r.rejected ? 'yes' : 'no', applied: r.applied, held: r.still_held, rejected: r.rejected }),
    invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)],
  });
  const dismiss = useApiMutation((heldId: string) => dataSourcesApi.dismissHeld(id, heldId), { success: intl.formatMessage(m.setAsideDone), invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)] });
  const s = q.data;
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!s)
    return (
      <Text size="sm">
        <FormattedMessage {...common.loading} />
      </Text>
    );
  const b = (chunks: ReactNode[]) => <b>{chunks}</b>;
  return (
    <Stack gap="lg" data-testid="data-source-detail">
      <Stack gap={4}>
        <Title order={2} size="h4">
          {s.name}
        </Title>
        <Text size="sm">
          <FormattedMessage {...m.sends} values={{ kinds: s.kinds.map((k) => intl.formatMessage(KIND_IN_SENTENCE[k])).join(', ') }} />
        </Text>
        <Text size="sm">
          <FormattedMessage {...m.writesFor} values={{ scope: scopeWords(intl, s) }} />
        </Text>
        <Text size="sm">{s.last_batch_at ? intl.formatMessage(m.lastSync, { ago: timeAgo(s.last_batch_at), date: formatDateTime(s.last_batch_at) }) : intl.formatMessage(m.notSentYet)}</Text>
        {s.built_in ? (
          <Alert variant="light" icon={<IconInfoCircle size={16} />}>
            <Text size="sm">
              <FormattedMessage {...m.demo} />
            </Text>
          </Alert>
        ) : isStripe ? (
          <Text size="sm">{s.status === 'active' ? intl.formatMessage(m.stripeActive) : intl.formatMessage(m.stripeOff)}</Text>
        ) : s.status === 'active' ? (
          <Text size="sm">
            <FormattedMessage {...m.tokenBegins} values={{ prefix: s.token_prefix, date: formatDateTime(s.token_created_at), b }} />
          </Text>
        ) : (
          <Text size="sm">
            <FormattedMessage {...m.revokedText} />
          </Text>
        )}
      </Stack>
      {secret && <OneTimeSecret value={secret} label={intl.formatMessage(m.newTokenLabel)} hint={intl.formatMessage(m.newTokenHint)} />}
      {!s.built_in && !stripe.loading && (
        <Group gap="sm">
          {s.status === 'active' && !isStripe && (
            <Button component={Link} to={`/operator/data-sources/${s.id}/import`} variant="light" leftSection={<IconDatabaseImport size={16} />}>
              <FormattedMessage {...m.importFile} />
            </Button>
          )}
          {(!isStripe || s.status !== 'active') && (
            <Button leftSection={<IconKey size={16} />} variant="light" onClick={() => void rotate.run()} loading={rotate.busy}>
              {isStripe ? intl.formatMessage(m.turnBackOn) : s.status === 'active' ? intl.formatMessage(m.replaceToken) : intl.formatMessage(m.createToken)}
            </Button>
          )}
          {s.status === 'active' && (
            <Button color="red" variant="light" onClick={() => setConfirmRevoke(true)}>
              {isStripe ? intl.formatMessage(m.turnOff) : intl.formatMessage(m.revoke)}
            </Button>
          )}
        </Group>
      )}
      <ErrorAlert error={rotate.error ?? revoke.error} />
      {!s.built_in && <StripePanel id={s.id} active={s.status === 'active'} />}

      <Stack gap="xs">
        <Title order={3} size="h5">
          <FormattedMessage {...m.records} />
        </Title>
        {s.counts.length === 0 ? (
          <Text size="sm">
            <FormattedMessage {...m.noRecords} />
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={320}>
            <Table data-testid="data-source-counts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>
                    <FormattedMessage {...m.kind} />
                  </Table.Th>
                  <Table.Th ta="right">
                    <FormattedMessage {...m.records} />
                  </Table.Th>
                  <Table.Th>
                    <FormattedMessage {...m.colLastSync} />
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.counts.map((c) => (
                  <Table.Tr key={c.kind}>
                    <Table.Td>{lineWords(intl, c.kind)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(c.records)}</Table.Td>
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
          <Title order={3} size="h5">
            <FormattedMessage {...m.waitingForReview} />{' '}
            {s.held.length > 0 && (
              <Badge color="orange" variant="light">
                {s.held.length}
              </Badge>
            )}
          </Title>
          {s.held.length > 0 && (
            <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} onClick={() => void retry.run()} loading={retry.busy}>
              <FormattedMessage {...m.tryAgain} />
            </Button>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.heldHelp} />
        </Text>
        <HeldTable s={s} onDismiss={(heldId) => void dismiss.run(heldId)} />
      </Stack>

      <Stack gap="xs">
        <Title order={3} size="h5">
          <FormattedMessage {...m.recentBatches} />
        </Title>
        <DataTable<DataSourceDetailDto['batches'][number]>
          testId="data-source-batches"
          records={s.batches}
          rowKey={(b) => b.id}
          empty={intl.formatMessage(m.noBatches)}
          columns={[
            { key: 'at', title: intl.formatMessage(m.received), mobile: 'title', render: (b) => formatDateTime(b.received_at) },
            { key: 'lines', title: intl.formatMessage(m.records), render: (b) => intl.formatMessage(m.batchLines, { lines: b.lines, applied: b.applied, unchanged: b.unchanged, held: b.held, rejected: b.rejected }) },
            {
              key: 'refused',
              title: intl.formatMessage(m.refused),
              render: (b) =>
                b.rejections.length === 0
                  ? intl.formatMessage(m.none)
                  : b.rejections.map((r) => (
                      <Text key={r.line} size="sm">
                        {intl.formatMessage(m.refusedLine, {
                          withId: r.external_id ? 'yes' : 'no',
                          line: r.line,
                          externalId: r.external_id ?? '',
                          reason: REFUSALS[r.code] ? intl.formatMessage(REFUSALS[r.code]) : r.code,
                          detail: r.detail.replace(/^Line \d+: /, ''),
                        })}
                      </Text>
                    )),
            },
          ]}
        />
      </Stack>

      <Modal opened={confirmRevoke} onClose={() => setConfirmRevoke(false)} title={isStripe ? intl.formatMessage(m.turnOffTitle, { name: s.name }) : intl.formatMessage(m.revokeTitle, { name: s.name })}>
        <Stack>
          <Text size="sm">{isStripe ? intl.formatMessage(m.turnOffText) : intl.formatMessage(m.revokeText)}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmRevoke(false)}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button color="red" onClick={() => void revoke.run()} loading={revoke.busy}>
              {isStripe ? intl.formatMessage(m.turnOff) : intl.formatMessage(m.revoke)}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function HeldTable({ s, onDismiss }: { s: DataSourceDetailDto; onDismiss: (id: string) => void }) {
  const intl = useIntl();
  return (
    <DataTable<DataSourceDetailDto['held'][number]>
      testId="held-lines"
      records={s.held}
      rowKey={(h) => h.id}
      empty={intl.formatMessage(m.nothingWaiting)}
      columns={[
        { key: 'what', title: intl.formatMessage(m.record), mobile: 'title', render: (h) => intl.formatMessage(m.heldWhat, { kind: lineWords(intl, h.kind), externalId: h.external_id }) },
        { key: 'waiting', title: intl.formatMessage(m.waitingFor), render: (h) => waitingForWords(intl, h.missing) },
        { key: 'since', title: intl.formatMessage(m.since), render: (h) => timeAgo(h.held_at) },
        {
          key: 'act',
          title: '',
          mobile: 'footer',
          align: 'right',
          render: (h) => (
            <Button size="xs" variant="subtle" color="gray" onClick={() => onDismiss(h.id)} aria-label={intl.formatMessage(m.setAsideLabel, { externalId: h.external_id })}>
              <FormattedMessage {...m.setAside} />
            </Button>
          ),
        },
      ]}
    />
  );
}
