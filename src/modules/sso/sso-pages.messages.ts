/**
 * The words of single sign-on's own pages (sso-pages.ts), in the catalog of the server's messages: a refused
 * company sign-in explained to the person in front of the screen, and the owner's test sign-in result.
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const m = defineMessages({
  titleSuffix: { id: 'sso_pages.title', defaultMessage: '{page} · {product}' },
  back: { id: 'sso_pages.back_to_sign_in', defaultMessage: 'Back to sign-in' },
  reference: { id: 'sso_pages.reference', defaultMessage: 'If you ask for help, mention this reference: {code} · {request}' },

  invalidTitle: { id: 'sso_pages.response_invalid.title', defaultMessage: 'We could not verify your company sign-in' },
  invalidBody: {
    id: 'sso_pages.response_invalid.body',
    defaultMessage: 'Your company’s sign-in service sent an answer we could not check. Try again; if it keeps happening, ask your administrator to look at the single sign-on settings.',
  },
  expiredTitle: { id: 'sso_pages.response_expired.title', defaultMessage: 'Your company sign-in took too long' },
  expiredBody: { id: 'sso_pages.response_expired.body', defaultMessage: 'The answer from your company’s sign-in arrived after it had expired. Start again from the sign-in page.' },
  replayedTitle: { id: 'sso_pages.response_replayed.title', defaultMessage: 'This sign-in was already used' },
  replayedBody: { id: 'sso_pages.response_replayed.body', defaultMessage: 'Each sign-in works once. Start again from the sign-in page.' },
  audienceTitle: { id: 'sso_pages.wrong_audience.title', defaultMessage: 'Your company sign-in answered for another application' },
  audienceBody: {
    id: 'sso_pages.wrong_audience.body',
    defaultMessage: 'The answer was meant for a different application. Ask your administrator to check the client ID in the single sign-on settings.',
  },
  unsolicitedTitle: { id: 'sso_pages.unsolicited.title', defaultMessage: 'This sign-in was not started here' },
  unsolicitedBody: {
    id: 'sso_pages.unsolicited.body',
    defaultMessage: 'We did not start this sign-in, or it belongs to another attempt, or it waited too long. Start again from the sign-in page.',
  },
  noEmailTitle: { id: 'sso_pages.missing_email.title', defaultMessage: 'Your company sign-in did not say who you are' },
  noEmailBody: { id: 'sso_pages.missing_email.body', defaultMessage: 'It did not send your e-mail address. Ask your administrator to release the e-mail claim to this application.' },
  unreachableTitle: { id: 'sso_pages.provider_unreachable.title', defaultMessage: 'Your company sign-in cannot be reached' },
  unreachableBody: {
    id: 'sso_pages.provider_unreachable.body',
    defaultMessage: 'We could not reach your company’s sign-in service. Try again in a few minutes. Your organization’s break-glass owner can still sign in with a password.',
  },
  refusedTitle: { id: 'sso_pages.provider_refused.title', defaultMessage: 'Your company sign-in did not let you in' },
  refusedBody: {
    id: 'sso_pages.provider_refused.body',
    defaultMessage: 'Your company’s sign-in service refused or cancelled the sign-in. If you think you should have access, ask your administrator.',
  },
  offTitle: { id: 'sso_pages.connection_unavailable.title', defaultMessage: 'Company sign-in is switched off' },
  offBody: {
    id: 'sso_pages.connection_unavailable.body',
    defaultMessage: 'Single sign-on for your organization is switched off at the moment. Sign in with your password, or ask your administrator.',
  },
  domainTitle: { id: 'sso_pages.email_not_on_verified_domain.title', defaultMessage: 'Your address is not on your organization’s verified domains' },
  domainBody: {
    id: 'sso_pages.email_not_on_verified_domain.body',
    defaultMessage: 'Only addresses on a domain your organization has proved it owns can join by company sign-in. Ask your administrator to verify your domain or to invite you.',
  },
  conflictTitle: { id: 'sso_pages.account_conflict.title', defaultMessage: 'This address cannot be used with your company sign-in' },
  conflictBody: {
    id: 'sso_pages.account_conflict.body',
    defaultMessage:
      'Your e-mail address belongs to an account that your organization’s sign-in may not use (an operator, or a member of another organization), or your organization may not give the role it maps you to. Contact your administrator.',
  },
  disabledTitle: { id: 'sso_pages.account_disabled.title', defaultMessage: 'Your account is turned off' },
  disabledBody: { id: 'sso_pages.account_disabled.body', defaultMessage: 'Your account here is turned off. Contact your administrator.' },
  otherBrowserTitle: { id: 'sso_pages.flow_other_browser.title', defaultMessage: 'This sign-in was started in another browser' },
  otherBrowserBody: {
    id: 'sso_pages.flow_other_browser.body',
    defaultMessage:
      'A company sign-in must finish in the browser where it began, so that nobody can sign you in to their account without you noticing. Start again from the sign-in page in this browser.',
  },
  notRoutedTitle: { id: 'sso_pages.not_routed.title', defaultMessage: 'No company sign-in for this address' },
  notRoutedBody: {
    id: 'sso_pages.not_routed.body',
    defaultMessage: 'Your e-mail address is not on a domain that signs in with a company account here. Sign in with your password instead.',
  },

  signedOutTitle: { id: 'sso_pages.signed_out.title', defaultMessage: 'You are signed out' },
  signedOutBody: { id: 'sso_pages.signed_out.body', defaultMessage: 'Your company’s sign-in service signed you out, and your session here has ended too.' },
  logoutUnconfirmedTitle: { id: 'sso_pages.logout_unconfirmed.title', defaultMessage: 'You are signed out here' },
  logoutUnconfirmedBody: {
    id: 'sso_pages.logout_unconfirmed.body',
    defaultMessage: 'Your session here has ended. Your company’s sign-in service did not confirm that it signed you out there too: close your browser to be sure.',
  },
  logoutRefusedTitle: { id: 'sso_pages.logout_refused.title', defaultMessage: 'This sign-out request could not be checked' },
  logoutRefusedBody: {
    id: 'sso_pages.logout_refused.body',
    defaultMessage: 'A request to sign someone out arrived that did not come, as we could verify, from your company’s sign-in service, or it had expired or was already used. Nobody was signed out.',
  },
  signInAgain: { id: 'sso_pages.sign_in_again', defaultMessage: 'Sign in again' },
  formPostTitle: { id: 'sso_pages.logout_form_post.title', defaultMessage: 'Finishing your sign-out' },
  formPostBody: {
    id: 'sso_pages.logout_form_post.body',
    defaultMessage: 'You are signed out here. Your browser now goes on to your company’s sign-in service to finish signing out there. If nothing happens, press the button.',
  },
  formPostButton: { id: 'sso_pages.logout_form_post.button', defaultMessage: 'Continue to your company’s sign-in' },

  testTitle: { id: 'sso_pages.test.title', defaultMessage: 'Test sign-in result' },
  testHeading: { id: 'sso_pages.test.heading', defaultMessage: 'Test sign-in: what your provider said' },
  wouldRefuse: { id: 'sso_pages.test.would_refuse', defaultMessage: 'A real sign-in would be refused:' },
  wouldWork: {
    id: 'sso_pages.test.would_work',
    defaultMessage:
      '{person, select, new {A real sign-in would work. This person would be added to your organization on their first sign-in.} other {A real sign-in would work. This person already has an account here.}}',
  },
  email: { id: 'sso_pages.test.email', defaultMessage: 'E-mail address' },
  name: { id: 'sso_pages.test.name', defaultMessage: 'Name' },
  notSent: { id: 'sso_pages.test.not_sent', defaultMessage: '(not sent)' },
  groups: { id: 'sso_pages.test.groups', defaultMessage: 'Groups' },
  noneSent: { id: 'sso_pages.test.none_sent', defaultMessage: '(none sent)' },
  matched: { id: 'sso_pages.test.matched_groups', defaultMessage: 'Groups that set the role' },
  noneMatched: { id: 'sso_pages.test.none_matched', defaultMessage: '(none: the default role applies)' },
  role: { id: 'sso_pages.test.role', defaultMessage: 'Role they would get' },
  mfa: { id: 'sso_pages.test.mfa', defaultMessage: 'Second factor at the provider' },
  mfaCounts: { id: 'sso_pages.test.mfa_counts', defaultMessage: 'Yes, and it counts here' },
  mfaIgnored: { id: 'sso_pages.test.mfa_ignored', defaultMessage: 'Yes, but it does not count here (you do not trust the provider’s MFA)' },
  mfaNone: { id: 'sso_pages.test.mfa_none', defaultMessage: 'No' },
  nothingChanged: { id: 'sso_pages.test.nothing_changed', defaultMessage: 'Nobody was created and nothing changed. You can close this window.' },
});
