/**
 * The customers whose access is active, a page at a time in the server's order: by name or by one
 * figure, either way (a figure the person's access hides comes last), searched by name and filtered
 * by the link's role and reseller on the server, with the server's count of what matches. Each row
 * carries its link (role, end, the delegation its actions name): the page reads nothing else.
 */
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { Group, Pagination, Select, Stack, Text, Title } from '@mantine/core';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { mspApi, type CustomerFiguresRow } from '../../api/msp.ts';
import { mspKeys } from '../../api/keys/msp.ts';
import { useApiQuery } from '../../query/query.ts';
import { figuresOf, type ManagedCustomer } from '../Msp/shared.tsx';
import { defineMessages } from '../../i18n/define.ts';

/** Customers per page. */
export const ACTIVE_PAGE = 25;

const m = defineMessages({
  heading: { id: 'delegations.customers.active.heading', defaultMessage: 'Customers you have access to' },
  sortBy: { id: 'delegations.customers.active.sort_by', defaultMessage: 'Order by' },
  nameAsc: { id: 'delegations.customers.active.sort.name_asc', defaultMessage: 'Name, A to Z' },
  nameDesc: { id: 'delegations.customers.active.sort.name_desc', defaultMessage: 'Name, Z to A' },
  owedDesc: { id: 'delegations.customers.active.sort.outstanding_desc', defaultMessage: 'Owes the most first' },
  owedAsc: { id: 'delegations.customers.active.sort.outstanding_asc', defaultMessage: 'Owes the least first' },
  overdueDesc: { id: 'delegations.customers.active.sort.overdue_desc', defaultMessage: 'Most overdue first' },
  overdueAsc: { id: 'delegations.customers.active.sort.overdue_asc', defaultMessage: 'Least overdue first' },
  ticketsDesc: { id: 'delegations.customers.active.sort.tickets_desc', defaultMessage: 'Most open tickets first' },
  ticketsAsc: { id: 'delegations.customers.active.sort.tickets_asc', defaultMessage: 'Fewest open tickets first' },
  slaAsc: { id: 'delegations.customers.active.sort.sla_asc', defaultMessage: 'Lowest SLA compliance first' },
  slaDesc: { id: 'delegations.customers.active.sort.sla_desc', defaultMessage: 'Highest SLA compliance first' },
  pageOf: { id: 'delegations.customers.active.page_of', defaultMessage: 'Page {page} of {pages} · {total, plural, one {# customer} other {# customers}}' },
  pages: { id: 'delegations.customers.active.pages', defaultMessage: 'Pages of customers' },
  page: { id: 'delegations.customers.active.page', defaultMessage: 'Page {page}' },
  previous: { id: 'delegations.customers.active.previous', defaultMessage: 'Previous page' },
  next: { id: 'delegations.customers.active.next', defaultMessage: 'Next page' },
  hiddenLast: { id: 'delegations.customers.active.hidden_last', defaultMessage: 'Customers whose figure is not shown to you come last.' },
  none: { id: 'delegations.customers.active.none', defaultMessage: 'No customer has given you access yet.' },
  pageOfMatch: { id: 'delegations.customers.active.page_of_match', defaultMessage: 'Page {page} of {pages} · {total, plural, one {# customer matches} other {# customers match}} “{q}”' },
  pageOfFiltered: { id: 'delegations.customers.active.page_of_filtered', defaultMessage: 'Page {page} of {pages} · {total, plural, one {# customer matches} other {# customers match}} the filters' },
  noMatch: { id: 'delegations.customers.active.no_match', defaultMessage: 'No customer you have access to matches “{q}”.' },
  noMatchFilters: { id: 'delegations.customers.active.no_match_filters', defaultMessage: 'No customer you have access to matches these filters.' },
});

/** What narrows the list, sent to the server: the name search, the link's role, whose link (`own` or a reseller's id). */
export interface FiguresFilters {
  q: string;
  role: string | null;
  reseller: string | null;
}

/** The orders the server offers, in the words the select shows (a `-` is descending). */
const SORTS = [
  ['tenant_name', m.nameAsc],
  ['-tenant_name', m.nameDesc],
  ['-outstanding_cents', m.owedDesc],
  ['outstanding_cents', m.owedAsc],
  ['-overdue_cents', m.overdueDesc],
  ['overdue_cents', m.overdueAsc],
  ['-open_tickets', m.ticketsDesc],
  ['open_tickets', m.ticketsAsc],
  ['sla_compliance_pct', m.slaAsc],
  ['-sla_compliance_pct', m.slaDesc],
] as const;

