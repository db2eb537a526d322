/**
 * An HTTP client over app.inject that behaves like the portal: it keeps the session cookie
 * and sends the CSRF token on mutations, or sends a bearer token.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

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

  get<T = any>(url: string, headers?: Record<string, string>) {
    return this.request<T>('GET', url, undefined, headers);
  }
  post<T = any>(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', url, body ?? {}, headers);
  }
  put<T = any>(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', url, body ?? {}, headers);
  }
  patch<T = any>(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', url, body ?? {}, headers);
  }
  delete<T = any>(url: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', url, undefined, headers);
  }

  async login(email: string, password: string): Promise<this> {
    const r = await this.post('/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.csrf = r.body.csrf_token;
    return this;
  }
}
