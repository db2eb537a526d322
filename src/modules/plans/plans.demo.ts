/**
 * The demo world's plans: three plans in the operator's catalog; Contoso Wholesale may
 * offer all three and offers two at its own price; Contoso's resold customers in each segment,
 * with KYC cases in each state (none yet, waiting, verified, rejected) and subscriptions in each
 * state (signing, signed, active, suspended, cancelled — Atlas has a cancelled one beside its active one). Bluebird Café's admin can sign in as a
 * guest customer who has not been verified yet. Idempotent: a plan or customer that exists is kept.
 */
import { createHmac } from 'node:crypto';
import type { Config } from '../../config/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { DemoStep, DemoUserLookup } from '../../platform/demo-step.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ResoldTenantsService } from '../apps/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { PlanInput, PlansService } from './plans.service.ts';
import type { Segment } from './eligibility.ts';

export type PlansDemoDeps = {
  db: Db;
  plans: PlansService;
  resold: ResoldTenantsService;
  tenants: Pick<TenantsService, 'findBySlug' | 'addMember'>;
  identity: DemoUserLookup & Pick<IdentityService, 'createUser'>;
  config: Pick<Config, 'secretKey'>;
};

const TERMS = (name: string) =>
  `${name} plan terms.\n\n1. The monthly price is invoiced at the start of each month and is due within 14 days.\n2. If an invoice stays unpaid past the grace period, the service is suspended until it is paid.\n3. Either party may cancel at the end of a month.`;

const PLANS: (PlanInput & { min: number; max: number; offered: number | null })[] = [
  { name: 'Starter', description: 'Voice and data for one person or a small shop.', features: ['voice', 'data'], limits: { users: 3, api_requests_per_day: 1000 }, price_minor: 1900, currency: 'EUR', segments: ['basic', 'company'], grace_days: 14, terms: TERMS('Starter'), min: 1500, max: 2900, offered: 2200 },
  { name: 'Business', description: 'For companies: more users, business-hours support.', features: ['voice', 'data', 'support.business_hours'], limits: { users: 25, api_requests_per_day: 10000 }, price_minor: 4900, currency: 'EUR', segments: ['company', 'advanced'], grace_days: 14, terms: TERMS('Business'), min: 3900, max: 6900, offered: 5900 },
  { name: 'Enterprise', description: 'For advanced customers: round-the-clock support and the full API.', features: ['voice', 'data', 'support.24x7', 'api.full'], limits: { users: 500, api_requests_per_day: 500000 }, price_minor: 19900, currency: 'EUR', segments: ['advanced'], grace_days: 30, terms: TERMS('Enterprise'), min: 17900, max: 29900, offered: null },
];

type Kyc = 'none' | 'pending' | 'verified' | 'rejected';
type Sub = null | { plan: string; to: 'signing' | 'signed' | 'active' | 'suspended' | 'cancelled'; cancelled?: string };
const CUSTOMERS: { slug: string; name: string; segment: Segment; kyc: Kyc; sub: Sub }[] = [
  { slug: 'bluebird-cafe', name: 'Bluebird Café', segment: 'basic', kyc: 'none', sub: null },
  { slug: 'quayside-bakery', name: 'Quayside Bakery', segment: 'basic', kyc: 'pending', sub: null },
  { slug: 'river-books', name: 'River Books', segment: 'company', kyc: 'rejected', sub: null },
  { slug: 'pine-dental', name: 'Pine Dental Clinic', segment: 'company', kyc: 'verified', sub: { plan: 'Business', to: 'signing' } },
  { slug: 'quarry-studio', name: 'Quarry Studio', segment: 'company', kyc: 'verified', sub: { plan: 'Business', to: 'signed' } },
  // Atlas moved up from Starter: its cancelled subscription stays in the history beside the active one
  { slug: 'atlas-logistics', name: 'Atlas Logistics', segment: 'company', kyc: 'verified', sub: { plan: 'Business', to: 'active', cancelled: 'Starter' } },
  { slug: 'nova-labs', name: 'Nova Labs', segment: 'advanced', kyc: 'verified', sub: { plan: 'Business', to: 'suspended' } },
];

/** A one-page PDF, so a reviewer has something to open. */
const DEMO_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

