/**
 * Browser tests against a real Partnergate: the app runs in-process on a random port with a fresh
 * database (SQLite, or PostgreSQL when DATABASE_URL is set), the portal is the built web/dist, and
 * the browser is Debian's Chromium driven by playwright-core (no browser download).
 *
 * One browser per worker process, launched by its first spec file and shared by the files after it
 * (a launch and a close cost 1.5–3 s of two busy cores, once per file before); each actor gets its
 * own browser context (own cookies, storage and cache), which is what keeps one file from seeing
 * another's, and a portal closes its contexts when its file ends. Pages are reused across the
 * steps of a journey to keep specs fast.
 */
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'artifacts/screenshots');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Less of the browser's own work per page on two shared cores, where the tests are CPU-bound: every site in
  // as few renderer processes as possible (each browser context otherwise starts its own), none of the
  // browser's background services (measured on three journey files: 101–102 → 96–97 CPU-seconds).
  '--disable-site-isolation-trials',
  '--disable-features=IsolateOrigins,site-per-process,Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,PaintHolding',
  '--renderer-process-limit=3',
  '--disable-extensions',
  '--mute-audio',
  '--disable-breakpad',
];

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Builds web/dist when it is missing or stale (scripts/ensure-web-build.ts), once at a time:
 * spec files run in parallel workers, so a directory lock keeps two builds from racing.
 */
export async function ensurePortalBuilt(): Promise<void> {
  const lock = path.join(ROOT, 'artifacts/.web-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a build that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        // it went away meanwhile
      }
      if (i > 600) throw new Error('timed out waiting for another portal build');
      await sleep(200);
    }
  }
  try {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/ensure-web-build.ts')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`building the portal failed (exit ${r.status})`);
  } finally {
    rmdirSync(lock);
  }
}

