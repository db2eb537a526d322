/**
 * /sample-partner-app/ — a tiny partner app, served by Partnergate, that runs the whole Partner
 * persona flow in a browser so a newcomer can click through it: it is the demo's "Northwind
 * Ordering" app, a confidential server-side client (authorization code + PKCE, client secret
 * kept on the server, tokens never sent to the browser). It shows the access token's claims, and
 * lets you refresh, introspect, call the gateway and disconnect.
 *
 * It talks to the authorization server the way any partner's backend would — through the token,
 * introspection and revocation endpoints — over an in-process request rather than the network.
 * Sessions live in memory (this is a sample).
 *
 * Its client secret is the demo secret derived from SECRET_KEY (what `seed demo --json` prints).
 * If the app's owner rotates the secret, that value no longer authenticates: the page says so
 * up front, and any `invalid_client` answer is explained with the fix
 * (`partnergate apps reset-demo-secret`) instead of failing silently.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { Config } from '../config/config.ts';
import { constantTimeEqual } from '../platform/crypto.ts';
import type { AppsService } from '../modules/apps/index.ts';
import { SAMPLE_APP_PATH, demoAppSecrets } from '../modules/apps/apps.demo.ts';
import { esc, PAGE_CSP, STYLESHEET_PATH } from '../modules/oauth/index.ts';

const COOKIE = 'pg_sample_app';
const DEMO_PARTNER = 'northwind-apps';
const SCOPE = 'openid profile orders.read orders.create billing.accounts.read';
const MAX_SESSIONS = 1000;
export const SECRET_ROTATED_MESSAGE =
  "This sample's client secret was rotated: the Northwind Ordering app's secret was changed in the partner portal or the API, and this sample only knows the demo secret derived from SECRET_KEY, so the authorization server answers invalid_client. To fix it, run `partnergate apps reset-demo-secret` (it puts the demo secret back and prints it; `partnergate seed demo --json` prints the same value).";

interface SampleSession {
  csrf: string;
  pending?: { state: string; verifier: string };
  tokens?: { access_token: string; refresh_token?: string; expires_in?: number; scope?: string; id_token?: string };
  notes: { at: string; text: string; detail?: unknown }[];
}

export interface SampleAppDeps {
  config: Config;
  apps: AppsService;
  issuer: string;
}

/** The sample app in its own scope (it reads form posts; the API does not). */
export async function installSamplePartnerApp(app: FastifyInstance, d: SampleAppDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    registerSamplePartnerApp(scope, d);
  });
}

export function registerSamplePartnerApp(app: FastifyInstance, d: SampleAppDeps): void {
  const kit = sampleAppKit(app, d);
  registerSignInPages(app, d, kit);
  registerTokenActions(app, kit);
}

