/**
 * Access templates and approval policies: partners ask tenants for a template's access, tenants
 * answer under their approval policy, and approval creates the delegation through the delegations
 * module. Owns access_templates, access_requests, access_request_approvals and access_approval_policies.
 */
export { AccessRequestsService, type AccessRequestView } from './accessrequests.service.ts';
export type { AccessRequestsDeps, NoticeMail, TemplateOwner } from './accessrequests.types.ts';
export { accessRequestErrors } from './accessrequests.errors.ts';
export { accessRequestRoutes } from './accessrequests.routes.ts';
export { DEFAULT_POLICY, type ApprovalPolicy } from './approval-rules.ts';
