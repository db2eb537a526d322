import { defineErrors } from '../../platform/errors/app-error.ts';

export const gatewayErrors = defineErrors('gateway', {
  upstream_unavailable: { status: 502, title: 'The upstream service did not answer' },
  upstream_timeout: { status: 504, title: 'The upstream service answered too slowly' },
  provider_refused: { status: 422, title: "The provider's system refused the change" },
  bill_to_invalid: { status: 403, title: 'The billing account to charge is not allowed' },
  quota_exceeded: { status: 429, title: 'A request quota is used up' },
  route_class_not_allowed: { status: 403, title: 'The partner may not call this kind of route' },
  ip_not_allowed: { status: 403, title: "The request comes from an address outside the partner's allow-list" },
  subscription_suspended: { status: 403, title: "The customer's subscription is suspended" },
  audit_backlog_full: { status: 503, title: 'Access events cannot be recorded right now' },
  ban_ambiguous: { status: 400, title: 'The request names more than one billing account' },
  forward_auth_request_invalid: { status: 400, title: 'The forward-auth request does not say which request to check' },
  // 403, not 400: NGINX auth_request passes only 401 and 403 on to the client
  forward_auth_request_conflict: { status: 403, title: 'The forward-auth request names the request to check in more than one way' },
});
