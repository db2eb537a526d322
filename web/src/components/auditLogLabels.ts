/** The audit log's words: who acted, on what, and the filters' keys. */
import type { AuditEventDto } from '../api/index.ts';
import type { Person } from './people.ts';
import { defineMessages, type Message } from '../i18n/define.ts';
import { say } from './format.ts';

const m = defineMessages({
  requestToService: { id: 'components.audit.target.request_to_service', defaultMessage: 'A request to a service' },
  dataOf: { id: 'components.audit.target.data_of', defaultMessage: 'data of {tenant}' },
  dataRequest: { id: 'components.audit.target.data_request', defaultMessage: 'data request' },
  partnerApiRead: { id: 'components.audit.target.partner_api_read', defaultMessage: 'Data read through the partner API' },
  /** `vowel`: the English article ("An API token", "A person"); other languages say it their way */
  unnamed: { id: 'components.audit.target.unnamed', defaultMessage: '{vowel, select, yes {An {kind}} other {A {kind}}}' },
  demoData: { id: 'components.audit.actor.demo_data', defaultMessage: 'Demo data' },
  demoSetUp: { id: 'components.audit.actor.demo_set_up', defaultMessage: 'set up with the demo' },
  automatic: { id: 'components.audit.actor.automatic', defaultMessage: 'automatic' },
  // the product acting by itself (a schedule, a sweep): its name, not translated
  system: { id: 'components.audit.actor.system', defaultMessage: '{product}' },
  notSignedIn: { id: 'components.audit.actor.not_signed_in', defaultMessage: 'Someone not signed in' },
  agency: { id: 'components.audit.actor.agency', defaultMessage: 'agency' },
  partnerApp: { id: 'components.audit.actor.partner_app', defaultMessage: 'partner app' },
  partnerAppOf: { id: 'components.audit.actor.partner_app_of', defaultMessage: 'partner app · {partner}' },
  someoneAt: { id: 'components.audit.actor.someone_at', defaultMessage: 'Someone at {organization}' },
  platformOperator: { id: 'components.audit.actor.platform_operator', defaultMessage: 'Platform operator' },
  platformTeam: { id: 'components.audit.actor.platform_team', defaultMessage: 'platform team' },
  tenantMember: { id: 'components.audit.actor.tenant_member', defaultMessage: 'tenant member' },
});

/** A map of words read in the portal's language each time one is used (`MAP[key]`, `Object.entries`). */
function spoken(messages: Record<string, Message>): Record<string, string> {
  return Object.defineProperties(
    {},
    Object.fromEntries(Object.entries(messages).map(([key, message]) => [key, { enumerable: true, get: () => say(message) }])),
  ) as Record<string, string>;
}

