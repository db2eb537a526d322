export const writeRouteKeys = {
  all: ['write-routes'] as const,
};
