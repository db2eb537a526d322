/**
 * Server-rendered pages of the authorization server: sign in, consent, errors, logout. No script
 * at all (the CSP says `default-src 'none'`), one stylesheet from our own origin, every value
 * HTML-escaped. Forms carry a per-interaction token on top of the SameSite interaction cookie.
 */

export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const STYLESHEET_PATH = '/oauth/interaction/static/partnergate.css';

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

function brandHeader(brand: PageBrand | null | undefined): string {
  if (!brand) return '<p class="brand">Partnergate</p>';
  const logo = brand.logoUrl ? `<img class="brand-logo" src="${esc(brand.logoUrl)}" alt="" height="32">` : '';
  return `<div class="brandbar" data-testid="partner-brand">${logo}<p class="brand">${esc(brand.name)}</p><p class="powered">powered by ${esc(brand.poweredBy)}</p></div>`;
}

function layout(title: string, body: string, brand?: PageBrand | null): string {
  const style = brandStyle(brand);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} · ${esc(brand?.name ?? 'Partnergate')}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">${style ? `
<style>${style}</style>` : ''}
</head>
<body>
<main class="card">
${brandHeader(brand)}
${body}
</main>
</body>
</html>`;
}

export interface LoginView {
  action: string;
  csrf: string;
  clientName: string;
  partnerName: string;
  email?: string;
  error?: string | null;
  /** the portal session's user, offered as "continue as" */
  sessionEmail?: string | null;
}

