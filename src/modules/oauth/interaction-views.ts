/**
 * Server-rendered pages of the authorization server: sign in, consent, errors, logout — in the reader's
 * language (interaction-views.messages.ts, platform/i18n). No script at all (the CSP says `default-src
 * 'none'`), one stylesheet from our own origin, every value HTML-escaped. Forms carry a per-interaction
 * token on top of the SameSite interaction cookie.
 */
import { htmlLangAttributes, intlFor, say, type IntlShape, type MessageDescriptor } from '../../platform/i18n/intl.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import { m } from './interaction-views.messages.ts';

export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const STYLESHEET_PATH = '/oauth/interaction/static/partnergate.css';

/** The operator's words for the pages in one language (modules/languages): each null where none were written. */
export interface PageTexts {
  product_name: string | null;
  support_email: string | null;
  terms_url: string | null;
  privacy_url: string | null;
}

/** The reader's language on a page: its formatter, its locale and the operator's words in it. */
export interface PageLang {
  intl: IntlShape;
  locale: Locale;
  texts: PageTexts | null;
}

/** A page's language when nothing is known of the reader (English, the product's own words). */
export function pageLang(locale: Locale = DEFAULT_LOCALE, texts: PageTexts | null = null): PageLang {
  return { intl: intlFor(locale), locale, texts };
}

type Values = Record<string, string | number>;

/** A message as plain text (not yet escaped). */
const str = (l: PageLang, msg: MessageDescriptor, values?: Values): string => say(l.intl, msg, values);

/** A message as text: formatted, then escaped. */
function t(l: PageLang, msg: MessageDescriptor, values?: Values): string {
  return esc(str(l, msg, values));
}

/** A message with markup (`<b>`, `<em>`): each value escaped first, the tags made elements. */
function h(l: PageLang, msg: MessageDescriptor, values: Values = {}): string {
  const safe: Record<string, string | number | ((chunks: string[]) => string)> = {};
  for (const [k, v] of Object.entries(values)) safe[k] = typeof v === 'string' ? esc(v) : v;
  safe.b = (chunks) => `<strong>${chunks.join('')}</strong>`;
  safe.em = (chunks) => `<em>${chunks.join('')}</em>`;
  const r = l.intl.formatMessage(msg, safe as never) as unknown;
  return Array.isArray(r) ? r.join('') : String(r);
}

const product = (l: PageLang) => l.texts?.product_name || 'Partnergate';
const day = (l: PageLang, iso: string) => l.intl.formatDate(iso, { dateStyle: 'medium', timeZone: 'UTC' });

/** A partner's brand on the page (modules/branding: colours already checked for contrast). */
export interface PageBrand {
  name: string;
  primaryColor: string | null;
  accentColor: string | null;
  logoUrl: string | null;
  poweredBy: string;
}

const HEX = /^#[0-9a-f]{6}$/i;

/**
 * The brand's colours as CSS variables the stylesheet reads, in one <style> element the page's
 * CSP admits by its hash (interaction.routes.ts): nothing but two validated #rrggbb values.
 */
export function brandStyle(brand: PageBrand | null | undefined): string | null {
  if (!brand) return null;
  const vars = [brand.primaryColor && HEX.test(brand.primaryColor) ? `--brand:${brand.primaryColor}` : '', brand.accentColor && HEX.test(brand.accentColor) ? `--accent:${brand.accentColor}` : ''].filter(Boolean);
  return vars.length ? `:root{${vars.join(';')}}` : null;
}

function brandHeader(l: PageLang, brand: PageBrand | null | undefined): string {
  if (!brand) return `<p class="brand">${esc(product(l))}</p>`;
  const logo = brand.logoUrl ? `<img class="brand-logo" src="${esc(brand.logoUrl)}" alt="" height="32">` : '';
  return `<div class="brandbar" data-testid="partner-brand">${logo}<p class="brand">${esc(brand.name)}</p><p class="powered">${t(l, m.poweredBy, { provider: brand.poweredBy })}</p></div>`;
}

/** The operator's support address and legal links, where it wrote them for this language. */
function footer(l: PageLang): string {
  const x = l.texts;
  if (!x) return '';
  const parts = [
    x.support_email ? t(l, m.support, { email: x.support_email }) : '',
    x.terms_url ? `<a href="${esc(x.terms_url)}" rel="noopener noreferrer">${t(l, m.terms)}</a>` : '',
    x.privacy_url ? `<a href="${esc(x.privacy_url)}" rel="noopener noreferrer">${t(l, m.privacy)}</a>` : '',
  ].filter(Boolean);
  return parts.length ? `\n<footer class="muted small" data-testid="page-footer">${parts.join(' · ')}</footer>` : '';
}

