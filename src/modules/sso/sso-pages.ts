/**
 * The plain pages of the browser flow: a refused sign-in explained in words (never a JSON blob), and
 * the owner's "Test sign-in" result. Self-contained HTML (no script), styled inline.
 */
import type { SignInPreview } from './sso.service.ts';
import type { SsoRefusal } from './sso.types.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What each refusal means for the person in front of the screen, and what to do. */
export const REFUSAL_WORDS: Record<SsoRefusal | 'sso.not_routed', { title: string; body: string; status: number }> = {
  'sso.response_invalid': { title: 'We could not verify your company sign-in', body: "Your company's sign-in service sent an answer we could not check. Try again; if it keeps happening, ask your administrator to look at the single sign-on settings.", status: 400 },
  'sso.response_expired': { title: 'Your company sign-in took too long', body: 'The answer from your company’s sign-in arrived after it had expired. Start again from the sign-in page.', status: 400 },
  'sso.response_replayed': { title: 'This sign-in was already used', body: 'Each sign-in works once. Start again from the sign-in page.', status: 400 },
  'sso.wrong_audience': { title: 'Your company sign-in answered for another application', body: 'The answer was meant for a different application. Ask your administrator to check the client ID in the single sign-on settings.', status: 400 },
  'sso.unsolicited': { title: 'This sign-in was not started here', body: 'We did not start this sign-in, or it belongs to another attempt, or it waited too long. Start again from the sign-in page.', status: 400 },
  'sso.missing_email': { title: 'Your company sign-in did not say who you are', body: 'It did not send your e-mail address. Ask your administrator to release the e-mail claim to this application.', status: 400 },
  'sso.provider_unreachable': { title: 'Your company sign-in cannot be reached', body: 'We could not reach your company’s sign-in service. Try again in a few minutes. Your organization’s break-glass owner can still sign in with a password.', status: 502 },
  'sso.provider_refused': { title: 'Your company sign-in did not let you in', body: 'Your company’s sign-in service refused or cancelled the sign-in. If you think you should have access, ask your administrator.', status: 403 },
  'sso.connection_unavailable': { title: 'Company sign-in is switched off', body: 'Single sign-on for your organization is switched off at the moment. Sign in with your password, or ask your administrator.', status: 403 },
  'sso.email_not_on_verified_domain': { title: 'Your address is not on your organization’s verified domains', body: 'Only addresses on a domain your organization has proved it owns can join by company sign-in. Ask your administrator to verify your domain or to invite you.', status: 403 },
  'sso.account_conflict': { title: 'This address cannot be used with your company sign-in', body: 'Your e-mail address belongs to an account that your organization’s sign-in may not use (an operator, or a member of another organization), or your organization may not give the role it maps you to. Contact your administrator.', status: 403 },
  'sso.account_disabled': { title: 'Your account is turned off', body: 'Your account here is turned off. Contact your administrator.', status: 403 },
  'sso.flow_other_browser': { title: 'This sign-in was started in another browser', body: 'A company sign-in must finish in the browser where it began, so that nobody can sign you in to their account without you noticing. Start again from the sign-in page in this browser.', status: 400 },
  'sso.not_routed': { title: 'No company sign-in for this address', body: 'Your e-mail address is not on a domain that signs in with a company account here. Sign in with your password instead.', status: 404 },
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Partnergate</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f6f8; color: #1a1d21; margin: 0; }
  main { max-width: 36rem; margin: 3rem auto; background: #fff; border: 1px solid #d6dbe0; border-radius: 8px; padding: 1.5rem 1.75rem; }
  h1 { font-size: 1.4rem; margin: 0 0 0.75rem; }
  p { line-height: 1.5; }
  a.button { display: inline-block; background: #1864ab; color: #fff; padding: 0.55rem 1rem; border-radius: 6px; text-decoration: none; font-weight: 600; }
  a.button:focus { outline: 3px solid #74c0fc; outline-offset: 2px; }
  .muted { color: #495057; font-size: 0.9rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; }
  .warn { background: #fff4e6; border: 1px solid #f08c00; border-radius: 6px; padding: 0.6rem 0.8rem; }
  .ok { background: #ebfbee; border: 1px solid #2f9e44; border-radius: 6px; padding: 0.6rem 0.8rem; }
  @media (max-width: 600px) { main { margin: 1rem; } }
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export function refusalPage(code: SsoRefusal | 'sso.not_routed', requestId: string): { status: number; html: string } {
  const w = REFUSAL_WORDS[code] ?? REFUSAL_WORDS['sso.response_invalid'];
  return {
    status: w.status,
    html: page(
      w.title,
      `<h1>${esc(w.title)}</h1>
<p>${esc(w.body)}</p>
<p><a class="button" href="/login">Back to sign-in</a></p>
<p class="muted">If you ask for help, mention this reference: ${esc(code)} · ${esc(requestId)}</p>`,
    ),
  };
}

export function testResultPage(p: SignInPreview): string {
  const row = (k: string, v: string) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`;
  const verdict = p.refusal
    ? `<p class="warn"><strong>A real sign-in would be refused:</strong> ${esc(p.refusal)}</p>`
    : `<p class="ok">A real sign-in would work. ${p.person === 'new' ? 'This person would be added to your organization on their first sign-in.' : 'This person already has an account here.'}</p>`;
  return page(
    'Test sign-in result',
    `<h1>Test sign-in: what your provider said</h1>
${verdict}
<dl>
${row('E-mail address', p.email)}
${row('Name', p.name ?? '(not sent)')}
${row('Groups', p.groups.length ? p.groups.join(', ') : '(none sent)')}
${row('Groups that set the role', p.matched_groups.length ? p.matched_groups.join(', ') : '(none: the default role applies)')}
${row('Role they would get', p.role_name)}
${row('Second factor at the provider', p.upstream_mfa ? (p.mfa_counts ? 'Yes, and it counts here' : 'Yes, but it does not count here (you do not trust the provider’s MFA)') : 'No')}
</dl>
<p class="muted">Nobody was created and nothing changed. You can close this window.</p>`,
  );
}

/** Security headers for these pages: no script, no framing, forms only to us. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
