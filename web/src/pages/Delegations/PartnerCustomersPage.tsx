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
import { Anchor, Badge, Button, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { IconLink, IconPlus, IconSearch } from '@tabler/icons-react';
import { delegationsApi, parseList, type CustomerRow, type DelegationDto, type LinkRequest } from '../../api/delegations.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { formatMoney, formatPct, usePermissionWords, useManagedCustomers, type ManagedCustomer } from '../Msp/shared.tsx';
import { PermissionPicker } from '../../components/PermissionPicker.tsx';
import { PurposePicker } from '../../components/PurposePicker.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  colCustomer: { id: 'delegations.customers.column.customer', defaultMessage: 'Customer' },
  through: { id: 'delegations.customers.through', defaultMessage: 'through {reseller}' },
  colAccess: { id: 'delegations.customers.column.access', defaultMessage: 'Access' },
  renewalAsked: { id: 'delegations.customers.renewal_asked', defaultMessage: 'renewal to {date} asked' },
  colReceivables: { id: 'delegations.customers.column.receivables', defaultMessage: 'Receivables' },
  colOverdue: { id: 'delegations.customers.column.overdue', defaultMessage: 'Overdue' },
  colTickets: { id: 'delegations.customers.column.open_tickets', defaultMessage: 'Open tickets' },
  colSla: { id: 'delegations.customers.column.sla', defaultMessage: 'SLA' },
  colEnds: { id: 'delegations.customers.column.ends', defaultMessage: 'Access ends' },
  colActions: { id: 'delegations.customers.column.actions', defaultMessage: 'Actions' },
  renew: { id: 'delegations.customers.renew', defaultMessage: 'Renew' },
  withdraw: { id: 'delegations.customers.withdraw', defaultMessage: 'Withdraw' },
  relinquish: { id: 'delegations.customers.relinquish', defaultMessage: 'Relinquish' },
  search: { id: 'delegations.customers.filter.search', defaultMessage: 'Search' },
  searchPlaceholder: { id: 'delegations.customers.filter.search_placeholder', defaultMessage: 'Customer name' },
  access: { id: 'delegations.customers.filter.access', defaultMessage: 'Access' },
  any: { id: 'delegations.customers.filter.any', defaultMessage: 'Any' },
  active: { id: 'delegations.customers.filter.active', defaultMessage: 'Active' },
  waiting: { id: 'delegations.customers.filter.waiting', defaultMessage: 'Waiting for approval' },
  role: { id: 'delegations.customers.filter.role', defaultMessage: 'Role' },
  anyRole: { id: 'delegations.customers.filter.any_role', defaultMessage: 'Any role' },
  reseller: { id: 'delegations.customers.filter.reseller', defaultMessage: 'Reseller' },
  ownLinks: { id: 'delegations.customers.filter.own_links', defaultMessage: 'Your own links' },
  showEnded: { id: 'delegations.customers.filter.show_ended', defaultMessage: 'Show ended and rejected' },
  givenUp: { id: 'delegations.customers.given_up', defaultMessage: 'Access to {tenant} given up.' },
  done: { id: 'delegations.customers.done', defaultMessage: 'Done.' },
  title: { id: 'delegations.customers.title', defaultMessage: 'Customers I manage' },
  description: {
    id: 'delegations.customers.description',
    defaultMessage:
      'Every customer that gave your organization access, with what it owes, its open tickets and how well its service levels are met. Open a customer to see its invoices, tickets and orders and to act for it.',
  },
  descriptionResellers: {
    id: 'delegations.customers.description_with_resellers',
    defaultMessage:
      "Every customer that gave your organization access, with what it owes, its open tickets and how well its service levels are met. Open a customer to see its invoices, tickets and orders and to act for it. A customer marked “through” a reseller is one of your resellers' customers whose admin lets you act through the reseller's link; it leaves this list as soon as they turn that off.",
  },
  requestLink: { id: 'delegations.customers.request_link', defaultMessage: 'Request a link' },
  noMatch: { id: 'delegations.customers.empty.no_match', defaultMessage: 'No customer matches these filters.' },
  nothingYet: { id: 'delegations.customers.empty.history', defaultMessage: 'Nothing here yet.' },
  noCustomer: {
    id: 'delegations.customers.empty.none',
    defaultMessage: 'No customer has given you access yet. Request a link with the customer’s short name or the invite code its admin gave you.',
  },
  withdrawTitle: { id: 'delegations.customers.withdraw.title', defaultMessage: 'Withdraw the request' },
  relinquishTitle: { id: 'delegations.customers.relinquish.title', defaultMessage: 'Relinquish access' },
  withdrawMessage: { id: 'delegations.customers.withdraw.message', defaultMessage: 'Withdraw your request to {tenant}?' },
  relinquishMessage: {
    id: 'delegations.customers.relinquish.message',
    defaultMessage: "Give up your access to {tenant}? It ends at once; getting it back needs a new request and the customer's approval.",
  },
  purposesHint: {
    id: 'delegations.customers.link.purposes_hint',
    defaultMessage: "The customer's admin reads these before deciding, and can take back each one later. Calls for a purpose not ticked here are refused.",
  },
  daysInvalid: { id: 'delegations.customers.days_invalid', defaultMessage: 'Enter a number of days (at least 1).' },
  sent: { id: 'delegations.customers.link.sent', defaultMessage: 'Request sent to {tenant}. It becomes active when a tenant admin approves it.' },
  slugRequired: { id: 'delegations.customers.link.slug_required', defaultMessage: 'Enter the customer’s short name, e.g. acme-fiber.' },
  codeRequired: { id: 'delegations.customers.link.code_required', defaultMessage: 'Enter the invite code the tenant admin gave you.' },
  roleRequired: { id: 'delegations.customers.link.role_required', defaultMessage: 'Pick the role the partner asks for.' },
  justificationRequired: { id: 'delegations.customers.link.justification_required', defaultMessage: 'Say why you need access; the tenant admin reads it before deciding.' },
  linkTitle: { id: 'delegations.customers.link.title', defaultMessage: 'Request a link to a customer' },
  bySlug: { id: 'delegations.customers.link.by_slug', defaultMessage: 'By short name' },
  byCode: { id: 'delegations.customers.link.by_code', defaultMessage: 'By invite code' },
  slugLabel: { id: 'delegations.customers.link.slug_label', defaultMessage: 'Customer short name' },
  codeLabel: { id: 'delegations.customers.link.code_label', defaultMessage: 'Invite code' },
  slugHint: { id: 'delegations.customers.link.slug_hint', defaultMessage: 'As it appears in the customer’s portal address, e.g. acme-fiber.' },
  codeHint: { id: 'delegations.customers.link.code_hint', defaultMessage: 'The LINK-… code the customer’s admin gave you.' },
  roleLabel: { id: 'delegations.customers.link.role', defaultMessage: 'Role' },
  roleLets: { id: 'delegations.customers.link.role_lets', defaultMessage: '{description} Lets you: {permissions}.' },
  roleLetsNothing: { id: 'delegations.customers.link.role_lets_nothing', defaultMessage: '{description} Lets you: nothing of its own (only the extra permissions below).' },
  rolesFailed: { id: 'delegations.customers.link.roles_failed', defaultMessage: 'The role catalog could not be loaded.' },
  duration: { id: 'delegations.customers.link.duration', defaultMessage: 'Duration (days)' },
  durationHint: { id: 'delegations.customers.link.duration_hint', defaultMessage: "At most 730 days (the platform's limit)." },
  accounts: { id: 'delegations.customers.link.accounts', defaultMessage: 'Billing accounts (optional)' },
  accountsHint: { id: 'delegations.customers.link.accounts_hint', defaultMessage: 'Account numbers, comma-separated; empty = all.' },
  alsoAsk: { id: 'delegations.customers.link.also_ask', defaultMessage: 'Also ask for (optional)' },
  alsoAskHint: { id: 'delegations.customers.link.also_ask_hint', defaultMessage: 'Permissions beyond the role.' },
  leaveOut: { id: 'delegations.customers.link.leave_out', defaultMessage: 'Leave out (optional)' },
  leaveOutHint: { id: 'delegations.customers.link.leave_out_hint', defaultMessage: 'Permissions of the role you do not need.' },
  purposes: { id: 'delegations.customers.link.purposes', defaultMessage: 'What you need the access for' },
  justification: { id: 'delegations.customers.link.justification', defaultMessage: 'Justification' },
  justificationHint: { id: 'delegations.customers.link.justification_hint', defaultMessage: 'Shown to the tenant admin who decides, and kept in both audit logs.' },
  fieldDuration: { id: 'delegations.customers.link.field_duration', defaultMessage: 'Duration' },
  fieldAccounts: { id: 'delegations.customers.link.field_accounts', defaultMessage: 'Billing accounts' },
  cancel: { id: 'delegations.customers.link.cancel', defaultMessage: 'Cancel' },
  send: { id: 'delegations.customers.link.send', defaultMessage: 'Send request' },
  renewAsked: { id: 'delegations.customers.renew.asked', defaultMessage: 'Renewal asked: the tenant admin approves the new end date.' },
  renewTitle: { id: 'delegations.customers.renew.title', defaultMessage: 'Renew access to {tenant}' },
  renewIntro: {
    id: 'delegations.customers.renew.intro',
    defaultMessage: 'Access currently ends on {date}. The new end date applies once the tenant admin accepts it.',
  },
  renewDuration: { id: 'delegations.customers.renew.duration', defaultMessage: 'New duration from today (days)' },
  renewSubmit: { id: 'delegations.customers.renew.submit', defaultMessage: 'Ask for renewal' },
});

