/**
 * The audit log as a filterable table with cursor pagination and a detail drawer showing the
 * event's hash. Used by the operator console (all events), the tenant home and the partner home.
 * Filters live in the URL (?action=…&outcome=…) so a filtered view can be linked to.
 */
import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Anchor, Autocomplete, Badge, Button, Code, Drawer, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconFilter, IconX } from '@tabler/icons-react';
import { api, type AuditEventDto, type AuditQuery, type Page } from '../api/index.ts';
import { DataTable } from './DataTable.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { formatDateTime } from './format.ts';
import { useApiList, useApiQuery } from '../query/query.ts';
import type { Person, PeopleResolver } from './people.ts';
import { actionCode, actionLabel, knownActions } from './auditActions.ts';
import { usePermissionWords } from '../pages/Msp/shared.tsx';

const FILTER_KEYS = ['action', 'outcome', 'actor_user_id', 'target_id', 'tenant_id', 'partner_id', 'since', 'until'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Partial<Record<FilterKey, string>>;


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
    outcome: f.outcome || undefined,
    actor_user_id: f.actor_user_id?.trim() || undefined,
    target_id: f.target_id?.trim() || undefined,
    tenant_id: f.tenant_id || undefined,
    partner_id: f.partner_id || undefined,
    since: f.since ? dayToIso(f.since, false) : undefined,
    until: f.until ? dayToIso(f.until, true) : undefined,
  };
}

function short(id: string | null): string {
  if (!id) return '—';
  return id.length > 16 ? `${id.slice(0, 12)}…` : id;
}

/** What kind of thing an event is about, in words. */
const KIND_LABELS: Record<string, string> = {
  delegation: 'partner access',
  billing_account: 'billing account',
  api_token: 'API token',
  webhook_endpoint: 'webhook',
  agency_token: 'agency token',
  kyc_case: 'KYC case',
  kyc_document: 'KYC document',
  oauth_grant: 'connection',
  signing_key: 'signing key',
  referral_code: 'referral code',
  access_token: 'access token',
  user: 'person',
};
function kindLabel(type: string | null): string {
  if (!type) return '—';
  return KIND_LABELS[type] ?? type.replaceAll('_', ' ');
}

