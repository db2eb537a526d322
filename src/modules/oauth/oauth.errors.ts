import { defineErrors } from '../../platform/errors/app-error.ts';

export const oauthErrors = defineErrors('oauth', {
  consent_invalid: { status: 400, title: 'The consent form is not complete' },
  consent_not_tenant_admin: { status: 403, title: 'Only a tenant administrator can connect a partner app' },
  consent_app_unavailable: { status: 409, title: 'The app is no longer available' },
  consent_not_partner_member: { status: 403, title: "Only an active member of the app's partner can authorize it for their own account" },
  consent_partner_not_delegated: { status: 403, title: 'The partner of this app does not act for customers (it lacks the delegated capability)' },
  connection_not_found: { status: 404, title: 'Connected app not found' },
  ciba_request_not_found: { status: 404, title: 'Consent request not found' },
  ciba_request_decided: { status: 409, title: 'This consent request is no longer waiting' },
  ciba_mfa_required: { status: 403, title: 'Your organization requires a second factor to approve partner access' },
  interaction_expired: { status: 400, title: 'The sign-in request has expired; start again from the app' },
  interaction_token_invalid: { status: 403, title: 'The form token is not valid; reload the page' },
});
