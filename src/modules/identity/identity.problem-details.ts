/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  sendCsrfTokenFrom: { id: 'problem.csrf_token_invalid.send_csrf_token_from_login', defaultMessage: "Send the csrf_token from the login response in the x-csrf-token header." },
  currentPasswordWrong: { id: 'problem.invalid_credentials.current_password_wrong', defaultMessage: "The current password is wrong." },
  accountEmailAlreadyExists: { id: 'problem.invitation_login_required.account_email_already_exists_log', defaultMessage: "An account with this email already exists: log in with it, then accept the invitation." },
  authenticatorAppAlreadySet: { id: 'problem.mfa_already_enabled.authenticator_app_already_set_up', defaultMessage: "An authenticator app is already set up. Remove it first to set up another." },
  passkeyRequestHasExpired: { id: 'problem.mfa_challenge_expired.passkey_request_has_expired_start', defaultMessage: "This passkey request has expired. Start again." },
  signHasExpiredEnter: { id: 'problem.mfa_challenge_expired.sign_has_expired_enter_email', defaultMessage: "This sign-in has expired. Enter your email and password again." },
  signWasCompletedAlready: { id: 'problem.mfa_challenge_expired.sign_was_completed_already_enter', defaultMessage: "This sign-in was completed already. Enter your email and password again." },
  codeNotRightEnter: { id: 'problem.mfa_code_invalid.code_not_right_enter_6', defaultMessage: "That code is not right. Enter the 6-digit code your app shows now." },
  codeNotRightWas: { id: 'problem.mfa_code_invalid.code_not_right_was_used', defaultMessage: "That code is not right, or was used already. Enter the 6-digit code your app shows now." },
  recoveryCodeNotRight: { id: 'problem.mfa_code_invalid.recovery_code_not_right_was', defaultMessage: "That recovery code is not right, or was used already." },
  noAuthenticatorAppSet: { id: 'problem.mfa_not_enrolled.no_authenticator_app_set_up', defaultMessage: "No authenticator app is set up." },
  setUpAuthenticatorApp: { id: 'problem.mfa_not_enrolled.set_up_authenticator_app_passkey', defaultMessage: "Set up an authenticator app or a passkey first." },
  startSettingUpAuthenticator: { id: 'problem.mfa_not_enrolled.start_setting_up_authenticator_app', defaultMessage: "Start setting up the authenticator app first." },
  notMemberPartnerOrganization: { id: 'problem.not_partner_member.not_member_partner_organization', defaultMessage: "You are not a member of a partner organization." },
  passkeyAlreadyRegistered: { id: 'problem.passkey_invalid.passkey_already_registered', defaultMessage: "This passkey is already registered." },
  passkeyCouldNotVerified: { id: 'problem.passkey_invalid.passkey_could_not_verified_try', defaultMessage: "The passkey could not be verified. Try adding it again." },
  passkeyInvalidPasskeyCouldNotVerified: { id: 'problem.passkey_invalid.passkey_could_not_verified_try_2', defaultMessage: "The passkey could not be verified. Try again." },
  passkeyNotRegisteredAccount: { id: 'problem.passkey_invalid.passkey_not_registered_account_use', defaultMessage: "This passkey is not registered for this account. Use another one, or a code." },
  noPasskeyRegisteredAccount: { id: 'problem.passkey_not_found.no_passkey_registered_account', defaultMessage: "No passkey is registered for this account." },
  accountDisabledEnableBefore: { id: 'problem.password_reset_invalid.account_disabled_enable_before_sending', defaultMessage: "This account is disabled: enable it before sending a reset link." },
  linkWasUsedAlready: { id: 'problem.password_reset_invalid.link_was_used_already_ask', defaultMessage: "This link was used already. Ask for a new one." },
  linkWrongWasUsed: { id: 'problem.password_reset_invalid.link_wrong_was_used_already', defaultMessage: "This link is wrong, was used already or has expired. Ask for a new one." },
  signAttemptsCannotCounted: { id: 'problem.rate_limiter_unavailable.sign_attempts_cannot_counted_right', defaultMessage: "Sign-in attempts cannot be counted right now, so none is checked. Try again shortly." },
  confirmEnterCodeFrom: { id: 'problem.step_up_required.confirm_enter_code_from_authenticator', defaultMessage: "Confirm it is you: enter a code from your authenticator app or use a passkey, then try again." },
  confirmSecondFactorSign: { id: 'problem.step_up_required.confirm_second_factor_sign_portal', defaultMessage: "Confirm it is you with your second factor: sign in to the portal." },
  stepUpMadePortal: { id: 'problem.step_up_required.step_up_made_portal_session', defaultMessage: "A step-up is made in a portal session." },
  accountDisabledContactAdministrator: { id: 'problem.user_inactive.account_disabled_contact_administrator', defaultMessage: "This account is disabled. Contact your administrator." },
  userHasNotAccepted: { id: 'problem.user_not_found.user_has_not_accepted_invitation', defaultMessage: "The user has not accepted the invitation yet." },
  tooManyFailedLogins: { id: 'problem.login_throttled.too_many_failed_logins', defaultMessage: "Too many failed logins. Try again in {retry, plural, one {# second} other {# seconds}}." },
  tooManyResetLinks: { id: 'problem.password_reset_throttled.too_many_reset_links', defaultMessage: "Too many reset links were asked for. Try again in {minutes, plural, one {# minute} other {# minutes}}." },
});
