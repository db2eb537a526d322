/**
 * The catalog of domain events: every event Partnergate reports, its version, its payload's
 * schema (what a webhook receives under `data`), the words a person reads for it, who is told
 * and by which channel by default. docs/events.md is written from it (`npm run generate:events`).
 *
 * A webhook body is `{ "type", "version", "timestamp", "data" }` (the Standard Webhooks
 * payload shape, plus the version of `data`'s schema); the `webhook-id` header is the event's
 * id, the same on every retry and redelivery, so a receiver drops duplicates by it.
 * A payload only ever grows: a field is never removed or retyped within a version.
 */
import Type, { type TSchema } from 'typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Ref = (what: string) => Type.Object({ id: Type.String(), name: Type.String() }, { description: `the ${what}` });

const Delegation = Type.Object(
  {
    id: Type.String({ description: 'dlg_… id' }),
    origin: Type.String({ description: 'link, consent or wholesale' }),
    role: Type.String({ description: 'the delegation role id, e.g. MSP_FULL' }),
    role_name: Type.String({ description: 'the role in words, e.g. "MSP full access"' }),
    status: Type.String({ description: 'requested, active, expired, revoked or rejected' }),
    starts_at: Type.String({ format: 'date-time' }),
    ends_at: Type.String({ format: 'date-time' }),
  },
  { description: 'the delegation (partner access to a tenant)' },
);
const Actor = Type.Object({ user_id: Nullable(Type.String()), name: Nullable(Type.String()) }, { description: 'who did it (null for the system)' });

const DelegationEvent = (extra: Record<string, TSchema> = {}) =>
  Type.Object({ delegation: Delegation, tenant: Ref('tenant'), partner: Ref('partner'), actor: Actor, reason: Nullable(Type.String()), ...extra });

const PartnerEvent = Type.Object({
  partner: Ref('partner'),
  actor: Actor,
  reason: Nullable(Type.String()),
  capabilities: Type.Optional(Type.Array(Type.String(), { description: 'what the partner may do now: delegated, wholesale, managed_services, referral' })),
});
const ProgramPartner = Ref('referral partner');
const ConsentEvent = Type.Object({ tenant: Ref('tenant'), partner: Ref('partner'), actor: Actor, delegation_id: Nullable(Type.String()), grant_id: Nullable(Type.String()) });
const AlertEvent = Type.Object({
  alert: Type.Object({
    id: Type.String(),
    kind: Type.String(),
    severity: Type.String({ description: 'info, warning or critical' }),
    title: Type.String({ description: 'in English' }),
    detail: Nullable(Type.String({ description: 'in English; null for a recipient who may not read the figures' })),
    facts: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
        description: "the alert's figures by kind (availability and commitment; amounts in minor units and currency; the invoice's number and due date), absent for a recipient who may not read them",
      }),
    ),
  }),
  tenant: Ref('tenant'),
  partner: Nullable(Ref('partner')),
});

// the provider's records (the sync API, Stripe, CSV imports and the demo world fire the same events)
const RecordParties = {
  tenant: Ref('customer'),
  billing_account: Nullable(Type.Object({ id: Type.String(), account_number: Type.String() }, { description: 'the billing account the record is on' })),
  source: Type.Object({ id: Type.String({ description: 'dsrc_… id' }), name: Type.String() }, { description: 'the data source the record came from' }),
};
const InvoiceEvent = Type.Object({
  invoice: Type.Object({
    id: Type.String(),
    number: Type.String(),
    period: Type.String({ description: 'YYYY-MM' }),
    status: Type.String({ description: 'open, paid, overdue or void' }),
    previous_status: Nullable(Type.String({ description: 'null when the invoice is new' })),
    currency: Type.String(),
    total_cents: Type.Integer(),
    balance_cents: Type.Integer(),
    issued_at: Type.String({ format: 'date-time' }),
    due_at: Type.String({ format: 'date-time' }),
    paid_at: Nullable(Type.String({ format: 'date-time' })),
  }),
  ...RecordParties,
});
const TicketEvent = Type.Object({
  ticket: Type.Object({
    id: Type.String(),
    number: Type.String(),
    subject: Type.String(),
    category: Type.String(),
    priority: Type.String({ description: 'low, normal, high or urgent' }),
    status: Type.String({ description: 'open, in_progress, waiting_on_customer, resolved or closed' }),
    previous_status: Nullable(Type.String({ description: 'null when the ticket is new' })),
    assignee: Nullable(Type.String()),
    resolved_at: Nullable(Type.String({ format: 'date-time' })),
  }),
  ...RecordParties,
});
const OrderEvent = Type.Object({
  order: Type.Object({
    id: Type.String(),
    product_code: Type.String(),
    product_name: Type.String(),
    quantity: Type.Integer(),
    total_cents: Type.Integer(),
    currency: Type.String(),
    status: Type.String({ description: 'submitted, in_progress, completed or cancelled' }),
    previous_status: Nullable(Type.String({ description: 'null when the order is new' })),
  }),
  ...RecordParties,
});

