/**
 * The portal's one table: columns as data, sorting by a column's header, pages of rows (or a
 * "Load more" for server-paged lists), a loading state and an empty message — and on a phone
 * (below Mantine's `sm` breakpoint) each row becomes a card, so nothing scrolls sideways.
 *
 *   <DataTable
 *     testId="tenants-table"
 *     records={list.items}
 *     loading={list.loading}
 *     rowKey={(t) => t.id}
 *     empty={intl.formatMessage(m.empty)}
 *     columns={[
 *       { key: 'name', title: 'Name', render: (t) => <Anchor …>{t.name}</Anchor>, sortValue: (t) => t.name, mobile: 'title' },
 *       { key: 'status', title: 'Status', render: (t) => <StatusBadge status={t.status} /> },
 *       { key: 'actions', title: '', render: (t) => <Button …/>, mobile: 'footer' },
 *     ]}
 *     more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
 *   />
 */
import { compareMissingLast } from './format.ts';
import { Fragment, useMemo, useState, type CSSProperties, type ReactNode } from 'react';
import { Button, Center, Group, Pagination, Paper, Skeleton, Stack, Table, Text, UnstyledButton, type MantineSpacing } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  pages: { id: 'components.data_table.pages', defaultMessage: 'Pages' },
  page: { id: 'components.data_table.page', defaultMessage: 'Page {page}' },
  firstPage: { id: 'components.data_table.first_page', defaultMessage: 'First page' },
  lastPage: { id: 'components.data_table.last_page', defaultMessage: 'Last page' },
  nextPage: { id: 'components.data_table.next_page', defaultMessage: 'Next page' },
  previousPage: { id: 'components.data_table.previous_page', defaultMessage: 'Previous page' },
  loadMore: { id: 'components.data_table.load_more', defaultMessage: 'Load more' },
  sortBy: { id: 'components.data_table.sort_by', defaultMessage: 'Sort by {column}' },
  loading: { id: 'components.data_table.loading', defaultMessage: 'Loading' },
});
const CONTROLS = { first: m.firstPage, last: m.lastPage, next: m.nextPage, previous: m.previousPage } as const;

export interface Column<T> {
  /** unique within the table */
  key: string;
  title: ReactNode;
  render: (row: T) => ReactNode;
  /** makes the column sortable by this value */
  sortValue?: (row: T) => string | number | null | undefined;
  /**
   * On a phone: 'title' heads the card, 'footer' sits at its bottom (actions), 'hide' leaves the
   * column out; by default the column is a "Title: value" line.
   */
  mobile?: 'title' | 'footer' | 'hide';
  /** the header's label on a phone card when `title` is not plain text (and the sort button's name) */
  label?: ReactNode;
  width?: number | string;
  align?: 'left' | 'right' | 'center';
  /** extra cell style (e.g. whiteSpace: 'nowrap') */
  style?: CSSProperties;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  records: T[] | undefined;
  rowKey: (row: T) => string;
  loading?: boolean;
  /** shown when the list came back with no rows (not when `records` is undefined: still loading, or it failed) */
  empty: ReactNode;
  testId?: string;
  onRowClick?: (row: T) => void;
  /** data-* and other attributes for a row's element (tests and styles read them) */
  rowProps?: (row: T) => Record<string, string | undefined>;
  /** a full-width line under a row (a warning about it); its props go on that line's element */
  subRow?: (row: T) => { content: ReactNode; props?: Record<string, string | undefined> } | null;
  /** rows per page; the rows the table has are paged in the browser */
  pageSize?: number;
  /** a server-paged list: every loaded row is shown, with a "Load more" button while the server has more */
  more?: { hasMore: boolean; onLoad: () => void; loading: boolean; label?: string };
  defaultSort?: { key: string; direction: 'asc' | 'desc' };
  verticalSpacing?: MantineSpacing;
  fz?: MantineSpacing;
  striped?: boolean;
  /** no border around the table (for tables inside a card) */
  borderless?: boolean;
  /**
   * The list's load error. A list that failed is not an empty list: the error shows in place of
   * the empty message — a refusal (403) as "not part of your role", never as "No …".
   */
  error?: unknown;
}

type Sort = { key: string; direction: 'asc' | 'desc' } | null;

