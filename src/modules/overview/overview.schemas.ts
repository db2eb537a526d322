/** Wire shapes of the operator's overview. */
import { Type, Nullable, Strict, Timestamp } from '../../platform/http/schemas.ts';

const Count = Type.Integer({ minimum: 0 });

export const OverviewQuery = Strict({
  waiting_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'an access request counts as long-waiting after this many days (default 7)' })),
});

export const OverviewDto = Type.Object({
  generated_at: Timestamp,
  totals: Type.Object({
    partners_active: Type.Object({ total: Count, by_capability: Type.Object({ delegated: Count, wholesale: Count, managed_services: Count, referral: Count }) }),
    tenants: Type.Object({ total: Count, active: Count, suspended: Count, closed: Count }),
    delegations_active: Type.Object({ total: Count, by_origin: Type.Object({ link: Count, consent: Count, wholesale: Count }) }),
    people: Type.Object({ active: Count, invited: Count, disabled: Count }),
  }),
  trends: Type.Object({
    weeks: Type.Array(
      Type.Object({
        week_start: Type.String({ format: 'date', description: 'Monday (UTC) the week starts on' }),
        new_partners: Count,
        new_tenants: Count,
        access_granted: Type.Integer({ minimum: 0, description: 'delegations approved or granted that week (by their decision time), not counting rejections' }),
      }),
      { description: 'the last 12 weeks, oldest first; the last is the current week so far' },
    ),
  }),
  waiting: Type.Object({
    partner_applications: Type.Object({ count: Count, oldest: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), applied_at: Timestamp })) }),
    access_requests: Type.Object({ count: Count, waiting_days: Count, older: Type.Integer({ minimum: 0, description: 'requests asked more than waiting_days ago' }) }),
    agreements_to_approve: Type.Integer({ minimum: 0, description: 'referral partners whose signed agreement waits for the operator' }),
    earnings_to_approve: Type.Array(Type.Object({ currency: Type.String(), amount_minor: Type.Integer(), partners: Count }), { description: 'pending earnings by currency' }),
    mail_failed: Type.Integer({ minimum: 0, description: 'e-mails that failed after every retry' }),
  }),
  health: Type.Object({
    webhooks: Type.Array(Type.Object({ owner_type: Type.String({ description: 'platform, tenant or partner' }), disabled: Count, failing: Count })),
    change_feed_lag: Nullable(Type.Integer({ minimum: 0, description: 'changes committed that this instance has not applied yet' })),
    audit_backlog: Type.Object({ pending: Type.Integer({ minimum: 0, description: "gateway access events this instance holds, not yet written" }), spool_broken: Type.Boolean() }),
  }),
});
