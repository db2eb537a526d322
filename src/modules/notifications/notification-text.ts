/**
 * What a person reads about an event: the notification's title and sentence, the portal page it
 * opens, and the e-mail (invitation, link request waiting, access expiring, alert and the rest),
 * in plain words — names, never ids.
 */
import { renderMail, type MailBrand } from '../../platform/mail/mail-template.ts';
import type { MailMessage } from '../../platform/mail/mailer.ts';

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

const day = (iso: string | undefined) => (iso ? new Date(iso).toUTCString().slice(5, 16) : '');

/** The notice one side gets about one event. */
export function noticeFor(type: string, d: Data, side: Side): NoticeText {
  const tenant = d.tenant?.name ?? 'a customer';
  const partner = d.partner?.name ?? 'a partner';
  const role = d.delegation?.role_name ?? d.delegation?.role ?? '';
  const by = d.actor?.name ? ` by ${d.actor.name}` : '';
  const why = d.reason ? ` Reason given: “${d.reason}”.` : '';
  const tLink = d.tenant ? `/tenant/${d.tenant.id}/partners` : null;
  const pLink = '/partner/customers';
  const link = side === 'tenant' ? tLink : side === 'partner' ? pLink : '/operator/delegations';
  switch (type) {
    case 'delegation.requested':
      return { title: `${partner} asks for access to ${tenant}`, body: `${partner} asked for the “${role}” role until ${day(d.delegation?.ends_at)}.${why} Approve or reject it on the partner access page.`, link: tLink };
    case 'delegation.created':
      return { title: `${partner} was given access to ${tenant}`, body: `Access with the “${role}” role was granted${by}, until ${day(d.delegation?.ends_at)}.`, link };
    case 'delegation.approved':
      return { title: `${tenant} approved your access request`, body: `You now have the “${role}” role at ${tenant}${by}, until ${day(d.delegation?.ends_at)}.`, link: pLink };
    case 'delegation.rejected':
      return { title: `${tenant} rejected your access request`, body: `The request for the “${role}” role was rejected${by}.${why}`, link: pLink };
    case 'delegation.revoked':
      return { title: `Access of ${partner} to ${tenant} was revoked`, body: `The “${role}” access was revoked${by}; it no longer works.${why}`, link };
    case 'delegation.expiring': {
      const n = Number(d.days_left ?? 0);
      return { title: `Access of ${partner} to ${tenant} ends in ${n} day${n === 1 ? '' : 's'}`, body: `The “${role}” access ends on ${day(d.delegation?.ends_at)}. Renew it before then if it is still needed.`, link };
    }
    case 'delegation.expired':
      return { title: `Access of ${partner} to ${tenant} ended`, body: `The “${role}” access reached its end date.`, link };
    case 'delegation.extended':
      return { title: `Access of ${partner} to ${tenant} was extended`, body: `The “${role}” access now ends on ${day(d.delegation?.ends_at)}.`, link };
    case 'delegation.activated':
      return { title: `${partner} activated eligible access to ${tenant}`, body: `The “${role}” role is active${by} until ${new Date(String(d.active_until)).toUTCString()}.`, link };
    case 'consent.granted':
      return { title: `${tenant} allowed an app of ${partner}`, body: `An app of ${partner} may now act for ${tenant}${by}.`, link };
    case 'consent.revoked':
      return { title: `An app of ${partner} lost its permission at ${tenant}`, body: `The app can no longer act for ${tenant}${by}.`, link };
    case 'partner.applied':
      return { title: `${partner} applied to become a partner`, body: `Review the application, then approve it with the capabilities it may use, or reject it.`, link: d.partner ? `/operator/partners/${d.partner.id}` : '/operator/partners' };
    case 'partner.approved':
      return { title: `${partner} was approved`, body: `Your partner organization is active. ${whatYouCanDo(d.capabilities)}`, link: '/partner' };
    case 'referral.signed_up':
      return {
        title: `${tenant} signed up with your code ${String(d.code ?? '')}`,
        body: `${tenant} signed up through your referral code${d.code_label ? ` “${String(d.code_label)}”` : ''}. It earns you commission once it pays its invoices, under your agreement.`,
        link: '/partner/program/referrals',
      };
    case 'agreement.approved': {
      const a = (d.agreement ?? {}) as { version?: number; title?: string };
      return { title: `Your program agreement was approved`, body: `The platform approved “${a.title ?? 'the agreement'}” (version ${a.version ?? ''}). It is your current agreement: earnings are computed under its terms from now on.`, link: '/partner/program/agreement' };
    }
    case 'payout.recorded': {
      const p = (d.payout ?? {}) as { amount_minor?: number; currency?: string; reference?: string; paid_date?: string; lines?: number };
      const amount = money(p.amount_minor ?? 0, p.currency ?? 'EUR');
      return {
        title: `A payout of ${amount} was recorded`,
        body: `The platform paid you ${amount} on ${day(p.paid_date)} (reference ${p.reference ?? ''}), for ${p.lines ?? 0} earnings line${p.lines === 1 ? '' : 's'}.`,
        link: '/partner/program/earnings',
      };
    }
    case 'partner.suspended':
      return { title: `${partner} was suspended`, body: `None of your access works until the platform operator reactivates you.${why}`, link: '/partner' };
    case 'partner.reactivated':
      return { title: `${partner} was reactivated`, body: 'Your access works again.', link: '/partner' };
    case 'partner.terminated':
      return { title: `The partnership of ${partner} ended`, body: `Every access of your organization was revoked.${why}`, link: '/partner' };
    case 'alert.raised':
    case 'alert.resolved': {
      const a = (d.alert ?? {}) as { title?: string; severity?: string; detail?: string | null };
      const verb = type === 'alert.raised' ? 'Alert' : 'Resolved';
      const link = side === 'partner' ? '/partner/alerts' : tLink;
      // the alert's own title names the customer ("Critical: invoice overdue — Acme"); the customer's people
      // hear of every partner's alert on them, so theirs names the partner it came through
      const what = a.title === undefined ? `an alert at ${tenant}` : a.title.includes(tenant) ? a.title : `${a.title} at ${tenant}`;
      const title = side === 'partner' ? `${verb}: ${what}` : `${verb} from ${partner}: ${what}`;
      // without its detail (the reader may see that the alert exists, not its figures): no figure at all
      if (a.detail === null && type === 'alert.raised') return { title, body: `An alert was raised for ${tenant}; open Alerts to see it.`, link };
      return { title, body: `${a.detail ?? ''}${a.severity ? ` (severity: ${a.severity})` : ''}`.trim(), link };
    }
    case 'domain.verification_lost':
    case 'domain.dns_unanswered':
      return domainNotice(type, d);
    case 'webhook.endpoint_disabled': {
      const e = (d.endpoint ?? {}) as { url?: string; description?: string };
      return {
        title: `A webhook endpoint was turned off`,
        body: `${e.description || e.url} failed ${String(d.failures)} times in a row and was turned off. Deliveries wait until you turn it back on.`,
        link: null,
      };
    }
    default:
      return { title: type, body: '', link };
  }
}

