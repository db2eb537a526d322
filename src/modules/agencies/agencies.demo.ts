/**
 * Demo world: one agency with one embedded-form token per demo tenant. The token is derived from
 * the installation secret (demoAgencyToken), so `seed demo --json` prints the same working token on
 * every run while the database holds only its hash. Idempotent — and truthful: if an admin revoked
 * or rotated the demo token, the next run issues the next derived one; if the agency or the tenant
 * is inactive, the entry says so.
 */
import type { Config } from '../../config/config.ts';
import type { DemoStep } from '../../platform/demo-step.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { AgenciesService } from './agencies.service.ts';
import { demoAgencyToken } from './agency-token.ts';

const DEMO_AGENCIES: Record<string, { name: string; label: string; intro: string; types: string[]; rules: string[] }> = {
  'acme-fiber': {
    name: 'Sunrise Travel Agency',
    label: 'Website vouchers',
    intro: 'Book a trip with Sunrise Travel and give your travellers a welcome voucher for Acme Fiber home internet.',
    types: ['credit_25', 'free_installation', 'speed_boost_1m'],
    rules: ['One voucher per booking.', 'Vouchers are personal and cannot be exchanged for cash.'],
  },
  'beta-networks': {
    name: 'Harbor Relocation Services',
    label: 'Move-in pack',
    intro: 'Moving to a new home? Harbor Relocation gives every client a Beta Networks welcome voucher.',
    types: ['credit_10', 'data_boost_50gb'],
    rules: ['Issue only for completed moves.'],
  },
};

/** One demo agency as `seed demo --json` prints it; `status` says whether `token` works right now. */
export interface DemoAgency {
  tenant_slug: string;
  agency_id: string;
  name: string;
  /** the demo form token; null when none is active and none can be issued (the agency is inactive) */
  token: string | null;
  status: 'active' | 'agency_inactive' | 'tenant_inactive';
}

export type AgenciesDemoDeps = { agencies: AgenciesService; tenants: Pick<TenantsService, 'getTenant'>; config: Pick<Config, 'secretKey'> };

export const seedDemoAgencies: DemoStep<AgenciesDemoDeps> = async (s, world, ctx) => {
  const out: DemoAgency[] = [];
  for (const t of world.tenants) {
    const spec = DEMO_AGENCIES[t.slug];
    if (!spec) continue;
    let agency = await s.agencies.findAgencyByName(t.id, spec.name);
    if (!agency) agency = await s.agencies.createAgency(ctx, t.id, { name: spec.name });
    // Generation n of the demo token is derived from SECRET_KEY (so a re-run can print it while
    // only its hash is stored). The seed has issued one row per generation, in order; a revoked
    // or rotated one is never issued again: the next generation replaces it.
    const secretOf = (n: number) => demoAgencyToken(s.config.secretKey, `${t.slug}:${agency.id}${n === 0 ? '' : `:${n}`}`);
    const issued = (await s.agencies.listTokens(t.id, agency.id)).filter((r) => r.created_by === ctx.actor.userId).length;
    let token: string | null = null;
    for (let n = issued - 1; n >= 0 && token === null; n--) {
      const row = await s.agencies.findTokenBySecret(secretOf(n));
      if (row?.status === 'active' && row.partner_agency_id === agency.id) token = secretOf(n);
    }
    // An agency an admin deactivated stays deactivated: report it rather than undo their decision.
    if (token === null && agency.status === 'active') {
      token = secretOf(issued);
      await s.agencies.createToken(ctx, t.id, agency.id, { label: spec.label, form_config: { allowed_voucher_types: spec.types, intro_text: spec.intro, rules_list: spec.rules } }, token);
    }
    const tenant = await s.tenants.getTenant(t.id);
    const status = agency.status !== 'active' ? 'agency_inactive' : tenant?.status !== 'active' ? 'tenant_inactive' : 'active';
    out.push({ tenant_slug: t.slug, agency_id: agency.id, name: agency.name, token, status });
  }
  world.agencies = out;
};