function layout(l: PageLang, title: string, body: string, brand?: PageBrand | null): string {
  const style = brandStyle(brand);
  const { lang, dir } = htmlLangAttributes(l.locale);
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${t(l, m.titleSuffix, { page: title, product: brand?.name ?? product(l) })}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">${style ? `
<style>${style}</style>` : ''}
</head>
<body>
<main class="card">
${brandHeader(l, brand)}
${body}${footer(l)}
</main>
</body>
</html>`;
}

export interface LoginView {
  action: string;
  csrf: string;
  clientName: string | null;
  partnerName: string | null;
  email?: string;
  error?: string | null;
  /** the portal session's user, offered as "continue as" */
  sessionEmail?: string | null;
}

export function loginPage(l: PageLang, v: LoginView): string {
  const cont = v.sessionEmail
    ? `<form method="post" action="${esc(v.action)}" class="stack">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<input type="hidden" name="use_session" value="1">
<button type="submit" class="primary" data-testid="continue-as">${t(l, m.continueAs, { email: v.sessionEmail })}</button>
</form>
<p class="muted center">${t(l, m.orAnother)}</p>`
    : '';
  const app = v.clientName ?? str(l, m.theApp);
  return layout(
    l,
    str(l, m.signInTitle),
    `<h1>${t(l, m.signInHeading, { app })}</h1>
<p class="muted">${t(l, m.signInIntro, { partner: v.partnerName ?? str(l, m.aPartner), product: product(l) })}</p>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${cont}
<form method="post" action="${esc(v.action)}" class="stack">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<label for="email">${t(l, m.email)}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${esc(v.email ?? '')}">
<label for="password">${t(l, m.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="${v.sessionEmail ? 'secondary' : 'primary'}">${t(l, m.signIn)}</button>
</form>
<form method="post" action="${esc(v.action.replace(/\/login$/, '/abort'))}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" class="link">${t(l, m.cancel)}</button>
</form>`,
  );
}

export interface ScopeLine {
  scope: string;
  description: string;
}

export interface ConsentView {
  action: string;
  csrf: string;
  user: { email: string; name: string };
  app: { name: string; logoUri: string | null; description: string | null; clientId: string };
  partner: { name: string; website: string | null; approvedAt: string | null };
  tenant: { id: string; name: string };
  /** other tenants the user administers (to switch) */
  otherTenants: { id: string; name: string; href: string }[];
  scopes: ScopeLine[];
  identity: ScopeLine[];
  offline: boolean;
  bans: { id: string; accountNumber: string; name: string }[];
  selectedBans: string[] | null;
  billTo: string | null;
  /** the lengths a connection may be given, in days */
  durations: number[];
  selectedDays: number;
  /** the purpose catalog, and the ones ticked (what the app asked for, or the customer's last choice) */
  purposes: { id: string; name: string; description: string }[];
  selectedPurposes: string[];
  error?: string | null;
  redirectHost: string;
  /** the app's current connection to this organisation, which approving replaces */
  replaces?: { since: string; endsAt: string } | null;
  /** the partner's brand, where the provider lets its customers see it */
  brand?: PageBrand | null;
}

/** The app's header: its logo, its name, its partner (verified or not) and the partner's site. */
function appHeader(l: PageLang, app: { name: string; logoUri: string | null }, partner: ConsentView['partner']): string {
  const website = partner.website ? ` · <a href="${esc(partner.website)}" rel="noopener noreferrer">${esc(hostOf(partner.website))}</a>` : '';
  const verified = partner.approvedAt ? `<span class="badge" title="${t(l, m.verifiedOn, { date: day(l, partner.approvedAt) })}">${t(l, m.verified)}</span>` : '';
  const logo = app.logoUri ? `<img class="logo" src="${esc(app.logoUri)}" alt="" width="48" height="48">` : `<span class="logo placeholder" aria-hidden="true">${esc(app.name.charAt(0).toUpperCase())}</span>`;
  return `<header class="app">${logo}<div><h1>${esc(app.name)}</h1><p class="muted">${h(l, m.byPartner, { partner: partner.name }).replace('<strong>', '<strong data-testid="partner-name">')} ${verified}${website}</p></div></header>`;
}