export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, records, rowKey, loading, empty, testId, onRowClick, rowProps, more, pageSize = 25 } = props;
  const intl = useIntl();
  const phone = useMediaQuery('(max-width: 48em)');
  const [sort, setSort] = useState<Sort>(props.defaultSort ?? null);
  const [page, setPage] = useState(1);

  const sorted = useMemo(() => {
    const rows = records ?? [];
    const col = sort && columns.find((c) => c.key === sort.key);
    if (!col?.sortValue) return rows;
    const get = col.sortValue;
    // missing values last in both directions (format.ts compareMissingLast)
    const desc = sort!.direction === 'desc';
    return [...rows].sort((a, b) => compareMissingLast(get(a), get(b), desc));
  }, [records, sort, columns]);

  const paged = !more && sorted.length > pageSize;
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages);
  const rows = paged ? sorted.slice((current - 1) * pageSize, current * pageSize) : sorted;
  const showLoading = loading && (records?.length ?? 0) === 0;
  // a list that failed to load is not an empty list: the page's error says what happened instead
  const failed = !!props.error;
  const showEmpty = !loading && !failed && records !== undefined && sorted.length === 0;
  const failure = failed ? <ErrorAlert error={props.error} /> : null;

  const toggleSort = (key: string) => setSort((s) => (s?.key !== key ? { key, direction: 'asc' } : s.direction === 'asc' ? { key, direction: 'desc' } : null));

  const footer = (
    <>
      {paged && (
        <Group justify="center" mt="sm">
          <Pagination
            total={pages}
            value={current}
            onChange={setPage}
            size="sm"
            aria-label={intl.formatMessage(m.pages)}
            // every page button named, the arrows too (a button without a name is an axe finding)
            getItemProps={(page) => ({ 'aria-label': intl.formatMessage(m.page, { page }) })}
            getControlProps={(control) => ({ 'aria-label': intl.formatMessage(CONTROLS[control]) })}
          />
        </Group>
      )}
      {more?.hasMore && (
        <Group justify="center" mt="sm">
          <Button variant="default" onClick={more.onLoad} loading={more.loading}>
            {more.label ?? intl.formatMessage(m.loadMore)}
          </Button>
        </Group>
      )}
    </>
  );

  if (phone) {
    return (
      <div data-testid={testId} data-layout="cards">
        <Stack gap="xs">
          {showLoading && [0, 1, 2].map((i) => <Skeleton key={i} h={72} radius="md" />)}
          {failure}
          {showEmpty && <EmptyMessage>{empty}</EmptyMessage>}
          {rows.map((row) => (
            <RowCard key={rowKey(row)} row={row} columns={columns} onClick={onRowClick} attrs={rowProps?.(row)} extra={props.subRow?.(row) ?? null} />
          ))}
        </Stack>
        {footer}
      </div>
    );
  }

  return (
    <div>
      <Paper withBorder={!props.borderless} radius="md" style={{ overflow: 'hidden' }}>
        <Table
          verticalSpacing={props.verticalSpacing ?? 'sm'}
          fz={props.fz}
          striped={props.striped}
          highlightOnHover={!!onRowClick}
          data-testid={testId}
          aria-busy={loading ? true : undefined}
        >
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.key} w={c.width} ta={c.align} aria-sort={sort?.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {c.sortValue ? (
                    <UnstyledButton onClick={() => toggleSort(c.key)} fw={700} fz="inherit" aria-label={intl.formatMessage(m.sortBy, { column: typeof c.label === 'string' ? c.label : typeof c.title === 'string' ? c.title : c.key })}>
                      <Group gap={4} wrap="nowrap">
                        {c.title}
                        {sort?.key !== c.key ? <IconArrowsSort size={14} opacity={0.4} /> : sort.direction === 'asc' ? <IconArrowUp size={14} /> : <IconArrowDown size={14} />}
                      </Group>
                    </UnstyledButton>
                  ) : (
                    c.title
                  )}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const extra = props.subRow?.(row);
              return (
                <Fragment key={rowKey(row)}>
                  <Table.Tr {...rowProps?.(row)} onClick={onRowClick ? () => onRowClick(row) : undefined} style={onRowClick ? { cursor: 'pointer' } : undefined}>
                    {columns.map((c) => (
                      <Table.Td key={c.key} ta={c.align} style={c.style}>
                        {c.render(row)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                  {extra && (
                    <Table.Tr {...extra.props}>
                      <Table.Td colSpan={columns.length} pt={0}>
                        {extra.content}
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
        {/* outside the table body, so rows are only ever records */}
        {showLoading && (
          <Stack gap={8} p="sm" role="status" aria-label={intl.formatMessage(m.loading)}>
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} h={18} />
            ))}
          </Stack>
        )}
        {failure}
        {showEmpty && <EmptyMessage>{empty}</EmptyMessage>}
      </Paper>
      {footer}
    </div>
  );
}

function EmptyMessage({ children }: { children: ReactNode }) {
  return (
    <Center py="sm" data-empty="">
      <Text c="dimmed" ta="center" size="sm">
        {children}
      </Text>
    </Center>
  );
}

function RowCard<T>({
  row,
  columns,
  onClick,
  attrs,
  extra,
}: {
  row: T;
  columns: Column<T>[];
  onClick?: (row: T) => void;
  attrs?: Record<string, string | undefined>;
  extra: { content: ReactNode; props?: Record<string, string | undefined> } | null;
}) {
  const title = columns.filter((c) => c.mobile === 'title');
  const lines = columns.filter((c) => !c.mobile);
  const foot = columns.filter((c) => c.mobile === 'footer');
  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      {...attrs}
      onClick={onClick ? () => onClick(row) : undefined}
      style={{ cursor: onClick ? 'pointer' : undefined, overflowWrap: 'anywhere', minWidth: 0 }}
    >
      <Stack gap={6}>
        {title.map((c) => (
          <Text key={c.key} fw={600} component="div">
            {c.render(row)}
          </Text>
        ))}
        {lines.map((c) => (
          <Group key={c.key} gap={6} wrap="nowrap" align="flex-start">
            <Text size="xs" c="dimmed" w={104} style={{ flexShrink: 0 }} pt={2}>
              {c.label ?? c.title}
            </Text>
            <Text size="sm" component="div" style={{ minWidth: 0, flex: 1 }}>
              {c.render(row)}
            </Text>
          </Group>
        ))}
        {foot.length > 0 && (
          <Group gap="xs" wrap="wrap" onClick={(e) => e.stopPropagation()}>
            {foot.map((c) => (
              <div key={c.key}>{c.render(row)}</div>
            ))}
          </Group>
        )}
        {extra && <div {...extra.props}>{extra.content}</div>}
      </Stack>
    </Paper>
  );
}
