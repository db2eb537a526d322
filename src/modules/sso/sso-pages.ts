/**
 * The plain pages of the browser flow: a refused sign-in explained in words (never a JSON blob), and
 * the owner's "Test sign-in" result. Self-contained HTML (no script), styled inline.
 */
import { createHash } from 'node:crypto';
import { htmlLangAttributes, intlFor, say, type IntlShape, type MessageDescriptor } from '../../platform/i18n/intl.ts';
import { isLocale, DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import { m } from './sso-pages.messages.ts';
import type { SignInPreview } from './sso.service.ts';
import type { SsoRefusal } from './sso.types.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type RefusalCode = SsoRefusal | 'sso.not_routed';
type Words = { title: MessageDescriptor; body: MessageDescriptor; status: number };

/** What each refusal means for the person in front of the screen, and what to do. */
export const REFUSAL_WORDS: Record<RefusalCode, Words> = {
  'sso.response_invalid': { title: m.invalidTitle, body: m.invalidBody, status: 400 },
  'sso.response_expired': { title: m.expiredTitle, body: m.expiredBody, status: 400 },
  'sso.response_replayed': { title: m.replayedTitle, body: m.replayedBody, status: 400 },
  'sso.wrong_audience': { title: m.audienceTitle, body: m.audienceBody, status: 400 },
  'sso.unsolicited': { title: m.unsolicitedTitle, body: m.unsolicitedBody, status: 400 },
  'sso.missing_email': { title: m.noEmailTitle, body: m.noEmailBody, status: 400 },
  'sso.provider_unreachable': { title: m.unreachableTitle, body: m.unreachableBody, status: 502 },
  'sso.provider_refused': { title: m.refusedTitle, body: m.refusedBody, status: 403 },
  'sso.connection_unavailable': { title: m.offTitle, body: m.offBody, status: 403 },
  'sso.email_not_on_verified_domain': { title: m.domainTitle, body: m.domainBody, status: 403 },
  'sso.account_conflict': { title: m.conflictTitle, body: m.conflictBody, status: 403 },
  'sso.account_disabled': { title: m.disabledTitle, body: m.disabledBody, status: 403 },
  'sso.flow_other_browser': { title: m.otherBrowserTitle, body: m.otherBrowserBody, status: 400 },
  'sso.not_routed': { title: m.notRoutedTitle, body: m.notRoutedBody, status: 404 },
};

function page(locale: Locale, title: string, body: string, script = ''): string {
  const { lang, dir } = htmlLangAttributes(locale);
  const intl = intlFor(locale);
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(say(intl, m.titleSuffix, { page: title, product: 'Partnergate' }))}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f6f8; color: #1a1d21; margin: 0; }
  main { max-width: 36rem; margin: 3rem auto; background: #fff; border: 1px solid #d6dbe0; border-radius: 8px; padding: 1.5rem 1.75rem; }
  h1 { font-size: 1.4rem; margin: 0 0 0.75rem; }
  p { line-height: 1.5; }
  a.button { display: inline-block; background: #1864ab; color: #fff; padding: 0.55rem 1rem; border-radius: 6px; text-decoration: none; font-weight: 600; }
  a.button, button { font: inherit; border: 0; cursor: pointer; }
  a.button:focus, button:focus { outline: 3px solid #74c0fc; outline-offset: 2px; }
  button { background: #1864ab; color: #fff; padding: 0.55rem 1rem; border-radius: 6px; font-weight: 600; }
  .muted { color: #495057; font-size: 0.9rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; }
  .warn { background: #fff4e6; border: 1px solid #f08c00; border-radius: 6px; padding: 0.6rem 0.8rem; }
  .ok { background: #ebfbee; border: 1px solid #2f9e44; border-radius: 6px; padding: 0.6rem 0.8rem; }
  @media (max-width: 600px) { main { margin: 1rem; } }
</style>
</head>
<body><main>${body}</main>${script}</body>
</html>`;
}

/** The reader's locale as given (English when unknown). */
const localeOf = (l: string | null | undefined): Locale => (isLocale(l) ? l : DEFAULT_LOCALE);

export function refusalPage(code: RefusalCode, requestId: string, locale: string | null = DEFAULT_LOCALE): { status: number; html: string } {
  const l = localeOf(locale);
  const intl = intlFor(l);
  const w = REFUSAL_WORDS[code] ?? REFUSAL_WORDS['sso.response_invalid'];
  const title = say(intl, w.title);
  return {
    status: w.status,
    html: page(
      l,
      title,
      `<h1>${esc(title)}</h1>
<p>${esc(say(intl, w.body))}</p>
<p><a class="button" href="/login">${esc(say(intl, m.back))}</a></p>
<p class="muted">${esc(say(intl, m.reference, { code, request: requestId }))}</p>`,
    ),
  };
}

/**
 * The pages of SAML single logout at our SingleLogoutService: signed out after the provider asked (200), signed
 * out here without the provider's confirmation (200), or a logout message refused, nobody signed out (400).
 */
export function signOutPage(kind: 'signed_out' | 'unconfirmed' | 'refused', requestId: string, locale: string | null = DEFAULT_LOCALE): { status: number; html: string } {
  const l = localeOf(locale);
  const intl = intlFor(l);
  const words = { signed_out: [m.signedOutTitle, m.signedOutBody], unconfirmed: [m.logoutUnconfirmedTitle, m.logoutUnconfirmedBody], refused: [m.logoutRefusedTitle, m.logoutRefusedBody] }[kind];
  const title = say(intl, words[0]);
  const reference = kind === 'refused' ? `\n<p class="muted">${esc(say(intl, m.reference, { code: 'sso.logout_refused', request: requestId }))}</p>` : '';
  return {
    status: kind === 'refused' ? 400 : 200,
    html: page(l, title, `<h1>${esc(title)}</h1>\n<p>${esc(say(intl, words[1]))}</p>\n<p><a class="button" href="/login">${esc(say(intl, m.signInAgain))}</a></p>${reference}`),
  };
}

/** The one script of these pages: it submits the form of formPostPage (allowed by its hash, nothing else runs). */
const SUBMIT_SCRIPT = 'document.getElementById("saml-post").submit();';
const SUBMIT_SCRIPT_HASH = `'sha256-${createHash('sha256').update(SUBMIT_SCRIPT).digest('base64')}'`;

/**
 * A SAML message of ours to the provider by the HTTP-POST binding (saml-bindings §3.5.4): a form that submits itself,
 * with its button for a browser that runs no script. Its CSP lets only that script run and the form go only to the
 * provider's address (and back here, where the provider's answer redirects).
 */
export function formPostPage(action: string, fields: Record<string, string>, locale: string | null = DEFAULT_LOCALE): { html: string; csp: string } {
  const l = localeOf(locale);
  const intl = intlFor(l);
  const title = say(intl, m.formPostTitle);
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const body = `<h1>${esc(title)}</h1>
<p>${esc(say(intl, m.formPostBody))}</p>
<form id="saml-post" method="post" action="${esc(action)}">${inputs}<button type="submit">${esc(say(intl, m.formPostButton))}</button></form>`;
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src ${SUBMIT_SCRIPT_HASH}; form-action ${new URL(action).origin} 'self'; frame-ancestors 'none'; base-uri 'none'`;
  return { html: page(l, title, body, `<script>${SUBMIT_SCRIPT}</script>`), csp };
}

function mfaWords(intl: IntlShape, p: SignInPreview): string {
  if (!p.upstream_mfa) return say(intl, m.mfaNone);
  return say(intl, p.mfa_counts ? m.mfaCounts : m.mfaIgnored);
}

export function testResultPage(p: SignInPreview, locale: string | null = DEFAULT_LOCALE): string {
  const l = localeOf(locale);
  const intl = intlFor(l);
  const t = (msg: MessageDescriptor, v?: Record<string, string>) => say(intl, msg, v);
  const row = (k: MessageDescriptor, v: string) => `<dt>${esc(t(k))}</dt><dd>${esc(v)}</dd>`;
  const refusal = p.refusal_code && p.refusal_code in REFUSAL_WORDS ? t(REFUSAL_WORDS[p.refusal_code as RefusalCode].title) : p.refusal;
  const verdict = refusal
    ? `<p class="warn"><strong>${esc(t(m.wouldRefuse))}</strong> ${esc(refusal)}</p>`
    : `<p class="ok">${esc(t(m.wouldWork, { person: p.person === 'new' ? 'new' : 'known' }))}</p>`;
  return page(
    l,
    t(m.testTitle),
    `<h1>${esc(t(m.testHeading))}</h1>
${verdict}
<dl>
${row(m.email, p.email)}
${row(m.name, p.name ?? t(m.notSent))}
${row(m.groups, p.groups.length ? p.groups.join(', ') : t(m.noneSent))}
${row(m.matched, p.matched_groups.length ? p.matched_groups.join(', ') : t(m.noneMatched))}
${row(m.role, p.role_name)}
${row(m.mfa, mfaWords(intl, p))}
</dl>
<p class="muted">${esc(t(m.nothingChanged))}</p>`,
  );
}

/** Security headers for these pages: no script, no framing, forms only to us. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
