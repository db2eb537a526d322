/** Cache keys for the role and permission catalogs (GET /roles, GET /permissions): they change only with a release. */
export const roleKeys = {
  partnerWork: ['roles', 'partner'] as const,
  delegation: ['roles', 'delegation'] as const,
  permissions: ['roles', 'permissions'] as const,
};
