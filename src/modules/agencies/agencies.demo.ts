/**
 * Demo world: one agency with one embedded-form token per demo tenant. The token is derived from
 * the installation secret (demoAgencyToken), so `seed demo --json` prints the same working token on
 * every run while the database holds only its hash. Idempotent.
 */
import type { DemoExtension } from '../demo/demo.seed.ts';
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

export const seedDemoAgencies: DemoExtension = async (s, world, ctx) => {
  const out: { tenant_slug: string; agency_id: string; name: string; token: string }[] = [];
  for (const t of world.tenants) {
    const spec = DEMO_AGENCIES[t.slug];
    if (!spec) continue;
    let agency = await s.agencies.findAgencyByName(t.id, spec.name);
    if (!agency) agency = await s.agencies.createAgency(ctx, t.id, { name: spec.name });
    const token = demoAgencyToken(s.config.secretKey, `${t.slug}:${agency.id}`);
    if (!(await s.agencies.findTokenBySecret(token))) {
      await s.agencies.createToken(ctx, t.id, agency.id, { label: spec.label, form_config: { allowed_voucher_types: spec.types, intro_text: spec.intro, rules_list: spec.rules } }, token);
    }
    out.push({ tenant_slug: t.slug, agency_id: agency.id, name: agency.name, token });
  }
  world.agencies = out;
};
