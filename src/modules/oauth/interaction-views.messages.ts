/**
 * The words of the authorization server's own pages (sign in, consent, errors, sign out), in the catalog of
 * the server's messages (platform/i18n). `<b>…</b>` marks words shown in bold, `<em>…</em>` a name of a
 * portal page; every value put into a message is escaped first (interaction-views.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const m = defineMessages({
  poweredBy: { id: 'oauth_pages.powered_by', defaultMessage: 'powered by {provider}' },
  titleSuffix: { id: 'oauth_pages.title', defaultMessage: '{page} · {product}' },
  support: { id: 'oauth_pages.footer.support', defaultMessage: 'Help: {email}' },
  terms: { id: 'oauth_pages.footer.terms', defaultMessage: 'Terms' },
  privacy: { id: 'oauth_pages.footer.privacy', defaultMessage: 'Privacy' },

  signInTitle: { id: 'oauth_pages.sign_in.title', defaultMessage: 'Sign in' },
  signInHeading: { id: 'oauth_pages.sign_in.heading', defaultMessage: 'Sign in to connect {app}' },
  signInIntro: {
    id: 'oauth_pages.sign_in.intro',
    defaultMessage: "{partner} asks for access to your organisation's account. Sign in with your {product} account — never give your password to the partner.",
  },
  continueAs: { id: 'oauth_pages.sign_in.continue_as', defaultMessage: 'Continue as {email}' },
  orAnother: { id: 'oauth_pages.sign_in.or_another', defaultMessage: 'or sign in with another account' },
  email: { id: 'oauth_pages.sign_in.email', defaultMessage: 'Email' },
  password: { id: 'oauth_pages.sign_in.password', defaultMessage: 'Password' },
  signIn: { id: 'oauth_pages.sign_in.submit', defaultMessage: 'Sign in' },
  cancel: { id: 'oauth_pages.sign_in.cancel', defaultMessage: 'Cancel and return to the app' },
  theApp: { id: 'oauth_pages.the_app', defaultMessage: 'the app' },
  aPartner: { id: 'oauth_pages.a_partner', defaultMessage: 'A partner' },

  connectTitle: { id: 'oauth_pages.consent.title', defaultMessage: 'Connect {app}' },
  verified: { id: 'oauth_pages.consent.verified', defaultMessage: 'Verified partner' },
  verifiedOn: { id: 'oauth_pages.consent.verified_on', defaultMessage: 'Approved by the platform operator on {date}' },
  byPartner: { id: 'oauth_pages.consent.by_partner', defaultMessage: 'by <b>{partner}</b>' },
  signedInAs: {
    id: 'oauth_pages.consent.signed_in_as',
    defaultMessage: 'Signed in as <b>{email}</b>. {partner} asks to act for your organisation through this app. It will never see your password.',
  },
  actingFor: { id: 'oauth_pages.consent.acting_for', defaultMessage: 'Acting for <b>{tenant}</b>.' },
  switchTo: { id: 'oauth_pages.consent.switch_to', defaultMessage: 'Switch to:' },
  replaces: {
    id: 'oauth_pages.consent.replaces',
    defaultMessage:
      '<b>{app} is already connected to {tenant}</b> (since {since}, until {until}). Approving replaces that connection: it ends now, and from then on the app has only what you approve on this page.',
  },
  ableTo: { id: 'oauth_pages.consent.able_to', defaultMessage: 'It will be able to' },
  onlyConfirm: { id: 'oauth_pages.consent.only_confirm', defaultMessage: 'Only confirm that you approved the connection' },
  offline: { id: 'oauth_pages.consent.offline', defaultMessage: 'It keeps this access while you are away, until the connection ends or you revoke it.' },
  onAccounts: { id: 'oauth_pages.consent.on_accounts', defaultMessage: 'On these billing accounts' },
  billTo: { id: 'oauth_pages.consent.bill_to', defaultMessage: 'Bill what it orders to' },
  howLong: { id: 'oauth_pages.consent.how_long', defaultMessage: 'For how long' },
  duration: { id: 'oauth_pages.consent.duration', defaultMessage: '{years, plural, =0 {{days, plural, one {# day} other {# days}}} one {# year} other {# years}}' },
  revokeAnyTime: {
    id: 'oauth_pages.consent.revoke_any_time',
    defaultMessage: 'You can revoke this at any time under <em>Connected partners</em>. After approving you will be sent back to {host}.',
  },
  deny: { id: 'oauth_pages.consent.deny', defaultMessage: 'Deny' },
  approve: { id: 'oauth_pages.consent.approve', defaultMessage: 'Approve' },
  purposesLegend: { id: 'oauth_pages.consent.purposes', defaultMessage: 'For these purposes only' },
  purposesIntro: { id: 'oauth_pages.consent.purposes_intro', defaultMessage: 'The partner may use this access only for what you tick. You can take back each purpose on its own later.' },

  authorizeTitle: { id: 'oauth_pages.member_consent.title', defaultMessage: 'Authorize {app}' },
  wantsToAct: { id: 'oauth_pages.member_consent.wants_to_act', defaultMessage: '<b>{app}</b> by <b>{partner}</b> wants to act as you, with these permissions:' },
  confirmWho: { id: 'oauth_pages.member_consent.only_confirm', defaultMessage: 'Only confirm who you are' },
  memberSignedIn: {
    id: 'oauth_pages.member_consent.signed_in_as',
    defaultMessage:
      'Signed in as <b>{email}</b> ({role, select, owner {owner} other {staff}} at {partner}). The app names the customer organisation on every request, and can do there only what both your partner\'s access to it and these permissions allow. It never sees your password.',
  },
  memberOffline: {
    id: 'oauth_pages.member_consent.offline',
    defaultMessage: 'It keeps this access while you are away, for up to {days, plural, one {# day} other {# days}}; it ends at once if you leave {partner} or your account is deactivated.',
  },
  sentBack: { id: 'oauth_pages.member_consent.sent_back', defaultMessage: 'After approving you will be sent back to {host}.' },
  onlyFor: { id: 'oauth_pages.member_consent.only_for', defaultMessage: 'It asks to use this access only for:' },

  notAvailableTitle: { id: 'oauth_pages.not_for_customers.title', defaultMessage: 'Not available' },
  ownTeamHeading: { id: 'oauth_pages.not_for_customers.heading', defaultMessage: "{app} is for {partner}'s own team" },
  ownTeamBody: {
    id: 'oauth_pages.not_for_customers.body',
    defaultMessage: 'You are signed in as <b>{email}</b>. {partner} does not act for customer organisations through apps, so this app cannot be connected to yours.',
  },
  returnToApp: { id: 'oauth_pages.return_to_app', defaultMessage: 'Return to the app' },
  adminNeededTitle: { id: 'oauth_pages.not_admin.title', defaultMessage: 'Administrator needed' },
  adminNeededHeading: { id: 'oauth_pages.not_admin.heading', defaultMessage: 'An administrator must approve {app}' },
  adminNeededBody: {
    id: 'oauth_pages.not_admin.body',
    defaultMessage: 'You are signed in as <b>{email}</b>, who is not an administrator of an active customer organisation. Only a tenant administrator can connect a partner app.',
  },

  errorTitle: { id: 'oauth_pages.error.title', defaultMessage: 'Something went wrong' },
  errorHeading: { id: 'oauth_pages.error.heading', defaultMessage: 'This request cannot continue' },
  startAgain: { id: 'oauth_pages.error.start_again', defaultMessage: 'Start again from the app that sent you here.' },
  expired: { id: 'oauth_pages.error.expired', defaultMessage: 'This sign-in request has expired or was already used. Start again from the app.' },
  formExpired: { id: 'oauth_pages.error.form_expired', defaultMessage: 'The form has expired; start again from the app.' },
  formExpiredReload: { id: 'oauth_pages.error.form_expired_reload', defaultMessage: 'The form has expired; reload the page.' },
  unsupportedStep: { id: 'oauth_pages.error.unsupported_step', defaultMessage: '{product} cannot handle the {step} step.' },

  signOutTitle: { id: 'oauth_pages.sign_out.title', defaultMessage: 'Sign out' },
  signOutHeading: { id: 'oauth_pages.sign_out.heading', defaultMessage: 'Sign out of {product}?' },
  stay: { id: 'oauth_pages.sign_out.stay', defaultMessage: 'Stay signed in' },
  signOut: { id: 'oauth_pages.sign_out.submit', defaultMessage: 'Sign out' },
  signedOutTitle: { id: 'oauth_pages.signed_out.title', defaultMessage: 'Signed out' },
  signedOutHeading: { id: 'oauth_pages.signed_out.heading', defaultMessage: 'You are signed out' },
  signedOutOf: { id: 'oauth_pages.signed_out.body', defaultMessage: '{app, select, none {You signed out.} other {You signed out of {app}.}}' },
});
