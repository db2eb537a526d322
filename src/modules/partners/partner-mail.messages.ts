/**
 * The words of a public partner application's e-mails (partner-mail.ts), in the catalog of the server's
 * messages: the recipient reads them in their own language, else their organization's, else the language of
 * the browser that sent the application, else English.
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const am = defineMessages({
  receivedSubject: { id: 'mail.partner_application.received.subject', defaultMessage: 'Your partner application was received' },
  hello: { id: 'mail.partner_application.hello', defaultMessage: 'Hello,' },
  helloName: { id: 'mail.partner_application.hello_name', defaultMessage: 'Hello {name},' },
  receivedThanks: {
    id: 'mail.partner_application.received.thanks',
    defaultMessage: 'Thank you for applying to become a partner on Partnergate. A platform operator reviews every application; once it is approved you can invite your team and start working with customers.',
  },
  receivedSignIn: { id: 'mail.partner_application.received.sign_in', defaultMessage: 'Sign in with this address and the password you chose to follow your application.' },
  signIn: { id: 'mail.partner_application.sign_in', defaultMessage: 'Sign in' },
  receivedFooter: {
    id: 'mail.partner_application.received.footer',
    defaultMessage: 'You get this message because {email} was used to apply as a partner on Partnergate. If that was not you, tell the platform operator.',
  },
  existingSubject: { id: 'mail.partner_application.existing.subject', defaultMessage: 'Someone tried to apply as a partner with your address' },
  existingTried: {
    id: 'mail.partner_application.existing.tried',
    defaultMessage: 'Someone used your address to apply as a partner on Partnergate. Your address already has an account, so no new account and no application were created.',
  },
  existingIfYou: {
    id: 'mail.partner_application.existing.if_you',
    defaultMessage: 'If it was you, sign in with your existing password (or reset it from the sign-in page if you forgot it) and ask the platform operator to make your organization a partner.',
  },
  existingIfNot: { id: 'mail.partner_application.existing.if_not', defaultMessage: 'If it was not you, you can ignore this message: nothing changed on your account.' },
  existingFooter: { id: 'mail.partner_application.existing.footer', defaultMessage: 'You get this message because {email} was entered on Partnergate’s partner application form.' },
});
