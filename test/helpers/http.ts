/**
 * An HTTP client over app.inject that behaves like the portal: it keeps the session cookie
 * and sends the CSRF token on mutations, or sends a bearer token.
 *
 * Response bodies are typed from the server's OpenAPI document (packages/client's generated types).
 * Name the route's path template and the body is what that route answers on success, and the URL is
 * checked against the template:
 *
 *   const r = await admin.get<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${tenant.id}`);
 *   r.body.name;                                   // Schemas['Tenant']
 *   const no = await admin.get<Problem>(`/api/v1/tenants/${other.id}`);
 *   expect([no.status, no.body.code]).toEqual([404, 'tenant_not_found']);
 *
 * or name a schema (`get<Schemas['Tenant']>`, `get<Page<Schemas['User']>>`). A call without a type
 * argument still answers `any`, for the tests written before this.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { components, paths } from '../../packages/client/src/index.ts';

/** Every named schema of the API: `Schemas['Tenant']`, `Schemas['Delegation']`, … */
export type Schemas = components['schemas'];
/** An RFC 9457 refusal, with its stable `code`. */
export type Problem = Schemas['Problem'];
/** A list answer: one page and the cursor of the next. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type IsAny<T> = 0 extends 1 & T ? true : false;
/** `/api/v1/tenants/{tenant_id}` → `/api/v1/tenants/${string}` */
type Filled<S extends string> = S extends `${infer A}{${string}}${infer B}` ? `${A}${string}${Filled<B>}` : S;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : R extends { content: infer C } ? C[keyof C] : undefined;
/**
 * the body of the route's 200, else 201, else 202 answer; a route that only answers 204 has none.
 * A route with both (login: 200 signed in, 202 second factor needed) is typed by its 200; a test
 * of the other answer names its schema (`r.body as Schemas['LoginSecondStep']`).
 */
type Success<R> = 200 extends keyof R ? JsonOf<R[200]> : 201 extends keyof R ? JsonOf<R[201]> : 202 extends keyof R ? JsonOf<R[202]> : undefined;
/** What route `P` answers to method `M` on success. */
export type OkBody<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer R } ? Success<R> : never;
/** A type argument is either a path template of the API (→ its success body) or the body type itself. */
type BodyOf<T, M extends Method> = IsAny<T> extends true ? any : T extends keyof paths ? OkBody<T, M> : T;
/** The URL a call may take: any, or one that fills the named template (a template the API lacks takes none). */
type UrlOf<T> = IsAny<T> extends true ? string : T extends keyof paths ? Filled<T> | `${Filled<T>}?${string}` : T extends `/${string}` ? never : string;

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  raw: LightMyRequestResponse;
}

export class Client {
  readonly app: FastifyInstance;
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;
  ip = '127.0.0.1';
  constructor(app: FastifyInstance) {
    this.app = app;
  }

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (this.csrf && !['GET', 'HEAD'].includes(method) && h['x-csrf-token'] === undefined) h['x-csrf-token'] = this.csrf;
    const raw = await this.app.inject({
      method: method as 'GET',
      url,
      headers: h,
      remoteAddress: this.ip,
      ...(body !== undefined ? (typeof body === 'string' ? { payload: body } : { payload: body as object }) : {}),
    });
    const setCookie = raw.headers['set-cookie'];
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const m = /^partnergate_session=([^;]*)/.exec(c);
      if (m) this.cookie = m[1] ? `partnergate_session=${m[1]}` : null;
    }
    let parsed: unknown = raw.body;
    const ct = String(raw.headers['content-type'] ?? '');
    if (ct.includes('json') && raw.body) parsed = JSON.parse(raw.body);
    return { status: raw.statusCode, body: parsed as T, headers: raw.headers, raw };
  }

  get<T = any>(url: NoInfer<UrlOf<T>>, headers?: Record<string, string>) {
    return this.request<BodyOf<T, 'get'>>('GET', url, undefined, headers);
  }
  post<T = any>(url: NoInfer<UrlOf<T>>, body?: unknown, headers?: Record<string, string>) {
    return this.request<BodyOf<T, 'post'>>('POST', url, body ?? {}, headers);
  }
  put<T = any>(url: NoInfer<UrlOf<T>>, body?: unknown, headers?: Record<string, string>) {
    return this.request<BodyOf<T, 'put'>>('PUT', url, body ?? {}, headers);
  }
  patch<T = any>(url: NoInfer<UrlOf<T>>, body?: unknown, headers?: Record<string, string>) {
    return this.request<BodyOf<T, 'patch'>>('PATCH', url, body ?? {}, headers);
  }
  delete<T = any>(url: NoInfer<UrlOf<T>>, headers?: Record<string, string>) {
    return this.request<BodyOf<T, 'delete'>>('DELETE', url, undefined, headers);
  }

  async login(email: string, password: string): Promise<this> {
    const r = await this.post<'/api/v1/auth/login'>('/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.csrf = r.body.csrf_token;
    return this;
  }
}
