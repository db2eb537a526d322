/**
 * Partner side of MSP links: "Customers I manage". Every customer that gave the MSP access, with
 * what it owes, what is overdue, its open tickets, its SLA compliance and when the access ends;
 * search, filter and sort; a customer opens its own page (/partner/customers/:tenantId). Owners
 * request links (by slug or invite code), ask for renewals and relinquish access.
 */
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { allows } from '../../session/access.ts';
import { useMemo, useState } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import { Link, useNavigate } from 'react-router';
import { Anchor, Badge, Button, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconLink, IconPlus, IconSearch } from '@tabler/icons-react';
import { delegationsApi, parseList, type CustomerRow, type DelegationDto, type LinkRequest } from '../../api/delegations.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { formatMoney, formatPct, usePermissionWords, useManagedCustomers, type ManagedCustomer } from '../Msp/shared.tsx';
import { PermissionPicker } from '../../components/PermissionPicker.tsx';
import { PurposePicker } from '../../components/PurposePicker.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { m } from './PartnerCustomersPage.messages.ts';
import { ActiveCustomers, type FiguresFilters } from './ActiveCustomers.tsx';
import { useDebouncedValue } from '@mantine/hooks';
import { resellerKeys } from '../../api/keys/resellers.ts';
import { resellersApi } from '../../api/resellers.ts';

const DAY = 86_400_000;


/** The reseller whose link a distributor reaches this customer through (the server says so), or null: its own link. */
const throughOf = (r: ManagedCustomer): CustomerRow['through_reseller'] => (r as ManagedCustomer & Partial<Pick<CustomerRow, 'through_reseller'>>).through_reseller ?? null;
/** The reseller filter's value for the customers of the partner's own links. */
const OWN = 'own';

type Figure = 'outstanding_cents' | 'overdue_cents' | 'open_tickets' | 'sla_compliance_pct';
/**
 * A customer's figure in words: a figure the partner's access does not show for the customer says so
 * (it is not 0); a customer without active access has no figures (a dash).
 */
function figure(intl: IntlShape, r: ManagedCustomer, k: Figure): string {
  const f = r.metrics;
  if (!f) return '—';
  const v = f[k];
  if (v === null) return intl.formatMessage(m.notShown);
  if (k === 'open_tickets') return intl.formatNumber(v);
  return k === 'sla_compliance_pct' ? formatPct(v) : formatMoney(v, f.currency);
}
const figureCell = (intl: IntlShape, k: Figure) => (r: ManagedCustomer) => {
  const hidden = r.metrics?.[k] === null;
  return (
    <Text fz="inherit" c={hidden ? 'dimmed' : k === 'overdue_cents' && r.metrics?.overdue_cents ? 'red.9' : undefined} fs={hidden ? 'italic' : undefined} data-figure={k}>
      {figure(intl, r, k)}
    </Text>
  );
};