const DAY = 86_400_000;


/** The reseller whose link a distributor reaches this customer through (the server says so), or null: its own link. */
const throughOf = (r: ManagedCustomer): CustomerRow['through_reseller'] => (r as ManagedCustomer & Partial<Pick<CustomerRow, 'through_reseller'>>).through_reseller ?? null;
/** The reseller filter's value for the customers of the partner's own links. */
const OWN = 'own';

const money = (r: ManagedCustomer, k: 'outstanding_cents' | 'overdue_cents') => (r.metrics ? formatMoney(r.metrics[k], r.metrics.currency) : '—');

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
    { key: 'ar', title: intl.formatMessage(m.colReceivables), align: 'right', sortValue: (r) => r.metrics?.outstanding_cents, render: (r) => money(r, 'outstanding_cents'), style: { whiteSpace: 'nowrap' } },
    {
      key: 'overdue',
      title: intl.formatMessage(m.colOverdue),
      align: 'right',
      sortValue: (r) => r.metrics?.overdue_cents,
      render: (r) => (
        <Text fz="inherit" c={r.metrics?.overdue_cents ? 'red' : undefined}>
          {money(r, 'overdue_cents')}
        </Text>
      ),
      style: { whiteSpace: 'nowrap' },
    },
    { key: 'tickets', title: intl.formatMessage(m.colTickets), align: 'right', sortValue: (r) => r.metrics?.open_tickets, render: (r) => r.metrics?.open_tickets ?? '—' },
    { key: 'sla', title: intl.formatMessage(m.colSla), align: 'right', sortValue: (r) => r.metrics?.sla_compliance_pct, render: (r) => formatPct(r.metrics?.sla_compliance_pct) },
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

