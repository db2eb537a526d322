/** The e-mails of a public partner application, in the recipient's language (partner-mail.messages.ts). */
import { renderMail } from '../../platform/mail/mail-template.ts';
import { intlFor, say } from '../../platform/i18n/intl.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import { am } from './partner-mail.messages.ts';

const signInUrl = (publicUrl: string | undefined) => `${publicUrl ?? ''}/login`;

/** To a new applicant. Nothing the form's sender typed is repeated (the address may not be theirs). */
export function applicationReceivedMail(email: string, publicUrl: string | undefined, locale: Locale = DEFAULT_LOCALE) {
  const intl = intlFor(locale);
  return renderMail({
    to: email,
    subject: say(intl, am.receivedSubject),
    greeting: say(intl, am.hello),
    paragraphs: [say(intl, am.receivedThanks), say(intl, am.receivedSignIn)],
    action: { label: say(intl, am.signIn), url: signInUrl(publicUrl) },
    footer: say(intl, am.receivedFooter, { email }),
  });
}

/** To the owner of an address that already has an account, instead of a second account. */
export function existingAccountMail(user: { email: string; name: string }, publicUrl: string | undefined, locale: Locale = DEFAULT_LOCALE) {
  const intl = intlFor(locale);
  return renderMail({
    to: user.email,
    subject: say(intl, am.existingSubject),
    greeting: say(intl, am.helloName, { name: user.name }),
    paragraphs: [say(intl, am.existingTried), say(intl, am.existingIfYou), say(intl, am.existingIfNot)],
    action: { label: say(intl, am.signIn), url: signInUrl(publicUrl) },
    footer: say(intl, am.existingFooter, { email: user.email }),
  });
}