/** The managed customers' columns: who, the access, what they owe, tickets, SLA; an owner's actions. */
function customerColumns(intl: IntlShape, roleName: (id: string) => string, on: Record<'renew' | 'relinquish', (d: DelegationDto) => void> | null): Column<ManagedCustomer>[] {
  return [
    {
      key: 'customer',
      title: intl.formatMessage(m.colCustomer),
      mobile: 'title',
      sortValue: (r) => r.tenant.name,
      render: (r) => {
        const { tenant, delegation: d } = r;
        const through = throughOf(r);
        return (
          <>
            {d.status === 'active' ? (
              <Anchor component={Link} to={`/partner/customers/${tenant.id}`} fw={500} fz="inherit" onClick={(e) => e.stopPropagation()}>
                {tenant.name}
              </Anchor>
            ) : (
              <Text fw={500} fz="inherit">
                {tenant.name}
              </Text>
            )}
            <Text size="xs" c="dimmed">
              {roleName(d.role)}
            </Text>
            {through && (
              <Badge variant="light" color="grape" mt={2} data-testid="through-reseller" style={{ textTransform: 'none' }}>
                {intl.formatMessage(m.through, { reseller: through.name })}
              </Badge>
            )}
          </>
        );
      },
    },
    {
      key: 'status',
      title: intl.formatMessage(m.colAccess),
      sortValue: (r) => r.delegation.status,
      render: ({ delegation: d }) => (
        <>
          <StatusBadge status={d.status} />
          {d.renewal_ends_at && (
            <Badge ml={4} variant="outline" color="yellow">
              {intl.formatMessage(m.renewalAsked, { date: formatDate(d.renewal_ends_at) })}
            </Badge>
          )}
        </>
      ),
    },
    { key: 'ar', title: intl.formatMessage(m.colReceivables), align: 'right', sortValue: (r) => r.metrics?.outstanding_cents, render: figureCell(intl, 'outstanding_cents'), style: { whiteSpace: 'nowrap' } },
    { key: 'overdue', title: intl.formatMessage(m.colOverdue), align: 'right', sortValue: (r) => r.metrics?.overdue_cents, render: figureCell(intl, 'overdue_cents'), style: { whiteSpace: 'nowrap' } },
    { key: 'tickets', title: intl.formatMessage(m.colTickets), align: 'right', sortValue: (r) => r.metrics?.open_tickets, render: figureCell(intl, 'open_tickets') },
    { key: 'sla', title: intl.formatMessage(m.colSla), align: 'right', sortValue: (r) => r.metrics?.sla_compliance_pct, render: figureCell(intl, 'sla_compliance_pct') },
    { key: 'ends', title: intl.formatMessage(m.colEnds), sortValue: (r) => r.delegation.ends_at, render: ({ delegation: d }) => formatDate(d.ends_at) },
    ...(on
      ? [
          {
            key: 'actions',
            title: '',
            label: intl.formatMessage(m.colActions),
            mobile: 'footer' as const,
            // a reseller's link is the reseller's and its customer's: the distributor neither renews nor gives it up
            render: (r: ManagedCustomer) => {
              const d = r.delegation;
              return throughOf(r) ? null : (
                <Group gap="xs" justify="flex-end" wrap="nowrap" onClick={(e) => e.stopPropagation()}>
                  {d.status === 'active' && (
                    <Button size="xs" variant="default" onClick={() => on.renew(d)}>
                      {intl.formatMessage(m.renew)}
                    </Button>
                  )}
                  {(d.status === 'active' || d.status === 'requested') && (
                    <Button size="xs" variant="subtle" color="red" onClick={() => on.relinquish(d)}>
                      {intl.formatMessage(d.status === 'requested' ? m.withdraw : m.relinquish)}
                    </Button>
                  )}
                </Group>
              );
            },
          },
        ]
      : []),
  ];
}

type State<T> = [T, (v: T) => void];

/** Search by name, filter by access and role, and show the ended and rejected links too. */
function CustomerFilters({ q, status, role, reseller, history, roleOptions, resellerOptions }: { q: State<string>; status: State<string | null>; role: State<string | null>; reseller: State<string | null>; history: State<boolean>; roleOptions: { value: string; label: string }[]; resellerOptions: { value: string; label: string }[] }) {
  const intl = useIntl();
  return (
    <Group align="flex-end" justify="space-between" wrap="wrap">
      <Group align="flex-end" wrap="wrap">
        <TextInput label={intl.formatMessage(m.search)} placeholder={intl.formatMessage(m.searchPlaceholder)} leftSection={<IconSearch size={14} />} value={q[0]} onChange={(e) => q[1](e.currentTarget.value)} w={{ base: '100%', sm: 220 }} data-testid="customer-search" />
        {!history[0] && (
          <Select
            label={intl.formatMessage(m.access)}
            placeholder={intl.formatMessage(m.any)}
            clearable
            data={[
              { value: 'active', label: intl.formatMessage(m.active) },
              { value: 'requested', label: intl.formatMessage(m.waiting) },
            ]}
            value={status[0]}
            onChange={status[1]}
            w={{ base: '100%', sm: 190 }}
          />
        )}
        <Select label={intl.formatMessage(m.role)} placeholder={intl.formatMessage(m.anyRole)} clearable data={roleOptions} value={role[0]} onChange={role[1]} w={{ base: '100%', sm: 190 }} />
        {resellerOptions.length > 0 && (
          <Select
            label={intl.formatMessage(m.reseller)}
            placeholder={intl.formatMessage(m.any)}
            clearable
            data={[{ value: OWN, label: intl.formatMessage(m.ownLinks) }, ...resellerOptions]}
            value={reseller[0]}
            onChange={reseller[1]}
            w={{ base: '100%', sm: 210 }}
            data-testid="customer-reseller"
          />
        )}
      </Group>
      <Switch label={intl.formatMessage(m.showEnded)} checked={history[0]} onChange={(e) => history[1](e.currentTarget.checked)} />
    </Group>
  );
}

/** The filters' state: name, access, role and — for a distributor — the reseller; `on` when any narrows the list. */
function useFilterState() {
  const q = useState('');
  const status = useState<string | null>(null);
  const role = useState<string | null>(null);
  const reseller = useState<string | null>(null);
  return { q, status, role, reseller, on: !!(q[0] || status[0] || role[0] || reseller[0]) };
}

