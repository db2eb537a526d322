/** Cache keys for partners: the operator's lists and one partner's record, members, configuration and usage. */
export const partnerKeys = {
  all: ['partners'] as const,
  /** GET /partners with these filters (the same filters share one cache entry across pages) */
  list: (q: { status?: string; capability?: string; limit: number }) => ['partners', 'list', q] as const,
  /** everything cached about one partner */
  of: (partnerId: string) => ['partners', partnerId] as const,
  detail: (partnerId: string) => ['partners', partnerId, 'detail'] as const,
  members: (partnerId: string) => ['partners', partnerId, 'members'] as const,
  invitations: (partnerId: string) => ['partners', partnerId, 'invitations'] as const,
  /** GET /partners/:id/configuration — every configuration tab reads this one entry */
  configuration: (partnerId: string) => ['partners', partnerId, 'configuration'] as const,
  configurationVersions: (partnerId: string, before: number | undefined) => ['partners', partnerId, 'configuration', 'versions', before ?? 0] as const,
  usage: (partnerId: string) => ['partners', partnerId, 'usage'] as const,
  /** the features switched on for the partner (GET /partners/:id/features) */
  features: (partnerId: string) => ['partners', partnerId, 'features'] as const,
  home: (partnerId: string) => ['partners', partnerId, 'home'] as const,
};
