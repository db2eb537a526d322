/**
 * An agency form token's 20 requests a minute are counted in Redis, so every instance
 * shares them. Two real server processes on one PostgreSQL and one Redis, one agency token: 10
 * requests to instance 1 and 10 to instance 2 are all admitted — each instance's RateLimit header
 * counting down the one shared budget — and the 21st is refused on either instance with 429
 * rate_limited and a Retry-After. Always runs on PostgreSQL + Redis: without DATABASE_URL it
 * creates a fresh database on the local server anyway. (The processes:
 * test/helpers/server-process.ts; the limiter on one instance with a manual clock:
 * embed-rate-limit.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import { HttpClient, type ServerProcess } from '../../helpers/server-process.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { DEFAULT_FORM } from './helpers.ts';

/** the outbox poll, the safety net under Redis pub/sub (as in two-instances.test.ts) */
const POLL_MS = '30000';

let pair: InstancePair;
let one: ServerProcess;
let two: ServerProcess;
let tenant: TestTenant;

beforeAll(async () => {
  pair = await startInstancePair({
    name: 'arl',
    env: { CHANGE_FEED_POLL_MS: POLL_MS },
    before: async (world) => {
      tenant = await world.tenant();
    },
  });
  ({ one, two } = pair);
}, 120_000);

afterAll(() => pair?.close());

interface Answer {
  status: number;
  headers: Headers;
  body: { code?: string; status?: number; retry_after?: number; [k: string]: unknown };
}

/** The form's two kinds of request: issue a voucher (201) or read the form (200). */
async function embed(i: ServerProcess, token: string, kind: 'issue' | 'form'): Promise<Answer> {
  const r =
    kind === 'issue'
      ? await fetch(`${i.base}/embed/v1/vouchers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'credit_10' }) })
      : await fetch(`${i.base}/embed/v1/form`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, headers: r.headers, body: (await r.json()) as Answer['body'] };
}

const ADMITTED = { issue: 201, form: 200 } as const;

describe('the agency token limit on two instances sharing PostgreSQL and Redis', () => {
  it('10 requests on instance 1 and 10 on instance 2 are admitted; the 21st is refused on either with 429 rate_limited and Retry-After', async () => {
    const admin = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const a = await admin.req('POST', `/api/v1/tenants/${tenant.id}/agencies`, { name: 'Sunrise Travel (shared limit)' });
    expect(a.status).toBe(201);
    const tok = await admin.req('POST', `/api/v1/tenants/${tenant.id}/agencies/${a.body.id}/tokens`, { label: 'Web form', form_config: DEFAULT_FORM });
    expect(tok.status).toBe(201);
    const token = tok.body.token as string;

    let n = 0;
    const admitted = async (i: ServerProcess, kind: 'issue' | 'form', where: string) => {
      let r = await embed(i, token, kind);
      // Instance 2 learns of the new token through the change feed; until then it answers 401,
      // and a request it could not authenticate is not counted (embed-rate-limit.test.ts).
      const t0 = performance.now();
      while (r.status === 401 && i === two && performance.now() - t0 < 1000) {
        await new Promise((res) => setTimeout(res, 10));
        r = await embed(i, token, kind);
      }
      n++;
      expect(r.status, `request ${n} (${where}): ${JSON.stringify(r.body)}`).toBe(ADMITTED[kind]);
      expect(r.headers.get('ratelimit-policy')).toBe('"agency";q=20;w=60');
      // one budget for both: the remaining count goes on down from where the other instance left it
      expect(r.headers.get('ratelimit'), `request ${n} (${where})`).toMatch(new RegExp(`^"agency";r=${20 - n};t=\\d+$`));
    };
    for (let k = 0; k < 10; k++) await admitted(one, k % 2 ? 'form' : 'issue', 'instance 1');
    for (let k = 0; k < 10; k++) await admitted(two, k % 2 ? 'form' : 'issue', 'instance 2');

    for (const [i, kind, where] of [
      [one, 'issue', 'instance 1'],
      [two, 'form', 'instance 2'],
      [two, 'issue', 'instance 2'],
      [one, 'form', 'instance 1'],
    ] as const) {
      const r = await embed(i, token, kind);
      expect([r.status, r.body.code], `21st request on ${where}`).toEqual([429, 'rate_limited']);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.status).toBe(429);
      const retry = Number(r.headers.get('retry-after'));
      expect(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${r.headers.get('retry-after')} on ${where}`).toBe(true);
      expect(r.body.retry_after).toBe(retry);
      expect(r.headers.get('ratelimit')).toBe(`"agency";r=0;t=${retry}`);
    }

    // only the 10 admitted issuances were written (5 on each instance), none of the refused ones
    const vouchers = await pair.database.db.kysely.selectFrom('vouchers').select('id').where('partner_agency_id', '=', a.body.id as string).execute();
    expect(vouchers).toHaveLength(10);
  });
});