function scopeList(l: PageLang, lines: ScopeLine[], none: MessageDescriptor): string {
  const items = lines.map((s) => `<li><strong>${esc(s.description)}</strong> <code>${esc(s.scope)}</code></li>`).join('\n');
  return `<ul class="scopes" data-testid="scopes">${items || `<li>${t(l, none)}</li>`}</ul>`;
}

/** The two buttons that end a consent page. */
function decisionButtons(l: PageLang): string {
  return `<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">${t(l, m.deny)}</button>
<button type="submit" name="decision" value="approve" class="primary">${t(l, m.approve)}</button>
</div>`;
}

/** Which accounts, billed to which, for how long. */
function accountChoices(l: PageLang, v: ConsentView): string {
  const selected = new Set(v.selectedBans ?? v.bans.map((b) => b.id));
  const bans = v.bans
    .map((b) => `<li><label><input type="checkbox" name="ban_ids" value="${esc(b.id)}"${selected.has(b.id) ? ' checked' : ''}> ${esc(b.name)} <span class="muted">${esc(b.accountNumber)}</span></label></li>`)
    .join('\n');
  const billTo = v.billTo ?? v.bans[0]?.id ?? '';
  const billOptions = v.bans.map((b) => `<option value="${esc(b.id)}"${b.id === billTo ? ' selected' : ''}>${esc(b.name)} (${esc(b.accountNumber)})</option>`).join('');
  const durations = v.durations
    .map((d) => `<option value="${d}"${d === v.selectedDays ? ' selected' : ''}>${t(l, m.duration, { years: d % 365 === 0 ? d / 365 : 0, days: d })}</option>`)
    .join('');
  return `<h2>${t(l, m.onAccounts)}</h2>
<ul class="bans">${bans}</ul>
<label for="bill_to">${t(l, m.billTo)}</label>
<select id="bill_to" name="bill_to">${billOptions}</select>
<label for="duration_days">${t(l, m.howLong)}</label>
<select id="duration_days" name="duration_days">${durations}</select>`;
}

export function consentPage(l: PageLang, v: ConsentView): string {
  const switcher = v.otherTenants.length
    ? `<p class="muted">${h(l, m.actingFor, { tenant: v.tenant.name })} ${t(l, m.switchTo)} ${v.otherTenants.map((x) => `<a href="${esc(x.href)}">${esc(x.name)}</a>`).join(', ')}</p>`
    : `<p class="muted">${h(l, m.actingFor, { tenant: v.tenant.name })}</p>`;
  const replaces = v.replaces
    ? `<p class="notice" data-testid="replaces-connection">${h(l, m.replaces, { app: v.app.name, tenant: v.tenant.name, since: day(l, v.replaces.since), until: day(l, v.replaces.endsAt) })}</p>`
    : '';
  return layout(
    l,
    str(l, m.connectTitle, { app: v.app.name }),
    `${appHeader(l, v.app, v.partner)}
${v.app.description ? `<p>${esc(v.app.description)}</p>` : ''}
<p>${h(l, m.signedInAs, { email: v.user.email, partner: v.partner.name })}</p>
${switcher}
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${replaces}
<form method="post" action="${esc(v.action)}" class="stack">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<input type="hidden" name="tenant_id" value="${esc(v.tenant.id)}">
<h2>${t(l, m.ableTo)}</h2>
${scopeList(l, [...v.scopes, ...v.identity], m.onlyConfirm)}
${v.offline ? `<p class="muted">${t(l, m.offline)}</p>` : ''}
${purposeChoices(l, v.purposes, new Set(v.selectedPurposes))}
${accountChoices(l, v)}
<p class="muted">${h(l, m.revokeAnyTime, { host: v.redirectHost })}</p>
${decisionButtons(l)}
</form>`,
    v.brand,
  );
}

/**
 * What the access is for (purpose-bound consent): one checkbox per purpose of the catalog, with its
 * description; the ones the app asked for come ticked. The customer may untick any, and revoke each
 * later on its own under Partners with access.
 */
function purposeChoices(l: PageLang, list: ConsentView['purposes'], selected: ReadonlySet<string>): string {
  if (list.length === 0) return '';
  const items = list
    .map(
      (p) =>
        `<li><label><input type="checkbox" name="purposes" value="${esc(p.id)}"${selected.has(p.id) ? ' checked' : ''} aria-describedby="purpose-${esc(p.id)}"> ${esc(p.name)}</label><p class="purpose-desc" id="purpose-${esc(p.id)}">${esc(p.description)}</p></li>`,
    )
    .join('\n');
  return `<fieldset class="purposes" data-testid="purposes"><legend>${t(l, m.purposesLegend)}</legend>
<p class="purpose-desc-intro">${t(l, m.purposesIntro)}</p>
<ul class="bans">${items}</ul></fieldset>`;
}

