/** Small data hooks: load something and reload it; run a mutation with busy/error state and a notification. */
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { notifications } from '@mantine/notifications';
import { ApiError, errorMessage } from '../api/index.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  setData(d: T): void;
}

export function useLoad<T>(fn: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    let live = true;
    setLoading(true);
    fnRef
      .current()
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what the loader depends on
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  reset(): void;
  /** the server's message for one field (`owner.email`), if it named that field */
  fieldError(name: string): string | undefined;
}

export function useAction<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  opts: { success?: string | ((r: R) => string); onDone?: (r: R) => void; notifyError?: boolean } = {},
): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        const r = await fn(...args);
        const o = optsRef.current;
        const msg = typeof o.success === 'function' ? o.success(r) : o.success;
        if (msg) notifications.show({ color: 'teal', message: msg });
        o.onDone?.(r);
        return r;
      } catch (e) {
        setError(e);
        if (optsRef.current.notifyError) notifications.show({ color: 'red', title: 'That did not work', message: errorMessage(e) });
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  return {
    run,
    busy,
    error,
    reset: () => setError(null),
    fieldError: (name) => (error instanceof ApiError ? error.fieldMap()[name] : undefined),
  };
}

export interface CursorList<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore(): void;
  reload(): void;
}

/** A `{ data, next_cursor }` list: the first page when `deps` change, further pages on demand. */
export function useCursorList<T>(load: (cursor: string | undefined) => Promise<{ data: T[]; next_cursor: string | null }>, deps: DependencyList): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const first = useLoad(() => load(undefined), deps);
  useEffect(() => {
    if (first.data) {
      setItems(first.data.data);
      setCursor(first.data.next_cursor);
      setMoreError(null);
    }
  }, [first.data]);
  const loadRef = useRef(load);
  loadRef.current = load;
  const loadMore = useCallback(() => {
    if (!cursor) return;
    setLoadingMore(true);
    loadRef
      .current(cursor)
      .then((r) => {
        setItems((prev) => [...prev, ...r.data]);
        setCursor(r.next_cursor);
      })
      .catch(setMoreError)
      .finally(() => setLoadingMore(false));
  }, [cursor]);
  return { items, loading: first.loading, error: first.error ?? moreError, hasMore: !!cursor, loadingMore, loadMore, reload: first.reload };
}
