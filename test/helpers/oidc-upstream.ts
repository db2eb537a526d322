/**
 * An organization's own identity provider for single sign-on tests: a SECOND oidc-provider instance
 * on loopback (the first is Partnergate's own, in modules/oauth), with a plain login form, people with
 * groups and an amr of their own, and clients the test registers (Partnergate's client_secret or
 * private_key_jwt client). Consent is given with the login (a company's own app needs none).
 *
 * Also a small cookie-keeping browser (`UpstreamBrowser`) for API tests: it follows redirects between
 * Partnergate and this provider and submits the login form, as Chromium does in the e2e test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

export interface UpstreamPerson {
  sub: string;
  email: string;
  name: string;
  password: string;
  groups: string[];
  /** how they signed in at the provider, e.g. ['pwd'] or ['pwd','otp','mfa'] */
  amr: string[];
}

/** A client registered at the provider (oidc-provider's ClientMetadata), for tests outside this helper. */
export type UpstreamClient = ClientMetadata;

export interface UpstreamIdp {
  issuer: string;
  people: Map<string, UpstreamPerson>;
  setPerson(p: UpstreamPerson): void;
  setClient(c: ClientMetadata): void;
  /** every back-channel logout the provider sent (Back-Channel Logout 1.0), and whether the receiver said 200 */
  backchannel: { clientId: string; ok: boolean; error?: string }[];
  /** the provider's signing key (private), for tests that hand-build tokens it would sign */
  signingJwk: Record<string, unknown>;
  close(): Promise<void>;
}

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string; consumed?: number };

/** oidc-provider's storage contract, in memory, with clients the test adds at any time. */
function adapterFactory(clients: Map<string, ClientMetadata>) {
  const store = new Map<string, Payload>();
  const grants = new Map<string, Set<string>>();
  return class TestAdapter {
    readonly name: string;
    constructor(name: string) {
      this.name = name;
    }
    key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: Payload) {
      store.set(this.key(id), payload);
      if (payload.grantId) {
        const set = grants.get(payload.grantId) ?? new Set<string>();
        set.add(this.key(id));
        grants.set(payload.grantId, set);
      }
    }
    async find(id: string) {
      if (this.name === 'Client') return clients.get(id);
      return store.get(this.key(id));
    }
    async findByUserCode(code: string) {
      return [...store.entries()].find(([k, v]) => k.startsWith(`${this.name}:`) && v.userCode === code)?.[1];
    }
    async findByUid(uid: string) {
      return [...store.entries()].find(([k, v]) => k.startsWith(`${this.name}:`) && v.uid === uid)?.[1];
    }
    async consume(id: string) {
      const v = store.get(this.key(id));
      if (v) v.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const k of grants.get(grantId) ?? []) store.delete(k);
      grants.delete(grantId);
    }
  };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function loginPage(uid: string, error: string | null): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Contoso sign-in</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:26rem;padding:0 1rem}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;background:#0b5394;color:#fff;border:0;border-radius:4px}p[role=alert]{color:#a00000}</style></head>