export interface Portal {
  t: TestApp;
  url: string;
  /** the address the server sees for this portal's browser (sent as X-Forwarded-For) */
  clientIp: string;
  browser: Browser;
  /** a fresh browser context (its own cookies) with one page */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * `opts.locale`: the browsers' language (default en-US). `opts.localhost`: serve the portal at http://localhost:PORT, with PUBLIC_URL saying so — what
 * WebAuthn needs (a passkey's relying party is a domain, never an IP address) and what e-mailed
 * links point to. `opts.crossOrigin`: pages on another origin call the app (see newPage).
 */
export async function startPortal(
  config: Record<string, string> = {},
  opts: { localhost?: boolean; crossOrigin?: boolean; /** the browser's language (navigator.languages, Accept-Language): a pseudo-locale such as en-XA in the language tests */ locale?: string } = {},
): Promise<Portal> {
  await ensurePortalBuilt();
  // With REDIS_URL set, login and application rate limits are counted in Redis per client IP, and
  // every test app on this machine shares 127.0.0.1 and the same keys. The browser therefore stands
  // behind a "proxy" with an address of its own, so these specs neither trip nor feed other files' limits.
  const port = opts.localhost ? await freePort() : undefined;
  const t = await startTestApp({ listen: true, port, config: { TRUST_PROXY: 'true', ...(port ? { PUBLIC_URL: `http://localhost:${port}` } : {}), ...config } });
  const url = port ? `http://localhost:${port}` : t.url!;
  const clientIp = `10.${randomInt(256)}.${randomInt(256)}.${1 + randomInt(254)}`;
  let browser: Browser;
  try {
    browser = await workerBrowser();
  } catch (err) {
    await t.close();
    throw err;
  }
  const contexts: BrowserContext[] = [];
  return {
    t,
    url,
    clientIp,
    browser,
    async newPage() {
      const ctx = await browser.newContext({
        baseURL: url,
        viewport: { width: 1280, height: 860 },
        locale: opts.locale ?? 'en-US',
        timezoneId: 'UTC',
        // the portal then shows dialogs at once (no opening animation to click into: web/src/main.tsx)
        reducedMotion: 'reduce',
      });
      // The address header on every request the context makes. A portal whose pages call the app from
      // another origin (an agency's site) adds it by interception instead, so those calls need no CORS
      // preflight for it; interception turns the browser's HTTP cache off, and every page load then
      // fetches and compiles the portal's scripts again, so it is not the default.
      if (opts.crossOrigin) await ctx.route(`${url}/**`, (route) => route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': clientIp } }));
      else await ctx.setExtraHTTPHeaders({ 'x-forwarded-for': clientIp });
      ctx.setDefaultTimeout(15_000);
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => process.stderr.write(`[portal page error] ${e.message}\n`));
      watchNetwork(page);
      return page;
    },
    async close() {
      // the browser stays for the worker's next file (workerBrowser)
      for (const c of contexts) await c.close().catch(() => undefined);
      await t.close();
    },
  };
}

let sharedBrowser: Promise<Browser> | null = null;

/**
 * This worker's Chromium, launched on first use and again if it went away (crashed, or closed by a
 * spec). launch() starts it on a fresh, throw-away user-data-dir; Playwright closes it when the
 * worker process exits.
 */
async function workerBrowser(): Promise<Browser> {
  const current = await sharedBrowser?.catch(() => null);
  if (current?.isConnected()) return current;
  sharedBrowser = chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  const launched = sharedBrowser;
  // a failed launch is not kept: the next file tries again
  launched.catch(() => {
    if (sharedBrowser === launched) sharedBrowser = null;
  });
  return launched;
}

/**
 * What each open page asked the server, for a failed test's report: the last answers (status, time
 * taken), the requests that failed at the network and those still waiting. A browser test that
 * times out waiting for rows then says whether the rows' request failed, was refused or never came back.
 */
interface PageWatch {
  page: Page;
  log: string[];
  pending: Map<import('playwright-core').Request, number>;
  /** every request still open (documents, scripts, API calls), and when one last started or ended */
  open: Set<import('playwright-core').Request>;
  lastActivity: number;
}
const watched = new Map<Page, PageWatch>();

function watchNetwork(page: Page): void {
  const w: PageWatch = { page, log: [], pending: new Map(), open: new Set(), lastActivity: Date.now() };
  watched.set(page, w);
  page.on('close', () => watched.delete(page));
  const opened = (r: import('playwright-core').Request) => {
    w.open.add(r);
    w.lastActivity = Date.now();
  };
  const ended = (r: import('playwright-core').Request) => {
    w.open.delete(r);
    w.lastActivity = Date.now();
  };
  page.on('request', opened);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  const started = Date.now();
  const note = (line: string) => {
    w.log.push(`+${((Date.now() - started) / 1000).toFixed(1)}s ${line}`);
    if (w.log.length > 60) w.log.shift();
  };
  const api = (r: import('playwright-core').Request) => new URL(r.url()).pathname.startsWith('/api/');
  page.on('request', (r) => {
    if (api(r)) w.pending.set(r, Date.now());
  });
  page.on('requestfinished', async (r) => {
    const t0 = w.pending.get(r);
    w.pending.delete(r);
    if (t0 === undefined) return;
    const status = (await r.response().catch(() => null))?.status() ?? '?';
    note(`${status} ${r.method()} ${new URL(r.url()).pathname} ${Date.now() - t0} ms`);
  });
  page.on('requestfailed', (r) => {
    const t0 = w.pending.get(r);
    w.pending.delete(r);
    if (t0 !== undefined) note(`FAILED ${r.method()} ${new URL(r.url()).pathname} after ${Date.now() - t0} ms: ${r.failure()?.errorText ?? ''}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') note(`console error: ${m.text().slice(0, 300)}`);
  });
}

/**
 * Waits until the page has had no request open for `quietMs`, counted from this call at the earliest:
 * Playwright's `networkidle` waits 500 ms of quiet, and only once per document (a page opened by
 * address). A request open longer than `timeoutMs` fails the wait, naming it.
 */
export async function networkQuiet(page: Page, quietMs = 150, timeoutMs = 30_000): Promise<void> {
  const w = watched.get(page);
  if (!w) return page.waitForLoadState('networkidle');
  const since = Date.now();
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      const quiet = Date.now() - Math.max(w.lastActivity, since);
      if (w.open.size === 0 && quiet >= quietMs) return resolve();
      if (Date.now() - since > timeoutMs) return reject(new Error(`the page still waits for ${[...w.open].map((r) => r.url()).join(', ')} after ${timeoutMs} ms`));
      setTimeout(check, w.open.size === 0 ? quietMs - quiet : 25);
    };
    check();
  });
}

/**
 * Called for a failed browser test (test/e2e/helpers/setup.ts): a screenshot of every open page
 * (artifacts/screenshots/FAILED-…) and, on stderr, its address and what it asked the server.
 */
export async function reportFailedTest(testName: string): Promise<void> {
  const slug = testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  let i = 0;
  for (const w of watched.values()) {
    i++;
    const lines = [`[failed test] ${testName} — page ${i}: ${w.page.url()}`, ...w.log.map((l) => `  ${l}`)];
    for (const [r, t0] of w.pending) lines.push(`  still waiting after ${Date.now() - t0} ms: ${r.method()} ${new URL(r.url()).pathname}`);
    try {
      lines.push(`  screenshot: ${await screenshot(w.page, `FAILED-${slug}-${i}`, { always: true })}`);
    } catch (e) {
      lines.push(`  no screenshot: ${(e as Error).message.split('\n')[0]}`);
    }
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

/** Logs in through the login form and waits until the portal shows the user's home page. */
export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  // by the fields' purpose, not their words: the same in every language the portal speaks
  await page.locator('input[autocomplete="username"]').fill(email);
  await page.locator('input[autocomplete="current-password"]').fill(password);
  await page.locator('form button[type="submit"]').first().click();
  // "/" redirects to the user's home; wait for where they land.
  await page.waitForURL((u) => u.pathname !== '/login' && u.pathname !== '/');
  await page.getByTestId('user-menu').waitFor();
  // The home page's own queries (and any redirect they lead to) settle before the test acts: a phone
  // menu opened during a late redirect closes again with it.
  await networkQuiet(page, 300);
}

export async function logout(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('log-out').click();
  await page.waitForURL((u) => u.pathname.startsWith('/login'));
}

/**
 * Whether the pictures of passing steps are taken: by default on a developer's machine (to look at
 * what a journey showed) and not in CI (CI=true), where nobody opens them; E2E_SCREENSHOTS=1 or 0
 * says otherwise. A failed test's pictures (reportFailedTest) are taken always.
 */
export const STEP_SCREENSHOTS = process.env.E2E_SCREENSHOTS ? process.env.E2E_SCREENSHOTS !== '0' : process.env.CI !== 'true';

/**
 * Full-page PNG under artifacts/screenshots/ (git-ignored); returns its path, or null when pictures of
 * passing steps are not taken (STEP_SCREENSHOTS) and `always` is not set.
 */
export async function screenshot(page: Page, name: string, opts: { always?: boolean } = {}): Promise<string | null> {
  if (!STEP_SCREENSHOTS && !opts.always) return null;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // Let notifications and transitions settle so the picture shows what a user sees.
  await page.waitForTimeout(250);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Clicks (or sets) a switch once it is enabled. Mantine draws its track over the input, so the click
 * is forced, and a forced click skips Playwright's own wait for an enabled element: a switch still
 * waiting for its data would take the click and do nothing.
 */
export async function toggleSwitch(sw: Locator, checked?: boolean): Promise<void> {
  await sw.locator('xpath=self::*[not(@disabled)]').waitFor({ state: 'attached' });
  if (checked === undefined) await sw.click({ force: true });
  else await sw.setChecked(checked, { force: true });
}

/** The one-time secret or link shown in the open dialog. */
export async function oneTimeSecret(page: Page): Promise<string> {
  const el = page.getByTestId('one-time-secret');
  await el.waitFor();
  return (await el.innerText()).trim();
}

/** A TCP port nobody listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