export interface AuditLogViewProps {
  /** what this log is of, for the cache key: ['operator'], ['tenant', id], ['partner', id] */
  scope: string[];
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

interface Names {
  people: Map<string, Person>;
  tenants: Map<string, string>;
  partners: Map<string, string>;
}

function who(id: string | null, names: Names): { main: string; sub: string | null } | null {
  if (!id) return null;
  const person = names.people.get(id);
  if (person) return { main: person.name, sub: person.email };
  const org = names.tenants.get(id) ?? names.partners.get(id);
  if (org) return { main: org, sub: null };
  return null;
}

/** Who acted, in words, when the page cannot name them. */
const ACTOR_KINDS: Record<string, string> = { user: 'person', api_token: 'API token', app: 'partner app', agency: 'agency', system: 'Partnergate', anonymous: 'not signed in' };

/** What a partner's read across its customers (seed 001) read, in words. */
const ENDPOINT_LABELS: Record<string, string> = {
  'GET /api/v1/partner/alerts/billing': 'Billing alerts',
  'GET /api/v1/partner/alerts/sla': 'Service level alerts',
  'GET /api/v1/partner/billing/invoices': 'Invoices',
  'GET /api/v1/partner/billing/summary': 'Billing summary',
  'GET /api/v1/partner/dashboard': 'Dashboard figures',
  'GET /api/v1/partner/reports/sla': 'Service level report',
  'GET /api/v1/partner/reports/usage': 'Usage report',
  'GET /api/v1/partner/support/tickets': 'Support tickets',
  'GET /api/v1/partner/support/tickets/:ticket_id': 'A support ticket',
  'POST /api/v1/partner/billing/invoices/export': 'Invoice export',
};

/** The target in words: a billing account by its number, else the name the server sent, else a person or organisation the page knows. */
function targetOf(e: AuditEventDto, names: Names, permissionWord: (name: string) => string): { main: string; sub: string | null } | null {
  if (e.target.type === 'billing_account' && e.ban) return { main: e.ban, sub: kindLabel(e.target.type) };
  if (e.target.type === 'route') {
    // a request through the gateway: what it needed, in words ("Read orders"), not its method and path
    const permission = typeof e.details.permission === 'string' ? e.details.permission : null;
    const what = permission ? permissionWord(permission) : 'A request to a service';
    return { main: what.charAt(0).toUpperCase() + what.slice(1), sub: e.tenant_name ? `data of ${e.tenant_name}` : 'data request' };
  }
  if (e.target.type === 'endpoint') return { main: ENDPOINT_LABELS[e.target.id ?? ''] ?? 'Data read through the partner API', sub: e.tenant_name ? `data of ${e.tenant_name}` : null };
  if (e.target.name) return { main: e.target.name, sub: kindLabel(e.target.type) };
  return who(e.target.id, names);
}

/** The actor as a person: the name the server sends with the event (a partner's person), else one the page resolved. */
function actorOf(e: AuditEventDto, names: Names): { main: string; sub: string | null } | null {
  const x = e as AuditEventDto & { actor_name?: string | null; actor_email?: string | null; partner_name?: string | null };
  if (e.actor.type === 'system') return { main: 'Partnergate', sub: 'automatic' };
  if (e.actor.type === 'anonymous') return { main: 'Someone not signed in', sub: null };
  if (e.actor.name) {
    const of = e.actor.partner_id ? (x.partner_name ?? names.partners.get(e.actor.partner_id)) : undefined;
    return { main: e.actor.name, sub: e.actor.type === 'agency' ? 'agency' : ['partner app', of].filter(Boolean).join(' · ') };
  }
  // the partner the person acted for: only when they acted as a partner's person (a tenant admin approving a partner's request did not)
  const partner = e.actor.partner_id ? (x.partner_name ?? names.partners.get(e.actor.partner_id) ?? names.tenants.get(e.actor.partner_id)) : undefined;
  if (x.actor_name) return { main: x.actor_name, sub: [x.actor_email, partner].filter(Boolean).join(' · ') || null };
  const known = who(e.actor.user_id, names);
  if (known && partner) return { main: known.main, sub: [known.sub, partner].filter(Boolean).join(' · ') };
  if (known) return known;
  if (partner) return { main: `Someone at ${partner}`, sub: null };
  // a partner's view of what a tenant's person or the platform did (the person is not the partner's to know)
  if (e.actor_org?.kind === 'platform') return { main: 'Platform operator', sub: 'platform team' };
  if (e.actor_org?.kind === 'tenant' && e.actor_org.name) return { main: `Someone at ${e.actor_org.name}`, sub: 'tenant member' };
  return null;
}

export function AuditLogView({ scope, load, scopeFilters, people, knownNames, partnerFilter }: AuditLogViewProps) {
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

  const [selected, setSelected] = useState<AuditEventDto | null>(null);

  const list = useApiList(['audit', ...scope, applied], (cursor) => load({ ...toQuery(applied), limit: 50, cursor }));
  const events = list.items;

  const tenants = useApiQuery(['tenants', 'list', scopeFilters], () => (scopeFilters ? api.tenants.list({ limit: 200 }) : Promise.resolve(null)));
  const partners = useApiQuery(['partners', 'list', scopeFilters], () => (scopeFilters ? api.partners.list({ limit: 200 }) : Promise.resolve(null)));

  const permissionWords = usePermissionWords();
  const [peopleMap, setPeopleMap] = useState<Map<string, Person>>(new Map());
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resolve when the events change
  }, [events, people]);
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
  const actorOptions = useMemo(() => {
    const opts = [...peopleMap].map(([id, p]) => ({ value: id, label: `${p.name} (${p.email})` }));
    if (applied.actor_user_id && !peopleMap.has(applied.actor_user_id)) opts.push({ value: applied.actor_user_id, label: 'The person picked from an event' });
    return opts.sort((a, b) => a.label.localeCompare(b.label));
  }, [peopleMap, applied.actor_user_id]);

  const apply = (f: Filters) => {
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) if (f[k]) next.set(k, k === 'action' ? actionCode(f[k]!) : f[k]!);
    setParams(next);
  };
  const set = (k: FilterKey) => (v: string | null) => setDraft((d) => ({ ...d, [k]: v ?? '' }));
  const activeCount = Object.values(applied).filter(Boolean).length;

  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            apply(draft);
          }}
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
            <Autocomplete
              label="Action"
              placeholder="e.g. Partner approved or Every partner event"
              data={actionSuggestions}
              value={draft.action ?? ''}
              onChange={set('action')}
              name="action"
            />
            <Select
              label="Outcome"
              placeholder="Any outcome"
              data={[
                { value: 'success', label: 'Success' },
                { value: 'denied', label: 'Denied' },
                { value: 'failure', label: 'Failure' },
              ]}
              value={draft.outcome ?? null}
              onChange={set('outcome')}
              clearable
            />
            <Select
              label="Done by"
              placeholder="Anyone"
              searchable
              clearable
              data={actorOptions}
              value={draft.actor_user_id ?? null}
              onChange={set('actor_user_id')}
              nothingFoundMessage="Nobody by that name"
            />
            {scopeFilters && (
              <Select
                label="Tenant"
                placeholder="Any tenant"
                searchable
                clearable
                data={(tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                value={draft.tenant_id ?? null}
                onChange={set('tenant_id')}
                nothingFoundMessage="No tenant"
              />
            )}
            {(scopeFilters || (partnerFilter && partnerFilter.length > 0)) && (
              <Select
                label="Partner"
                placeholder="Any partner"
                searchable
                clearable
                data-testid="audit-partner-filter"
                data={scopeFilters ? (partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name })) : (partnerFilter ?? [])}
                value={draft.partner_id ?? null}
                onChange={set('partner_id')}
                nothingFoundMessage="No partner"
              />
            )}
            <TextInput type="date" label="From" value={draft.since ?? ''} onChange={(e) => set('since')(e.currentTarget.value)} />
            <TextInput type="date" label="To (inclusive)" value={draft.until ?? ''} onChange={(e) => set('until')(e.currentTarget.value)} />
          </SimpleGrid>
          <Group mt="md" gap="xs">
            <Button type="submit" leftSection={<IconFilter size={16} />}>
              Apply filters
            </Button>
            {activeCount > 0 && (
              <Button variant="subtle" color="gray" leftSection={<IconX size={16} />} onClick={() => apply({})}>
                Clear filters ({activeCount})
              </Button>
            )}
          </Group>
        </form>
      </Paper>

      <ErrorAlert error={list.error} />

      <Text size="sm" c="dimmed">
        {list.loading ? 'Loading…' : `${events.length} event${events.length === 1 ? '' : 's'} shown, newest first. Choose an event's action, or click its row, for its details.`}
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
        empty={activeCount ? 'No event matches these filters.' : 'No events yet.'}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore, label: 'Load older events' }}
        columns={[
          { key: 'time', title: 'Time', mobile: 'title', style: { whiteSpace: 'nowrap' }, sortValue: (e) => e.occurred_at, render: (e) => formatDateTime(e.occurred_at) },
          {
            key: 'action',
            title: 'Action',
            sortValue: (e) => actionLabel(e.action),
            render: (e) => (
              <>
                {/* the row opens the details by mouse; this button opens them by keyboard and names the event */}
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
                    setSelected(e);
                  }}
                >
                  {actionLabel(e.action)}
                </Anchor>
                {typeof e.details.count === 'number' && e.details.count > 1 && (
                  <Tooltip label="Identical requests within a quarter second, each listed in the details">
                    <Badge ml={6} size="sm" variant="light" color="gray" data-testid="request-count">
                      ×{e.details.count}
                    </Badge>
                  </Tooltip>
                )}
              </>
            ),
          },
          { key: 'outcome', title: 'Outcome', width: 120, sortValue: (e) => e.outcome, render: (e) => <StatusBadge status={e.outcome} /> },
          {
            key: 'actor',
            title: 'Actor',
            render: (e) => <Party label={actorOf(e, names)} kind={ACTOR_KINDS[e.actor.type] ?? e.actor.type} id={e.actor.user_id ?? e.actor.client_id ?? e.actor.agency_id} />,
          },
          {
            key: 'target',
            title: 'Target',
            render: (e) => (
              <Party label={targetOf(e, names, permissionWords.word)} kind={kindLabel(e.target.type)} id={e.target.id} />
            ),
          },
          ...(scopeFilters
            ? [
                {
                  key: 'scope',
                  title: 'Tenant / partner',
                  render: (e: AuditEventDto) => <Text size="sm">{e.tenant_name ?? who(e.tenant_id, names)?.main ?? who(e.partner_id, names)?.main ?? short(e.tenant_id ?? e.partner_id)}</Text>,
                },
              ]
            : []),
        ]}
      />

      <AuditEventDrawer
        event={selected}
        names={names}
        onClose={() => setSelected(null)}
        onFilter={(k, v) => {
          setSelected(null);
          apply({ [k]: v });
        }}
      />
    </Stack>
  );
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
  return (
    <Tooltip label={id ?? ''} disabled={!id}>
      <div>
        <Text size="sm">{kind}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {short(id)}
        </Text>
      </div>
    </Tooltip>
  );
}

