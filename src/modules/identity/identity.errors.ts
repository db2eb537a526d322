import { defineErrors } from '../../platform/errors/app-error.ts';

export const identityErrors = defineErrors('identity', {
  invalid_credentials: { status: 401, title: 'Email or password is wrong' },
  session_expired: { status: 401, title: 'The session has expired' },
  invalid_token: { status: 401, title: 'The bearer token is not valid' },
  csrf_token_invalid: { status: 403, title: 'Missing or wrong CSRF token' },
  login_throttled: { status: 429, title: 'Too many failed logins' },
  password_too_weak: { status: 400, title: 'The password does not meet the policy' },
  email_taken: { status: 409, title: 'A user with this email already exists' },
  invitation_invalid: { status: 404, title: 'The invitation does not exist, was used or has expired' },
  invitation_not_found: { status: 404, title: 'Invitation not found' },
  invitation_login_required: { status: 409, title: 'Log in with your existing account to accept this invitation' },
  api_token_not_found: { status: 404, title: 'API token not found' },
  user_not_found: { status: 404, title: 'User not found' },
  cannot_disable_self: { status: 409, title: 'You cannot disable your own account' },
});