export interface MemberConsentView {
  action: string;
  csrf: string;
  user: { email: string; name: string; role: string };
  app: { name: string; logoUri: string | null; description: string | null };
  partner: { name: string; website: string | null; approvedAt: string | null };
  scopes: ScopeLine[];
  identity: ScopeLine[];
  offline: boolean;
  days: number;
  redirectHost: string;
  /** the purposes the app asked for (catalog names): its tokens are for these only */
  purposes?: { id: string; name: string; description: string }[];
  /** the partner's brand (its own people see it) */
  brand?: PageBrand | null;
}

/**
 * A member of the app's own partner (an MSP's owner or staff) authorizes the app to act as them:
 * no organisation or billing account to pick — the app chooses the managed customer per request,
 * and gets there only what the partner's link and these permissions both allow.
 */
export function memberConsentPage(l: PageLang, v: MemberConsentView): string {
  const role = v.user.role === 'PARTNER_OWNER' ? 'owner' : 'staff';
  return layout(
    l,
    str(l, m.authorizeTitle, { app: v.app.name }),
    `${appHeader(l, v.app, v.partner)}
${v.app.description ? `<p>${esc(v.app.description)}</p>` : ''}
<p data-testid="member-consent">${h(l, m.wantsToAct, { app: v.app.name, partner: v.partner.name })}</p>
${scopeList(l, [...v.scopes, ...v.identity], m.confirmWho)}
${memberPurposes(l, v.purposes ?? [])}
<p class="muted">${h(l, m.memberSignedIn, { email: v.user.email, role, partner: v.partner.name })}</p>
${v.offline ? `<p class="muted">${t(l, m.memberOffline, { days: v.days, partner: v.partner.name })}</p>` : ''}
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<p class="muted">${t(l, m.sentBack, { host: v.redirectHost })}</p>
${decisionButtons(l)}
</form>`,
    v.brand,
  );
}

/** What a member's tokens will be for (the purposes the app asked for), as sentences. */
function memberPurposes(l: PageLang, list: NonNullable<MemberConsentView['purposes']>): string {
  if (list.length === 0) return '';
  const items = list.map((p) => `<li data-purpose="${esc(p.id)}"><strong>${esc(p.name)}:</strong> ${esc(p.description)}</li>`).join('\n');
  return `<p>${t(l, m.onlyFor)}</p>\n<ul class="scopes" data-testid="purposes">${items}</ul>`;
}

/** A tenant admin signed in to an app whose partner does not act for customers (an MSP's app for its own team). */
export function notForCustomersPage(l: PageLang, v: { action: string; csrf: string; email: string; appName: string; partnerName: string }): string {
  return layout(
    l,
    str(l, m.notAvailableTitle),
    `<h1>${t(l, m.ownTeamHeading, { app: v.appName, partner: v.partnerName })}</h1>
<p>${h(l, m.ownTeamBody, { email: v.email, partner: v.partnerName })}</p>
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" name="decision" value="deny" class="secondary">${t(l, m.returnToApp)}</button>
</form>`,
  );
}

export function notAdminPage(l: PageLang, v: { action: string; csrf: string; email: string; appName: string }): string {
  return layout(
    l,
    str(l, m.adminNeededTitle),
    `<h1>${t(l, m.adminNeededHeading, { app: v.appName })}</h1>
<p>${h(l, m.adminNeededBody, { email: v.email })}</p>
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" name="decision" value="deny" class="secondary">${t(l, m.returnToApp)}</button>
</form>`,
  );
}

/** The words an error page can give for why (the error's own code is shown as it is). */
export const ERROR_WORDS = { expired: m.expired, formExpired: m.formExpired, formExpiredReload: m.formExpiredReload } as const;

export function errorPage(l: PageLang, error: string, description: string | MessageDescriptor | null): string {
  const why = description === null ? null : typeof description === 'string' ? esc(description) : t(l, description);
  return layout(
    l,
    str(l, m.errorTitle),
    `<h1>${t(l, m.errorHeading)}</h1>
<p class="error" role="alert"><code>${esc(error)}</code>${why ? ` — ${why}` : ''}</p>
<p class="muted">${t(l, m.startAgain)}</p>`,
  );
}

/** The description of an unsupported interaction step. */
export function unsupportedStep(l: PageLang, step: string): string {
  return str(l, m.unsupportedStep, { product: product(l), step });
}

