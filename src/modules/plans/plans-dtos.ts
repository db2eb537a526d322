/** Plans, offers, subscriptions and KYC cases as the API answers them, and the plan input's checks. */
import { sha256 } from '../../platform/crypto.ts';
import type { Segment } from './eligibility.ts';
import { planErrors as E } from './plans.errors.ts';
import type { KycCaseRow, KycDocumentRow, PartnerPlanRow, PlanRow, SubscriptionRow } from './plans.repo.ts';
import { problemDetails as PD } from './plans.problem-details.ts';

export interface PlanInput {
  name: string;
  description: string;
  features: string[];
  limits: Record<string, number>;
  price_minor: number;
  currency: string;
  segments: Segment[];
  grace_days: number;
  terms: string;
}

export function parseList(s: string): string[] {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function parseLimits(s: string): Record<string, number> {
  try {
    return JSON.parse(s) as Record<string, number>;
  } catch {
    return {};
  }
}

export function toPlanInput(p: PlanRow): PlanInput {
  return { name: p.name, description: p.description, features: parseList(p.features), limits: parseLimits(p.limits), price_minor: p.price_minor, currency: p.currency, segments: parseList(p.segments) as Segment[], grace_days: p.grace_days, terms: p.terms };
}

/** What the schema cannot say: no duplicate features or segments. */
export function checkPlan(p: PlanInput): void {
  if (new Set(p.features).size !== p.features.length) throw E.plan_invalid(PD.featureListedTwice, { fields: [{ pointer: '/features', detail: 'duplicates' }] });
  if (new Set(p.segments).size !== p.segments.length) throw E.plan_invalid(PD.segmentListedTwice, { fields: [{ pointer: '/segments', detail: 'duplicates' }] });
}

export function toPlanDto(p: PlanRow) {
  return { ...toPlanInput(p), id: p.id, status: p.status, terms_sha256: sha256(p.terms), created_at: p.created_at, updated_at: p.updated_at };
}

export function toPartnerPlanDto(o: PartnerPlanRow, plan: PlanRow | undefined) {
  return { plan_id: o.plan_id, plan_name: plan?.name ?? '', currency: plan?.currency ?? '', list_price_minor: plan?.price_minor ?? 0, min_price_minor: o.min_price_minor, max_price_minor: o.max_price_minor, price_minor: o.price_minor, status: o.status, updated_at: o.updated_at };
}

export function toSubscriptionDto(s: SubscriptionRow, names: { plan?: string; tenant?: string } = {}) {
  return {
    id: s.id,
    tenant_id: s.tenant_id,
    tenant_name: names.tenant ?? null,
    plan_id: s.plan_id,
    plan_name: names.plan ?? null,
    status: s.status,
    price_minor: s.price_minor,
    currency: s.currency,
    terms_sha256: s.terms_sha256,
    signed_by: s.signed_by,
    signed_at: s.signed_at,
    activated_at: s.activated_at,
    suspended_at: s.suspended_at,
    suspension_kind: s.suspension_kind,
    suspension_reason: s.suspension_reason,
    cancelled_at: s.cancelled_at,
    created_at: s.created_at,
  };
}

export function toKycCaseDto(k: KycCaseRow & { tenant_name?: string }) {
  return { id: k.id, tenant_id: k.tenant_id, tenant_name: k.tenant_name ?? null, kind: k.kind, status: k.status, reason: k.reason, submitted_at: k.submitted_at, reviewed_at: k.reviewed_at };
}

export function toDocumentDto(d: Omit<KycDocumentRow, 'content_enc'>) {
  return { id: d.id, filename: d.filename, content_type: d.content_type, size_bytes: d.size_bytes, sha256: d.sha256, created_at: d.created_at };
}
