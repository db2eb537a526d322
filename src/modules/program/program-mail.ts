/** The e-mails of a public sign-up, in the recipient's language (program-mail.messages.ts). */
import { renderMail } from '../../platform/mail/mail-template.ts';
import { intlFor, say } from '../../platform/i18n/intl.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import { pm } from './program-mail.messages.ts';

const signInUrl = (publicUrl: string | undefined) => `${publicUrl ?? ''}/login`;

/** To a new organization's admin. Nothing the form's sender typed is repeated (the address may not be theirs). */
export function signupDoneMail(email: string, publicUrl: string | undefined, locale: Locale = DEFAULT_LOCALE) {
  const intl = intlFor(locale);
  return renderMail({
    to: email,
    subject: say(intl, pm.doneSubject),
    greeting: say(intl, pm.hello),
    paragraphs: [say(intl, pm.doneCreated), say(intl, pm.doneSignIn)],
    action: { label: say(intl, pm.signIn), url: signInUrl(publicUrl) },
    footer: say(intl, pm.doneFooter, { email }),
  });
}

/** To the owner of an address that already has an account, instead of a second account. */
export function signupExistingMail(user: { email: string; name: string }, publicUrl: string | undefined, locale: Locale = DEFAULT_LOCALE) {
  const intl = intlFor(locale);
  return renderMail({
    to: user.email,
    subject: say(intl, pm.existingSubject),
    greeting: say(intl, pm.helloName, { name: user.name }),
    paragraphs: [say(intl, pm.existingTried), say(intl, pm.existingIfYou), say(intl, pm.existingIfNot)],
    action: { label: say(intl, pm.signIn), url: signInUrl(publicUrl) },
    footer: say(intl, pm.existingFooter, { email: user.email }),
  });
}