function Field({ label, value, mono }: { label: string; value: string | number | null | undefined; mono?: boolean }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined} style={{ wordBreak: 'break-all' }}>
        {value === null || value === undefined || value === '' ? '—' : value}
      </Text>
    </div>
  );
}

export function AuditEventDrawer({
  event,
  names,
  onClose,
  onFilter,
}: {
  event: AuditEventDto | null;
  names?: Names;
  onClose(): void;
  /** show only the events with this value (replaces the current filters) */
  onFilter?(key: FilterKey, value: string): void;
}) {
  const name = (id: string | null) => {
    const w = names ? who(id, names) : null;
    if (!id) return null;
    return w ? `${w.main}${w.sub ? ` <${w.sub}>` : ''} · ${id}` : id;
  };
  return (
    <Drawer opened={!!event} onClose={onClose} position="right" size="lg" title={event ? actionLabel(event.action) : null}>
      {event && (
        <Stack gap="sm" data-testid="audit-event-detail">
          <Group gap="xs">
            <StatusBadge status={event.outcome} />
            <Badge variant="outline" color="gray">
              #{event.seq}
            </Badge>
          </Group>
          <SimpleGrid cols={2} spacing="sm">
            <Field label="When" value={formatDateTime(event.occurred_at)} />
            <Field label="Event id" value={event.id} mono />
            <Field label="Actor type" value={ACTOR_KINDS[event.actor.type] ?? event.actor.type} />
            <Field label="Actor user" value={name(event.actor.user_id)} mono />
            <Field label="Actor partner" value={name(event.actor.partner_id)} mono />
            <Field label="Actor client / agency" value={event.actor.client_id ?? event.actor.agency_id} mono />
            <Field label="Tenant" value={name(event.tenant_id)} mono />
            <Field label="Partner" value={name(event.partner_id)} mono />
            <Field label="Billing account" value={event.ban} mono />
            <Field label="Target" value={event.target.type ? [kindLabel(event.target.type), event.target.name, name(event.target.id)].filter(Boolean).join(' · ') : null} mono />
            <Field label="Request id" value={event.request_id} mono />
            <Field label="IP address" value={event.ip} mono />
          </SimpleGrid>
          <Field label="User agent" value={event.user_agent} />
          {onFilter && (event.actor.user_id || event.target.id) && (
            <Group gap="xs">
              {event.actor.user_id && (
                <Button size="xs" variant="light" onClick={() => onFilter('actor_user_id', event.actor.user_id!)}>
                  Everything this actor did
                </Button>
              )}
              {event.target.id && (
                <Button size="xs" variant="light" onClick={() => onFilter('target_id', event.target.id!)}>
                  Everything about this target
                </Button>
              )}
            </Group>
          )}
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Details
            </Text>
            <Code block>{JSON.stringify(event.details, null, 2)}</Code>
          </div>
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Hash
            </Text>
            <Code block data-testid="audit-hash" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
              {event.hash}
            </Code>
            <Text size="xs" c="dimmed" mt={4}>
              Each event's hash covers its content and the previous event's hash, so editing or deleting any past event breaks the chain. <Code>partnergate audit verify</Code>{' '}
              checks it.
            </Text>
          </div>
        </Stack>
      )}
    </Drawer>
  );
}