/**
 * The filters' choices: the link roles from the catalog and — for a distributor — its resellers; and
 * the rows of a list of links (the ended ones, the requests still waiting) the filters leave.
 */
function useCustomerFilters(links: ManagedCustomer[], history: State<boolean>, { q, status, role, reseller }: ReturnType<typeof useFilterState>) {
  const partner = useView().partner!;
  const roles = useDelegationRoles();
  const resellerList = useApiQuery(resellerKeys.of(partner.partner_id), () => resellersApi.list(partner.partner_id).catch(() => ({ data: [] })), { enabled: allows(partner, 'partner.resellers.read') });
  const rows = useMemo(() => {
    const needle = q[0].trim().toLowerCase();
    return links.filter(
      (r) =>
        (!needle || r.tenant.name.toLowerCase().includes(needle)) &&
        (!status[0] || r.delegation.status === status[0]) &&
        (!role[0] || r.delegation.role === role[0]) &&
        (!reseller[0] || (throughOf(r)?.id ?? OWN) === reseller[0]),
    );
  }, [links, q[0], status[0], role[0], reseller[0]]);
  const resellerOptions = (resellerList.data?.data ?? []).map((r) => ({ value: r.id, label: r.name })).sort((a, b) => a.label.localeCompare(b.label));
  const roleOptions = roles.linkRoles.map((r) => ({ value: r.id, label: r.name }));
  return { rows, roleName: roles.name, filters: { q, status, role, reseller, history, roleOptions, resellerOptions } };
}

/**
 * The customers: with active access, a page at a time searched, filtered and sorted by the server
 * (ActiveCustomers), and the requests still waiting below; with ended links shown, the list of links
 * the filters leave. Both lists sit under one name, so a row is found by its customer whichever
 * list holds it.
 */
function CustomerLists({ history, narrowing, status, links, loading, columns, empty }: { history: boolean; narrowing: FiguresFilters; status: string | null; links: ManagedCustomer[]; loading: boolean; columns: Column<ManagedCustomer>[]; empty: string }) {
  const intl = useIntl();
  const navigate = useNavigate();
  const rowProps = (r: ManagedCustomer) => ({ 'data-tenant': r.tenant.slug, 'data-tenant-id': r.tenant.id, 'data-access': r.delegation.status, 'data-through': throughOf(r)?.name ?? '' });
  const open = (r: ManagedCustomer) => r.delegation.status === 'active' && navigate(`/partner/customers/${r.tenant.id}`);
  const active = !history && status !== 'requested';
  const waiting = history || status !== 'active';
  return (
    <Stack data-testid="partner-delegations">
      {active && <ActiveCustomers columns={columns} filters={narrowing} rowProps={rowProps} onRowClick={open} />}
      {!history && waiting && (
        <Title order={2} size="h4">
          {intl.formatMessage(m.waitingHeading)}
        </Title>
      )}
      {waiting && <DataTable testId={history ? 'customer-rows' : 'waiting-customers'} records={links} loading={loading} rowKey={(r) => r.delegation.id} rowProps={rowProps} onRowClick={open} defaultSort={{ key: 'customer', direction: 'asc' }} empty={empty} columns={columns} />}
    </Stack>
  );
}

