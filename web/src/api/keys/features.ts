/** Cache keys for the feature catalog (a partner's own switches are partnerKeys.features). */
export const featureKeys = {
  all: ['features'] as const,
  catalog: ['features', 'catalog'] as const,
};
