/**
 * The portal's data layer, on TanStack Query: every page reads through `useApiQuery` (one request,
 * cached under a key), `useApiList` (a `{ data, next_cursor }` list paged on demand) and changes
 * through `useApiMutation`, which refreshes what is on screen after a change.
 *
 * Keys come from the resource's factory in api/keys/<resource>.ts (`tenantKeys.members(tenantId)`), so one
 * request is cached under one key and an invalidation names the prefix it means; a unit test refuses
 * a key written as an array literal anywhere else.
 * A mutation invalidates `invalidates` (key prefixes) when it names them, else every active query:
 * a change can show anywhere on the page (a member added also changes the audit log), and a page
 * holds only a few queries, so refreshing them is cheaper than a stale screen.
 */
import { useCallback, useMemo } from 'react';
import {
  QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryKey,
} from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { ApiError } from '../api/index.ts';
import { useIntl } from 'react-intl';
import { errorMessage, fieldMessages } from './messages.ts';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  failed: { id: 'query.mutation.failed', defaultMessage: 'That did not work' },
  dismiss: { id: 'query.notice.dismiss', defaultMessage: 'Dismiss this message' },
});

/** A failure that asking again may mend: no answer at all, a server fault, or "slow down". */
export function isTransient(err: unknown): boolean {
  return !(err instanceof ApiError) || err.status === 0 || err.status === 429 || err.status >= 500;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A refusal (4xx) does not change by asking again; a lost connection, a 5xx or "too many
        // requests" may: up to three more tries, 1 s, 2 s and 4 s apart (TanStack's default delay).
        retry: (count, err) => isTransient(err) && count < 3,
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
      mutations: { retry: false },
    },
  });
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  /** true until the first answer (a background refresh keeps showing the data it has) */
  loading: boolean;
  /** load again (after a change the query cannot know about) */
  reload(): void;
  /** replace the cached answer, e.g. with the entity a mutation returned */
  setData(d: T): void;
}

export function useApiQuery<T>(key: QueryKey, fn: () => Promise<T>, opts: { enabled?: boolean; staleTime?: number } = {}): Loaded<T> {
  const client = useQueryClient();
  const q = useQuery({ queryKey: key, queryFn: fn, enabled: opts.enabled ?? true, ...(opts.staleTime !== undefined ? { staleTime: opts.staleTime } : {}) });
  const keyHash = JSON.stringify(key);
  const { refetch } = q;
  const reload = useCallback(() => void refetch(), [refetch]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key's content, not its identity
  const setData = useCallback((d: T) => client.setQueryData(key, d), [client, keyHash]);
  return { data: q.data, error: q.error, loading: q.isPending && q.fetchStatus !== 'idle', reload, setData };
}

export interface CursorList<T> {
  items: T[];
  /** how many items match in all, when the server counts them (its first page's `total`) */
  total: number | null;
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore(): void;
  reload(): void;
}

/** A `{ data, next_cursor }` list: the first page for `key`, further pages on demand (an infinite query). */
export function useApiList<T>(key: QueryKey, load: (cursor: string | undefined) => Promise<{ data: T[]; next_cursor: string | null; total?: number }>): CursorList<T> {
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => load(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const data = q.data as InfiniteData<{ data: T[]; next_cursor: string | null; total?: number }> | undefined;
  // the same array until a page arrives: effects that depend on the rows run once per change
  const items = useMemo(() => (data?.pages ?? []).flatMap((p) => p.data), [data]);
  const { refetch, fetchNextPage } = q;
  return {
    items,
    total: data?.pages[0]?.total ?? null,
    loading: q.isPending,
    error: q.error,
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: useCallback(() => void fetchNextPage(), [fetchNextPage]),
    reload: useCallback(() => void refetch(), [refetch]),
  };
}

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  reset(): void;
  /** the message for one field (`owner.email`) in words, if the server named that field */
  fieldError(name: string): string | undefined;
}

export interface ActionOptions<R> {
  success?: string | ((r: R) => string);
  onDone?: (r: R) => void;
  /** show a failure as a notification too (for buttons in tables, which have no form to show it in) */
  notifyError?: boolean;
  /** key prefixes this change makes stale; default: every active query */
  invalidates?: QueryKey[];
}

export function useApiMutation<A extends unknown[], R>(fn: (...args: A) => Promise<R>, opts: ActionOptions<R> = {}): Action<A, R> {
  const client = useQueryClient();
  const intl = useIntl();
  const mutation = useMutation<R, unknown, A>({ mutationFn: (args) => fn(...args) });
  const { mutateAsync, reset } = mutation;
  // biome-ignore lint/correctness/useExhaustiveDependencies: options are read at call time
  const run = useCallback(
    async (...args: A) => {
      try {
        const r = await mutateAsync(args);
        const msg = typeof opts.success === 'function' ? opts.success(r) : opts.success;
        if (msg) notifications.show({ color: 'teal', message: msg, closeButtonProps: { 'aria-label': intl.formatMessage(m.dismiss) } });
        opts.onDone?.(r);
        // A read still on its way started before this write was answered (the window got focus, another
        // tab's poll) and may carry what was there before: it is cancelled and asked again, so the page
        // shows what the server holds after the write (a stale version made the next save a false conflict).
        if (opts.invalidates) for (const k of opts.invalidates) void client.invalidateQueries({ queryKey: k });
        else void client.invalidateQueries();
        return r;
      } catch (e) {
        if (opts.notifyError) {
          const dismiss = intl.formatMessage(m.dismiss);
          notifications.show({ color: 'red', title: intl.formatMessage(m.failed), message: errorMessage(intl, e), closeButtonProps: { 'aria-label': dismiss } });
        }
        return undefined;
      }
    },
    [mutateAsync, client, intl, opts.success, opts.onDone, opts.notifyError],
  );
  const error = mutation.error;
  return {
    run,
    busy: mutation.isPending,
    error,
    reset,
    fieldError: (name) => (error instanceof ApiError ? fieldMessages(intl, error)[name] : undefined),
  };
}
