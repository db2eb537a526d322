/**
 * What a person reads about an event: the notification's title and sentence, the portal page it
 * opens, and the e-mail (invitation, link request waiting, access expiring, alert and the rest),
 * in plain words — names, never ids.
 */
import { renderMail, type MailBrand } from '../../platform/mail/mail-template.ts';
import type { MailMessage } from '../../platform/mail/mailer.ts';
import { intlFor, say, type IntlShape, type MessageDescriptor } from '../../platform/i18n/intl.ts';
import type { Locale } from '../../platform/i18n/locales.ts';
import { alertWords, type AlertFacts } from './alert-text.ts';
import { im } from './invitation-mail.messages.ts';
import { m } from './notification-text.messages.ts';

interface Named {
  id: string;
  name: string;
}
type Data = Record<string, unknown> & { capabilities?: unknown; tenant?: Named; partner?: Named | null; delegation?: { role: string; role_name?: string; ends_at: string }; reason?: string | null; actor?: { name: string | null } };

export interface NoticeText {
  title: string;
  body: string;
  /** portal path, for the person's side (tenant or partner) */
  link: string | null;
}

export type Side = 'tenant' | 'partner' | 'operator';

/** A recipient's language for one notice: the formatter and how it writes days. */
interface Lang {
  intl: IntlShape;
  locale: Locale;
}

const langOf = (locale: Locale): Lang => ({ intl: intlFor(locale), locale });
const t = (l: Lang, msg: MessageDescriptor, values?: Record<string, string | number>) => say(l.intl, msg, values);

/** A day as the notices write it: English keeps "28 Nov 2026"; other languages their own medium date. */
function day(l: Lang, iso: string | undefined): string {
  if (!iso) return '';
  return l.locale === 'en' ? new Date(iso).toUTCString().slice(5, 16) : l.intl.formatDate(iso, { dateStyle: 'medium', timeZone: 'UTC' });
}