/** One page of the active customers' figures in the server's order and narrowed by the server, and the server's count. */
export function useActiveCustomersPage(sort: string, page: number, f: FiguresFilters) {
  const offset = (page - 1) * ACTIVE_PAGE;
  const q = { sort, limit: ACTIVE_PAGE, offset, ...(f.q ? { q: f.q } : {}), ...(f.role ? { role: f.role } : {}), ...(f.reseller ? { reseller_id: f.reseller } : {}) };
  return useApiQuery(mspKeys.customerFiguresPage(sort, offset, f.q, f.role, f.reseller), () => mspApi.customerFigures(q), { staleTime: 0 });
}

/**
 * A figures row as the table's columns read it. The row carries what the columns and the renew and
 * relinquish dialogs read of the link (its id, role, status, end, a renewal asked for, the customer);
 * the rest of a delegation is not on this page.
 */
function managedOf(c: CustomerFiguresRow): ManagedCustomer | null {
  const l = c.link;
  if (!l) return null;
  const tenant = { id: c.tenant_id, name: c.tenant_name, slug: l.tenant_slug };
  const delegation = { id: l.delegation_id, role: l.role, status: l.status, ends_at: l.ends_at, renewal_ends_at: l.renewal_ends_at, tenant } as unknown as ManagedCustomer['delegation'];
  return { tenant, delegation, through_reseller: l.through_reseller, metrics: figuresOf(c) } as unknown as ManagedCustomer;
}

export function ActiveCustomers({ columns, filters, rowProps, onRowClick }: { columns: Column<ManagedCustomer>[]; filters: FiguresFilters; rowProps: (r: ManagedCustomer) => Record<string, string>; onRowClick: (r: ManagedCustomer) => void }) {
  const intl = useIntl();
  const [sort, setSort] = useState('tenant_name');
  const [page, setPage] = useState(1);
  // a new search or filter starts again at the first page
  const narrowing = `${filters.q}\u0000${filters.role ?? ''}\u0000${filters.reseller ?? ''}`;
  const [was, setWas] = useState(narrowing);
  if (was !== narrowing) {
    setWas(narrowing);
    setPage(1);
  }
  const q = useActiveCustomersPage(sort, page, filters);
  const total = q.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / ACTIVE_PAGE));
  const rows = q.data ? q.data.data.flatMap((c) => managedOf(c) ?? []) : undefined;
  const narrowed = !!(filters.role || filters.reseller);
  const empty = filters.q ? intl.formatMessage(m.noMatch, { q: filters.q }) : narrowed ? intl.formatMessage(m.noMatchFilters) : intl.formatMessage(m.none);
  const pageOf = filters.q ? m.pageOfMatch : narrowed ? m.pageOfFiltered : m.pageOf;
  // the server orders: a column's header does not sort this page again in the browser
  const serverColumns = columns.map(({ sortValue: _, ...c }) => c);
  return (
    <Stack gap="xs" data-testid="active-customers" data-page={page} data-sort={sort}>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2} size="h4">
          {intl.formatMessage(m.heading)}
        </Title>
        <Select
          label={intl.formatMessage(m.sortBy)}
          data={SORTS.map(([value, label]) => ({ value, label: intl.formatMessage(label) }))}
          value={sort}
          allowDeselect={false}
          onChange={(v) => {
            if (!v) return;
            setSort(v);
            setPage(1);
          }}
          w={{ base: '100%', sm: 260 }}
          data-testid="active-sort"
        />
      </Group>
      <DataTable
        testId="active-customer-rows"
        records={rows}
        loading={q.loading}
        error={q.error}
        pageSize={ACTIVE_PAGE}
        rowKey={(r) => r.delegation.id}
        rowProps={rowProps}
        onRowClick={onRowClick}
        empty={empty}
        columns={serverColumns}
      />
      {q.data && total > 0 && (
        <Group justify="space-between" wrap="wrap">
          <div>
            <Text size="sm" c="dimmed" data-testid="active-page-of">
              {intl.formatMessage(pageOf, { page, pages, total, q: filters.q })}
            </Text>
            {!sort.endsWith('tenant_name') && (
              <Text size="xs" c="dimmed">
                {intl.formatMessage(m.hiddenLast)}
              </Text>
            )}
          </div>
          {pages > 1 && (
            <Pagination
              total={pages}
              value={page}
              onChange={setPage}
              size="sm"
              aria-label={intl.formatMessage(m.pages)}
              data-testid="active-pages"
              // every button named, the arrows too
              getItemProps={(n) => ({ 'aria-label': intl.formatMessage(m.page, { page: n }) })}
              getControlProps={(c) => ({ 'aria-label': intl.formatMessage(c === 'previous' ? m.previous : c === 'next' ? m.next : c === 'first' ? m.page : m.page, { page: c === 'first' ? 1 : pages }) })}
            />
          )}
        </Group>
      )}
    </Stack>
  );
}
