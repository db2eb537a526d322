/**
 * The words of notices and their e-mails (notification-text.ts), in the catalog of the server's messages:
 * each recipient reads them in their own language. `{actor}` is `none` when nobody is named.
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const m = defineMessages({
  aCustomer: { id: 'notice.a_customer', defaultMessage: 'a customer' },
  aPartner: { id: 'notice.a_partner', defaultMessage: 'a partner' },
  reason: { id: 'notice.reason', defaultMessage: 'Reason given: “{reason}”.' },

  requestedTitle: { id: 'notice.delegation_requested.title', defaultMessage: '{partner} asks for access to {tenant}' },
  requestedBody: { id: 'notice.delegation_requested.body', defaultMessage: '{partner} asked for the “{role}” role until {until}.' },
  requestedAction: { id: 'notice.delegation_requested.action', defaultMessage: 'Approve or reject it on the partner access page.' },
  createdTitle: { id: 'notice.delegation_created.title', defaultMessage: '{partner} was given access to {tenant}' },
  createdBody: {
    id: 'notice.delegation_created.body',
    defaultMessage: '{actor, select, none {Access with the “{role}” role was granted, until {until}.} other {Access with the “{role}” role was granted by {actor}, until {until}.}}',
  },
  approvedTitle: { id: 'notice.delegation_approved.title', defaultMessage: '{tenant} approved your access request' },
  approvedBody: {
    id: 'notice.delegation_approved.body',
    defaultMessage: '{actor, select, none {You now have the “{role}” role at {tenant}, until {until}.} other {You now have the “{role}” role at {tenant} by {actor}, until {until}.}}',
  },
  rejectedTitle: { id: 'notice.delegation_rejected.title', defaultMessage: '{tenant} rejected your access request' },
  rejectedBody: {
    id: 'notice.delegation_rejected.body',
    defaultMessage: '{actor, select, none {The request for the “{role}” role was rejected.} other {The request for the “{role}” role was rejected by {actor}.}}',
  },
  revokedTitle: { id: 'notice.delegation_revoked.title', defaultMessage: 'Access of {partner} to {tenant} was revoked' },
  revokedBody: {
    id: 'notice.delegation_revoked.body',
    defaultMessage: '{actor, select, none {The “{role}” access was revoked; it no longer works.} other {The “{role}” access was revoked by {actor}; it no longer works.}}',
  },
  expiringTitle: { id: 'notice.delegation_expiring.title', defaultMessage: 'Access of {partner} to {tenant} ends in {days, plural, one {# day} other {# days}}' },
  expiringBody: { id: 'notice.delegation_expiring.body', defaultMessage: 'The “{role}” access ends on {until}. Renew it before then if it is still needed.' },
  expiredTitle: { id: 'notice.delegation_expired.title', defaultMessage: 'Access of {partner} to {tenant} ended' },
  expiredBody: { id: 'notice.delegation_expired.body', defaultMessage: 'The “{role}” access reached its end date.' },
  extendedTitle: { id: 'notice.delegation_extended.title', defaultMessage: 'Access of {partner} to {tenant} was extended' },
  extendedBody: { id: 'notice.delegation_extended.body', defaultMessage: 'The “{role}” access now ends on {until}.' },
  activatedTitle: { id: 'notice.delegation_activated.title', defaultMessage: '{partner} activated eligible access to {tenant}' },
  activatedBody: {
    id: 'notice.delegation_activated.body',
    defaultMessage: '{actor, select, none {The “{role}” role is active until {until}.} other {The “{role}” role is active by {actor} until {until}.}}',
  },
  consentRequestedTitle: { id: 'notice.consent_requested.title', defaultMessage: 'An app of {partner} asks to act for {tenant}' },
  consentRequestedBody: {
    id: 'notice.consent_requested.body',
    defaultMessage: 'The app asked without a browser (CIBA): open the consent requests to see what it asks, for how long, and approve or refuse it. The request expires within minutes.',
  },
  consentGrantedTitle: { id: 'notice.consent_granted.title', defaultMessage: '{tenant} allowed an app of {partner}' },
  consentGrantedBody: {
    id: 'notice.consent_granted.body',
    defaultMessage: '{actor, select, none {An app of {partner} may now act for {tenant}.} other {An app of {partner} may now act for {tenant} by {actor}.}}',
  },
  consentRevokedTitle: { id: 'notice.consent_revoked.title', defaultMessage: 'An app of {partner} lost its permission at {tenant}' },
  consentRevokedBody: {
    id: 'notice.consent_revoked.body',
    defaultMessage: '{actor, select, none {The app can no longer act for {tenant}.} other {The app can no longer act for {tenant} by {actor}.}}',
  },
  appliedTitle: { id: 'notice.partner_applied.title', defaultMessage: '{partner} applied to become a partner' },
  appliedBody: { id: 'notice.partner_applied.body', defaultMessage: 'Review the application, then approve it with the capabilities it may use, or reject it.' },
  partnerApprovedTitle: { id: 'notice.partner_approved.title', defaultMessage: '{partner} was approved' },
  partnerApprovedBody: { id: 'notice.partner_approved.body', defaultMessage: 'Your partner organization is active.' },
  canNothing: { id: 'notice.partner_approved.get_started', defaultMessage: 'Open your partner home to get started.' },
  canDo: { id: 'notice.partner_approved.can_do', defaultMessage: 'You can now {things}.' },
  canManage: { id: 'notice.partner_approved.can.manage', defaultMessage: 'ask customers for access to manage them' },
  canApps: { id: 'notice.partner_approved.can.apps', defaultMessage: 'register apps that customers connect' },
  canResell: { id: 'notice.partner_approved.can.resell', defaultMessage: 'set up the customers you resell' },
  canRefer: { id: 'notice.partner_approved.can.refer', defaultMessage: 'share referral codes with the organizations you refer' },
  signedUpTitle: { id: 'notice.referral_signed_up.title', defaultMessage: '{tenant} signed up with your code {code}' },
  signedUpBody: {
    id: 'notice.referral_signed_up.body',
    defaultMessage:
      '{label, select, none {{tenant} signed up through your referral code. It earns you commission once it pays its invoices, under your agreement.} other {{tenant} signed up through your referral code “{label}”. It earns you commission once it pays its invoices, under your agreement.}}',
  },
  agreementTitle: { id: 'notice.agreement_approved.title', defaultMessage: 'Your program agreement was approved' },
  agreementBody: {
    id: 'notice.agreement_approved.body',
    defaultMessage: 'The platform approved “{agreement}” (version {version}). It is your current agreement: earnings are computed under its terms from now on.',
  },
  theAgreement: { id: 'notice.agreement_approved.the_agreement', defaultMessage: 'the agreement' },
  payoutTitle: { id: 'notice.payout_recorded.title', defaultMessage: 'A payout of {amount} was recorded' },
  payoutBody: {
    id: 'notice.payout_recorded.body',
    defaultMessage: 'The platform paid you {amount} on {date} (reference {reference}), for {lines, plural, one {# earnings line} other {# earnings lines}}.',
  },
  suspendedTitle: { id: 'notice.partner_suspended.title', defaultMessage: '{partner} was suspended' },
  suspendedBody: { id: 'notice.partner_suspended.body', defaultMessage: 'None of your access works until the platform operator reactivates you.' },
  reactivatedTitle: { id: 'notice.partner_reactivated.title', defaultMessage: '{partner} was reactivated' },
  reactivatedBody: { id: 'notice.partner_reactivated.body', defaultMessage: 'Your access works again.' },
  terminatedTitle: { id: 'notice.partner_terminated.title', defaultMessage: 'The partnership of {partner} ended' },
  terminatedBody: { id: 'notice.partner_terminated.body', defaultMessage: 'Every access of your organization was revoked.' },
  alertAt: { id: 'notice.alert.at', defaultMessage: '{alert} at {tenant}' },
  anAlertAt: { id: 'notice.alert.an_alert_at', defaultMessage: 'an alert at {tenant}' },
  alertTitle: {
    id: 'notice.alert.title',
    defaultMessage: '{event, select, raised {{from, select, none {Alert: {what}} other {Alert from {from}: {what}}}} other {{from, select, none {Resolved: {what}} other {Resolved from {from}: {what}}}}}',
  },
  alertHidden: { id: 'notice.alert.hidden', defaultMessage: 'An alert was raised for {tenant}; open Alerts to see it.' },
  alertSeverity: { id: 'notice.alert.severity', defaultMessage: '(severity: {severity, select, critical {critical} warning {warning} other {{severity}}})' },
  endpointOffTitle: { id: 'notice.webhook_endpoint_disabled.title', defaultMessage: 'A webhook endpoint was turned off' },
  endpointOffBody: {
    id: 'notice.webhook_endpoint_disabled.body',
    defaultMessage: '{endpoint} failed {failures} times in a row and was turned off. Deliveries wait until you turn it back on.',
  },
  domainLostTitle: { id: 'notice.domain_verification_lost.title', defaultMessage: '{domain} is no longer verified' },
  domainLostBody: {
    id: 'notice.domain_verification_lost.body',
    defaultMessage: 'The regular check no longer found its DNS TXT record ({reason}). Its people are not sent to your company sign-in until the record is published again and checked.',
  },
  aDomain: { id: 'notice.domain.a_domain', defaultMessage: 'A sign-in domain' },
  aDomainLower: { id: 'notice.domain.a_domain_lower', defaultMessage: 'a sign-in domain' },
  noRecord: { id: 'notice.domain.no_record', defaultMessage: 'no record' },
  dnsTitle: { id: 'notice.domain_dns_unanswered.title', defaultMessage: 'DNS does not answer for {domain}' },
  dnsBody: {
    id: 'notice.domain_dns_unanswered.body',
    defaultMessage: 'The regular check could not get an answer about its DNS TXT record. It stays verified, and your company sign-in keeps working, until {until}; check your DNS before then.',
  },
  fewDays: { id: 'notice.domain_dns_unanswered.few_days', defaultMessage: 'a few days from now' },

  hello: { id: 'mail.hello', defaultMessage: 'Hello {name},' },
  open: { id: 'mail.open', defaultMessage: 'Open in Partnergate' },
  footer: {
    id: 'mail.footer.preferences',
    defaultMessage: 'You get this e-mail because of your notification settings in Partnergate (Your account → Notifications), where you can turn it off.',
  },
  footerListed: {
    id: 'mail.footer.listed',
    defaultMessage:
      'You get this e-mail because this address is listed to be told of alerts in the settings of a partner’s access to a customer in Partnergate; whoever manages those settings can remove it.',
  },
});
