/**
 * The client half of scripts/container-test.sh: talks HTTP to the two Partnergate containers and
 * the NGINX in front of them, as an integrator's code would, and checks what must hold across
 * instances in production shape:
 *  - an invoice export job started on instance 1 is followed and downloaded through instance 2
 *    (the file is in the database, not on the instance's disk);
 *  - a DPoP-bound access token (client credentials of the demo wholesale app, through NGINX) with
 *    a proof accepted once on instance 1 is refused when the same proof is replayed on instance 2
 *    (the seen proof ids are in Redis), while a fresh proof is accepted there.
 *
 *   npx node scripts/container-test-client.ts <world.json> <nginx url> <instance 1 url> <instance 2 url>
 *
 * <world.json> is what `partnergate seed demo --json` printed. Prints one line per check and exits
 * non-zero on the first failure.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportJWK, SignJWT } from 'jose';
import * as oidc from 'openid-client';

interface Credentials {
  email: string;
  password: string;
}
interface World {
  partners: { slug: string; owner: Credentials; staff: Credentials }[];
  apps?: { partner_slug: string; client_id: string; client_secret: string }[];
}

const [worldFile, nginxUrl, url1, url2] = process.argv.slice(2);
if (!worldFile || !nginxUrl || !url1 || !url2) {
  console.error('usage: container-test-client.ts <world.json> <nginx url> <instance 1 url> <instance 2 url>');
  process.exit(2);
}
const world = JSON.parse(readFileSync(worldFile, 'utf8')) as World;

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** A signed-in session: its cookies and CSRF token, usable on any instance. */
interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(base: string, who: Credentials): Promise<Session> {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  const body = (await r.json()) as { csrf_token?: string };
  check(r.status === 200 && typeof body.csrf_token === 'string', `sign-in of ${who.email} at ${base} answered ${r.status}: ${JSON.stringify(body)}`);
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: body.csrf_token! };
}

async function call(base: string, s: Session, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { cookie: s.cookie };
  if (method !== 'GET') headers['x-csrf-token'] = s.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function exportAcrossInstances(): Promise<void> {
  const msp = world.partners.find((p) => p.slug === 'fabrikam-msp');
  check(msp !== undefined, 'the demo world has no fabrikam-msp partner');
  const s = await signIn(url1, msp!.owner);
  const started = await call(url1, s, 'POST', '/api/v1/partner/billing/invoices/export', { format: 'csv', mode: 'job' });
  const startBody = (await started.json()) as { job?: { id: string } };
  check(started.status === 202 && typeof startBody.job?.id === 'string', `export on instance 1 answered ${started.status}: ${JSON.stringify(startBody)}`);
  const jobId = startBody.job!.id;

  // followed on instance 2 until it is done (the job runs on whichever instance picked it up)
  let job: { status?: string; rows_done?: number; download_url?: string } = {};
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    const r = await call(url2, s, 'GET', `/api/v1/partner/exports/${jobId}`);
    job = (await r.json()) as typeof job;
    check(r.status === 200, `the export job on instance 2 answered ${r.status}: ${JSON.stringify(job)}`);
    if (job.status === 'done' || job.status === 'failed') break;
    await new Promise((done) => setTimeout(done, 500));
  }
  check(job.status === 'done' && typeof job.download_url === 'string', `the export job did not finish: ${JSON.stringify(job)}`);
  const file = await call(url2, s, 'GET', job.download_url!);
  const text = await file.text();
  check(file.status === 200 && /^text\/csv/.test(file.headers.get('content-type') ?? ''), `the download on instance 2 answered ${file.status}: ${text.slice(0, 200)}`);
  const lines = text.trim().split('\r\n');
  check(lines.length === (job.rows_done ?? 0) + 1 && lines.length > 1, `the file has ${lines.length} lines for ${job.rows_done} invoices`);
  console.log(`export: job ${jobId} started on instance 1, downloaded through instance 2 (${job.rows_done} invoices, ${Buffer.byteLength(text)} bytes)`);
}

async function dpopReplayAcrossInstances(): Promise<void> {
  const app = world.apps?.find((a) => a.partner_slug === 'contoso-wholesale');
  check(app !== undefined, 'the demo world has no contoso-wholesale app');
  const config = await oidc.discovery(new URL(`${nginxUrl}/oauth`), app!.client_id, undefined, oidc.ClientSecretBasic(app!.client_secret), { execute: [oidc.allowInsecureRequests] });
  const keyPair = await oidc.randomDPoPKeyPair('ES256');
  const tokens = await oidc.clientCredentialsGrant(config, { scope: 'orders.read' }, { DPoP: oidc.getDPoPHandle(config, keyPair) });
  check(tokens.token_type?.toLowerCase() === 'dpop', `the token is not DPoP-bound (token_type ${tokens.token_type})`);
  const token = tokens.access_token;
  const htu = 'https://api.partner-edge.example/resources/v1/orders';
  const proof = async () =>
    new SignJWT({ htm: 'GET', htu, jti: randomUUID(), ath: createHash('sha256').update(token).digest('base64url') })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keyPair.publicKey) })
      .setIssuedAt()
      .sign(keyPair.privateKey);
  const forwardAuth = async (base: string, dpop: string) => {
    const r = await fetch(`${base}/authz/forward-auth`, {
      headers: { authorization: `DPoP ${token}`, dpop, 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.partner-edge.example', 'x-forwarded-uri': '/resources/v1/orders' },
    });
    const text = await r.text();
    return { status: r.status, code: text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined, text };
  };
  const first = await proof();
  const once = await forwardAuth(url1, first);
  check(once.status === 200, `the proof's first use on instance 1 answered ${once.status}: ${once.text}`);
  const replay = await forwardAuth(url2, first);
  check(replay.status === 401 && replay.code === 'invalid_token', `the proof replayed on instance 2 answered ${replay.status}: ${replay.text}`);
  const fresh = await forwardAuth(url2, await proof());
  check(fresh.status === 200, `a fresh proof on instance 2 answered ${fresh.status}: ${fresh.text}`);
  console.log('dpop: a proof used once on instance 1 is refused when replayed on instance 2 (401 invalid_token); a fresh proof passes there');
}

try {
  await exportAcrossInstances();
  await dpopReplayAcrossInstances();
} catch (e) {
  console.error(`container test client: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