/** What the sample app's pages share: its sessions, its client, its notes and its calls to our OAuth endpoints. */
function sampleAppKit(app: FastifyInstance, d: SampleAppDeps) {
  const sessions = new Map<string, SampleSession>();
  const redirectUri = `${d.config.publicUrl}${SAMPLE_APP_PATH}/callback`;

  const client = async () => {
    const partner = await app.services.partners.findBySlug(DEMO_PARTNER);
    if (!partner) return null;
    const found = (await demoAppSecrets(app.services)).find((a) => a.partner_slug === DEMO_PARTNER);
    return found ? { id: found.client_id, secret: found.client_secret, secretCurrent: found.current, partnerName: partner.name } : null;
  };

  const session = (req: FastifyRequest, reply: FastifyReply): SampleSession => {
    const id = req.cookies?.[COOKIE];
    const existing = id ? sessions.get(id) : undefined;
    if (existing) return existing;
    const fresh: SampleSession = { csrf: randomBytes(16).toString('base64url'), notes: [] };
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
    const sid = randomBytes(24).toString('base64url');
    sessions.set(sid, fresh);
    reply.setCookie(COOKIE, sid, { path: SAMPLE_APP_PATH, httpOnly: true, sameSite: 'lax', secure: d.config.cookieSecure });
    return fresh;
  };

  const note = (s: SampleSession, text: string, detail?: unknown) => {
    s.notes.unshift({ at: new Date().toISOString().slice(11, 19), text, detail });
    s.notes.length = Math.min(s.notes.length, 8);
  };

  /** An OAuth call to our own authorization server, as the app's backend would make it. */
  const oauthPost = async (path: string, c: { id: string; secret: string }, form: Record<string, string>) => {
    const r = await app.inject({
      method: 'POST',
      url: `/oauth${path}`,
      headers: { authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      payload: new URLSearchParams(form).toString(),
    });
    let body: Record<string, unknown> = {};
    try {
      body = r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {};
    } catch {
      body = { raw: r.body.slice(0, 500) };
    }
    return { status: r.statusCode, body, secretRotated: body.error === 'invalid_client' };
  };

  /** Say what went wrong, and for invalid_client why and how to fix it. */
  const failed = (s: SampleSession, what: string, r: { status: number; body: Record<string, unknown>; secretRotated: boolean }) => {
    if (r.secretRotated) note(s, `${what} failed (${r.status} invalid_client): this sample's client secret was rotated. Run \`partnergate apps reset-demo-secret\` to put the demo secret back.`, r.body);
    else note(s, `${what} failed (${r.status}).`, r.body);
  };

  const html = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', PAGE_CSP).send(page(body));
  return { redirectUri, client, session, note, oauthPost, failed, html };
}
type SampleAppKit = ReturnType<typeof sampleAppKit>;

/** The home page, and the authorization code flow with PKCE: start and callback. */
function registerSignInPages(app: FastifyInstance, d: SampleAppDeps, { redirectUri, client, session, note, oauthPost, failed, html }: SampleAppKit): void {
  app.get(`${SAMPLE_APP_PATH}/`, { schema: { hide: true } }, async (req, reply) => {
    const c = await client();
    if (!c) {
      return html(reply, `<h1>Sample partner app</h1><p>The demo world is not seeded: start Partnergate with <code>npm start</code> or run <code>partnergate seed demo</code>, then reload.</p>`, 503);
    }
    const s = session(req, reply);
    return html(reply, view(s, c));
  });

  app.get(`${SAMPLE_APP_PATH}/start`, { schema: { hide: true } }, async (req, reply) => {
    const c = await client();
    if (!c) return reply.redirect(`${SAMPLE_APP_PATH}/`);
    const s = session(req, reply);
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    s.pending = { state, verifier };
    const url = new URL(`${d.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: c.id,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: SCOPE,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return reply.redirect(url.href);
  });

  app.get(`${SAMPLE_APP_PATH}/callback`, { schema: { hide: true } }, async (req, reply) => {
    const c = await client();
    const s = session(req, reply);
    const q = req.query as Record<string, string | undefined>;
    const pending = s.pending;
    s.pending = undefined;
    if (!c || !pending || typeof q.state !== 'string' || !constantTimeEqual(q.state, pending.state)) {
      note(s, 'Ignored a callback that this browser did not start (state mismatch).');
      return reply.redirect(`${SAMPLE_APP_PATH}/`);
    }
    // RFC 9207: the response must come from our authorization server.
    if (q.iss !== d.issuer) {
      note(s, `Refused a response from an unexpected issuer (${q.iss ?? 'none'}).`);
      return reply.redirect(`${SAMPLE_APP_PATH}/`);
    }
    if (q.error) {
      note(s, `The authorization ended with ${q.error}: ${q.error_description ?? ''}`);
      return reply.redirect(`${SAMPLE_APP_PATH}/`);
    }
    const r = await oauthPost('/token', c, { grant_type: 'authorization_code', code: q.code ?? '', code_verifier: pending.verifier, redirect_uri: redirectUri });
    if (r.status === 200) {
      s.tokens = r.body as SampleSession['tokens'];
      note(s, 'Exchanged the authorization code for tokens.');
    } else failed(s, 'The code exchange', r);
    return reply.redirect(`${SAMPLE_APP_PATH}/`);
  });
}

/** The buttons once connected: refresh, introspect, call the API, disconnect, forget. */
function registerTokenActions(app: FastifyInstance, { client, session, note, oauthPost, failed }: SampleAppKit): void {
  const action = (name: string, run: (s: SampleSession, c: { id: string; secret: string }) => Promise<void>) =>
    app.post(`${SAMPLE_APP_PATH}/${name}`, { schema: { hide: true } }, async (req, reply) => {
      const c = await client();
      const s = session(req, reply);
      const form = (req.body ?? {}) as Record<string, unknown>;
      if (!c || typeof form.csrf !== 'string' || !constantTimeEqual(form.csrf, s.csrf)) return reply.redirect(`${SAMPLE_APP_PATH}/`, 303);
      await run(s, c);
      return reply.redirect(`${SAMPLE_APP_PATH}/`, 303);
    });

  action('refresh', async (s, c) => {
    if (!s.tokens?.refresh_token) return;
    const r = await oauthPost('/token', c, { grant_type: 'refresh_token', refresh_token: s.tokens.refresh_token });
    if (r.status === 200) {
      s.tokens = r.body as SampleSession['tokens'];
      note(s, 'Refreshed: a new access token and a new (rotated) refresh token.');
    } else failed(s, 'The refresh', r);
  });

  action('introspect', async (s, c) => {
    if (!s.tokens) return;
    const r = await oauthPost('/token/introspection', c, { token: s.tokens.access_token });
    if (r.status !== 200) return failed(s, 'Introspection', r);
    note(s, `Introspection: active = ${String(r.body.active)}.`, r.body);
  });

  action('call-api', async (s) => {
    if (!s.tokens) return;
    const r = await app.inject({ method: 'GET', url: '/resources/v1/orders', headers: { authorization: `Bearer ${s.tokens.access_token}`, accept: 'application/json' } });
    let body: unknown = r.body.slice(0, 2000);
    try {
      body = JSON.parse(r.body);
    } catch {
      // shown as text
    }
    note(s, `GET /resources/v1/orders through the gateway → ${r.statusCode}.`, body);
  });

  action('revoke', async (s, c) => {
    if (!s.tokens?.refresh_token) return;
    const r = await oauthPost('/token/revocation', c, { token: s.tokens.refresh_token, token_type_hint: 'refresh_token' });
    if (r.status !== 200) return failed(s, 'Disconnecting', r);
    note(s, `Disconnected: the refresh token was revoked (${r.status}); the connection ends with it.`);
    s.tokens = undefined;
  });

  action('forget', async (s) => {
    s.tokens = undefined;
    s.notes = [];
  });
}

function claimsOf(token: string): Record<string, unknown> | null {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function view(s: SampleSession, c: { id: string; partnerName: string; secretCurrent: boolean }): string {
  const form = (action: string, label: string, cls = 'secondary') =>
    `<form method="post" action="${SAMPLE_APP_PATH}/${action}"><input type="hidden" name="csrf" value="${esc(s.csrf)}"><button type="submit" class="${cls}">${esc(label)}</button></form>`;
  const warning = c.secretCurrent ? '' : `<p class="error" role="alert" data-testid="secret-rotated">${esc(SECRET_ROTATED_MESSAGE)}</p>`;
  const notes = s.notes.length
    ? `<h2>What happened</h2><ul class="scopes">${s.notes.map((n) => `<li><span class="muted">${esc(n.at)}</span> ${esc(n.text)}${n.detail !== undefined ? `<pre tabindex="0" role="region" aria-label="${esc(`Details: ${n.text}`)}">${esc(JSON.stringify(n.detail, null, 2))}</pre>` : ''}</li>`).join('')}</ul>`
    : '';
  if (!s.tokens) {
    return `<h1>${esc(c.partnerName)} — sample partner app</h1>
${warning}
<p>This page plays a partner's app (<code>${esc(c.id)}</code>). It never sees your password: it sends you to Partnergate, where a customer admin signs in and decides what the partner may do, on which billing accounts, and for how long.</p>
<p class="muted">Try it as a customer admin of the demo world (see <code>partnergate seed demo</code> for the logins).</p>
<div class="actions"><a class="button primary" href="${SAMPLE_APP_PATH}/start" data-testid="connect">Connect your Partnergate account</a></div>
${notes}`;
  }
  const claims = claimsOf(s.tokens.access_token) ?? {};
  const rows = ['sub', 'client_id', 'partner_id', 'act', 'tenant_id', 'customer_ban', 'bill_to', 'persona', 'dlg', 'scope', 'aud', 'exp']
    .filter((k) => k in claims)
    .map((k) => `<tr><th>${esc(k)}</th><td data-claim="${esc(k)}"><code>${esc(typeof claims[k] === 'string' ? claims[k] : JSON.stringify(claims[k]))}</code></td></tr>`)
    .join('');
  return `<h1>Connected</h1>
${warning}
<p>The app holds an access token (JWT, ${esc(s.tokens.expires_in ?? '?')} s) and a refresh token for your organisation. Its claims name both parties:</p>
<table class="claims" data-testid="claims">${rows}</table>
<div class="actions wrap">${form('refresh', 'Refresh the token')}${form('introspect', 'Introspect')}${form('call-api', 'Call the API')}${form('revoke', 'Disconnect', 'primary')}</div>
${notes}
${form('forget', 'Forget these tokens', 'link')}`;
}

function page(body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sample partner app · Partnergate</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main class="card wide">
<p class="brand">Sample partner app</p>
${body}
</main>
</body>
</html>`;
}
