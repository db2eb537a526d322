/** The audit log's words: who acted, on what, and the filters' keys. */
import type { AuditEventDto } from '../api/index.ts';
import type { Person } from './people.ts';

export const FILTER_KEYS = ['action', 'outcome', 'actor_user_id', 'target_id', 'tenant_id', 'partner_id', 'since', 'until'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export function short(id: string | null): string {
  if (!id) return '—';
  return id.length > 16 ? `${id.slice(0, 12)}…` : id;
}

/** What kind of thing an event is about, in words. */
export const KIND_LABELS: Record<string, string> = {
  delegation: 'partner access',
  billing_account: 'billing account',
  api_token: 'API token',
  webhook_endpoint: 'webhook',
  audit_stream: 'audit streaming destination',
  agency_token: 'agency token',
  kyc_case: 'KYC case',
  kyc_document: 'KYC document',
  oauth_grant: 'connection',
  signing_key: 'signing key',
  referral_code: 'referral code',
  access_token: 'access token',
  user: 'person',
  ticket: 'support ticket',
  voucher: 'voucher',
  order: 'order',
  agreement: 'program agreement',
};
export function kindLabel(type: string | null): string {
  if (!type) return '—';
  return KIND_LABELS[type] ?? type.replaceAll('_', ' ');
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
export const ACTOR_KINDS: Record<string, string> = { user: 'person', api_token: 'API token', app: 'partner app', agency: 'agency', system: 'Partnergate', anonymous: 'not signed in' };

/** What a partner's read across its customers  read, in words. */
export const ENDPOINT_LABELS: Record<string, string> = {
  'GET /api/v1/partner/alerts/billing': 'Billing alerts',
  'GET /api/v1/partner/alerts/sla': 'Service level alerts',
  'GET /api/v1/partner/billing/invoices': 'Invoices',
  'GET /api/v1/partner/billing/summary': 'Billing summary',
  'GET /api/v1/partner/dashboard': 'Dashboard figures',
  'GET /api/v1/partner/customers/figures': 'Each customer’s figures',
  'GET /api/v1/partner/reports/sla': 'Service level report',
  'GET /api/v1/partner/reports/usage': 'Usage report',
  'GET /api/v1/partner/resellers/billing': 'Billing per reseller',
  'GET /api/v1/partner/support/tickets': 'Support tickets',
  'GET /api/v1/partner/support/tickets/:ticket_id': 'A support ticket',
  'POST /api/v1/partner/billing/invoices/export': 'Invoice export',
};

/** Events the demo seed wrote (its request ids start with "seed"): history that came with the demo. */
export function isDemoSeed(e: AuditEventDto): boolean {
  return typeof e.request_id === 'string' && /^seed[-:]/.test(e.request_id);
}

/** A record the page could not name, by its kind ("a support ticket") — never its id. */
export function unnamedTarget(type: string | null): { main: string; sub: string | null } | null {
  if (!type) return null;
  const kind = kindLabel(type);
  return { main: `${/^[aeiou]/i.test(kind) ? 'An' : 'A'} ${kind}`, sub: null };
}

/** The target in words: a billing account by its number, else the name the server sent, else a person or organisation the page knows. */
export function targetOf(e: AuditEventDto, names: Names, permissionWord: (name: string) => string): { main: string; sub: string | null } | null {
  if (e.target.type === 'billing_account' && e.ban) return { main: e.ban, sub: kindLabel(e.target.type) };
  if (e.target.type === 'route') {
    // a request through the gateway: what it needed, in words ("Read orders"), not its method and path
    const permission = typeof e.details.permission === 'string' ? e.details.permission : null;
    const what = permission ? permissionWord(permission) : 'A request to a service';
    return { main: what.charAt(0).toUpperCase() + what.slice(1), sub: e.tenant_name ? `data of ${e.tenant_name}` : 'data request' };
  }
  if (e.target.type === 'endpoint') return { main: ENDPOINT_LABELS[e.target.id ?? ''] ?? 'Data read through the partner API', sub: e.tenant_name ? `data of ${e.tenant_name}` : null };
  if (e.target.name) return { main: e.target.name, sub: kindLabel(e.target.type) };
  return who(e.target.id, names);
}

/** The actor as a person: the name the server sends with the event (a partner's person), else one the page resolved. */
export function actorOf(e: AuditEventDto, names: Names): { main: string; sub: string | null } | null {
  const x = e as AuditEventDto & { actor_name?: string | null; actor_email?: string | null; partner_name?: string | null };
  // the demo world was set up by the seed command, not by a person (its operator account only lends the seed its rights)
  if (isDemoSeed(e)) return { main: 'Demo data', sub: 'set up with the demo' };
  if (e.actor.type === 'system') return { main: 'Partnergate', sub: 'automatic' };
  if (e.actor.type === 'anonymous') return { main: 'Someone not signed in', sub: null };
  if (e.actor.name) {
    const of = e.actor.partner_id ? (x.partner_name ?? names.partners.get(e.actor.partner_id)) : undefined;
    return { main: e.actor.name, sub: e.actor.type === 'agency' ? 'agency' : ['partner app', of].filter(Boolean).join(' · ') };
  }
  // the partner the person acted for: only when they acted as a partner's person (a tenant admin approving a partner's request did not)
  const partner = e.actor.partner_id ? (x.partner_name ?? names.partners.get(e.actor.partner_id) ?? names.tenants.get(e.actor.partner_id)) : undefined;
  if (x.actor_name) return { main: x.actor_name, sub: [x.actor_email, partner].filter(Boolean).join(' · ') || null };
  const known = who(e.actor.user_id, names);
  if (known && partner) return { main: known.main, sub: [known.sub, partner].filter(Boolean).join(' · ') };
  if (known) return known;
  if (partner) return { main: `Someone at ${partner}`, sub: null };
  // a partner's view of what a tenant's person or the platform did (the person is not the partner's to know)
  if (e.actor_org?.kind === 'platform') return { main: 'Platform operator', sub: 'platform team' };
  if (e.actor_org?.kind === 'tenant' && e.actor_org.name) return { main: `Someone at ${e.actor_org.name}`, sub: 'tenant member' };
  return null;
}