export function logoutPage(l: PageLang, form: string): string {
  // `form` is the library's hidden form (id op.logoutForm) carrying its own xsrf token.
  return layout(
    l,
    str(l, m.signOutTitle),
    `<h1>${t(l, m.signOutHeading, { product: product(l) })}</h1>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" class="secondary">${t(l, m.stay)}</button>
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary">${t(l, m.signOut)}</button>
</div>`,
  );
}

export function loggedOutPage(l: PageLang, clientName: string | null): string {
  return layout(l, str(l, m.signedOutTitle), `<h1>${t(l, m.signedOutHeading)}</h1><p>${t(l, m.signedOutOf, { app: clientName ?? 'none' })}</p>`);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f1f3f5;color:#212529;display:flex;align-items:flex-start;justify-content:center;padding:40px 16px}
.card{background:#fff;max-width:560px;width:100%;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06);padding:28px 32px}
.brand{margin:0 0 12px;font-weight:700;color:var(--brand,#1864ab);letter-spacing:.02em}
.brandbar{display:flex;align-items:center;gap:10px;flex-wrap:wrap;border-bottom:3px solid var(--accent,var(--brand,#1864ab));padding-bottom:10px;margin-bottom:14px}
.brandbar .brand{margin:0;font-size:17px}
.brandbar .powered{margin:0 0 0 auto;font-size:12px;color:#5c636a}
.brand-logo{height:32px;width:auto;max-width:160px;object-fit:contain}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:15px;margin:18px 0 6px}
.muted{color:#5c636a}
.center{text-align:center}
.error{background:#fff5f5;border:1px solid #ffc9c9;color:#c92a2a;padding:8px 12px;border-radius:8px}
.notice{background:#fff9db;border:1px solid #ffe066;color:#5c4a00;padding:8px 12px;border-radius:8px}
.badge{display:inline-block;background:#e6fcf5;color:#087f5b;border:1px solid #96f2d7;border-radius:999px;padding:0 8px;font-size:12px;font-weight:600}
header.app{display:flex;gap:14px;align-items:center;margin-bottom:12px}
.logo{width:48px;height:48px;border-radius:10px;object-fit:cover;flex:none}
.logo.placeholder{display:flex;align-items:center;justify-content:center;background:#e7f5ff;color:#1864ab;font-weight:700;font-size:22px}
.stack{display:flex;flex-direction:column;gap:6px}
label{font-weight:600;margin-top:6px}
input[type=email],input[type=password],select{font:inherit;padding:8px 10px;border:1px solid #ced4da;border-radius:8px;width:100%}
ul.scopes,ul.bans{margin:0;padding-left:18px}
ul.bans{list-style:none;padding-left:0}
ul.bans label{font-weight:400}
fieldset.purposes{border:none;padding:0;margin:12px 0 0}
fieldset.purposes legend{font-size:15px;font-weight:700;padding:0;margin:0 0 4px}
.purpose-desc{margin:0 0 6px 24px;font-size:13px;color:#495057}
.purpose-desc-intro{margin:0 0 6px;color:#495057}
code{font-size:12px;color:#5c636a}
.actions{display:flex;gap:10px;justify-content:flex-end;margin-top:14px}
footer{margin-top:18px;padding-top:10px;border-top:1px solid #e9ecef;font-size:13px}
button{font:inherit;font-weight:600;border-radius:8px;padding:9px 18px;cursor:pointer;border:1px solid transparent}
button.primary{background:var(--brand,#1864ab);color:#fff}
button.secondary{background:#fff;color:#495057;border-color:#ced4da}
button.link{background:none;border:none;color:#5c636a;padding:8px 0;font-weight:400;text-decoration:underline}
a{color:var(--brand,#1864ab)}
.card.wide{max-width:760px}
a.button{display:inline-block;font-weight:600;border-radius:8px;padding:9px 18px;text-decoration:none}
a.button.primary{background:var(--brand,#1864ab);color:#fff}
.actions.wrap{flex-wrap:wrap;justify-content:flex-start}
table.claims{border-collapse:collapse;width:100%;margin:8px 0}
table.claims th{text-align:left;padding:4px 10px 4px 0;vertical-align:top;white-space:nowrap;color:#495057}
table.claims td{padding:4px 0;word-break:break-all}
table.claims code{font-size:13px;color:#212529}
pre{background:#f8f9fa;border-radius:6px;padding:8px;font-size:12px;overflow:auto;max-height:240px}
`;
