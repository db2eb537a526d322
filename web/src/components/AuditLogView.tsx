/**
 * The audit log as a filterable table with cursor pagination and a detail drawer showing the
 * event's hash. Used by the operator console (all events), the tenant home and the partner home.
 * Filters live in the URL (?action=…&outcome=…) so a filtered view can be linked to.
 */
import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Anchor, Autocomplete, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconFilter, IconX } from '@tabler/icons-react';
import { api, type AuditEventDto, type AuditQuery, type Page } from '../api/index.ts';
import { chosen } from '../api/schema.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { formatDateTime } from './format.ts';
import { useApiList, useApiQuery } from '../query/query.ts';
import type { Person, PeopleResolver } from './people.ts';
import { actionCode, actionLabel, knownActions } from './auditActions.ts';
import { usePermissionWords } from './permissionWords.ts';
import { ACTOR_KINDS, FILTER_KEYS, actorOf, kindLabel, targetOf, unnamedTarget, who, type FilterKey, type Names } from './auditLogLabels.ts';
import { AuditEventDrawer } from './AuditEventDrawer.tsx';
import { auditKeys, type AuditScope } from '../api/keys/audit.ts';
import { partnerKeys } from '../api/keys/partners.ts';
import { tenantKeys } from '../api/keys/tenants.ts';
import { useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';
import { common } from '../i18n/common-messages.ts';

const m = defineMessages({
  pickedPerson: { id: 'components.audit_log.picked_person', defaultMessage: 'The person picked from an event' },
  shown: {
    id: 'components.audit_log.shown',
    defaultMessage: "{count, plural, one {# event} other {# events}} shown, newest first. Choose an event's action, or click its row, for its details.",
  },
  noMatch: { id: 'components.audit_log.no_match', defaultMessage: 'No event matches these filters.' },
  empty: { id: 'components.audit_log.empty', defaultMessage: 'No events yet.' },
  loadOlder: { id: 'components.audit_log.load_older', defaultMessage: 'Load older events' },
  action: { id: 'components.audit_log.action', defaultMessage: 'Action' },
  actionPlaceholder: { id: 'components.audit_log.action_placeholder', defaultMessage: 'e.g. Partner approved or Every partner event' },
  outcome: { id: 'components.audit_log.outcome', defaultMessage: 'Outcome' },
  anyOutcome: { id: 'components.audit_log.any_outcome', defaultMessage: 'Any outcome' },
  success: { id: 'components.audit_log.outcome.success', defaultMessage: 'Success' },
  denied: { id: 'components.audit_log.outcome.denied', defaultMessage: 'Denied' },
  failure: { id: 'components.audit_log.outcome.failure', defaultMessage: 'Failure' },
  doneBy: { id: 'components.audit_log.done_by', defaultMessage: 'Done by' },
  anyone: { id: 'components.audit_log.anyone', defaultMessage: 'Anyone' },
  nobody: { id: 'components.audit_log.nobody', defaultMessage: 'Nobody by that name' },
  tenant: { id: 'components.audit_log.tenant', defaultMessage: 'Tenant' },
  anyTenant: { id: 'components.audit_log.any_tenant', defaultMessage: 'Any tenant' },
  noTenant: { id: 'components.audit_log.no_tenant', defaultMessage: 'No tenant' },
  partner: { id: 'components.audit_log.partner', defaultMessage: 'Partner' },
  anyPartner: { id: 'components.audit_log.any_partner', defaultMessage: 'Any partner' },
  noPartner: { id: 'components.audit_log.no_partner', defaultMessage: 'No partner' },
  from: { id: 'components.audit_log.from', defaultMessage: 'From' },
  to: { id: 'components.audit_log.to', defaultMessage: 'To (inclusive)' },
  apply: { id: 'components.audit_log.apply', defaultMessage: 'Apply filters' },
  clear: { id: 'components.audit_log.clear', defaultMessage: 'Clear filters ({count})' },
  identical: { id: 'components.audit_log.identical', defaultMessage: 'Identical requests within a quarter second, each listed in the details' },
  time: { id: 'components.audit_log.column.time', defaultMessage: 'Time' },
  actor: { id: 'components.audit_log.column.actor', defaultMessage: 'Actor' },
  target: { id: 'components.audit_log.column.target', defaultMessage: 'Target' },
  scope: { id: 'components.audit_log.column.scope', defaultMessage: 'Tenant / partner' },
});

export { AuditEventDrawer };

type Filters = Partial<Record<FilterKey, string>>;
const OUTCOMES = ['success', 'denied', 'failure'] as const satisfies readonly NonNullable<AuditQuery['outcome']>[];


/** `YYYY-MM-DD` from a date input → the ISO instant of local midnight (until: the midnight after). */
function dayToIso(day: string, endOfDay: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (endOfDay) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

function toQuery(f: Filters): AuditQuery {
  return {
    action: f.action?.trim() || undefined,
    outcome: chosen(OUTCOMES, f.outcome),
    actor_user_id: f.actor_user_id?.trim() || undefined,
    target_id: f.target_id?.trim() || undefined,
    tenant_id: f.tenant_id || undefined,
    partner_id: f.partner_id || undefined,
    since: f.since ? dayToIso(f.since, false) : undefined,
    until: f.until ? dayToIso(f.until, true) : undefined,
  };
}

export interface AuditLogViewProps {
  /** what this log is of, for the cache key: ['operator'], ['tenant', id], ['partner', id] */
  scope: AuditScope;
  load(q: AuditQuery): Promise<Page<AuditEventDto>>;
  /** show the tenant and partner filters (operator view) */
  scopeFilters?: boolean;
  /** names for user ids, so actors and targets read as people */
  people?: PeopleResolver;
  /** names the page already knows, e.g. the tenant or partner being looked at */
  knownNames?: Record<string, string>;
  /** a tenant's view: the partners with access to it, to filter by (and name their people's events) */
  partnerFilter?: { value: string; label: string }[];
}

/** The filters in the URL (applied), the form's draft of them, and applying a draft. */
function useAuditFilters() {
  const [params, setParams] = useSearchParams();
  const applied: Filters = useMemo(() => {
    const f: Filters = {};
    for (const k of FILTER_KEYS) {
      const v = params.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [params]);
  const [draft, setDraft] = useState<Filters>(applied);
  useEffect(() => setDraft({ ...applied, action: applied.action ? actionLabel(applied.action) : undefined }), [applied]);
  const apply = (f: Filters) => {
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) if (f[k]) next.set(k, k === 'action' ? actionCode(f[k]!) : f[k]!);
    setParams(next);
  };
  const set = (k: FilterKey) => (v: string | null) => setDraft((d) => ({ ...d, [k]: v ?? '' }));
  return { applied, draft, set, apply, activeCount: Object.values(applied).filter(Boolean).length };
}

/** Names for the people in the events shown (and everyone the log can name, for the "Done by" filter). */
function usePeopleNames(events: AuditEventDto[], people: PeopleResolver | undefined) {
  const [peopleMap, setPeopleMap] = useState<Map<string, Person>>(new Map());
  // biome-ignore lint/correctness/useExhaustiveDependencies: resolve the names when the events change, not when the map it fills changes
  useEffect(() => {
    if (!people) return;
    const ids = new Set<string>();
    for (const e of events) {
      if (e.actor.user_id) ids.add(e.actor.user_id);
      if (e.target.type === 'user' && e.target.id) ids.add(e.target.id);
    }
    const missing = [...ids].filter((id) => !peopleMap.has(id));
    if (missing.length === 0) return;
    let live = true;
    people(missing).then((found) => {
      if (live && found.size) setPeopleMap((prev) => new Map([...prev, ...found]));
    });
    return () => {
      live = false;
    };
  }, [events, people]);
  // Everyone this log can name: the members (tenant and partner views) or the people of the events shown.
  useEffect(() => {
    if (!people) return;
    let live = true;
    people([]).then((found) => {
      if (live && found.size) setPeopleMap((prev) => new Map([...prev, ...found]));
    });
    return () => {
      live = false;
    };
  }, [people]);
  return peopleMap;
}

export function AuditLogView({ scope, load, scopeFilters, people, knownNames, partnerFilter }: AuditLogViewProps) {
  const intl = useIntl();
  const filters = useAuditFilters();
  const { applied } = filters;
  const [selected, setSelected] = useState<AuditEventDto | null>(null);
  const list = useApiList(auditKeys.log(scope, applied), (cursor) => load({ ...toQuery(applied), limit: 50, cursor }));
  const events = list.items;
  const tenants = useApiQuery(tenantKeys.list({ limit: 200 }), () => api.tenants.list({ limit: 200 }), { enabled: !!scopeFilters });
  const partners = useApiQuery(partnerKeys.list({ limit: 200 }), () => api.partners.list({ limit: 200 }), { enabled: !!scopeFilters });
  const permissionWords = usePermissionWords();
  const peopleMap = usePeopleNames(events, people);
  const names: Names = useMemo(
    () => ({
      people: peopleMap,
      tenants: new Map([...(tenants.data?.data ?? []).map((t): [string, string] => [t.id, t.name]), ...Object.entries(knownNames ?? {})]),
      partners: new Map([...(partners.data?.data ?? []).map((p): [string, string] => [p.id, p.name]), ...(partnerFilter ?? []).map((p): [string, string] => [p.value, p.label])]),
    }),
    [peopleMap, tenants.data, partners.data, knownNames, partnerFilter],
  );
  // In words; a label picked or typed maps back to its code when the filters apply.
  const actionSuggestions = useMemo(() => [...new Set([...knownActions(), ...events.map((e) => e.action)].map(actionLabel))].sort(), [events]);
  const actorOptions = useMemo(() => {
    const opts = [...peopleMap].map(([id, p]) => ({ value: id, label: `${p.name} (${p.email})` }));
    if (applied.actor_user_id && !peopleMap.has(applied.actor_user_id)) opts.push({ value: applied.actor_user_id, label: intl.formatMessage(m.pickedPerson) });
    return opts.sort((a, b) => a.label.localeCompare(b.label));
  }, [peopleMap, applied.actor_user_id, intl]);
  const tenantOptions = scopeFilters ? (tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name })) : null;
  const partnerOptions = scopeFilters ? (partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name })) : partnerFilter?.length ? partnerFilter : null;

  return (
    <Stack>
      <AuditFilterForm filters={filters} actionSuggestions={actionSuggestions} actorOptions={actorOptions} tenantOptions={tenantOptions} partnerOptions={partnerOptions} />
      <ErrorAlert error={list.error} />
      <Text size="sm" c="dimmed">
        {intl.formatMessage(list.loading ? common.loading : m.shown, { count: events.length })}
      </Text>
      <DataTable
        testId="audit-table"
        striped
        verticalSpacing="xs"
        records={events}
        loading={list.loading}
        rowKey={(e) => e.id}
        rowProps={(e) => ({ 'data-action': e.action })}
        onRowClick={setSelected}
        empty={intl.formatMessage(filters.activeCount ? m.noMatch : m.empty)}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore, label: intl.formatMessage(m.loadOlder) }}
        columns={auditColumns({ intl, names, permissionWord: permissionWords.word, scopeColumn: !!scopeFilters, open: setSelected })}
      />
      <AuditEventDrawer
        event={selected}
        names={names}
        onClose={() => setSelected(null)}
        onFilter={(k, v) => {
          setSelected(null);
          filters.apply({ [k]: v });
        }}
      />
    </Stack>
  );
}

