/**
 * The words of the invitation e-mail (notification-text.ts invitationMail), in the catalog of the server's
 * messages: the invitee reads it in their own language when they have an account, else in the inviting
 * organization's default, else in the inviter's browser's (notifications.service.ts queueInvitation).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const im = defineMessages({
  subject: { id: 'mail.invitation.subject', defaultMessage: 'You are invited to join {organization} on Partnergate' },
  hello: { id: 'mail.invitation.hello', defaultMessage: 'Hello,' },
  invited: {
    id: 'mail.invitation.invited',
    defaultMessage:
      '{inviter, select, none {Someone invited you to join {organization} as {role, select, TENANT_ADMIN {an administrator} TENANT_USER {a member} PARTNER_OWNER {an owner} PARTNER_STAFF {a staff member} other {{roleName}}}.} other {{inviter} invited you to join {organization} as {role, select, TENANT_ADMIN {an administrator} TENANT_USER {a member} PARTNER_OWNER {an owner} PARTNER_STAFF {a staff member} other {{roleName}}}.}}',
  },
  expires: {
    id: 'mail.invitation.expires',
    defaultMessage: 'The link works once and until {until}. If you did not expect this, ignore this message.',
  },
  accept: { id: 'mail.invitation.accept', defaultMessage: 'Accept the invitation' },
  footer: { id: 'mail.invitation.footer', defaultMessage: 'You get this e-mail because someone at {organization} entered your address in Partnergate.' },
  anOrganization: { id: 'mail.invitation.an_organization', defaultMessage: 'an organization' },
});