export function loginPage(v: LoginView): string {
  const cont = v.sessionEmail
    ? `<form method="post" action="${esc(v.action)}" class="stack">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<input type="hidden" name="use_session" value="1">
<button type="submit" class="primary" data-testid="continue-as">Continue as ${esc(v.sessionEmail)}</button>
</form>
<p class="muted center">or sign in with another account</p>`
    : '';
  return layout(
    'Sign in',
    `<h1>Sign in to connect ${esc(v.clientName)}</h1>
<p class="muted">${esc(v.partnerName)} asks for access to your organisation's account. Sign in with your Partnergate account — never give your password to the partner.</p>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${cont}
<form method="post" action="${esc(v.action)}" class="stack">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${esc(v.email ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="${v.sessionEmail ? 'secondary' : 'primary'}">Sign in</button>
</form>
<form method="post" action="${esc(v.action.replace(/\/login$/, '/abort'))}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" class="link">Cancel and return to the app</button>
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
  durations: { days: number; label: string }[];
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

export function consentPage(v: ConsentView): string {
  const website = v.partner.website ? ` · <a href="${esc(v.partner.website)}" rel="noopener noreferrer">${esc(hostOf(v.partner.website))}</a>` : '';
  const verified = v.partner.approvedAt
    ? `<span class="badge" title="Approved by the platform operator on ${esc(v.partner.approvedAt.slice(0, 10))}">Verified partner</span>`
    : '';
  const logo = v.app.logoUri ? `<img class="logo" src="${esc(v.app.logoUri)}" alt="" width="48" height="48">` : `<span class="logo placeholder" aria-hidden="true">${esc(v.app.name.charAt(0).toUpperCase())}</span>`;
  const scopeItems = [...v.scopes, ...v.identity]
    .map((s) => `<li><strong>${esc(s.description)}</strong> <code>${esc(s.scope)}</code></li>`)
    .join('\n');
  const selected = new Set(v.selectedBans ?? v.bans.map((b) => b.id));
  const bans = v.bans
    .map(
      (b) => `<li><label><input type="checkbox" name="ban_ids" value="${esc(b.id)}"${selected.has(b.id) ? ' checked' : ''}> ${esc(b.name)} <span class="muted">${esc(b.accountNumber)}</span></label></li>`,
    )
    .join('\n');
  const billTo = v.billTo ?? v.bans[0]?.id ?? '';
  const billOptions = v.bans.map((b) => `<option value="${esc(b.id)}"${b.id === billTo ? ' selected' : ''}>${esc(b.name)} (${esc(b.accountNumber)})</option>`).join('');
  const durations = v.durations.map((d) => `<option value="${d.days}"${d.days === v.selectedDays ? ' selected' : ''}>${esc(d.label)}</option>`).join('');
  const purposes = purposeChoices(v.purposes, new Set(v.selectedPurposes));
  const switcher = v.otherTenants.length
    ? `<p class="muted">Acting for <strong>${esc(v.tenant.name)}</strong>. Switch to: ${v.otherTenants.map((t) => `<a href="${esc(t.href)}">${esc(t.name)}</a>`).join(', ')}</p>`
    : `<p class="muted">Acting for <strong>${esc(v.tenant.name)}</strong>.</p>`;
  return layout(
    `Connect ${v.app.name}`,
    `<header class="app">${logo}<div><h1>${esc(v.app.name)}</h1><p class="muted">by <strong data-testid="partner-name">${esc(v.partner.name)}</strong> ${verified}${website}</p></div></header>
${v.app.description ? `<p>${esc(v.app.description)}</p>` : ''}
<p>Signed in as <strong>${esc(v.user.email)}</strong>. ${esc(v.partner.name)} asks to act for your organisation through this app. It will never see your password.</p>
${switcher}
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${
  v.replaces
    ? `<p class="notice" data-testid="replaces-connection"><strong>${esc(v.app.name)} is already connected to ${esc(v.tenant.name)}</strong> (since ${esc(v.replaces.since.slice(0, 10))}, until ${esc(v.replaces.endsAt.slice(0, 10))}). Approving replaces that connection: it ends now, and from then on the app has only what you approve on this page.</p>`
    : ''
}
<form method="post" action="${esc(v.action)}" class="stack">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<input type="hidden" name="tenant_id" value="${esc(v.tenant.id)}">
<h2>It will be able to</h2>
<ul class="scopes" data-testid="scopes">${scopeItems || '<li>Only confirm that you approved the connection</li>'}</ul>
${v.offline ? '<p class="muted">It keeps this access while you are away, until the connection ends or you revoke it.</p>' : ''}
${purposes}
<h2>On these billing accounts</h2>
<ul class="bans">${bans}</ul>
<label for="bill_to">Bill what it orders to</label>
<select id="bill_to" name="bill_to">${billOptions}</select>
<label for="duration_days">For how long</label>
<select id="duration_days" name="duration_days">${durations}</select>
<p class="muted">You can revoke this at any time under <em>Connected partners</em>. After approving you will be sent back to ${esc(v.redirectHost)}.</p>
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" class="primary">Approve</button>
</div>
</form>`,
    v.brand,
  );
}

/**
 * What the access is for (purpose-bound consent): one checkbox per purpose of the catalog, with its
 * description; the ones the app asked for come ticked. The customer may untick any, and revoke each
 * later on its own under Partners with access.
 */
function purposeChoices(list: ConsentView['purposes'], selected: ReadonlySet<string>): string {
  if (list.length === 0) return '';
  const items = list
    .map(
      (p) =>
        `<li><label><input type="checkbox" name="purposes" value="${esc(p.id)}"${selected.has(p.id) ? ' checked' : ''} aria-describedby="purpose-${esc(p.id)}"> ${esc(p.name)}</label><p class="purpose-desc" id="purpose-${esc(p.id)}">${esc(p.description)}</p></li>`,
    )
    .join('\n');
  return `<fieldset class="purposes" data-testid="purposes"><legend>For these purposes only</legend>
<p class="purpose-desc-intro">The partner may use this access only for what you tick. You can take back each purpose on its own later.</p>
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
export function memberConsentPage(v: MemberConsentView): string {
  const website = v.partner.website ? ` · <a href="${esc(v.partner.website)}" rel="noopener noreferrer">${esc(hostOf(v.partner.website))}</a>` : '';
  const verified = v.partner.approvedAt
    ? `<span class="badge" title="Approved by the platform operator on ${esc(v.partner.approvedAt.slice(0, 10))}">Verified partner</span>`
    : '';
  const logo = v.app.logoUri ? `<img class="logo" src="${esc(v.app.logoUri)}" alt="" width="48" height="48">` : `<span class="logo placeholder" aria-hidden="true">${esc(v.app.name.charAt(0).toUpperCase())}</span>`;
  const scopeItems = [...v.scopes, ...v.identity].map((s) => `<li><strong>${esc(s.description)}</strong> <code>${esc(s.scope)}</code></li>`).join('\n');
  const role = v.user.role === 'PARTNER_OWNER' ? 'owner' : 'staff';
  return layout(
    `Authorize ${v.app.name}`,
    `<header class="app">${logo}<div><h1>${esc(v.app.name)}</h1><p class="muted">by <strong data-testid="partner-name">${esc(v.partner.name)}</strong> ${verified}${website}</p></div></header>
${v.app.description ? `<p>${esc(v.app.description)}</p>` : ''}
<p data-testid="member-consent"><strong>${esc(v.app.name)}</strong> by <strong>${esc(v.partner.name)}</strong> wants to act as you, with these permissions:</p>
<ul class="scopes" data-testid="scopes">${scopeItems || '<li>Only confirm who you are</li>'}</ul>
${memberPurposes(v.purposes ?? [])}
<p class="muted">Signed in as <strong>${esc(v.user.email)}</strong> (${esc(role)} at ${esc(v.partner.name)}). The app names the customer organisation on every request, and can do there only what both your partner's access to it and these permissions allow. It never sees your password.</p>
${v.offline ? `<p class="muted">It keeps this access while you are away, for up to ${v.days} days; it ends at once if you leave ${esc(v.partner.name)} or your account is deactivated.</p>` : ''}
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<p class="muted">After approving you will be sent back to ${esc(v.redirectHost)}.</p>
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" class="primary">Approve</button>
</div>
</form>`,
    v.brand,
  );
}

/** What a member's tokens will be for (the purposes the app asked for), as sentences. */
function memberPurposes(list: NonNullable<MemberConsentView['purposes']>): string {
  if (list.length === 0) return '';
  const items = list.map((p) => `<li data-purpose="${esc(p.id)}"><strong>${esc(p.name)}:</strong> ${esc(p.description)}</li>`).join('\n');
  return `<p>It asks to use this access only for:</p>\n<ul class="scopes" data-testid="purposes">${items}</ul>`;
}

/** A tenant admin signed in to an app whose partner does not act for customers (an MSP's app for its own team). */
export function notForCustomersPage(v: { action: string; csrf: string; email: string; appName: string; partnerName: string }): string {
  return layout(
    'Not available',
    `<h1>${esc(v.appName)} is for ${esc(v.partnerName)}'s own team</h1>
<p>You are signed in as <strong>${esc(v.email)}</strong>. ${esc(v.partnerName)} does not act for customer organisations through apps, so this app cannot be connected to yours.</p>
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" name="decision" value="deny" class="secondary">Return to the app</button>
</form>`,
  );
}

export function notAdminPage(v: { action: string; csrf: string; email: string; appName: string }): string {
  return layout(
    'Administrator needed',
    `<h1>An administrator must approve ${esc(v.appName)}</h1>
<p>You are signed in as <strong>${esc(v.email)}</strong>, who is not an administrator of an active customer organisation. Only a tenant administrator can connect a partner app.</p>
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" name="decision" value="deny" class="secondary">Return to the app</button>
</form>`,
  );
}

export function errorPage(error: string, description: string | null): string {
  return layout(
    'Something went wrong',
    `<h1>This request cannot continue</h1>
<p class="error" role="alert"><code>${esc(error)}</code>${description ? ` — ${esc(description)}` : ''}</p>
<p class="muted">Start again from the app that sent you here.</p>`,
  );
}

export function logoutPage(form: string): string {
  // `form` is the library's hidden form (id op.logoutForm) carrying its own xsrf token.
  return layout(
    'Sign out',
    `<h1>Sign out of Partnergate?</h1>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary">Sign out</button>
</div>`,
  );
}

export function loggedOutPage(clientName: string | null): string {
  return layout('Signed out', `<h1>You are signed out</h1><p>${clientName ? `You signed out of ${esc(clientName)}.` : 'You signed out.'}</p>`);
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