export const FILTER_KEYS = ['action', 'outcome', 'actor_user_id', 'target_id', 'tenant_id', 'partner_id', 'since', 'until'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export function short(id: string | null): string {
  if (!id) return '—';
  return id.length > 16 ? `${id.slice(0, 12)}…` : id;
}

/** What kind of thing an event is about, in words. */
export const KIND_LABELS: Record<string, string> = spoken(
  defineMessages({
    delegation: { id: 'components.audit.kind.delegation', defaultMessage: 'partner access' },
    billing_account: { id: 'components.audit.kind.billing_account', defaultMessage: 'billing account' },
    api_token: { id: 'components.audit.kind.api_token', defaultMessage: 'API token' },
    webhook_endpoint: { id: 'components.audit.kind.webhook_endpoint', defaultMessage: 'webhook' },
    audit_stream: { id: 'components.audit.kind.audit_stream', defaultMessage: 'audit streaming destination' },
    agency_token: { id: 'components.audit.kind.agency_token', defaultMessage: 'agency token' },
    kyc_case: { id: 'components.audit.kind.kyc_case', defaultMessage: 'KYC case' },
    kyc_document: { id: 'components.audit.kind.kyc_document', defaultMessage: 'KYC document' },
    oauth_grant: { id: 'components.audit.kind.oauth_grant', defaultMessage: 'connection' },
    signing_key: { id: 'components.audit.kind.signing_key', defaultMessage: 'signing key' },
    referral_code: { id: 'components.audit.kind.referral_code', defaultMessage: 'referral code' },
    access_token: { id: 'components.audit.kind.access_token', defaultMessage: 'access token' },
    user: { id: 'components.audit.kind.user', defaultMessage: 'person' },
    ticket: { id: 'components.audit.kind.ticket', defaultMessage: 'support ticket' },
    voucher: { id: 'components.audit.kind.voucher', defaultMessage: 'voucher' },
    order: { id: 'components.audit.kind.order', defaultMessage: 'order' },
    agreement: { id: 'components.audit.kind.agreement', defaultMessage: 'program agreement' },
  }),
);
export function kindLabel(type: string | null): string {
  if (!type) return '—';
  return Object.hasOwn(KIND_LABELS, type) ? KIND_LABELS[type] : type.replaceAll('_', ' ');
}

export interface Names {
  people: Map<string, Person>;
  tenants: Map<string, string>;
  partners: Map<string, string>;
}

export function who(id: string | null, names: Names): { main: string; sub: string | null } | null {
  if (!id) return null;
  const person = names.people.get(id);
  if (person) return { main: person.name, sub: person.email };
  const org = names.tenants.get(id) ?? names.partners.get(id);
  if (org) return { main: org, sub: null };
  return null;
}

/** Who acted, in words, when the page cannot name them. */
export const ACTOR_KINDS: Record<string, string> = spoken(
  defineMessages({
    user: { id: 'components.audit.actor_kind.user', defaultMessage: 'person' },
    api_token: { id: 'components.audit.actor_kind.api_token', defaultMessage: 'API token' },
    app: { id: 'components.audit.actor_kind.app', defaultMessage: 'partner app' },
    agency: { id: 'components.audit.actor_kind.agency', defaultMessage: 'agency' },
    system: { id: 'components.audit.actor_kind.system', defaultMessage: 'Partnergate' },
    anonymous: { id: 'components.audit.actor_kind.anonymous', defaultMessage: 'not signed in' },
  }),
);

/** What a partner's read across its customers  read, in words. */
export const ENDPOINT_LABELS: Record<string, string> = spoken(
  defineMessages({
  'GET /api/v1/partner/alerts/billing': { id: 'components.audit.endpoint.billing_alerts', defaultMessage: 'Billing alerts' },
  'GET /api/v1/partner/alerts/sla': { id: 'components.audit.endpoint.sla_alerts', defaultMessage: 'Service level alerts' },
  'GET /api/v1/partner/billing/invoices': { id: 'components.audit.endpoint.invoices', defaultMessage: 'Invoices' },
  'GET /api/v1/partner/billing/summary': { id: 'components.audit.endpoint.billing_summary', defaultMessage: 'Billing summary' },
  'GET /api/v1/partner/dashboard': { id: 'components.audit.endpoint.dashboard', defaultMessage: 'Dashboard figures' },
  'GET /api/v1/partner/customers/figures': { id: 'components.audit.endpoint.customer_figures', defaultMessage: 'Each customer’s figures' },
  'GET /api/v1/partner/reports/sla': { id: 'components.audit.endpoint.sla_report', defaultMessage: 'Service level report' },
  'GET /api/v1/partner/reports/usage': { id: 'components.audit.endpoint.usage_report', defaultMessage: 'Usage report' },
  'GET /api/v1/partner/resellers/billing': { id: 'components.audit.endpoint.reseller_billing', defaultMessage: 'Billing per reseller' },
  'GET /api/v1/partner/support/tickets': { id: 'components.audit.endpoint.tickets', defaultMessage: 'Support tickets' },
  'GET /api/v1/partner/support/tickets/:ticket_id': { id: 'components.audit.endpoint.ticket', defaultMessage: 'A support ticket' },
  'POST /api/v1/partner/billing/invoices/export': { id: 'components.audit.endpoint.invoice_export', defaultMessage: 'Invoice export' },
  }),
);

/** Events the demo seed wrote (its request ids start with "seed"): history that came with the demo. */
export function isDemoSeed(e: AuditEventDto): boolean {
  return typeof e.request_id === 'string' && /^seed[-:]/.test(e.request_id);
}

/** A record the page could not name, by its kind ("a support ticket") — never its id. */
export function unnamedTarget(type: string | null): { main: string; sub: string | null } | null {
  if (!type) return null;
  const kind = kindLabel(type);
  return { main: say(m.unnamed, { kind, vowel: /^[aeiou]/i.test(kind) ? 'yes' : 'no' }), sub: null };
}

/** The target in words: a billing account by its number, else the name the server sent, else a person or organisation the page knows. */
export function targetOf(e: AuditEventDto, names: Names, permissionWord: (name: string) => string): { main: string; sub: string | null } | null {
  if (e.target.type === 'billing_account' && e.ban) return { main: e.ban, sub: kindLabel(e.target.type) };
  if (e.target.type === 'route') {
    // a request through the gateway: what it needed, in words ("Read orders"), not its method and path
    const permission = typeof e.details.permission === 'string' ? e.details.permission : null;
    const what = permission ? permissionWord(permission) : say(m.requestToService);
    return { main: what.charAt(0).toUpperCase() + what.slice(1), sub: e.tenant_name ? say(m.dataOf, { tenant: e.tenant_name }) : say(m.dataRequest) };
  }
  if (e.target.type === 'endpoint') {
    const endpoint = e.target.id ?? '';
    return { main: Object.hasOwn(ENDPOINT_LABELS, endpoint) ? ENDPOINT_LABELS[endpoint] : say(m.partnerApiRead), sub: e.tenant_name ? say(m.dataOf, { tenant: e.tenant_name }) : null };
  }
  if (e.target.name) return { main: e.target.name, sub: kindLabel(e.target.type) };
  return who(e.target.id, names);
}

/** The actor as a person: the name the server sends with the event (a partner's person), else one the page resolved. */
export function actorOf(e: AuditEventDto, names: Names): { main: string; sub: string | null } | null {
  const x = e as AuditEventDto & { actor_name?: string | null; actor_email?: string | null; partner_name?: string | null };
  // the demo world was set up by the seed command, not by a person (its operator account only lends the seed its rights)
  if (isDemoSeed(e)) return { main: say(m.demoData), sub: say(m.demoSetUp) };
  if (e.actor.type === 'system') return { main: say(m.system, { product: 'Partnergate' }), sub: say(m.automatic) };
  if (e.actor.type === 'anonymous') return { main: say(m.notSignedIn), sub: null };
  if (e.actor.name) {
    const of = e.actor.partner_id ? (x.partner_name ?? names.partners.get(e.actor.partner_id)) : undefined;
    return { main: e.actor.name, sub: e.actor.type === 'agency' ? say(m.agency) : of ? say(m.partnerAppOf, { partner: of }) : say(m.partnerApp) };
  }
  // the partner the person acted for: only when they acted as a partner's person (a tenant admin approving a partner's request did not)
  const partner = e.actor.partner_id ? (x.partner_name ?? names.partners.get(e.actor.partner_id) ?? names.tenants.get(e.actor.partner_id)) : undefined;
  if (x.actor_name) return { main: x.actor_name, sub: [x.actor_email, partner].filter(Boolean).join(' · ') || null };
  const known = who(e.actor.user_id, names);
  if (known && partner) return { main: known.main, sub: [known.sub, partner].filter(Boolean).join(' · ') };
  if (known) return known;
  if (partner) return { main: say(m.someoneAt, { organization: partner }), sub: null };
  // a partner's view of what a tenant's person or the platform did (the person is not the partner's to know)
  if (e.actor_org?.kind === 'platform') return { main: say(m.platformOperator), sub: say(m.platformTeam) };
  if (e.actor_org?.kind === 'tenant' && e.actor_org.name) return { main: say(m.someoneAt, { organization: e.actor_org.name }), sub: say(m.tenantMember) };
  return null;
}
