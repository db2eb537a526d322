/**
 * The words of the password-reset e-mail (password-reset.service.ts), in the catalog of the server's
 * messages: the person reads it in their own language, else their organization's, else the language of the
 * browser that asked for the link.
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const rm = defineMessages({
  subject: { id: 'mail.password_reset.subject', defaultMessage: 'Reset your Partnergate password' },
  hello: { id: 'mail.password_reset.hello', defaultMessage: 'Hello {name},' },
  byOperator: { id: 'mail.password_reset.by_operator', defaultMessage: 'An administrator of Partnergate sent you this link so you can choose a new password.' },
  byYou: { id: 'mail.password_reset.by_you', defaultMessage: 'Someone (we hope you) asked to reset the password of your Partnergate account.' },
  once: {
    id: 'mail.password_reset.once',
    defaultMessage: 'The link works once, for {minutes, plural, one {# minute} other {# minutes}}. Choosing a new password signs you out everywhere.',
  },
  ignore: { id: 'mail.password_reset.ignore', defaultMessage: 'If you did not ask for this, ignore this message: your password stays as it is.' },
  action: { id: 'mail.password_reset.action', defaultMessage: 'Choose a new password' },
  footer: { id: 'mail.password_reset.footer', defaultMessage: 'You get this message because a password reset was asked for {email} on Partnergate.' },
});
