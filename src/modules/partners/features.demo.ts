/**
 * Demo world, partner features: Fabrikam MSP is in the beta of PDF invoice export — the operator switched
 * the catalog's `exports.pdf` on in its configuration (a configuration version, audited). Idempotent.
 */
import type { DemoStep } from '../../platform/demo-step.ts';
import type { PartnersService } from './partners.service.ts';

export const seedDemoFeatures: DemoStep<{ partners: Pick<PartnersService, 'findBySlug' | 'getConfig' | 'updateConfigSection'> }> = async (s, _world, ctx) => {
  const fabrikam = await s.partners.findBySlug('fabrikam-msp');
  if (!fabrikam) return;
  const cur = await s.partners.getConfig(fabrikam.id);
  if (cur.config.features?.['exports.pdf'] === true) return;
  await s.partners.updateConfigSection(ctx, fabrikam.id, 'features', { ...(cur.config.features ?? {}), 'exports.pdf': true });
};
