/** Per-link commitments (what a partner–tenant link commits to: SLA commitments, alert settings, billing threshold). */
import { Nullable, Strict, Type } from '../../platform/http/schemas.ts';

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Minutes = Record<(typeof PRIORITIES)[number], number>;

export interface SlaCommitment {
  availability_pct: number;
  response_minutes: Minutes;
  resolution_minutes: Minutes;
}

export interface AlertSettings {
  sla_breach: boolean;
  receivables_threshold: boolean;
  invoice_overdue: boolean;
  recipients: string[];
  channels: ('in_app' | 'email')[];
}

export interface Commitments {
  sla: SlaCommitment;
  alerts: AlertSettings;
  billing_threshold: { amount_cents: number; currency: string };
}

/** What a link commits to before anyone changes it. */
export const DEFAULT_COMMITMENTS: Commitments = {
  sla: { availability_pct: 99.5, response_minutes: { low: 1440, normal: 480, high: 120, urgent: 30 }, resolution_minutes: { low: 10080, normal: 2880, high: 480, urgent: 240 } },
  alerts: { sla_breach: true, receivables_threshold: true, invoice_overdue: true, recipients: [], channels: ['in_app'] },
  billing_threshold: { amount_cents: 500_000, currency: 'USD' },
};

const MinutesT = (d: string) => Strict({ low: Type.Integer({ minimum: 1, maximum: 525_600 }), normal: Type.Integer({ minimum: 1, maximum: 525_600 }), high: Type.Integer({ minimum: 1, maximum: 525_600 }), urgent: Type.Integer({ minimum: 1, maximum: 525_600 }) }, { description: d });
const SlaT = Strict({
  availability_pct: Type.Number({ minimum: 90, maximum: 100, description: 'monthly availability promised, e.g. 99.9' }),
  response_minutes: MinutesT('first response within, per ticket priority (minutes)'),
  resolution_minutes: MinutesT('resolution within, per ticket priority (minutes)'),
});
const AlertsT = Strict({
  sla_breach: Type.Boolean({ description: 'alert when a month misses the availability commitment' }),
  receivables_threshold: Type.Boolean({ description: 'alert when the customer owes more than the billing threshold' }),
  invoice_overdue: Type.Boolean({ description: 'alert for each overdue invoice' }),
  recipients: Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 20, description: 'e-mail addresses told about new alerts' }),
  channels: Type.Array(Type.Union([Type.Literal('in_app'), Type.Literal('email')]), { maxItems: 2, uniqueItems: true }),
});
const ThresholdT = Strict({ amount_cents: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }), currency: Type.String({ pattern: '^[A-Z]{3}$' }) });

export const CommitmentsBody = Strict({ sla: Type.Optional(SlaT), alerts: Type.Optional(AlertsT), billing_threshold: Type.Optional(ThresholdT) }, { description: 'each section given replaces that section' });

export const PersonT = Type.Object({ user_id: Type.String(), name: Type.String(), email: Type.String(), partner_id: Nullable(Type.String()), partner_name: Nullable(Type.String()) }, { title: 'Person' });

export const CommitmentsDto = Type.Object(
  {
    delegation_id: Type.String(),
    tenant_id: Type.String(),
    tenant_name: Type.String(),
    partner_id: Type.String(),
    partner_name: Type.String(),
    sla: SlaT,
    alerts: AlertsT,
    billing_threshold: ThresholdT,
    updated_at: Nullable(Type.String()),
    updated_by: Nullable(PersonT),
  },
  { title: 'LinkCommitments' },
);