/** The filters' state and the rows they leave: name, access, role and — for a distributor — the reseller. */
function useCustomerFilters(all: ManagedCustomer[], roleName: (id: string) => string, history: State<boolean>) {
  const q = useState('');
  const status = useState<string | null>(null);
  const role = useState<string | null>(null);
  const reseller = useState<string | null>(null);
  const rows = useMemo(() => {
    const needle = q[0].trim().toLowerCase();
    return all.filter(
      (r) =>
        (!needle || `${r.tenant.name} ${r.tenant.slug}`.toLowerCase().includes(needle)) &&
        (!status[0] || r.delegation.status === status[0]) &&
        (!role[0] || r.delegation.role === role[0]) &&
        (!reseller[0] || (throughOf(r)?.id ?? OWN) === reseller[0]),
    );
  }, [all, q[0], status[0], role[0], reseller[0]]);
  // a distributor's resellers it reaches customers through, by name
  const resellers = new Map(all.map(throughOf).flatMap((t) => (t ? [[t.id, t.name] as const] : [])));
  const resellerOptions = [...resellers].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  const roleOptions = [...new Set(all.map((r) => r.delegation.role))].map((r) => ({ value: r, label: roleName(r) }));
  return { rows, filters: { q, status, role, reseller, history, roleOptions, resellerOptions } };
}

export function PartnerCustomersPage() {
  const intl = useIntl();
  const partner = useView().partner!;
  const navigate = useNavigate();
  const isOwner = allows(partner, 'partner.delegations.manage');
  const history = useState(false);
  const list = useManagedCustomers({ history: history[0] });
  const roles = useDelegationRoles();
  const { rows, filters } = useCustomerFilters(list.rows, roles.name, history);
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

  const filtered = filters.q[0] || filters.status[0] || filters.role[0] || filters.reseller[0];
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
        <DataTable
          testId="partner-delegations"
          records={rows}
          loading={list.loading}
          rowKey={(r) => r.delegation.id}
          rowProps={(r) => ({ 'data-tenant': r.tenant.slug, 'data-tenant-id': r.tenant.id, 'data-access': r.delegation.status, 'data-through': throughOf(r)?.name ?? '' })}
          onRowClick={(r) => r.delegation.status === 'active' && navigate(`/partner/customers/${r.tenant.id}`)}
          defaultSort={{ key: 'customer', direction: 'asc' }}
          empty={intl.formatMessage(filtered ? m.noMatch : history[0] ? m.nothingYet : m.noCustomer)}
          columns={customerColumns(intl, roles.name, isOwner ? { renew: setRenewing, relinquish: setRelinquishing } : null)}
        />
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