/** A moment with its time, in UTC. */
function moment(l: Lang, iso: string): string {
  return l.locale === 'en' ? new Date(iso).toUTCString() : `${l.intl.formatDate(iso, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}

/** Sentences one after the other (the reason given, when there is one, after the body). */
const then = (...parts: (string | null | undefined)[]) => parts.filter((x) => !!x).join(' ');

/** The notice one side gets about one event, in the recipient's language (English when not known). */
export function noticeFor(type: string, d: Data, side: Side, locale: Locale = 'en'): NoticeText {
  const l = langOf(locale);
  const tenant = d.tenant?.name ?? t(l, m.aCustomer);
  const partner = d.partner?.name ?? t(l, m.aPartner);
  const role = d.delegation?.role_name ?? d.delegation?.role ?? '';
  const actor = d.actor?.name ? d.actor.name : 'none';
  const why = d.reason ? t(l, m.reason, { reason: d.reason }) : null;
  const until = day(l, d.delegation?.ends_at);
  const tLink = d.tenant ? `/tenant/${d.tenant.id}/partners` : null;
  const pLink = '/partner/customers';
  const link = side === 'tenant' ? tLink : side === 'partner' ? pLink : '/operator/delegations';
  const v = { partner, tenant, role, actor, until };
  switch (type) {
    case 'delegation.requested':
      return { title: t(l, m.requestedTitle, v), body: then(t(l, m.requestedBody, v), why, t(l, m.requestedAction)), link: tLink };
    case 'delegation.created':
      return { title: t(l, m.createdTitle, v), body: t(l, m.createdBody, v), link };
    case 'delegation.approved':
      return { title: t(l, m.approvedTitle, v), body: t(l, m.approvedBody, v), link: pLink };
    case 'delegation.rejected':
      return { title: t(l, m.rejectedTitle, v), body: then(t(l, m.rejectedBody, v), why), link: pLink };
    case 'delegation.revoked':
      return { title: t(l, m.revokedTitle, v), body: then(t(l, m.revokedBody, v), why), link };
    case 'delegation.expiring':
      return { title: t(l, m.expiringTitle, { ...v, days: Number(d.days_left ?? 0) }), body: t(l, m.expiringBody, v), link };
    case 'delegation.expired':
      return { title: t(l, m.expiredTitle, v), body: t(l, m.expiredBody, v), link };
    case 'delegation.extended':
      return { title: t(l, m.extendedTitle, v), body: t(l, m.extendedBody, v), link };
    case 'delegation.activated':
      return { title: t(l, m.activatedTitle, v), body: t(l, m.activatedBody, { ...v, until: moment(l, String(d.active_until)) }), link };
    case 'consent.requested':
      return { title: t(l, m.consentRequestedTitle, v), body: t(l, m.consentRequestedBody), link: d.tenant ? `/tenant/${d.tenant.id}/consent-requests` : null };
    case 'consent.granted':
      return { title: t(l, m.consentGrantedTitle, v), body: t(l, m.consentGrantedBody, v), link };
    case 'consent.revoked':
      return { title: t(l, m.consentRevokedTitle, v), body: t(l, m.consentRevokedBody, v), link };
    case 'partner.applied':
      return { title: t(l, m.appliedTitle, v), body: t(l, m.appliedBody), link: d.partner ? `/operator/partners/${d.partner.id}` : '/operator/partners' };
    case 'partner.approved':
      return { title: t(l, m.partnerApprovedTitle, v), body: then(t(l, m.partnerApprovedBody), whatYouCanDo(l, d.capabilities)), link: '/partner' };
    case 'partner.suspended':
      return { title: t(l, m.suspendedTitle, v), body: then(t(l, m.suspendedBody), why), link: '/partner' };
    case 'partner.reactivated':
      return { title: t(l, m.reactivatedTitle, v), body: t(l, m.reactivatedBody), link: '/partner' };
    case 'partner.terminated':
      return { title: t(l, m.terminatedTitle, v), body: then(t(l, m.terminatedBody), why), link: '/partner' };
    case 'alert.raised':
    case 'alert.resolved':
      return alertNotice(l, type, d, side, tenant, partner, tLink);
    case 'domain.verification_lost':
    case 'domain.dns_unanswered':
      return domainNotice(l, type, d);
    default:
      return programNotice(l, type, d, tenant) ?? otherNotice(l, type, d) ?? { title: type, body: '', link };
  }
}

/** The program's notices: referrals, agreements, payouts. */
function programNotice(l: Lang, type: string, d: Data, tenant: string): NoticeText | null {
  switch (type) {
    case 'referral.signed_up':
      return {
        title: t(l, m.signedUpTitle, { tenant, code: String(d.code ?? '') }),
        body: t(l, m.signedUpBody, { tenant, label: d.code_label ? String(d.code_label) : 'none' }),
        link: '/partner/program/referrals',
      };
    case 'agreement.approved': {
      const a = (d.agreement ?? {}) as { version?: number; title?: string };
      return { title: t(l, m.agreementTitle), body: t(l, m.agreementBody, { agreement: a.title ?? t(l, m.theAgreement), version: String(a.version ?? '') }), link: '/partner/program/agreement' };
    }
    case 'payout.recorded': {
      const p = (d.payout ?? {}) as { amount_minor?: number; currency?: string; reference?: string; paid_date?: string; lines?: number };
      const amount = money(l, p.amount_minor ?? 0, p.currency ?? 'EUR');
      return {
        title: t(l, m.payoutTitle, { amount }),
        body: t(l, m.payoutBody, { amount, date: day(l, p.paid_date), reference: p.reference ?? '', lines: p.lines ?? 0 }),
        link: '/partner/program/earnings',
      };
    }
  }
  return null;
}

function otherNotice(l: Lang, type: string, d: Data): NoticeText | null {
  if (type !== 'webhook.endpoint_disabled') return null;
  const e = (d.endpoint ?? {}) as { url?: string; description?: string };
  return { title: t(l, m.endpointOffTitle), body: t(l, m.endpointOffBody, { endpoint: e.description || e.url || '', failures: String(d.failures) }), link: null };
}

const ALERT_KINDS = new Set(['sla_breach', 'receivables_threshold', 'invoice_overdue']);

/**
 * An alert raised or resolved. The alert's own title names the customer ("Critical: invoice overdue — Acme");
 * the customer's people hear of every partner's alert on them, so theirs names the partner it came through.
 */
function alertNotice(l: Lang, type: string, d: Data, side: Side, tenant: string, partner: string, tLink: string | null): NoticeText {
  const given = (d.alert ?? {}) as { kind?: string; title?: string; severity?: string; detail?: string | null; facts?: AlertFacts };
  // said from the alert's kind and figures in the reader's language; an alert told before they were kept has only its English words
  const words = given.kind && ALERT_KINDS.has(given.kind) && given.severity && given.title !== undefined ? alertWords(l.locale, { kind: given.kind, severity: given.severity, facts: given.facts ?? null, message: given.detail ?? '' }, tenant) : null;
  const a = { ...given, title: words?.title ?? given.title, detail: given.detail === null ? null : (words?.detail ?? given.detail) };
  const link = side === 'partner' ? '/partner/alerts' : tLink;
  const what = a.title === undefined ? t(l, m.anAlertAt, { tenant }) : a.title.includes(tenant) ? a.title : t(l, m.alertAt, { alert: a.title, tenant });
  const title = t(l, m.alertTitle, { event: type === 'alert.raised' ? 'raised' : 'resolved', from: side === 'partner' ? 'none' : partner, what });
  // without its detail (the reader may see that the alert exists, not its figures): no figure at all
  if (a.detail === null && type === 'alert.raised') return { title, body: t(l, m.alertHidden, { tenant }), link };
  return { title, body: then(a.detail ?? '', a.severity ? t(l, m.alertSeverity, { severity: a.severity }) : null), link };
}

/** What an approved partner may start doing, by the capabilities the operator granted: only those that ask customers for access are told they can. */
function whatYouCanDo(l: Lang, capabilities: unknown): string {
  const caps = Array.isArray(capabilities) ? (capabilities as string[]) : [];
  const can: string[] = [];
  if (caps.includes('managed_services')) can.push(t(l, m.canManage));
  if (caps.includes('delegated')) can.push(t(l, m.canApps));
  if (caps.includes('wholesale')) can.push(t(l, m.canResell));
  if (caps.includes('referral')) can.push(t(l, m.canRefer));
  if (can.length === 0) return t(l, m.canNothing);
  return t(l, m.canDo, { things: l.intl.formatList(can, { type: 'conjunction' }) });
}

function money(l: Lang, minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(l.locale === 'en' ? 'en-US' : l.locale, { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/** The e-mail version of a notice: one button to the portal page, in the recipient's language. */
export function noticeMail(to: { email: string; name: string }, n: NoticeText, publicUrl: string, footer?: 'listed', locale: Locale = 'en'): MailMessage {
  const l = langOf(locale);
  return renderMail({
    to: to.email,
    subject: n.title,
    greeting: t(l, m.hello, { name: to.name }),
    paragraphs: [n.body],
    ...(n.link ? { action: { label: t(l, m.open), url: publicUrl + n.link } } : {}),
    footer: t(l, footer === 'listed' ? m.footerListed : m.footer),
  });
}

/** The invitation: the one-time link goes to the invitee by e-mail (and is never in an event or a log), in the invitee's language. */
export function invitationMail(i: {
  email: string;
  organization: string | null;
  kind: 'tenant' | 'partner';
  role: string;
  inviter: string | null;
  url: string;
  expiresAt: string;
  brand?: MailBrand | null;
  locale?: Locale;
}): MailMessage {
  const l = langOf(i.locale ?? 'en');
  const organization = i.organization ?? t(l, im.anOrganization);
  return renderMail({
    to: i.email,
    subject: t(l, im.subject, { organization }),
    greeting: t(l, im.hello),
    paragraphs: [t(l, im.invited, { inviter: i.inviter ?? 'none', organization, role: i.role, roleName: i.role }), t(l, im.expires, { until: moment(l, i.expiresAt) })],
    action: { label: t(l, im.accept), url: i.url },
    footer: t(l, im.footer, { organization }),
    brand: i.brand ?? null,
  });
}

/** The notices about an organization's sign-in domain. */
function domainNotice(l: Lang, type: string, d: Data): NoticeText {
  const dom = (d.domain ?? {}) as { domain?: string; reason?: string };
  const owner = (d.owner ?? {}) as { type?: string; id?: string };
  const link = owner.type === 'tenant' ? `/tenant/${owner.id}/domains` : '/partner/domains';
  if (type === 'domain.verification_lost') {
    return { title: t(l, m.domainLostTitle, { domain: dom.domain ?? t(l, m.aDomain) }), body: t(l, m.domainLostBody, { reason: dom.reason ?? t(l, m.noRecord) }), link };
  }
  const until = typeof d.verified_until === 'string' ? (l.locale === 'en' ? d.verified_until.slice(0, 16).replace('T', ' ') + ' UTC' : moment(l, d.verified_until)) : t(l, m.fewDays);
  return { title: t(l, m.dnsTitle, { domain: dom.domain ?? t(l, m.aDomainLower) }), body: t(l, m.dnsBody, { until }), link };
}
