/** Cache keys for the purpose catalog and the gateway routes' required purposes. */
export const purposeKeys = {
  all: ['purposes'] as const,
  catalog: (includeRetired: boolean) => ['purposes', 'catalog', includeRetired] as const,
  routes: ['purposes', 'routes'] as const,
};
