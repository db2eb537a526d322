/** A ticket or an SLA record written straight into its table (the kept counts' and the dashboard's tests). */
import type { TestTenant } from '../../helpers/world.ts';
import { newId } from '../../../src/platform/ids.ts';

export type TicketStatus = 'open' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed';

/** A ticket of `x` about its `ban`-th account, or about none (null). */
export const ticketRow = (x: TestTenant, ban: number | null, status: TicketStatus) => {
  const at = new Date().toISOString();
  return { id: newId('tkt'), tenant_id: x.id, ban_id: ban === null ? null : x.bans[ban].id, number: `TT-${newId('n').slice(-10)}`, subject: 'Line down', description: 'No sync since Monday', category: 'technical' as const, priority: 'normal' as const, status, assignee: null, comments: '[]', opened_by_type: 'system' as const, opened_by_user_id: null, opened_by_client_id: null, opened_by_partner_id: null, delegation_id: null, created_at: at, updated_at: at, resolved_at: null, write_state: null, write_sent_to: null, write_sent_at: null, write_confirm_by: null, write_key: null };
};

/** A month of `x`'s service on its first account: met when `achieved` reaches `target`. */
export const slaRow = (x: TestTenant, period: string, achieved: number, target = 99.9) => ({
  id: newId('sla'),
  tenant_id: x.id,
  ban_id: x.bans[0].id,
  service_id: null,
  period,
  target_pct: target,
  achieved_pct: achieved,
  downtime_minutes: Math.round((100 - achieved) * 432),
  incidents: achieved < target ? 1 : 0,
  status: achieved < target ? ('breached' as const) : ('met' as const),
  recorded_at: `${period}-28T00:00:00Z`,
});
