/**
 * The demo world's subscribers: each customer's own end customers, a handful per billing account,
 * drawn from their own random sequence (seeded by the tenant and "subscribers") so the rest of a
 * tenant's demo history draws exactly what it drew before they existed.
 */
import { newId } from '../../platform/ids.ts';
import type { BillingAccountRow } from '../tenants/index.ts';
import { prng } from './resources.demo-history.ts';
import type { SubscriberRow } from './resources.repo.ts';

const FIRST = ['Dana', 'Sam', 'Kai', 'Priya', 'Mateo', 'Aisha', 'Jonas', 'Mei', 'Tomás', 'Ingrid', 'Omar', 'Lena', 'Ravi', 'Chloé', 'Noah', 'Yuki'];
const LAST = ['Reyes', 'Okafor', 'Moreno', 'Shah', 'García', 'Bello', 'Berg', 'Chen', 'Silva', 'Larsen', 'Haddad', 'Vogel', 'Nair', 'Dubois', 'Kim', 'Sato'];
const PLANS = ['Home Fiber 300', 'Home Fiber 500', 'Home Fiber 1000', 'Business Fiber 1G', 'Mobile Unlimited'];
const STREETS = ['Elm Street', 'Harbor Road', 'Maple Avenue', 'Station Square', 'Mill Lane', 'Park Terrace'];

/** 3–6 subscribers on each active billing account; mostly active, some suspended or terminated. */
export function demoSubscribers(tenantId: string, bans: readonly BillingAccountRow[], now: Date): SubscriberRow[] {
  const rnd = prng(`${tenantId}:subscribers`);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const rows: SubscriberRow[] = [];
  for (const ban of bans) {
    const n = 3 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const r = rnd();
      const activated = new Date(now.getTime() - Math.floor(30 + rnd() * 700) * 86_400_000).toISOString();
      const number = `${ban.account_number}-${String(rows.length + 1).padStart(3, '0')}`;
      rows.push({
        id: newId('sbs'),
        tenant_id: tenantId,
        ban_id: ban.id,
        number,
        name: `${first} ${last}`,
        email: `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + '@example.net',
        phone: rnd() < 0.7 ? `+1 555 01${String(Math.floor(rnd() * 100)).padStart(2, '0')}` : null,
        plan: pick(PLANS),
        service_address: `${1 + Math.floor(rnd() * 200)} ${pick(STREETS)}`,
        status: r < 0.8 ? 'active' : r < 0.9 ? 'suspended' : 'terminated',
        activated_at: activated,
        created_at: activated,
        updated_at: now.toISOString(),
      });
    }
  }
  return rows;
}
