/**
 * Load generator for bench/writes.bench.ts, run as its own process so its CPU is not the servers'.
 * Reads one JSON job from argv[2]: { urls, users, durationMs, warmupMs, concurrency }. Virtual user
 * i talks to urls[i % urls.length] (a round-robin load balancer) as users[i % users.length] — a
 * tenant admin and a partner owner of their own — and repeats a write-heavy mix, each step one
 * write that is audited:
 *   login (a new session) · the partner requests a link · the tenant admin revokes it ·
 *   a personal API token created · that token revoked · a billing account renamed.
 * Prints one JSON line: { writes, errors, per_sec, p50_ms, p99_ms, cpu_ms (this process's, over the measured window), by_step }.
 */
import http from 'node:http';

export interface WritesUser {
  tenantId: string;
  tenantSlug: string;
  banId: string;
  admin: { email: string; password: string };
  partnerId: string;
  owner: { email: string; password: string };
}

interface Job {
  urls: string[];
  users: WritesUser[];
  durationMs: number;
  warmupMs: number;
  concurrency: number;
}

const job = JSON.parse(process.argv[2]) as Job;
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency * 2 });

interface Session {
  cookie: string;
  csrf: string;
}

/** The few answer fields the load reads (login's csrf_token, a link's id, a token's id). */
interface Answer {
  csrf_token?: string;
  id?: string;
  api_token?: { id?: string };
}

function request(base: string, method: string, path: string, body: unknown, session: Session | null): Promise<{ status: number; body: Answer; cookie: string | null }> {
  const u = new URL(path, base);
  const data = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (data !== undefined) headers['content-type'] = 'application/json';
  if (session) {
    headers.cookie = session.cookie;
    headers['x-csrf-token'] = session.csrf;
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: unknown = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = text;
        }
        const sc = res.headers['set-cookie'];
        // an answer that is not a JSON object reads as one with none of the fields
        const answer: Answer = parsed !== null && typeof parsed === 'object' ? (parsed as Answer) : {};
        resolve({ status: res.statusCode ?? 0, body: answer, cookie: sc ? sc.map((c) => c.split(';')[0]).join('; ') : null });
      });
    });
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

async function login(base: string, who: { email: string; password: string }): Promise<{ session: Session | null; status: number }> {
  const r = await request(base, 'POST', '/api/v1/auth/login', who, null);
  if (r.status !== 200 || !r.cookie) return { session: null, status: r.status };
  return { session: { cookie: r.cookie, csrf: String(r.body.csrf_token) }, status: r.status };
}

const latencies: number[] = [];
const byStep: Record<string, { ok: number; errors: number }> = {};
let writes = 0;
let errors = 0;
let firstError: string | null = null;
// The warm-up starts once every virtual user has signed in (on a slow machine the first sign-ins of
// 64 users take longer than the warm-up, and would otherwise count in the window, uncounted as writes).
let measureFrom = Number.POSITIVE_INFINITY;
let end = Number.POSITIVE_INFINITY;
let signedIn = 0;
let allSignedIn: () => void = () => {};
const everyoneSignedIn = new Promise<void>((resolve) => (allSignedIn = resolve));
// this process's CPU over the measured window (from the end of the warm-up to the last answer)
let cpuFrom: NodeJS.CpuUsage | null = null;
void everyoneSignedIn.then(() => {
  measureFrom = performance.now() + job.warmupMs;
  end = measureFrom + job.durationMs;
  setTimeout(() => {
    cpuFrom = process.cpuUsage();
    // the bench reads every other process's CPU from this line on
    process.stdout.write(`${JSON.stringify({ phase: 'measuring' })}\n`);
  }, job.warmupMs);
});
const ends = new Date(Date.now() + 30 * 86_400_000).toISOString();

async function vu(i: number): Promise<void> {
  const base = job.urls[i % job.urls.length];
  const u = job.users[i % job.users.length];
  // 64 users logging in at once behind a queue (the old global lock) may be answered 503 at first
  const retrying = async (who: { email: string; password: string }) => {
    for (let i = 0; i < 50; i++) {
      const r = await login(base, who).catch(() => ({ session: null, status: 0 }));
      if (r.session) return r.session;
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(`a bench user could not log in (${who.email})`);
  };
  const admin = await retrying(u.admin);
  const owner = await retrying(u.owner);
  if (++signedIn === job.concurrency) allSignedIn();
  await everyoneSignedIn;
  let n = 0;
  let link: string | null = null;
  let token: string | null = null;
  while (performance.now() < end) {
    const step = n++ % 6;
    const t0 = performance.now();
    let name = '';
    let ok = false;
    let detail = '';
    switch (step) {
      case 0: {
        name = 'login';
        const r = await login(base, u.admin);
        ok = r.status === 200;
        detail = String(r.status);
        break;
      }
      case 1: {
        name = 'link_request';
        const r = await request(base, 'POST', `/api/v1/partners/${u.partnerId}/delegations`, { tenant_slug: u.tenantSlug, role: 'MSP_SUPPORT', justification: 'bench', ends_at: ends }, owner);
        ok = r.status === 201;
        if (ok) link = r.body.id ?? null;
        detail = `${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`;
        break;
      }
      case 2: {
        name = 'link_revoke';
        if (!link) continue;
        const r = await request(base, 'POST', `/api/v1/tenants/${u.tenantId}/delegations/${link}/revoke`, { reason: 'bench' }, admin);
        ok = r.status === 200;
        link = null;
        detail = `${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`;
        break;
      }
      case 3: {
        name = 'api_token_create';
        const r = await request(base, 'POST', '/api/v1/me/api-tokens', { name: `bench ${n}` }, admin);
        ok = r.status === 201;
        if (ok) token = r.body.api_token?.id ?? null;
        detail = `${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`;
        break;
      }
      case 4: {
        name = 'api_token_revoke';
        if (!token) continue;
        const r = await request(base, 'DELETE', `/api/v1/me/api-tokens/${token}`, undefined, admin);
        ok = r.status === 204;
        token = null;
        detail = String(r.status);
        break;
      }
      default: {
        name = 'account_rename';
        const r = await request(base, 'PATCH', `/api/v1/tenants/${u.tenantId}/billing-accounts/${u.banId}`, { name: `Account ${i}-${n}` }, admin);
        ok = r.status === 200;
        detail = `${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`;
      }
    }
    const t1 = performance.now();
    if (t0 < measureFrom) continue;
    const s = (byStep[name] ??= { ok: 0, errors: 0 });
    if (ok) {
      writes++;
      s.ok++;
      latencies.push(t1 - t0);
    } else {
      errors++;
      s.errors++;
      firstError ??= `${name}: ${detail}`;
    }
  }
  // leave no link or token open for the next run's users (its first link request would be refused)
  if (link) await request(base, 'POST', `/api/v1/tenants/${u.tenantId}/delegations/${link}/revoke`, { reason: 'bench' }, admin);
  if (token) await request(base, 'DELETE', `/api/v1/me/api-tokens/${token}`, undefined, admin);
}

await Promise.all(Array.from({ length: job.concurrency }, (_, i) => vu(i)));
latencies.sort((a, b) => a - b);
const q = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(2));
const seconds = job.durationMs / 1000;
const used = cpuFrom === null ? null : process.cpuUsage(cpuFrom);
const cpuMs = used === null ? 0 : Math.round((used.user + used.system) / 1000);
process.stdout.write(JSON.stringify({ writes, errors, per_sec: Math.round(writes / seconds), p50_ms: q(0.5), p99_ms: q(0.99), cpu_ms: cpuMs, by_step: byStep, first_error: firstError }) + '\n');
agent.destroy();
