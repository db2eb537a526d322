/**
 * Purposes (purpose-bound consent, the CAMARA model): the catalog of what a partner may be granted
 * access to a customer's data for, and the purpose each gateway route requires. Owns purposes and
 * gateway_route_purposes; consent, links and the gateway ask PurposeCatalog, from memory.
 */
export { PurposeCatalog, PURPOSE_ENTITY, ROUTE_PURPOSE_ENTITY, routeKey, type PurposesDeps, type PurposeDto, type KnownRoute } from './purposes.service.ts';
export { purposeErrors } from './purposes.errors.ts';
export { purposeRefusal, type PurposeRefusal } from './purpose-rule.ts';
export { purposeRoutes, PurposeId } from './purposes.routes.ts';