type Option = { value: string; label: string };

function AuditFilterForm({
  filters: { draft, set, apply, activeCount },
  actionSuggestions,
  actorOptions,
  tenantOptions,
  partnerOptions,
}: {
  filters: ReturnType<typeof useAuditFilters>;
  actionSuggestions: string[];
  actorOptions: Option[];
  /** null: no tenant filter (a tenant's or a partner's own log) */
  tenantOptions: Option[] | null;
  partnerOptions: Option[] | null;
}) {
  const intl = useIntl();
  return (
    <Paper withBorder p="md" radius="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
          <Autocomplete label={intl.formatMessage(m.action)} placeholder={intl.formatMessage(m.actionPlaceholder)} data={actionSuggestions} value={draft.action ?? ''} onChange={set('action')} name="action" />
          <Select
            label={intl.formatMessage(m.outcome)}
            placeholder={intl.formatMessage(m.anyOutcome)}
            data={[
              { value: 'success', label: intl.formatMessage(m.success) },
              { value: 'denied', label: intl.formatMessage(m.denied) },
              { value: 'failure', label: intl.formatMessage(m.failure) },
            ]}
            value={draft.outcome ?? null}
            onChange={set('outcome')}
            clearable
          />
          <Select label={intl.formatMessage(m.doneBy)} placeholder={intl.formatMessage(m.anyone)} searchable clearable data={actorOptions} value={draft.actor_user_id ?? null} onChange={set('actor_user_id')} nothingFoundMessage={intl.formatMessage(m.nobody)} />
          {tenantOptions && (
            <Select label={intl.formatMessage(m.tenant)} placeholder={intl.formatMessage(m.anyTenant)} searchable clearable data={tenantOptions} value={draft.tenant_id ?? null} onChange={set('tenant_id')} nothingFoundMessage={intl.formatMessage(m.noTenant)} />
          )}
          {partnerOptions && (
            <Select
              label={intl.formatMessage(m.partner)}
              placeholder={intl.formatMessage(m.anyPartner)}
              searchable
              clearable
              data-testid="audit-partner-filter"
              data={partnerOptions}
              value={draft.partner_id ?? null}
              onChange={set('partner_id')}
              nothingFoundMessage={intl.formatMessage(m.noPartner)}
            />
          )}
          <TextInput type="date" label={intl.formatMessage(m.from)} value={draft.since ?? ''} onChange={(e) => set('since')(e.currentTarget.value)} />
          <TextInput type="date" label={intl.formatMessage(m.to)} value={draft.until ?? ''} onChange={(e) => set('until')(e.currentTarget.value)} />
        </SimpleGrid>
        <Group mt="md" gap="xs">
          <Button type="submit" leftSection={<IconFilter size={16} />}>
            {intl.formatMessage(m.apply)}
          </Button>
          {activeCount > 0 && (
            <Button variant="subtle" color="gray" leftSection={<IconX size={16} />} onClick={() => apply({})}>
              {intl.formatMessage(m.clear, { count: activeCount })}
            </Button>
          )}
        </Group>
      </form>
    </Paper>
  );
}