/** Who is told about an event in the portal and by e-mail (webhooks go to every endpoint that subscribed). */
export type EventAudience = 'tenant_admins' | 'partner_members' | 'both' | 'endpoint_owners' | 'operators' | 'none';

export interface EventType {
  type: string;
  version: number;
  /** what the event picker and the notification list say */
  label: string;
  /** one sentence for the docs */
  description: string;
  audience: EventAudience;
  /** e-mail on by default (else in-app only, until a person turns e-mail on) */
  emailByDefault: boolean;
  schema: TSchema;
}

const ev = (type: string, label: string, description: string, audience: EventAudience, emailByDefault: boolean, schema: TSchema, version = 1): EventType => ({ type, version, label, description, audience, emailByDefault, schema });

export const EVENT_TYPES: readonly EventType[] = [
  ev('delegation.requested', 'A partner asks for access', 'A partner asked a tenant for access (a link request): a tenant admin has to approve or reject it.', 'tenant_admins', true, DelegationEvent()),
  ev('delegation.created', 'Access granted directly', 'A tenant admin (or a wholesale provisioning) granted a partner access without a request.', 'both', false, DelegationEvent()),
  ev('delegation.approved', 'Access request approved', "A tenant admin approved a partner's request: the access is active.", 'partner_members', false, DelegationEvent()),
  ev('delegation.rejected', 'Access request rejected', "A tenant admin rejected a partner's request.", 'partner_members', false, DelegationEvent()),
  ev('delegation.revoked', 'Access revoked', "A partner's access to a tenant was revoked; it ends on the next request.", 'both', true, DelegationEvent()),
  ev('delegation.expiring', 'Access ends soon', "A partner's access to a tenant ends in 30, 7 or 1 days.", 'both', true, DelegationEvent({ days_left: Type.Integer({ minimum: 0 }) })),
  ev('delegation.expired', 'Access ended', "A partner's access to a tenant reached its end date.", 'both', false, DelegationEvent()),
  ev('delegation.extended', 'Access extended', "A partner's access was extended to a later end date (renewal or auto-extend).", 'both', false, DelegationEvent({ previous_ends_at: Nullable(Type.String({ format: 'date-time' })) })),
  ev('delegation.activated', 'Eligible access activated', 'A partner member activated eligible (just-in-time) access for a bounded time.', 'both', false, DelegationEvent({ active_until: Type.String({ format: 'date-time' }) })),
  ev('consent.requested', 'An app asks for consent', "A partner's app asked the tenant for consent out of band (OpenID CIBA): a tenant admin has to approve or refuse it in the portal before it expires.", 'tenant_admins', true, ConsentEvent),
  ev('consent.granted', 'An app was allowed in', "A tenant admin allowed a partner's app to act for the tenant (OAuth consent).", 'tenant_admins', false, ConsentEvent),
  ev('consent.revoked', "An app's permission was withdrawn", "A tenant withdrew a partner app's permission to act for it.", 'both', false, ConsentEvent),
  ev('partner.applied', 'Partner application', 'An organization applied to become a partner: the operator reviews the application and approves or rejects it.', 'operators', false, PartnerEvent),
  ev('partner.approved', 'Partner approved', 'The operator approved a partner application: the partner can act.', 'partner_members', true, PartnerEvent),
  ev('partner.suspended', 'Partner suspended', 'The operator suspended a partner: none of its access works until it is reactivated.', 'partner_members', true, PartnerEvent),
  ev('partner.reactivated', 'Partner reactivated', 'The operator lifted a partner suspension.', 'partner_members', true, PartnerEvent),
  ev('partner.terminated', 'Partner terminated', 'The operator ended a partnership: every access of the partner was revoked.', 'partner_members', true, PartnerEvent),
  ev(
    'invitation.sent',
    'Invitation sent',
    'Someone was invited to join a tenant or a partner organization (the invitee gets the link by e-mail; the event never carries it).',
    'none',
    false,
    Type.Object({
      invitation: Type.Object({ id: Type.String(), email: Type.String(), role: Type.String() }),
      organization: Type.Object({ type: Type.String({ description: 'tenant or partner' }), id: Type.String(), name: Type.String() }),
      actor: Actor,
    }),
  ),
  ev(
    'alert.raised',
    'Alert raised',
    "An alert on a customer (SLA, billing threshold, …) started. On the partner's side the link's alert settings (kinds, channels, recipients) decide who is told, each person once; someone whose access does not include the alert's figures is told without them, someone who may not see the alert is not told.",
    'both',
    true,
    AlertEvent,
  ),
  ev('alert.resolved', 'Alert resolved', "An alert on a customer ended. Told to the same people as the alert, by the link's alert settings.", 'both', false, AlertEvent),
  ev(
    'domain.verification_lost',
    'Sign-in domain no longer verified',
    "The periodic re-check no longer found an organization's DNS TXT record for one of its e-mail domains: the domain is no longer verified and its people are no longer sent to the company sign-in until the record is published again and checked.",
    'endpoint_owners',
    true,
    Type.Object({
      domain: Type.Object({ id: Type.String(), domain: Type.String(), reason: Type.String({ description: 'what the check found, in words' }) }),
      owner: Type.Object({ type: Type.String({ description: 'tenant or partner' }), id: Type.String() }),
    }),
  ),
  ev(
    'domain.dns_unanswered',
    'Sign-in domain not answered by DNS',
    "The periodic re-check of a verified e-mail domain got no definite answer from DNS (a timeout, a refusal, a server failure). The domain stays verified, and single sign-on keeps routing its people, until `verified_until`; if DNS still gives no definite answer by then, it is no longer verified. Told once per outage.",
    'endpoint_owners',
    true,
    Type.Object({
      domain: Type.Object({ id: Type.String(), domain: Type.String(), reason: Type.String({ description: 'what the check met, in words' }) }),
      owner: Type.Object({ type: Type.String({ description: 'tenant or partner' }), id: Type.String() }),
      verified_until: Type.String({ format: 'date-time', description: 'when the domain stops being verified if DNS still does not answer' }),
    }),
  ),
  ev(
    'referral.signed_up',
    'A customer signed up with your code',
    "An organization signed up through one of a referral partner's codes (or the operator attributed it); the attribution never changes. Told to the partner's owners and to the staff member whose code it was.",
    'partner_members',
    false,
    Type.Object({ partner: ProgramPartner, tenant: Ref('organization that signed up'), code: Type.String({ description: 'the referral code used' }), code_label: Nullable(Type.String()), source: Type.String({ description: 'signup or operator' }) }),
  ),
  ev(
    'agreement.approved',
    'Program agreement approved',
    "The operator approved the agreement version a referral partner's owner signed: it is the partner's current agreement from now on.",
    'partner_members',
    true,
    Type.Object({ partner: ProgramPartner, agreement: Type.Object({ id: Type.String(), version: Type.Integer(), title: Type.String() }), actor: Actor }),
  ),
  ev(
    'payout.recorded',
    'Payout recorded',
    "The operator recorded a payout to a referral partner: the approved earnings it pays are marked paid.",
    'partner_members',
    true,
    Type.Object({
      partner: ProgramPartner,
      payout: Type.Object({ id: Type.String(), amount_minor: Type.Integer(), currency: Type.String(), reference: Type.String(), paid_date: Type.String({ format: 'date' }), lines: Type.Integer() }),
      actor: Actor,
    }),
  ),
  ev('invoice.finalized', 'Invoice issued', "An invoice of a customer appeared open (issued) in the provider's billing system.", 'none', false, InvoiceEvent),
  ev('invoice.paid', 'Invoice paid', 'An invoice of a customer was paid in full (it appeared paid, or a payment brought its balance to zero).', 'none', false, InvoiceEvent),
  ev('invoice.voided', 'Invoice voided', 'An invoice of a customer was voided (cancelled) by the provider.', 'none', false, InvoiceEvent),
  ev('invoice.overdue', 'Invoice overdue', 'An invoice of a customer passed its due date unpaid, as the provider reports it.', 'none', false, InvoiceEvent),
  ev('ticket.opened', 'Support ticket opened', "A support ticket of a customer appeared in the provider's support system.", 'none', false, TicketEvent),
  ev('ticket.updated', 'Support ticket updated', 'A support ticket of a customer changed (status, priority, assignee or text) without being closed.', 'none', false, TicketEvent),
  ev('ticket.closed', 'Support ticket closed', 'A support ticket of a customer was resolved or closed.', 'none', false, TicketEvent),
  ev('order.placed', 'Order placed', "An order of a customer appeared in the provider's ordering system.", 'none', false, OrderEvent),
  ev('order.changed', 'Order changed', 'An order of a customer changed (its status, quantity or price).', 'none', false, OrderEvent),
  ev(
    'webhook.endpoint_disabled',
    'Webhook endpoint turned off',
    'A webhook endpoint failed too many times in a row and was turned off; deliveries wait until someone turns it back on.',
    'endpoint_owners',
    true,
    Type.Object({
      endpoint: Type.Object({ id: Type.String(), url: Type.String(), description: Type.String() }),
      owner: Type.Object({ type: Type.String({ description: 'tenant, partner or platform' }), id: Type.String() }),
      failures: Type.Integer(),
      last_error: Nullable(Type.String()),
    }),
  ),
];

