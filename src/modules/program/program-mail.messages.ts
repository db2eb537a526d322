/**
 * The words of a public sign-up's e-mails (program-mail.ts), in the catalog of the server's messages: the
 * recipient reads them in their own language, else their organization's, else the language of the browser
 * that signed up, else English.
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const pm = defineMessages({
  doneSubject: { id: 'mail.signup.done.subject', defaultMessage: 'Your organization was created on Partnergate' },
  hello: { id: 'mail.signup.hello', defaultMessage: 'Hello,' },
  helloName: { id: 'mail.signup.hello_name', defaultMessage: 'Hello {name},' },
  doneCreated: { id: 'mail.signup.done.created', defaultMessage: 'Your organization was created on Partnergate, and you are its administrator.' },
  doneSignIn: { id: 'mail.signup.done.sign_in', defaultMessage: 'Sign in with this address and the password you chose.' },
  signIn: { id: 'mail.signup.sign_in', defaultMessage: 'Sign in' },
  doneFooter: { id: 'mail.signup.done.footer', defaultMessage: 'You get this message because {email} was used to sign an organization up on Partnergate. If that was not you, tell the platform operator.' },
  existingSubject: { id: 'mail.signup.existing.subject', defaultMessage: 'Someone tried to sign up with your address' },
  existingTried: {
    id: 'mail.signup.existing.tried',
    defaultMessage: 'Someone used your address to sign a new organization up on Partnergate. Your address already has an account, so no new account and no organization were created.',
  },
  existingIfYou: { id: 'mail.signup.existing.if_you', defaultMessage: 'If it was you, sign in with your existing password instead (you can reset it from the sign-in page if you forgot it).' },
  existingIfNot: { id: 'mail.signup.existing.if_not', defaultMessage: 'If it was not you, you can ignore this message: nothing changed on your account.' },
  existingFooter: { id: 'mail.signup.existing.footer', defaultMessage: 'You get this message because {email} was entered on Partnergate’s sign-up form.' },
});
