/**
 * The portal's HTTP client: same-origin fetch with the session cookie, the CSRF token sent as
 * `x-csrf-token` on every mutation, and RFC 9457 problems turned into ApiError values. What a person
 * reads of them is decided in one place, web/src/query/messages.ts.
 */

import { ApiError, type AnswerLanguage, type Problem } from './errors.ts';

export { ApiError, type FieldError, type Problem } from './errors.ts';

export type Query = Record<string, string | number | boolean | null | undefined>;

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<(err: ApiError) => void>();

let language: string | null = null;

/**
 * The portal's language, sent as Accept-Language so what the server writes for a person (a problem's title, a
 * notice's words) is in the language the portal speaks — the person's choice may differ from their browser's.
 */
export function setRequestLanguage(locale: string | null): void {
  language = locale;
}

function answerLanguage(res: Response): AnswerLanguage {
  return { asked: language, answered: res.headers.get('content-language') };
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** 401 answers about a code just typed, not about the session: the user stays signed in. */
const SESSION_STILL_VALID = new Set(['mfa_code_invalid', 'passkey_invalid']);

/** Called when the server says the session is gone (401), so the shell can send the user to the login page. */
export function onUnauthorized(fn: (err: ApiError) => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** don't broadcast a 401 (the login form and the first /me call handle it themselves) */
  quiet401?: boolean;
  /** extra request headers, e.g. X-Active-Tenant-Id for a partner acting on a managed customer */
  headers?: Record<string, string>;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers, accept: 'application/json' };
  if (language) headers['accept-language'] = language;
  const mutation = method !== 'GET' && method !== 'HEAD';
  if (mutation && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError({ status: 0, code: 'network_error', detail: 'The server cannot be reached. Check your connection and try again.' });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const p = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Problem>;
    const err = new ApiError({ ...p, status: res.status }, answerLanguage(res));
    // A wrong second-factor code answers 401 too, but the session is still there (step-up, activating access)
    if (res.status === 401 && !opts.quiet401 && !SESSION_STILL_VALID.has(err.code)) for (const fn of unauthorizedListeners) fn(err);
    throw err;
  }
  return parsed as T;
}

/** A file the server answers (an export): the body as a Blob, with the name from Content-Disposition; JSON answers (a job) as `json`. */
export async function requestFile(method: string, path: string, body?: unknown): Promise<{ file: Blob; filename: string } | { json: unknown; status: number }> {
  const headers: Record<string, string> = {};
  if (language) headers['accept-language'] = language;
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError({ status: 0, code: 'network_error', detail: 'The server cannot be reached. Check your connection and try again.' });
  }
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok || type.includes('json')) {
    const parsed = (await res.json().catch(() => ({}))) as Partial<Problem>;
    if (!res.ok) throw new ApiError({ ...parsed, status: res.status }, answerLanguage(res));
    return { json: parsed, status: res.status };
  }
  const m = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '');
  return { file: await res.blob(), filename: m?.[1] ?? 'export' };
}

export const http = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query'> = {}) => request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body: unknown = {}, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown = {}) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};