export function PartnerCustomersPage() {
  const intl = useIntl();
  const partner = useView().partner!;
  const isOwner = allows(partner, 'partner.delegations.manage');
  const history = useState(false);
  const filterState = useFilterState();
  const [search] = useDebouncedValue(filterState.q[0].trim(), 300);
  // the active customers come a page at a time from the server (ActiveCustomers); the list of links here holds only the requests still waiting, or the ended links
  const list = useManagedCustomers({ history: history[0], waiting: !history[0], figures: false });
  const { rows, roleName, filters } = useCustomerFilters(list.rows, history, filterState);
  const [requesting, setRequesting] = useState(false);
  const [renewing, setRenewing] = useState<DelegationDto | null>(null);
  const [relinquishing, setRelinquishing] = useState<DelegationDto | null>(null);

  const relinquish = useApiMutation((d: DelegationDto, reason: string) => delegationsApi.relinquish(partner.partner_id, d.id, reason), {
    success: (d) => (d.status === 'revoked' ? intl.formatMessage(m.givenUp, { tenant: d.tenant.name }) : intl.formatMessage(m.done)),
    onDone: () => {
      setRelinquishing(null);
      list.reload();
    },
  });

  const filtered = filterState.on;
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(filters.resellerOptions.length > 0 ? m.descriptionResellers : m.description)}
        actions={
          isOwner && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setRequesting(true)}>
              {intl.formatMessage(m.requestLink)}
            </Button>
          )
        }
      />
      <Stack>
        <CustomerFilters {...filters} />
        <ErrorAlert error={list.error} />
        <CustomerLists history={history[0]} narrowing={{ q: search, role: filterState.role[0], reseller: filterState.reseller[0] }} status={filterState.status[0]} links={rows} loading={list.loading} columns={customerColumns(intl, roleName, isOwner ? { renew: setRenewing, relinquish: setRelinquishing } : null)} empty={intl.formatMessage(filtered ? m.noMatch : history[0] ? m.nothingYet : m.noneWaiting)} />
      </Stack>

      <RequestLinkModal
        opened={requesting}
        partnerId={partner.partner_id}
        onClose={() => setRequesting(false)}
        onDone={() => {
          setRequesting(false);
          list.reload();
        }}
      />
      <RenewModal
        delegation={renewing}
        partnerId={partner.partner_id}
        onClose={() => setRenewing(null)}
        onDone={() => {
          setRenewing(null);
          list.reload();
        }}
      />
      <ReasonModal
        opened={!!relinquishing}
        title={intl.formatMessage(relinquishing?.status === 'requested' ? m.withdrawTitle : m.relinquishTitle)}
        message={intl.formatMessage(relinquishing?.status === 'requested' ? m.withdrawMessage : m.relinquishMessage, { tenant: relinquishing?.tenant.name })}
        confirmLabel={intl.formatMessage(relinquishing?.status === 'requested' ? m.withdraw : m.relinquish)}
        color="red"
        reason="required"
        busy={relinquish.busy}
        error={relinquish.error}
        onClose={() => {
          setRelinquishing(null);
          relinquish.reset();
        }}
        onConfirm={(reason) => relinquishing && void relinquish.run(relinquishing, reason ?? '')}
      />
    </>
  );
}

interface LinkValues {
  by: 'slug' | 'code';
  ref: string;
  role: string | null;
  days: number | string;
  bans: string;
  grant: string[];
  deny: string[];
  purposes: string[];
  justification: string;
}

/** A number of days from 1 to 3650, or the sentence that says so. */
const daysCheck = (intl: IntlShape) => (v: number | string) => (typeof v === 'number' && v >= 1 && v <= 3650 ? undefined : intl.formatMessage(m.daysInvalid));

/** The role's description and what it lets the partner do, in the catalog's words. */
function roleWords(intl: IntlShape, role: { description: string; grants: string[] }, word: (name: string) => string): string {
  if (role.grants.length === 0) return intl.formatMessage(m.roleLetsNothing, { description: role.description });
  return intl.formatMessage(m.roleLets, { description: role.description, permissions: role.grants.map(word).join('; ') });
}