/** An event's action in words: the row opens the details by mouse, this button by keyboard (and it names the event). */
function ActionCell({ e, open }: { e: AuditEventDto; open(e: AuditEventDto): void }) {
  const intl = useIntl();
  return (
    <>
      <Anchor
        component="button"
        type="button"
        size="sm"
        ta="left"
        title={e.action}
        aria-haspopup="dialog"
        data-testid="audit-row-open"
        onClick={(ev: MouseEvent) => {
          ev.stopPropagation();
          open(e);
        }}
      >
        {actionLabel(e.action)}
      </Anchor>
      {typeof e.details.count === 'number' && e.details.count > 1 && (
        <Tooltip label={intl.formatMessage(m.identical)}>
          <Badge ml={6} size="sm" variant="light" color="gray" data-testid="request-count">
            ×{e.details.count}
          </Badge>
        </Tooltip>
      )}
    </>
  );
}

function auditColumns({ intl, names, permissionWord, scopeColumn, open }: { intl: IntlShape; names: Names; permissionWord: Parameters<typeof targetOf>[2]; scopeColumn: boolean; open(e: AuditEventDto): void }): Column<AuditEventDto>[] {
  return [
    { key: 'time', title: intl.formatMessage(m.time), mobile: 'title', style: { whiteSpace: 'nowrap' }, sortValue: (e) => e.occurred_at, render: (e) => formatDateTime(e.occurred_at) },
    { key: 'action', title: intl.formatMessage(m.action), sortValue: (e) => actionLabel(e.action), render: (e) => <ActionCell e={e} open={open} /> },
    { key: 'outcome', title: intl.formatMessage(m.outcome), width: 120, sortValue: (e) => e.outcome, render: (e) => <StatusBadge status={e.outcome} /> },
    {
      key: 'actor',
      title: intl.formatMessage(m.actor),
      render: (e) => <Party label={actorOf(e, names)} kind={ACTOR_KINDS[e.actor.type] ?? e.actor.type} id={e.actor.user_id ?? e.actor.client_id ?? e.actor.agency_id} />,
    },
    { key: 'target', title: intl.formatMessage(m.target), render: (e) => <Party label={targetOf(e, names, permissionWord)} kind={kindLabel(e.target.type)} id={e.target.id} /> },
    ...(scopeColumn
      ? [
          {
            key: 'scope',
            title: intl.formatMessage(m.scope),
            render: (e: AuditEventDto) => <Text size="sm">{e.tenant_name ?? who(e.tenant_id, names)?.main ?? who(e.partner_id, names)?.main ?? '—'}</Text>,
          },
        ]
      : []),
  ];
}

function Party({ label, kind, id }: { label: { main: string; sub: string | null } | null; kind: string; id: string | null }) {
  if (label) {
    return (
      <Tooltip label={id ?? ''} disabled={!id}>
        <div>
          <Text size="sm">{label.main}</Text>
          <Text size="xs" c="dimmed">
            {label.sub ?? kind}
          </Text>
        </div>
      </Tooltip>
    );
  }
  // nothing the page may name: the kind of thing in words, never its id (the event's details keep it)
  const what = unnamedTarget(kind === '—' ? null : kind);
  return <Text size="sm">{what ? what.main : '—'}</Text>;
}