const BY_TYPE = new Map(EVENT_TYPES.map((e) => [e.type, e]));

export function eventType(type: string): EventType | undefined {
  return BY_TYPE.get(type);
}

export const EVENT_TYPE_NAMES: readonly string[] = EVENT_TYPES.map((e) => e.type);

/** The payload a test ping carries. */
export const PING_EVENT_TYPE = 'webhook.test';

/** The catalog as Markdown: docs/events.md (`npm run generate:events`). */
export function eventsMarkdown(): string {
  const lines = [
    '# Domain events',
    '',
    '<!-- generated by `npm run generate:events` from src/modules/notifications/events.catalog.ts; do not edit -->',
    '',
    'Every change below is written to an outbox in the same transaction as the change, and delivered at least once:',
    'to the webhook endpoints that subscribed (signed per [Standard Webhooks](https://www.standardwebhooks.com/)),',
    'as in-app notifications and, where the person keeps it on, by e-mail.',
    '',
    'A webhook request body is `{"type": "...", "version": 1, "timestamp": "...", "data": {...}}`. Its headers are',
    '`webhook-id` (the event id: the same on every retry and redelivery — drop duplicates by it), `webhook-timestamp`',
    'and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with the endpoint secret). Verify with',
    'any Standard Webhooks library, e.g. `new Webhook(secret).verify(body, headers)`. Answer 2xx within the timeout;',
    'anything else is retried with exponential backoff. A test ping has type `webhook.test`.',
    '',
    '| event | version | what happened | who is told by default |',
    '|---|---|---|---|',
    ...EVENT_TYPES.map((e) => `| \`${e.type}\` | ${e.version} | ${e.description} | ${audienceWords(e)} |`),
    '',
    '## Payloads (`data`)',
    '',
  ];
  for (const e of EVENT_TYPES) {
    lines.push(`### \`${e.type}\` (version ${e.version})`, '', e.description, '', '```json', JSON.stringify(stripSymbols(e.schema), null, 2), '```', '');
  }
  return lines.join('\n');
}

function audienceWords(e: EventType): string {
  const who = { tenant_admins: 'tenant admins', partner_members: 'partner members', both: 'tenant admins and partner members', endpoint_owners: "the owners it names (the endpoint's or the domain's: tenant admins, partner owners)", operators: 'the platform operators', none: 'nobody (webhooks only)' }[e.audience];
  return e.audience === 'none' ? who : `${who}: in the portal${e.emailByDefault ? ' and by e-mail' : ''}`;
}

function stripSymbols(s: unknown): unknown {
  return JSON.parse(JSON.stringify(s));
}