export const seedDemoPlans: DemoStep<PlansDemoDeps> = async (s, world, opCtx) => {
  const contoso = world.partners.find((p) => p.slug === 'contoso-wholesale');
  if (!contoso) return;
  const owner = await s.identity.findUserByEmail(contoso.owner.email);
  const ownerCtx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: owner?.id ?? opCtx.actor.userId, partnerId: contoso.id } };

  const existing = new Map((await s.plans.listPlans()).map((p) => [p.name, p]));
  for (const p of PLANS) {
    const { min, max, offered, ...input } = p;
    const plan = existing.get(p.name) ?? (await s.plans.createPlan(opCtx, input));
    existing.set(p.name, plan);
    const offer = (await s.plans.listPartnerPlans(contoso.id)).find((o) => o.plan_id === plan.id);
    if (!offer) {
      await s.plans.allowPlan(opCtx, contoso.id, { plan_id: plan.id, min_price_minor: min, max_price_minor: max });
      if (offered !== null) await s.plans.setOffer(ownerCtx, contoso.id, plan.id, { price_minor: offered, offered: true });
    }
  }

  const adminEmail = 'bella@bluebird.demo';
  const admin = { email: adminEmail, password: 'demo-' + createHmac('sha256', s.config.secretKey).update('demo-password:' + adminEmail).digest('base64url').slice(0, 12) };
  const out: { slug: string; name: string; tenant_id: string; segment: string; kyc: string; subscription: string | null }[] = [];
  for (const c of CUSTOMERS) {
    let tenant = await s.tenants.findBySlug(c.slug);
    const fresh = !tenant;
    if (!tenant) {
      await s.resold.provision(ownerCtx, contoso.id, { name: c.name, slug: c.slug, billing_account_name: `${c.name} — main` });
      tenant = await s.tenants.findBySlug(c.slug);
    }
    if (!tenant) continue;
    const tenantId = tenant.id;
    const adminUser = c.slug === 'bluebird-cafe' ? await ensureAdmin(s, tenantId, admin, 'Bella Bluebird') : null;
    out.push({ slug: c.slug, name: c.name, tenant_id: tenantId, segment: c.segment, kyc: c.kyc, subscription: c.sub?.to ?? null });
    if (!fresh) continue;
    const custCtx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: adminUser ?? opCtx.actor.userId, partnerId: null } };
    if (c.segment !== 'basic') await s.plans.setSegment(ownerCtx, contoso.id, tenantId, c.segment);
    if (c.kyc !== 'none') {
      const company = c.segment !== 'basic';
      const k = await s.plans.submitKyc(custCtx, tenantId, {
        kind: company ? 'company' : 'individual',
        details: company ? { company_name: c.name, registration_number: `HRB ${10000 + out.length}`, country: 'DE' } : { full_name: `Owner of ${c.name}`, date_of_birth: '1985-04-12', country: 'DE' },
        documents: [{ filename: company ? 'register-extract.pdf' : 'identity-card.pdf', content_type: 'application/pdf', content_base64: DEMO_PDF.toString('base64') }],
      });
      if (c.kyc === 'verified') await s.plans.reviewKyc(ownerCtx, contoso.id, k.kyc.id, { decision: 'verify' });
      if (c.kyc === 'rejected') await s.plans.reviewKyc(ownerCtx, contoso.id, k.kyc.id, { decision: 'reject', reason: 'The register extract is older than three months; please send a current one.' });
    }
    const runs: Exclude<Sub, null>[] = c.sub ? [...(c.sub.cancelled ? [{ plan: c.sub.cancelled, to: 'cancelled' as const }] : []), c.sub] : [];
    for (const run of runs) {
      const plan = existing.get(run.plan);
      if (!plan) continue;
      const { subscription } = await s.plans.subscribe(custCtx, tenantId, plan.id);
      const steps: ('sign' | 'activate' | 'suspend' | 'cancel')[] = { signing: [], signed: ['sign'], active: ['sign', 'activate'], suspended: ['sign', 'activate', 'suspend'], cancelled: ['sign', 'cancel'] }[run.to] as never;
      for (const step of steps) {
        const ctx = step === 'sign' ? custCtx : ownerCtx;
        const scope = step === 'sign' ? { tenantId } : { partnerId: contoso.id };
        await s.plans.transition(ctx, scope, subscription.id, step, step === 'sign' ? { terms_sha256: subscription.terms_sha256 } : step === 'suspend' ? { reason: 'Reported for sending unsolicited calls; suspended while we look into it.', kind: 'policy' } : {});
      }
    }
  }
  world.plans = { partner_slug: contoso.slug, customer_admin: admin, customers: out };
};

async function ensureAdmin(s: PlansDemoDeps, tenantId: string, cred: { email: string; password: string }, name: string): Promise<string> {
  const existing = await s.identity.findUserByEmail(cred.email);
  if (existing) return existing.id;
  return mutate(s.db, async (trx) => {
    const uid = await s.identity.createUser(trx, { email: cred.email, name, password: cred.password });
    await s.tenants.addMember(trx, { scopeId: tenantId, userId: uid, role: 'TENANT_ADMIN', invitedBy: null, invitationId: null }, null);
    return uid;
  });
}
