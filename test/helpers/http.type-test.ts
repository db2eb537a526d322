/** Compile-time checks of the typed test client (npm run typecheck runs them; there is nothing to run). */
import type { Client, Problem, Page, Schemas } from './http.ts';
declare const c: Client;
declare const id: string;
async function f() {
  const a = await c.get<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${id}`);
  const n: string = a.body.name;
  // @ts-expect-error not a field of Tenant
  a.body.nope;
  // @ts-expect-error the URL is not the template's
  await c.get<'/api/v1/tenants/{tenant_id}'>(`/api/v1/partners/${id}`);
  const q = await c.get<'/api/v1/tenants/{tenant_id}/members'>(`/api/v1/tenants/${id}/members?limit=5`);
  q.body.data[0];
  const p = await c.get<Problem>(`/x`);
  const code: string = p.body.code;
  const any1 = await c.get(`/x`);
  any1.body.whatever;
  const pg = await c.get<Page<Schemas['User']>>('/x');
  pg.body.data[0].email;
  const l = await c.post<'/api/v1/auth/login'>('/api/v1/auth/login', {});
  l.body.csrf_token;
  return [n, code];
}
void f;
async function g() {
  // @ts-expect-error no such route
  await c.get<'/api/v1/tenants/{tenant_id}/users'>(`/api/v1/tenants/${id}/users`);
}
void g;
