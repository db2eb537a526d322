/** The e-mails of a public partner application. */
import { renderMail } from '../../platform/mail/mail-template.ts';

const signInUrl = (publicUrl: string | undefined) => `${publicUrl ?? ''}/login`;

/** To a new applicant. Nothing the form's sender typed is repeated (the address may not be theirs). */
export function applicationReceivedMail(email: string, publicUrl: string | undefined) {
  return renderMail({
    to: email,
    subject: 'Your partner application was received',
    greeting: 'Hello,',
    paragraphs: [
      'Thank you for applying to become a partner on Partnergate. A platform operator reviews every application; once it is approved you can invite your team and start working with customers.',
      'Sign in with this address and the password you chose to follow your application.',
    ],
    action: { label: 'Sign in', url: signInUrl(publicUrl) },
    footer: `You get this message because ${email} was used to apply as a partner on Partnergate. If that was not you, tell the platform operator.`,
  });
}

/** To the owner of an address that already has an account, instead of a second account. */
export function existingAccountMail(user: { email: string; name: string }, publicUrl: string | undefined) {
  return renderMail({
    to: user.email,
    subject: 'Someone tried to apply as a partner with your address',
    greeting: `Hello ${user.name},`,
    paragraphs: [
      'Someone used your address to apply as a partner on Partnergate. Your address already has an account, so no new account and no application were created.',
      'If it was you, sign in with your existing password (or reset it from the sign-in page if you forgot it) and ask the platform operator to make your organization a partner.',
      'If it was not you, you can ignore this message: nothing changed on your account.',
    ],
    action: { label: 'Sign in', url: signInUrl(publicUrl) },
    footer: `You get this message because ${user.email} was entered on Partnergate's partner application form.`,
  });
}
