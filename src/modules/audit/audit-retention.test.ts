/** Which events the retention sweep deletes, as a table of cases. */
import { describe, expect, it } from 'vitest';
import { expired } from './audit-retention.repo.ts';

describe('retention: an event goes when every organization naming it let it expire', () => {
  const cut = (entries: [string, string][]) => new Map(entries);
  const at = '2026-01-10T00:00:00.000Z';
  const ev = (tenant_id: string | null, partner_id: string | null, actor_partner_id: string | null = null) => ({ seq: 1, chain_seq: 1, prev_hash: '', hash: '', occurred_at: at, tenant_id, partner_id, actor_partner_id });
  it.each([
    ['tenant only, expired', ev('tnt_a', null), cut([['tenant:tnt_a', '2026-02-01']]), true],
    ['tenant only, not yet', ev('tnt_a', null), cut([['tenant:tnt_a', '2026-01-01']]), false],
    ['tenant and partner, partner keeps for ever', ev('tnt_a', 'ptr_p'), cut([['tenant:tnt_a', '2026-02-01']]), false],
    ['tenant and partner, both expired', ev('tnt_a', 'ptr_p'), cut([['tenant:tnt_a', '2026-02-01'], ['partner:ptr_p', '2026-03-01']]), true],
    ['acting partner keeps it', ev('tnt_a', null, 'ptr_q'), cut([['tenant:tnt_a', '2026-02-01']]), false],
    ['no organization: the platform decides', ev(null, null), cut([['platform:', '2026-02-01']]), true],
    ['no organization, no platform retention', ev(null, null), cut([['tenant:tnt_a', '2026-02-01']]), false],
  ])('%s', (_name, e, cutoffs, want) => expect(expired(e as never, cutoffs)).toBe(want));
});