<body><main><h1>Contoso sign-in</h1>${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="email">Work e-mail</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in to Contoso</button></form></main></body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** `signOutPage: false`: a provider without RP-initiated logout (its discovery names no end_session_endpoint). */
export async function startUpstreamIdp(opts: { signOutPage?: boolean } = {}): Promise<UpstreamIdp> {
  const people = new Map<string, UpstreamPerson>();
  const clients = new Map<string, ClientMetadata>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'contoso-1', alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    adapter: adapterFactory(clients) as never,
    jwks: { keys: [jwk as never] },
    cookies: { keys: ['contoso test cookie key'] },
    // amr and acr are released in the ID token only when a scope lists them
    claims: { openid: ['sub', 'amr', 'acr'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // rpInitiatedLogout is on by default (GET /session/end); backchannelLogout POSTs a logout token to each client's backchannel_logout_uri
    features: { devInteractions: { enabled: false }, backchannelLogout: { enabled: true }, rpInitiatedLogout: { enabled: opts.signOutPage ?? true } },
    // the provider refuses to call loopback addresses (its SSRF guard): Partnergate listens on one in these tests
    fetch: ((url: string, options: RequestInit & { dispatcher?: unknown }) => fetch(url, { ...options, dispatcher: undefined } as RequestInit)) as never,
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const p = [...people.values()].find((x) => x.sub === sub);
      if (!p) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: p.email, email_verified: true, name: p.name, groups: p.groups }) };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="en"><head><title>Contoso error</title></head><body><main><h1>Contoso sign-in error</h1><p>${esc(String(out.error))}: ${esc(String(out.error_description ?? ''))}</p></main></body></html>`;
    },
  });
  const callback = provider.callback();
  const backchannel: UpstreamIdp['backchannel'] = [];
  provider.on('backchannel.success', (_ctx: unknown, client: { clientId: string }) => backchannel.push({ clientId: client.clientId, ok: true }));
  provider.on('backchannel.error', (_ctx: unknown, err: Error, client: { clientId: string }) => backchannel.push({ clientId: client.clientId, ok: false, error: err.message }));

  server.on('request', (req, res) => {
    const m = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url ?? '');
    if (!m) return void callback(req, res);
    void (async () => {
      try {
        // the form first: nothing else reads the request's body
        const form = req.method === 'POST' ? await readForm(req) : null;
        const details = await provider.interactionDetails(req, res);
        if (!form) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, null));
          return;
        }
        const person = people.get((form.get('email') ?? '').toLowerCase());
        if (!person || person.password !== form.get('password')) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, 'Wrong e-mail or password.'));
          return;
        }
        const grant = new provider.Grant({ accountId: person.sub, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope ?? 'openid'));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId: person.sub, amr: person.amr }, consent: { grantId } }, { mergeWithLastSubmission: false });
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String((e as Error).message));
      }
    })();
  });

  return {
    issuer,
    people,
    backchannel,
    signingJwk: jwk,
    setPerson: (p) => people.set(p.email.toLowerCase(), p),
    setClient: (c) => clients.set(c.client_id, c),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A browser without a screen: cookies per host, redirects followed one by one, the login form submitted. */
export class UpstreamBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();
  /** every URL visited, in order */
  readonly visited: string[] = [];

  #jar(url: URL) {
    let j = this.#cookies.get(url.host);
    if (!j) this.#cookies.set(url.host, (j = new Map()));
    return j;
  }

  cookie(host: string, name: string): string | undefined {
    return this.#cookies.get(host)?.get(name);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    this.visited.push(u.href);
    const jar = this.#jar(u);
    const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(u, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\b/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follow redirects from `url` until a page answers (or `stopAt` matches the next URL, which is returned unvisited). */
  async follow(url: string, opts: { method?: string; form?: Record<string, string>; stopAt?: (u: URL) => boolean } = {}): Promise<{ res: Response; url: string; stopped: boolean }> {
    let res = await this.request(url, opts);
    let current = url;
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      const next = new URL(res.headers.get('location')!, current).href;
      if (opts.stopAt?.(new URL(next))) return { res, url: next, stopped: true };
      current = next;
      res = await this.request(current);
    }
    return { res, url: current, stopped: false };
  }

  /** Sign out at the provider (its own end-session page, "Yes, sign me out"), and follow on. */
  async signOutAtProvider(issuer: string, stopAt?: (u: URL) => boolean) {
    const page = await this.follow(`${issuer}/session/end`);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.res.text())?.[1];
    if (!xsrf) throw new Error('no sign-out form at the provider');
    return this.follow(`${issuer}/session/end/confirm`, { method: 'POST', form: { xsrf, logout: 'yes' }, stopAt });
  }

  /** On the provider's login page: sign in as this person, and follow on. */
  async signInAtProvider(loginPageUrl: string, email: string, password: string, stopAt?: (u: URL) => boolean) {
    const uid = /\/interaction\/([^/?]+)/.exec(loginPageUrl)![1];
    const origin = new URL(loginPageUrl).origin;
    return this.follow(`${origin}/interaction/${uid}/login`, { method: 'POST', form: { email, password }, stopAt });
  }
}