/** What an approved partner may start doing, by the capabilities the operator granted: only those that ask customers for access are told they can. */
function whatYouCanDo(capabilities: unknown): string {
  const caps = Array.isArray(capabilities) ? (capabilities as string[]) : [];
  const can: string[] = [];
  if (caps.includes('managed_services')) can.push('ask customers for access to manage them');
  if (caps.includes('delegated')) can.push('register apps that customers connect');
  if (caps.includes('wholesale')) can.push('set up the customers you resell');
  if (caps.includes('referral')) can.push('share referral codes with the organizations you refer');
  if (can.length === 0) return 'Open your partner home to get started.';
  return `You can now ${can.length === 1 ? can[0] : `${can.slice(0, -1).join(', ')} and ${can[can.length - 1]}`}.`;
}

function money(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/** The e-mail version of a notice: one button to the portal page. */
export function noticeMail(to: { email: string; name: string }, n: NoticeText, publicUrl: string, footer?: string): MailMessage {
  return renderMail({
    to: to.email,
    subject: n.title,
    greeting: `Hello ${to.name},`,
    paragraphs: [n.body],
    ...(n.link ? { action: { label: 'Open in Partnergate', url: publicUrl + n.link } } : {}),
    footer: footer ?? 'You get this e-mail because of your notification settings in Partnergate (Your account → Notifications), where you can turn it off.',
  });
}

/** The invitation: the one-time link goes to the invitee by e-mail (and is never in an event or a log). */
export function invitationMail(i: { email: string; organization: string; kind: 'tenant' | 'partner'; role: string; inviter: string | null; url: string; expiresAt: string; brand?: MailBrand | null }): MailMessage {
  const roleWords: Record<string, string> = { TENANT_ADMIN: 'an administrator', TENANT_USER: 'a member', PARTNER_OWNER: 'an owner', PARTNER_STAFF: 'a staff member' };
  return renderMail({
    to: i.email,
    subject: `You are invited to join ${i.organization} on Partnergate`,
    greeting: 'Hello,',
    paragraphs: [
      `${i.inviter ?? 'Someone'} invited you to join ${i.organization} as ${roleWords[i.role] ?? i.role}.`,
      `The link works once and until ${new Date(i.expiresAt).toUTCString()}. If you did not expect this, ignore this message.`,
    ],
    action: { label: 'Accept the invitation', url: i.url },
    footer: `You get this e-mail because someone at ${i.organization} entered your address in Partnergate.`,
    brand: i.brand ?? null,
  });
}

/** The notices about an organization's sign-in domain. */
function domainNotice(type: string, d: Data): NoticeText {
  switch (type) {
  case 'domain.verification_lost': {
    const dom = (d.domain ?? {}) as { domain?: string; reason?: string };
    const owner = (d.owner ?? {}) as { type?: string; id?: string };
    return {
      title: `${dom.domain ?? 'A sign-in domain'} is no longer verified`,
      body: `The regular check no longer found its DNS TXT record (${dom.reason ?? 'no record'}). Its people are not sent to your company sign-in until the record is published again and checked.`,
      link: owner.type === 'tenant' ? `/tenant/${owner.id}/domains` : '/partner/domains',
    };
  }
  case 'domain.dns_unanswered': {
    const dom = (d.domain ?? {}) as { domain?: string };
    const owner = (d.owner ?? {}) as { type?: string; id?: string };
    const until = typeof d.verified_until === 'string' ? d.verified_until.slice(0, 16).replace('T', ' ') + ' UTC' : 'a few days from now';
    return {
      title: `DNS does not answer for ${dom.domain ?? 'a sign-in domain'}`,
      body: `The regular check could not get an answer about its DNS TXT record. It stays verified, and your company sign-in keeps working, until ${until}; check your DNS before then.`,
      link: owner.type === 'tenant' ? `/tenant/${owner.id}/domains` : '/partner/domains',
    };
  }
  }
  return { title: type, body: '', link: null };
}
