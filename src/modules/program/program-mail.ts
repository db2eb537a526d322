/** The e-mails of a public sign-up. */
import { renderMail } from '../../platform/mail/mail-template.ts';

const signInUrl = (publicUrl: string | undefined) => `${publicUrl ?? ''}/login`;

/** To a new organization's admin. Nothing the form's sender typed is repeated (the address may not be theirs). */
export function signupDoneMail(email: string, publicUrl: string | undefined) {
  return renderMail({
    to: email,
    subject: 'Your organization was created on Partnergate',
    greeting: 'Hello,',
    paragraphs: ['Your organization was created on Partnergate, and you are its administrator.', 'Sign in with this address and the password you chose.'],
    action: { label: 'Sign in', url: signInUrl(publicUrl) },
    footer: `You get this message because ${email} was used to sign an organization up on Partnergate. If that was not you, tell the platform operator.`,
  });
}

/** To the owner of an address that already has an account, instead of a second account. */
export function signupExistingMail(user: { email: string; name: string }, publicUrl: string | undefined) {
  return renderMail({
    to: user.email,
    subject: 'Someone tried to sign up with your address',
    greeting: `Hello ${user.name},`,
    paragraphs: [
      'Someone used your address to sign a new organization up on Partnergate. Your address already has an account, so no new account and no organization were created.',
      'If it was you, sign in with your existing password instead (you can reset it from the sign-in page if you forgot it).',
      'If it was not you, you can ignore this message: nothing changed on your account.',
    ],
    action: { label: 'Sign in', url: signInUrl(publicUrl) },
    footer: `You get this message because ${user.email} was entered on Partnergate's sign-up form.`,
  });
}
