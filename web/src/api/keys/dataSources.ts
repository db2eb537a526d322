export const dataSourceKeys = {
  all: ['data-sources'] as const,
  one: (id: string) => ['data-sources', id] as const,
  freshness: (whose: 'partner' | string) => ['data-freshness', whose] as const,
  earningsFreshness: (partnerId: string) => ['data-freshness', 'earnings', partnerId] as const,
};