function RequestLinkModal({ opened, partnerId, onClose, onDone }: { opened: boolean; partnerId: string; onClose(): void; onDone(): void }) {
  const intl = useIntl();
  const send = useApiMutation((body: LinkRequest) => delegationsApi.requestLink(partnerId, body), {
    success: (d) => intl.formatMessage(m.sent, { tenant: d.tenant.name }),
    onDone,
  });
  const form = useApiForm<LinkValues>(
    {
      initialValues: { by: 'slug', ref: '', role: 'MSP_FULL', days: 365, bans: '', grant: [], deny: [], purposes: [], justification: '' },
      validate: {
        ref: (v, f) => required(v, intl.formatMessage(f.by === 'slug' ? m.slugRequired : m.codeRequired)),
        role: (v) => required(v, intl.formatMessage(m.roleRequired)),
        days: daysCheck(intl),
        justification: (v) => required(v, intl.formatMessage(m.justificationRequired)),
      },
    },
    send,
    { resetWhen: opened },
  );
  const v = form.values;
  const e = form.errors;
  const roles = useDelegationRoles();
  const words = usePermissionWords();
  const roleInfo = roles.get(v.role);
  return (
    <Modal
      opened={opened}
      onClose={() => {
        send.reset();
        onClose();
      }}
      title={intl.formatMessage(m.linkTitle)}
      size="lg"
    >
      <form
        noValidate
        onSubmit={form.submit((f) => {
          const body: LinkRequest = {
            role: f.role ?? 'MSP_FULL',
            justification: f.justification.trim(),
            ends_at: new Date(Date.now() + Number(f.days) * DAY).toISOString(),
          };
          if (f.by === 'slug') body.tenant_slug = f.ref.trim();
          else body.invite_code = f.ref.trim().toUpperCase();
          const banList = parseList(f.bans);
          if (banList.length) body.ban_ids = banList;
          const g = f.grant;
          const dn = f.deny;
          if (g.length || dn.length) body.overrides = { grant: g, deny: dn };
          if (f.purposes.length) body.purposes = f.purposes;
          return send.run(body);
        })}
      >
        <Stack>
          <SegmentedControl
            {...form.getInputProps('by')}
            data={[
              { value: 'slug', label: intl.formatMessage(m.bySlug) },
              { value: 'code', label: intl.formatMessage(m.byCode) },
            ]}
          />
          <TextInput
            label={intl.formatMessage(v.by === 'slug' ? m.slugLabel : m.codeLabel)}
            description={intl.formatMessage(v.by === 'slug' ? m.slugHint : m.codeHint)}
            withAsterisk
            {...form.getInputProps('ref')}
            error={e.ref ?? e.tenant_slug ?? e.invite_code}
          />
          <Select
            label={intl.formatMessage(m.roleLabel)}
            withAsterisk
            data={roles.linkRoles.map((r) => ({ value: r.id, label: r.name }))}
            {...form.getInputProps('role')}
            description={roleInfo ? roleWords(intl, roleInfo, words.word) : undefined}
            error={roles.error ? intl.formatMessage(m.rolesFailed) : e.role}
            data-testid="link-role"
          />
          <Group grow align="flex-start">
            <NumberInput
              label={intl.formatMessage(m.duration)}
              description={intl.formatMessage(m.durationHint)}
              min={1}
              max={3650}
              withAsterisk
              {...form.getInputProps('days')}
              error={e.days ?? e.ends_at}
            />
            <TextInput
              label={intl.formatMessage(m.accounts)}
              description={intl.formatMessage(m.accountsHint)}
              {...form.getInputProps('bans')}
              error={e.bans ?? e.ban_ids}
            />
          </Group>
          <Group grow align="flex-start">
            <PermissionPicker label={intl.formatMessage(m.alsoAsk)} description={intl.formatMessage(m.alsoAskHint)} {...form.getInputProps('grant')} />
            <PermissionPicker label={intl.formatMessage(m.leaveOut)} description={intl.formatMessage(m.leaveOutHint)} {...form.getInputProps('deny')} />
          </Group>
          <PurposePicker label={intl.formatMessage(m.purposes)} description={intl.formatMessage(m.purposesHint)} {...form.getInputProps('purposes')} />
          <Textarea
            label={intl.formatMessage(m.justification)}
            description={intl.formatMessage(m.justificationHint)}
            withAsterisk
            autosize
            minRows={2}
            {...form.getInputProps('justification')}
          />
          <ErrorAlert error={send.error} labels={{ ends_at: intl.formatMessage(m.fieldDuration), ban_ids: intl.formatMessage(m.fieldAccounts), justification: intl.formatMessage(m.justification), purposes: intl.formatMessage(m.purposes) }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {intl.formatMessage(m.cancel)}
            </Button>
            <Button type="submit" loading={send.busy} leftSection={<IconLink size={16} />}>
              {intl.formatMessage(m.send)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RenewModal({ delegation, partnerId, onClose, onDone }: { delegation: DelegationDto | null; partnerId: string; onClose(): void; onDone(): void }) {
  const intl = useIntl();
  const renew = useApiMutation((d: DelegationDto, endsAt: string) => delegationsApi.renew(partnerId, d.id, endsAt), {
    success: intl.formatMessage(m.renewAsked),
    onDone,
  });
  const form = useApiForm<{ days: number | string }>({ initialValues: { days: 365 }, validate: { days: daysCheck(intl) } }, renew, { resetWhen: !!delegation });
  return (
    <Modal
      opened={!!delegation}
      onClose={() => {
        renew.reset();
        onClose();
      }}
      title={intl.formatMessage(m.renewTitle, { tenant: delegation?.tenant.name ?? '' })}
    >
      <form noValidate onSubmit={form.submit((f) => delegation && renew.run(delegation, new Date(Date.now() + Number(f.days) * DAY).toISOString()))}>
        <Stack>
          <Text size="sm">{intl.formatMessage(m.renewIntro, { date: formatDate(delegation?.ends_at) })}</Text>
          <NumberInput label={intl.formatMessage(m.renewDuration)} min={1} max={3650} withAsterisk {...form.getInputProps('days')} error={form.errors.days ?? form.errors.ends_at} />
          <ErrorAlert error={renew.error} />
          <FormActions onCancel={onClose} busy={renew.busy} submitLabel={intl.formatMessage(m.renewSubmit)} />
        </Stack>
      </form>
    </Modal>
  );
}
