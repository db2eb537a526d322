/** Cache keys for the referral program: one partner's side (summary, codes, agreements, earnings) and the operator's. */
export const programKeys = {
  all: ['program'] as const,
  /** everything cached about one partner's program */
  of: (partnerId: string) => ['program', partnerId] as const,
  summary: (partnerId: string) => ['program', partnerId, 'summary'] as const,
  codes: (partnerId: string) => ['program', partnerId, 'codes'] as const,
  agreements: (partnerId: string) => ['program', partnerId, 'agreements'] as const,
  earnings: (partnerId: string, period: unknown, state: unknown) => ['program', partnerId, 'earnings', period, state] as const,
  referrals: (partnerId: string, query: unknown) => ['program', partnerId, 'referrals', query] as const,
  /** one earning line, read by its partner or (partnerId undefined) by the operator */
  earning: (partnerId: string | undefined, id: string) => ['program', partnerId ?? 'op', 'earning', id] as const,
  /** what a referral code's link says on the sign-up page */
  referral: (code: string) => ['program', 'referral', code] as const,
  op: {
    partners: ['program', 'op', 'partners'] as const,
    totals: ['program', 'op', 'totals'] as const,
    payouts: (partnerId: string | null) => ['program', 'op', 'payouts', partnerId] as const,
    earnings: (partnerId: string | null, state: string | null) => ['program', 'op', 'earnings', partnerId, state] as const,
    pendingCount: ['program', 'op', 'earnings', 'pending-count'] as const,
    agreements: (partnerId: string | null) => ['program', 'op', 'agreements', partnerId] as const,
  },
};
